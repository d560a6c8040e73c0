"""ecs.yaml, the service on ECS Fargate: the timing invariants cfn-lint cannot see (every
value read from the template, its parameter files and the service's own configuration),
and the stack deployed into the emulator, inspected through the ECS, ECR and ELB APIs
(moto reports CREATE_COMPLETE even for what it silently skips)."""
import pytest

from cfn_fixtures import aws, deployments, emulator  # noqa: F401 (pytest fixtures)
from cfn_templates import ENVIRONMENTS, SERVICE, load_parameters, load_template, service_default_seconds, the_resource

ECS = load_template("ecs")
FARGATE_MAX_STOP_TIMEOUT = 120


def settings(environment):
    """The template's parameter defaults with the environment's parameter file over them."""
    defaults = {name: str(p["Default"]) for name, p in ECS["Parameters"].items() if "Default" in p}
    values = {**defaults, **load_parameters(environment, "ecs")}
    return {k: int(v) if v.isdigit() else v for k, v in values.items()}


def test_the_drain_settings_default_to_the_services_own():
    assert int(ECS["Parameters"]["ShutdownDelaySeconds"]["Default"]) == service_default_seconds("SHUTDOWN_DELAY")
    assert int(ECS["Parameters"]["ShutdownGraceSeconds"]["Default"]) == service_default_seconds("SHUTDOWN_GRACE_PERIOD")


def test_the_container_gets_the_stacks_drain_settings_and_stop_timeout():
    container = the_resource(ECS, "AWS::ECS::TaskDefinition")["Properties"]["ContainerDefinitions"][0]
    environment = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert environment["SHUTDOWN_DELAY"] == {"Fn::Sub": "${ShutdownDelaySeconds}s"}
    assert environment["SHUTDOWN_GRACE_PERIOD"] == {"Fn::Sub": "${ShutdownGraceSeconds}s"}
    assert container["StopTimeout"] == {"Ref": "StopTimeoutSeconds"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_stopping_task_drains_before_fargate_kills_it(environment):
    values = settings(environment)
    health_check = the_resource(ECS, "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    # The ALB takes an unready task out before it stops serving ...
    out_of_rotation = health_check["HealthCheckIntervalSeconds"] * health_check["UnhealthyThresholdCount"]
    assert out_of_rotation < values["ShutdownDelaySeconds"]
    # ... ECS sends SIGTERM only after the deregistration delay, which outlasts in-flight requests ...
    assert values["DeregistrationDelaySeconds"] >= values["ShutdownGraceSeconds"]
    # ... and SIGKILL comes only after the whole drain (Fargate's limit is 120 s).
    assert values["ShutdownDelaySeconds"] + values["ShutdownGraceSeconds"] < values["StopTimeoutSeconds"]
    assert values["StopTimeoutSeconds"] <= FARGATE_MAX_STOP_TIMEOUT
    assert int(ECS["Parameters"]["StopTimeoutSeconds"]["MaxValue"]) == FARGATE_MAX_STOP_TIMEOUT


def test_the_tasks_are_health_checked_as_the_ec2_fleet_is():
    health_check_keys = ("HealthCheckProtocol", "HealthCheckPort", "HealthCheckPath", "Matcher",
                         "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "UnhealthyThresholdCount",
                         "HealthyThresholdCount")
    tasks = the_resource(ECS, "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    fleet = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    assert {k: tasks[k] for k in health_check_keys} == {k: fleet[k] for k in health_check_keys}
    assert tasks["TargetType"] == "ip"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_rolling_update_keeps_every_task_serving_until_its_replacement_is_healthy(environment):
    service = the_resource(ECS, "AWS::ECS::Service")["Properties"]
    deployment = service["DeploymentConfiguration"]
    assert (deployment["MinimumHealthyPercent"], deployment["MaximumPercent"]) == (100, 200)
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    values = settings(environment)
    assert values["MinCapacity"] <= values["DesiredCount"] <= values["MaxCapacity"]
    assert values["MinCapacity"] >= 2, "one task per AZ at least"


def test_the_cluster_reports_container_insights():
    settings_ = the_resource(ECS, "AWS::ECS::Cluster")["Properties"]["ClusterSettings"]
    assert {"Name": "containerInsights", "Value": "enabled"} in settings_


def test_the_repository_keeps_a_release_tag_on_one_image_scanned_and_encrypted():
    repository = the_resource(ECS, "AWS::ECR::Repository")["Properties"]
    assert repository["ImageTagMutability"] == "IMMUTABLE"
    assert repository["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert repository["EncryptionConfiguration"] == {"EncryptionType": "KMS"}


def test_the_execution_role_pulls_only_this_repository_and_writes_only_this_log_group():
    role = the_resource(ECS, "AWS::IAM::Role")["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    by_resource = {str(s["Resource"]): s["Action"] for s in statements}
    assert by_resource == {
        "*": "ecr:GetAuthorizationToken",
        str({"Fn::GetAtt": ["Repository", "Arn"]}): ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                                                     "ecr:BatchGetImage"],
        str({"Fn::GetAtt": ["LogGroup", "Arn"]}): ["logs:CreateLogStream", "logs:PutLogEvents"],
    }
    assert "TaskRoleArn" not in the_resource(ECS, "AWS::ECS::TaskDefinition")["Properties"], \
        "the service calls no AWS API: its tasks get no role"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_deployed_stack_has_its_repository_service_task_definition_and_ip_target_group(deployments, aws, environment):
    """What moto 5.2.5 keeps of the stack, asserted through the APIs. Its CloudFormation
    model of an ECS service keeps only the name, cluster, task definition and desired count
    (no launch type, deployment configuration, load balancers, network configuration or
    grace period), of a task definition neither network mode nor compatibilities, of a
    cluster no settings, of a repository no scanning configuration: those are asserted on
    the template above, and only AWS proves them deployed."""
    deployment = deployments(environment)
    outputs, values = deployment.outputs("ecs"), settings(environment)

    repository = aws("ecr").describe_repositories(
        repositoryNames=[outputs["RepositoryUri"].split("/", 1)[1]])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"

    cluster = aws("ecs").describe_clusters(clusters=[outputs["ClusterName"]])["clusters"][0]
    assert cluster["status"] == "ACTIVE"
    service = aws("ecs").describe_services(cluster=outputs["ClusterName"], services=[outputs["EcsServiceName"]])["services"][0]
    assert service["status"] == "ACTIVE"
    assert service["desiredCount"] == values["DesiredCount"]

    task_definition = aws("ecs").describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    assert task_definition["family"] == outputs["TaskDefinitionFamily"]
    container = task_definition["containerDefinitions"][0]
    assert container["image"] == "%s:%s" % (outputs["RepositoryUri"], values["ReleaseVersion"])
    assert container["stopTimeout"] == values["StopTimeoutSeconds"]
    assert container["readonlyRootFilesystem"] is True
    environment_variables = {e["name"]: e["value"] for e in container["environment"]}
    assert environment_variables["SHUTDOWN_DELAY"] == "%ds" % values["ShutdownDelaySeconds"]
    assert environment_variables["SHUTDOWN_GRACE_PERIOD"] == "%ds" % values["ShutdownGraceSeconds"]
    log_group = container["logConfiguration"]["options"]["awslogs-group"]
    assert log_group == outputs["LogGroupName"]
    assert aws("logs").describe_log_groups(logGroupNamePrefix=log_group)["logGroups"][0]["retentionInDays"] \
        == values["LogRetentionInDays"]

    elbv2 = aws("elbv2")
    target_group = elbv2.describe_target_groups(TargetGroupArns=[outputs["TargetGroupArn"]])["TargetGroups"][0]
    assert target_group["TargetType"] == "ip"
    assert target_group["HealthCheckPath"] == SERVICE["paths"]["ready"]
    listener = deployment.outputs("load-balancer")["HttpsListenerArn"]
    forwards = [action["TargetGroupArn"] for rule in elbv2.describe_rules(ListenerArn=listener)["Rules"]
                for action in rule["Actions"] if action["Type"] == "forward"]
    assert outputs["TargetGroupArn"] in forwards


@pytest.mark.parametrize("environment", ENVIRONMENTS[:1])
def test_the_emulator_skips_the_auto_scaling_of_the_service(deployments, aws, environment):
    """moto reports the stack complete without Application Auto Scaling: what only AWS proves."""
    deployments(environment)
    assert aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
