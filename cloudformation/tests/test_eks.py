"""eks.yaml, the cluster of the service on Kubernetes: what the template says (moto 5.2.5
creates no EKS resource through CloudFormation: no cluster, node group, add-on, access entry
or Pod Identity association, and so none of the roles whose policies name the cluster), the
IAM statements read the way IAM evaluates them, and the rest of the stack deployed into the
emulator. That EKS accepts this cluster, that the node group's Auto Scaling group carries the
cluster-autoscaler's tags and that IAM grants what the controllers call: only a real account
proves (README, Running on EKS)."""
import fnmatch

import pytest

from cfn_fixtures import aws, deployments, emulator  # noqa: F401 (pytest fixtures)
from cfn_templates import ENVIRONMENTS, load_parameters, load_template, the_resource
from iam_statements import ACCOUNT, REGION, listed, resources, role_statements, statements_with

EKS = load_template("eks")
# What the statements' own references stand for here (the cluster's name, the network's VPC).
NAMES = {"Cluster": "timekeeper-dev", "VpcId": "vpc-0123456789abcdef0"}


def settings(environment):
    defaults = {name: str(p["Default"]) for name, p in EKS["Parameters"].items() if "Default" in p}
    values = {**defaults, **load_parameters(environment, "eks")}
    return {k: int(v) if v.isdigit() else v for k, v in values.items()}


def cluster():
    return the_resource(EKS, "AWS::EKS::Cluster")["Properties"]


def test_the_api_endpoint_is_private_unless_addresses_are_allow_listed():
    vpc = cluster()["ResourcesVpcConfig"]
    assert vpc["EndpointPrivateAccess"] is True
    assert vpc["EndpointPublicAccess"] == {"Fn::If": ["HasPublicEndpoint", True, False]}
    assert vpc["PublicAccessCidrs"] == {"Fn::If": ["HasPublicEndpoint", {"Ref": "PublicAccessCidrs"},
                                                   {"Ref": "AWS::NoValue"}]}
    assert EKS["Parameters"]["PublicAccessCidrs"]["Default"] == ""
    assert EKS["Conditions"]["HasPublicEndpoint"] == {
        "Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "PublicAccessCidrs"}]}, ""]}]}
    for environment in ENVIRONMENTS:
        assert "0.0.0.0/0" not in settings(environment).get("PublicAccessCidrs", "")


def test_the_control_plane_logs_everything_into_a_group_with_a_retention():
    types = [t["Type"] for t in cluster()["Logging"]["ClusterLogging"]["EnabledTypes"]]
    assert types == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    # EKS writes to /aws/eks/<cluster>/cluster: the stack makes that group to set its retention
    log_group = EKS["Resources"]["ControlPlaneLogGroup"]["Properties"]
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/eks/%s/cluster" % cluster()["Name"]["Fn::Sub"]}
    assert log_group["RetentionInDays"] == {"Ref": "LogRetentionInDays"}


def test_secrets_are_encrypted_with_a_rotated_key_only_the_cluster_role_uses():
    [encryption] = cluster()["EncryptionConfig"]
    assert encryption == {"Provider": {"KeyArn": {"Fn::GetAtt": ["SecretsKey", "Arn"]}}, "Resources": ["secrets"]}
    assert EKS["Resources"]["SecretsKey"]["Properties"]["EnableKeyRotation"] is True
    kms = [s for s in role_statements("eks", "ClusterRole") if any(a.startswith("kms:") for a in listed(s["Action"]))]
    assert [s["Resource"] for s in kms] == [{"Fn::GetAtt": ["SecretsKey", "Arn"]}]
    assert cluster()["AccessConfig"]["AuthenticationMode"] == "API"


def test_the_nodes_run_in_the_private_subnets_without_pod_access_to_their_credentials():
    nodes = the_resource(EKS, "AWS::EKS::Nodegroup")["Properties"]
    private = {"Fn::Split": [",", {"Fn::ImportValue": {"Fn::Sub": "${ParentNetworkStack}-PrivateSubnetIds"}}]}
    assert nodes["Subnets"] == private and cluster()["ResourcesVpcConfig"]["SubnetIds"] == private
    assert nodes["UpdateConfig"] == {"MaxUnavailable": 1}
    launch = the_resource(EKS, "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    assert launch["MetadataOptions"]["HttpTokens"] == "required"
    assert launch["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    assert all(d["Ebs"]["Encrypted"] for d in launch["BlockDeviceMappings"])
    node_policies = {p["Fn::Sub"].rsplit("/", 1)[1] for p in EKS["Resources"]["NodeRole"]["Properties"]["ManagedPolicyArns"]}
    assert node_policies == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}, \
        "the VPC CNI's permissions belong to its pods (VpcCniRole), not to every pod's node"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_node_group_has_room_for_a_surge_in_every_zone(environment):
    values = settings(environment)
    assert 2 <= values["NodeMinSize"] <= values["NodeDesiredSize"] < values["NodeMaxSize"]


def test_the_core_add_ons_are_installed_and_the_cni_enforces_network_policies():
    addons = {a["Properties"]["AddonName"]: a["Properties"] for a in EKS["Resources"].values()
              if a["Type"] == "AWS::EKS::Addon"}
    assert set(addons) == {"vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "metrics-server"}
    assert addons["vpc-cni"]["ConfigurationValues"] == '{"enableNetworkPolicy": "true"}'
    assert addons["vpc-cni"]["PodIdentityAssociations"] == [
        {"ServiceAccount": "aws-node", "RoleArn": {"Fn::GetAtt": ["VpcCniRole", "Arn"]}}]


@pytest.mark.parametrize("role", ["VpcCniRole", "LoadBalancerControllerRole", "ClusterAutoscalerRole"])
def test_pod_identity_roles_are_assumed_only_by_eks_pod_identity_in_this_account(role):
    [trust] = EKS["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def _conditioned_on_this_cluster(statement, key):
    return statement.get("Condition", {}).get("StringEquals", {}).get(key) == {"Ref": "Cluster"}


def _allowed(statements, action, arn):
    return [s for s in statements_with(statements, action)
            if any(fnmatch.fnmatchcase(arn, pattern) for pattern in resources(s, **NAMES))]


def test_the_load_balancer_controller_changes_only_what_it_tagged_for_this_cluster():
    statements = role_statements("eks", "LoadBalancerControllerRole")
    for statement in statements:
        granted = resources(statement, **NAMES)
        if granted == ["*"]:
            # no resource-level permissions: reads, and the service-linked role under a condition
            assert all(a.split(":")[1].startswith(("Describe", "List", "Get")) for a in listed(statement["Action"])) or \
                statement["Condition"] == {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}
        else:
            assert all(f":{REGION}:{ACCOUNT}:" in arn for arn in granted), statement["Sid"]
    load_balancer = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/k8s-timekeep-1234/50dc6c495c0c9188"
    target_group = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/k8s-timekeep-5678/73e2d6bc24d8a067"
    for action, arn in (("elasticloadbalancing:DeleteLoadBalancer", load_balancer),
                        ("elasticloadbalancing:ModifyTargetGroupAttributes", target_group),
                        ("elasticloadbalancing:DeregisterTargets", target_group)):
        allowing = _allowed(statements, action, arn)
        assert allowing, action
        assert all(_conditioned_on_this_cluster(s, "aws:ResourceTag/elbv2.k8s.aws/cluster") for s in allowing), action
    for action in ("elasticloadbalancing:CreateLoadBalancer", "ec2:CreateSecurityGroup"):
        assert all(_conditioned_on_this_cluster(s, "aws:RequestTag/elbv2.k8s.aws/cluster")
                   for s in statements_with(statements, action)), action
    security_group = f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-0123456789abcdef0"
    deleting = _allowed(statements, "ec2:DeleteSecurityGroup", security_group)
    assert deleting and all(_conditioned_on_this_cluster(s, "aws:ResourceTag/elbv2.k8s.aws/cluster") for s in deleting)
    # nothing in the account outside load balancing, its security groups and certificates
    services = {a.split(":")[0] for s in statements for a in listed(s["Action"])}
    assert services == {"iam", "ec2", "elasticloadbalancing", "acm"}


def test_the_cluster_autoscaler_scales_only_this_clusters_groups():
    statements = role_statements("eks", "ClusterAutoscalerRole")
    writes = {a for s in statements for a in listed(s["Action"])
              if not a.split(":")[1].startswith(("Describe", "Get"))}
    assert writes == {"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}
    for action in writes:
        for statement in statements_with(statements, action):
            assert _conditioned_on_this_cluster(statement, "aws:ResourceTag/eks:cluster-name"), action
            assert statement["Condition"]["StringEquals"]["aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"] == "true"
    [describe_node_group] = statements_with(statements, "eks:DescribeNodegroup")
    assert resources(describe_node_group, **NAMES) == [f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/timekeeper-dev/*/*"]


def test_the_environments_deploy_role_edits_only_the_services_namespace():
    access = EKS["Resources"]["DeployRoleAccess"]["Properties"]
    assert access["PrincipalArn"] == {"Fn::ImportValue": {"Fn::Sub": "${ParentDeployStack}-RoleArn"}}
    assert load_template("deploy")["Outputs"]["RoleArn"]["Value"] == {"Fn::GetAtt": ["DeployRole", "Arn"]}
    for environment in ENVIRONMENTS:
        assert load_parameters(environment, "eks")["ParentDeployStack"] == f"timekeeper-{environment}-deploy"
    [policy] = access["AccessPolicies"]
    assert policy["PolicyArn"]["Fn::Sub"].endswith(":cluster-access-policy/AmazonEKSEditPolicy")
    assert policy["AccessScope"] == {"Type": "namespace", "Namespaces": [{"Ref": "ServiceName"}]}


def test_the_pipeline_finds_the_cluster_and_the_repository_in_the_outputs():
    outputs = EKS["Outputs"]
    assert outputs["ClusterName"]["Value"] == {"Ref": "Cluster"}
    assert outputs["RepositoryUri"]["Value"] == {"Fn::GetAtt": ["Repository", "RepositoryUri"]}
    repository = the_resource(EKS, "AWS::ECR::Repository")["Properties"]
    assert repository["ImageTagMutability"] == "IMMUTABLE"
    # its own name: an environment may run the ECS stack beside it
    assert repository["RepositoryName"] == {"Fn::Sub": "${ServiceName}-${Environment}-eks"}


@pytest.mark.parametrize("environment", ENVIRONMENTS[:1])
def test_what_the_emulator_deploys_of_the_stack(deployments, aws, environment):
    """The repository, the key, the log group, the launch template and the node and CNI roles,
    through the APIs; the EKS resources are not there (moto creates none)."""
    deployment = deployments(environment)
    outputs, values = deployment.outputs("eks"), settings(environment)
    repository = aws("ecr").describe_repositories(
        repositoryNames=[outputs["RepositoryUri"].split("/", 1)[1]])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert repository["repositoryName"] == f"timekeeper-{environment}-eks"
    log_group = aws("logs").describe_log_groups(
        logGroupNamePrefix=f"/aws/eks/timekeeper-{environment}/cluster")["logGroups"][0]
    assert log_group["retentionInDays"] == values["LogRetentionInDays"]
    keys = [k["KeyId"] for k in aws("kms").list_keys()["Keys"]]
    assert any(aws("kms").get_key_rotation_status(KeyId=k)["KeyRotationEnabled"] for k in keys)
    templates = aws("ec2").describe_launch_templates()["LaunchTemplates"]
    stack_templates = [t for t in templates if any(tag["Key"] == "aws:cloudformation:stack-name"
                                                   and tag["Value"].endswith("-eks") for tag in t.get("Tags", []))]
    for template in stack_templates or templates:
        data = aws("ec2").describe_launch_template_versions(
            LaunchTemplateId=template["LaunchTemplateId"])["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        if data.get("MetadataOptions", {}).get("HttpPutResponseHopLimit") == 1:
            assert data["MetadataOptions"]["HttpTokens"] == "required"
            break
    else:
        raise AssertionError("no launch template with one metadata hop: %s" % templates)
    assert aws("eks").list_clusters()["clusters"] == []
