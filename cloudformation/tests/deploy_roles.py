"""The roles of who may deploy, rendered as deployed (iam_evaluation): each environment's
deploy role and its agents' role (deploy.yaml), the build agents' role and the controller's
(jenkins.yaml); and the requests a deploy to an environment makes, on that environment's
resources as the templates name and tag them."""
from cfn_templates import CI_ENVIRONMENT, ENVIRONMENTS, SERVICE, load_parameters, load_template, stack_name, \
    the_resource
from iam_evaluation import RenderedTemplate
from iam_statements import ACCOUNT, REGION

SERVICE_NAME = SERVICE["name"]
INSTANCE_ID = "i-0123456789abcdef0"
# What pushing an image (Jib's registry client) calls on the repository.
ECR_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")


def rendered(template, environment):
    return RenderedTemplate(template, environment, stack_name(environment, template))


DEPLOY_ROLES = {environment: rendered("deploy", environment).role("DeployRole") for environment in ENVIRONMENTS}
AGENT_ROLES = {environment: rendered("deploy", environment).role("AgentRole") for environment in ENVIRONMENTS}
_JENKINS = rendered("jenkins", CI_ENVIRONMENT)
BUILD_AGENT_ROLE = _JENKINS.role("BuildAgentRole")
CONTROLLER_ROLE = _JENKINS.role("Role")


def promoted_from(environment):
    """The environment whose bucket a promotion to this one copies from ('' for none)."""
    return load_parameters(environment, "deploy").get("PromotedFrom", "")


def _tags(environment, template, resource_type, prefix):
    resource = the_resource(load_template(template), resource_type)
    tags = rendered(template, environment).render(resource["Properties"]["Tags"])
    return {f"{prefix}/{tag['Key']}": tag["Value"] for tag in tags}


def artifact_object(environment):
    bucket = rendered("artifacts", environment).render(
        load_template("artifacts")["Resources"]["ArtifactBucket"]["Properties"]["BucketName"])
    key = SERVICE["release"]["artifact_key"].format(service=SERVICE_NAME, version="1.4.2")
    return f"arn:aws:s3:::{bucket}/{key}"


def deploy_requests(environment):
    """(action, resource ARN, request context) of what a deploy to the environment does."""
    artifacts = rendered("artifacts", environment)
    resources = load_template("artifacts")["Resources"]
    bucket = artifacts.render(resources["ArtifactBucket"]["Properties"]["BucketName"])
    transfer = artifacts.render(resources["SsmTransferBucket"]["Properties"]["BucketName"])
    bundle = SERVICE["release"]["bundle_key"].format(service=SERVICE_NAME, version="1.4.2")
    parameter = SERVICE["release"]["parameter"].format(service=SERVICE_NAME, environment=environment)
    group_name = rendered("app", environment).render(
        the_resource(load_template("app"), "AWS::AutoScaling::AutoScalingGroup")["Properties"]["AutoScalingGroupName"])
    group = f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:0b5e2f3c-1111-2222-3333-444455556666:" \
            f"autoScalingGroupName/{group_name}"
    # the target group's name is generated; it is the environment's by its tags
    target_group = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/timek-Targe-1A2B3C/0123456789abcdef"
    target_group_tags = _tags(environment, "load-balancer", "AWS::ElasticLoadBalancingV2::TargetGroup",
                              "aws:ResourceTag")
    instance = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"
    instance_tags = _tags(environment, "app", "AWS::AutoScaling::AutoScalingGroup", "ssm:resourceTag")
    stack = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/{stack_name(environment, 'app')}/0b5e2f3c-aaaa"
    ecs = rendered("ecs", environment)
    ecs_resources = load_template("ecs")["Resources"]
    repository = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/" + ecs.render(
        ecs_resources["Repository"]["Properties"]["RepositoryName"])
    ecs_service = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/" + ecs.render(
        ecs_resources["Cluster"]["Properties"]["ClusterName"]) + "/" + ecs.render(
        the_resource(load_template("ecs"), "AWS::ECS::Service")["Properties"]["ServiceName"])
    eks = rendered("eks", environment)
    eks_resources = load_template("eks")["Resources"]
    eks_repository = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/" + eks.render(
        eks_resources["Repository"]["Properties"]["RepositoryName"])
    cluster = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/" + eks.render(
        the_resource(load_template("eks"), "AWS::EKS::Cluster")["Properties"]["Name"])
    # the execution role's name is generated from the stack's and its logical id
    execution_role = f"arn:aws:iam::{ACCOUNT}:role/{stack_name(environment, 'ecs')}-ExecutionRole-1A2B3C4D5E6F"
    return [
        ("s3:ListBucket", f"arn:aws:s3:::{bucket}", {}),
        ("s3:PutObject", artifact_object(environment), {}),
        ("s3:GetObject", artifact_object(environment), {}),
        ("s3:PutObject", f"arn:aws:s3:::{bucket}/{bundle}", {}),
        ("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter}", {}),
        ("ssm:PutParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{parameter}", {}),
        ("cloudformation:DescribeStacks", stack, {}),
        ("elasticloadbalancing:DeregisterTargets", target_group, target_group_tags),
        ("elasticloadbalancing:RegisterTargets", target_group, target_group_tags),
        *[(action, group, {}) for action in (
            "autoscaling:EnterStandby", "autoscaling:ExitStandby", "autoscaling:UpdateAutoScalingGroup",
            "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses", "autoscaling:CreateOrUpdateTags",
            "autoscaling:DeleteTags")],
        ("ssm:StartSession", instance, instance_tags),
        ("s3:ListBucket", f"arn:aws:s3:::{transfer}", {}),
        *[(action, f"arn:aws:s3:::{transfer}/{INSTANCE_ID}//root/.ansible/tmp/x.py", {})
          for action in ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")],
        *[(action, repository, {}) for action in ECR_PUSH],
        *[(action, ecs_service, {}) for action in ("ecs:DescribeServices", "ecs:UpdateService")],
        ("iam:PassRole", execution_role, {"iam:PassedToService": "ecs-tasks.amazonaws.com"}),
        # deployTarget 'eks': publishImage's push (`make push`, Jib), deployEksService's
        # `aws eks update-kubeconfig`
        *[(action, eks_repository, {}) for action in ECR_PUSH],
        ("eks:DescribeCluster", cluster, {}),
    ]
