"""The manifests as each overlay renders them: valid for the Kubernetes version we target
(kubernetes-validate --strict, which ships the API schemas), kube-score with a reviewed list of
ignored checks, and the settings that make a rolling update drop nothing. The drain timings are
in test_drain_timing.py."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kubernetes_manifests import (
    ENVIRONMENTS, KUBERNETES_DIR, KUBERNETES_VERSION, OVERLAYS_DIR, REPO_ROOT, SERVICE, environment_variables,
    ingress_annotation, render, render_directory, render_namespace, the_container, the_object, tool,
)
import stack_parameters  # noqa: E402  (cloudformation/, on the path through cfn_templates)

KUBERNETES_VALIDATE = Path(sys.executable).parent / "kubernetes-validate"

# kube-score checks left out, each reviewed; test_every_ignored_kube_score_check_is_still_needed
# proves each one would fail without its entry.
KUBE_SCORE_IGNORED = {
    "container-image-pull-policy": "release tags are immutable in ECR (one tag names one image forever), so "
                                   "IfNotPresent always runs the tested image and saves a pull per pod start",
}


@pytest.fixture(scope="module", params=[*ENVIRONMENTS, "namespace"])
def rendered_with_namespace(request, tmp_path_factory):
    """(overlay or 'namespace', objects, the rendered YAML file): what passes validation and kube-score."""
    objects = render_namespace() if request.param == "namespace" else render(request.param)
    path = tmp_path_factory.mktemp(request.param) / "rendered.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    return request.param, objects, path


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def rendered(request, tmp_path_factory):
    """(environment, objects, the rendered YAML file)."""
    objects = render(request.param)
    path = tmp_path_factory.mktemp(request.param) / "rendered.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    return request.param, objects, path


def test_every_environment_has_an_overlay_and_nothing_else_does():
    assert sorted(p.name for p in OVERLAYS_DIR.iterdir()) == sorted(ENVIRONMENTS)


def test_each_overlay_renders_the_same_objects_all_inside_the_services_namespace(rendered):
    _, objects, _ = rendered
    assert sorted((o["kind"], o["metadata"]["name"].split("-")[0]) for o in objects) == sorted([
        ("ConfigMap", "timekeeper"), ("Deployment", "timekeeper"), ("HorizontalPodAutoscaler", "timekeeper"),
        ("Ingress", "timekeeper"), ("NetworkPolicy", "timekeeper"), ("PodDisruptionBudget", "timekeeper"),
        ("Service", "timekeeper"), ("ServiceAccount", "timekeeper")])
    # the pipeline may edit its namespace and nothing cluster-scoped (cloudformation/eks.yaml DeployRoleAccess)
    namespace = the_object(render_namespace(), "Namespace")["metadata"]["name"]
    assert {o["metadata"].get("namespace") for o in objects} == {namespace}


def _kubernetes_validate(path):
    return subprocess.run([str(KUBERNETES_VALIDATE), "--strict", "--quiet", "-k", KUBERNETES_VERSION + ".0", str(path)],
                          capture_output=True, text=True, timeout=300)


def test_the_objects_are_valid_for_the_kubernetes_version_we_target(rendered_with_namespace):
    result = _kubernetes_validate(rendered_with_namespace[2])
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_validation_refuses_a_field_the_api_does_not_have(tmp_path):
    objects = render(ENVIRONMENTS[0])
    the_container(objects)["lifecycle"]["preStop"]["sleep"]["secs"] = 15
    path = tmp_path / "misspelled.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    result = _kubernetes_validate(path)
    assert result.returncode != 0 and "secs" in result.stdout + result.stderr


def _kube_score(path, ignored, output_format="ci"):
    optional = [line.split(",")[0] for line in subprocess.run(
        [tool("kube-score"), "list"], capture_output=True, text=True, check=True, timeout=60).stdout.splitlines()
        if line.endswith(",optional")]
    command = [tool("kube-score"), "score", "--kubernetes-version", "v" + KUBERNETES_VERSION, "--exit-one-on-warning",
               "--output-format", output_format]
    command += [argument for check in optional for argument in ("--enable-optional-test", check)]
    command += [argument for check in ignored for argument in ("--ignore-test", check)]
    return subprocess.run(command + [str(path)], capture_output=True, text=True, timeout=120)


def test_kube_score_finds_nothing_but_the_reviewed_checks(rendered_with_namespace):
    result = _kube_score(rendered_with_namespace[2], KUBE_SCORE_IGNORED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_ignored_kube_score_check_is_still_needed(tmp_path):
    path = tmp_path / "rendered.yaml"
    path.write_text(yaml.safe_dump_all(render(ENVIRONMENTS[0])))
    result = _kube_score(path, (), output_format="json")
    # kube-score's grades: 1 critical, 5 warning, 7 almost OK, 10 OK
    failing = {check["check"]["id"] for scored in json.loads(result.stdout) for check in scored["checks"]
               if not check["skipped"] and check["grade"] <= 5}
    assert result.returncode == 1
    assert failing == set(KUBE_SCORE_IGNORED)
    for check, reason in KUBE_SCORE_IGNORED.items():
        assert len(reason.split()) >= 8, check


def test_the_container_serves_the_contracts_ports_and_probes_its_paths(rendered):
    _, objects, _ = rendered
    container = the_container(objects)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"app": SERVICE["ports"]["app"], "admin": SERVICE["ports"]["admin"]}
    variables = environment_variables(objects)
    assert (variables["APP_PORT"], variables["ADMIN_PORT"]) == (str(ports["app"]), str(ports["admin"]))
    for probe, path in (("startupProbe", "ready"), ("readinessProbe", "ready"), ("livenessProbe", "alive")):
        assert container[probe]["httpGet"] == {"path": SERVICE["paths"][path], "port": "app"}, probe
    service = the_object(objects, "Service")["spec"]
    assert [p["targetPort"] for p in service["ports"]] == ["app"]
    assert ingress_annotation(objects, "healthcheck-path") == SERVICE["paths"]["ready"]


def test_the_overlay_names_its_environment_and_trusts_its_vpc(rendered):
    environment, objects, _ = rendered
    variables = environment_variables(objects)
    assert variables["ENVIRONMENT"] == environment
    network = stack_parameters.file_parameters(environment, "network")
    assert variables["TRUSTED_PROXIES"] == "10.%s.0.0/16" % network["VpcClassB"]
    domain = stack_parameters.file_parameters(environment, "load-balancer")["DomainName"]
    ingress = the_object(objects, "Ingress")["spec"]
    assert [rule["host"] for rule in ingress["rules"]] == ["eks." + domain]
    assert [host for tls in ingress["tls"] for host in tls["hosts"]] == ["eks." + domain]


def _image_user():
    pom = (REPO_ROOT / "container" / "pom.xml").read_text()
    return int(re.search(r"<image.user>(\d+)</image.user>", pom).group(1))


def test_the_pods_run_as_the_images_user_without_privilege_on_a_read_only_root(rendered):
    _, objects, _ = rendered
    pod = the_object(objects, "Deployment")["spec"]["template"]["spec"]
    container = the_container(objects)
    user = _image_user()
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == container["securityContext"]["runAsUser"] == user
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"]
    assert pod["automountServiceAccountToken"] is False
    namespace = the_object(render_namespace(), "Namespace")["metadata"]["labels"]
    assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"


def test_the_image_has_no_shell_so_the_pre_stop_hook_is_the_kubelets_sleep(rendered):
    _, objects, _ = rendered
    pre_stop = the_container(objects)["lifecycle"]["preStop"]
    assert list(pre_stop) == ["sleep"]


def test_the_controller_injects_the_readiness_gate_for_ip_targets(rendered):
    _, objects, _ = rendered
    namespace = the_object(render_namespace(), "Namespace")["metadata"]
    assert namespace["labels"]["elbv2.k8s.aws/pod-readiness-gate-inject"] == "enabled"
    assert the_object(objects, "Ingress")["metadata"]["namespace"] == namespace["name"]
    assert the_object(objects, "Deployment")["metadata"]["namespace"] == namespace["name"]
    # the gate works only with ip targets: with instance targets the ALB sees nodes, not pods
    assert ingress_annotation(objects, "target-type") == "ip"
    assert the_object(objects, "Ingress")["spec"]["ingressClassName"] == "alb"


def test_a_rolling_update_never_stops_a_pod_before_its_replacement_is_ready(rendered):
    _, objects, _ = rendered
    deployment = the_object(objects, "Deployment")["spec"]
    assert deployment["strategy"]["type"] == "RollingUpdate"
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert deployment["strategy"]["rollingUpdate"]["maxSurge"] >= 1
    assert deployment["minReadySeconds"] > 0


def test_the_autoscaler_owns_the_pod_count(rendered):
    _, objects, _ = rendered
    assert "replicas" not in the_object(objects, "Deployment")["spec"]
    autoscaler = the_object(objects, "HorizontalPodAutoscaler")["spec"]
    assert autoscaler["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "timekeeper"}
    assert 2 <= autoscaler["minReplicas"] <= autoscaler["maxReplicas"], "one pod per zone at least"


def test_a_node_drain_takes_one_pod_at_a_time_and_spreads_them_across_zones(rendered):
    _, objects, _ = rendered
    pod_labels = the_object(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    budget = the_object(objects, "PodDisruptionBudget")["spec"]
    assert budget["maxUnavailable"] == 1
    assert budget["selector"]["matchLabels"].items() <= pod_labels.items()
    spread = the_object(objects, "Deployment")["spec"]["template"]["spec"]["topologySpreadConstraints"]
    assert "topology.kubernetes.io/zone" in [c["topologyKey"] for c in spread]
    for constraint in spread:
        assert constraint["labelSelector"]["matchLabels"].items() <= pod_labels.items()


def test_only_the_vpc_reaches_the_pods_and_they_reach_nothing(rendered):
    _, objects, _ = rendered
    policy = the_object(objects, "NetworkPolicy")["spec"]
    pod_labels = the_object(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= pod_labels.items()
    assert policy["policyTypes"] == ["Ingress", "Egress"] and policy["egress"] == []
    [rule] = policy["ingress"]
    assert [p["port"] for p in rule["ports"]] == ["app", "admin"]
    # every environment's VPC is a 10.B.0.0/16 (network.yaml)
    assert rule["from"] == [{"ipBlock": {"cidr": "10.0.0.0/8"}}]


def test_the_node_group_holds_a_rolling_update_at_the_autoscalers_maximum(rendered):
    """Counted at one pod per node (the pods ask for a whole vCPU; what a node fits besides
    the system pods is known only on a real node), so the cluster-autoscaler can always make
    room for the HPA's maximum and the rollout's surge."""
    environment, objects, _ = rendered
    surge = the_object(objects, "Deployment")["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    nodes = stack_parameters.stack_parameters(environment, "eks")
    assert int(nodes["NodeMaxSize"]) >= the_object(objects, "HorizontalPodAutoscaler")["spec"]["maxReplicas"] + surge
    assert int(nodes["NodeMinSize"]) >= 2


def test_a_release_kustomization_over_an_overlay_runs_the_release_image(tmp_path):
    """What deployEksService applies: a kustomization of its own naming the overlay and the
    image (jenkins-lib KustomizeRelease, whose text KustomizeReleaseTest asserts); the
    manifests name the image after the service, the step's default."""
    base = yaml.safe_load((KUBERNETES_DIR / "base" / "kustomization.yaml").read_text())
    assert [image["name"] for image in base["images"]] == [SERVICE["name"]]
    release = tmp_path / "eks-release"
    release.mkdir()
    overlay = os.path.relpath(OVERLAYS_DIR / ENVIRONMENTS[0], release)
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/%s-%s-eks" % (SERVICE["name"], ENVIRONMENTS[0])
    (release / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- %s\n"
        "images:\n- name: %s\n  newName: %s\n  newTag: \"1.4.0-57-3f2a9c1\"\n" % (overlay, SERVICE["name"], image))
    objects = render_directory(release)
    assert the_container(objects)["image"] == image + ":1.4.0-57-3f2a9c1"
    assert sorted(o["kind"] for o in objects) == sorted(o["kind"] for o in render(ENVIRONMENTS[0]))
