"""The timing invariants of a pod that stops during a rolling update, every value read from
the rendered manifests and the service's own configuration (service.yml), none typed here.

What happens when Kubernetes stops a pod: at once the pod leaves the Service's endpoints, the
AWS Load Balancer Controller starts deregistering its ALB target, and the kubelet runs the
preStop sleep; the pod serves all along. After the sleep the container gets SIGTERM: readiness
turns 503 and the service serves SHUTDOWN_DELAY more, then Jetty finishes in-flight requests
within SHUTDOWN_GRACE_PERIOD. SIGKILL comes at terminationGracePeriodSeconds after the start."""
import pytest

from kubernetes_manifests import (
    ENVIRONMENTS, SERVICE, environment_variables, ingress_annotation, render, seconds, service_default_seconds,
    target_group_attributes, the_container, the_object,
)
from cfn_templates import load_template, the_resource  # noqa: E402  (on the path through kubernetes_manifests)

# The controller sees the pod terminating, calls DeregisterTargets, and the ALB stops routing
# new requests some seconds later; the preStop sleep covers that with room to spare.
DEREGISTRATION_PROPAGATION_SECONDS = 10


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def objects(request):
    return render(request.param)


def drain(objects):
    """The pod's drain: preStop sleep, SHUTDOWN_DELAY, SHUTDOWN_GRACE_PERIOD, in seconds."""
    variables = environment_variables(objects)
    pre_stop = the_container(objects)["lifecycle"]["preStop"]["sleep"]["seconds"]
    return pre_stop, seconds(variables["SHUTDOWN_DELAY"]), seconds(variables["SHUTDOWN_GRACE_PERIOD"])


def test_the_pods_drain_as_the_service_does_everywhere(objects):
    _, delay, grace = drain(objects)
    assert delay == SERVICE["drain"]["shutdown_delay_seconds"]
    assert grace == SERVICE["drain"]["shutdown_grace_seconds"]


def test_sigkill_comes_only_after_the_whole_drain(objects):
    pre_stop, delay, grace = drain(objects)
    grace_period = the_object(objects, "Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    # the kubelet counts the preStop hook inside the grace period
    assert grace_period > pre_stop + delay + grace
    # the contract's stop timeout is the supervisor's: here the kubelet is the supervisor
    assert grace_period == SERVICE["drain"]["stop_timeout_seconds"]


def test_the_pod_serves_until_the_alb_has_stopped_sending(objects):
    pre_stop, delay, _ = drain(objects)
    assert pre_stop >= DEREGISTRATION_PROPAGATION_SECONDS
    # Should the deregistration lag anyway, the ALB's own health check takes the pod out on
    # its readiness 503 before the service stops serving.
    out_of_rotation = int(ingress_annotation(objects, "healthcheck-interval-seconds")) * int(
        ingress_annotation(objects, "unhealthy-threshold-count"))
    assert out_of_rotation < delay
    assert int(ingress_annotation(objects, "healthcheck-timeout-seconds")) < int(
        ingress_annotation(objects, "healthcheck-interval-seconds"))


def test_the_alb_never_cuts_a_request_the_pod_is_still_finishing(objects):
    pre_stop, delay, grace = drain(objects)
    deregistration_delay = int(target_group_attributes(objects)["deregistration_delay.timeout_seconds"])
    assert deregistration_delay >= pre_stop + delay + grace
    assert deregistration_delay < 300, "explicit and short, not the AWS default"


def test_kubernetes_sees_a_draining_pod_unready_before_it_stops_serving(objects):
    _, delay, _ = drain(objects)
    readiness = the_container(objects)["readinessProbe"]
    assert readiness["periodSeconds"] * readiness["failureThreshold"] < delay
    assert readiness["timeoutSeconds"] < readiness["periodSeconds"]


def test_the_alb_health_checks_the_pods_as_it_checks_the_ec2_fleet(objects):
    fleet = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    pods = {"HealthCheckProtocol": ingress_annotation(objects, "healthcheck-protocol"),
            "HealthCheckPort": ingress_annotation(objects, "healthcheck-port"),
            "Matcher": {"HttpCode": ingress_annotation(objects, "success-codes")},
            "HealthCheckIntervalSeconds": int(ingress_annotation(objects, "healthcheck-interval-seconds")),
            "HealthCheckTimeoutSeconds": int(ingress_annotation(objects, "healthcheck-timeout-seconds")),
            "UnhealthyThresholdCount": int(ingress_annotation(objects, "unhealthy-threshold-count")),
            "HealthyThresholdCount": int(ingress_annotation(objects, "healthy-threshold-count"))}
    assert pods == {key: fleet[key] for key in pods}
    attributes = target_group_attributes(objects)
    assert int(attributes["slow_start.duration_seconds"]) >= 30
    assert attributes["load_balancing.algorithm.type"] == "round_robin"


def test_the_alb_closes_idle_connections_before_the_service_does(objects):
    attributes = dict(pair.split("=", 1) for pair in ingress_annotation(objects, "load-balancer-attributes").split(","))
    assert int(attributes["idle_timeout.timeout_seconds"]) < service_default_seconds("IDLE_TIMEOUT")
