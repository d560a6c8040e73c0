"""Every stack deployed in order into the AWS emulator (moto server on loopback).

moto checks the wiring: parameters, imports and exports between the layers, the resources
and the settings it models. Which resource types it cannot create is asserted below and
listed in the README; everything else is deployed and inspected through the AWS APIs.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cfn_emulator import emulator_variant
from cfn_fixtures import aws, deployments, emulator  # noqa: F401 (pytest fixtures)
from cfn_templates import (
    ALL_ENVIRONMENTS,
    ENVIRONMENTS, REPO_ROOT, SERVICE, TEMPLATE_NAMES, load_template, stack_name, stacks_of, the_resource,
)

# What the emulator variant leaves out of each template (moto 5.2.5), by logical id.
EMULATOR_GAPS = {
    # moto models no State Manager association and no WAFv2 in CloudFormation.
    "network": {"DefaultSecurityGroupClosing"},
    "deploy": set(),
    "artifacts": {"AccessLogBucketPolicy", "ArtifactBucketPolicy", "SsmTransferBucketPolicy"},
    "load-balancer": {"AccessLogBucketPolicy", "Certificate", "DnsRecord",
                      "Outputs.RequestCountResourceLabel",
                      "WebAcl", "WebAclAssociation", "WafLogging", "Outputs.WebAclArn"},
    "app": {"TerminationDrainHook", "ScalingPolicy"},
    # moto models no Application Auto Scaling in CloudFormation (test_ecs.py names it).
    "ecs": {"ScalableTarget", "ScalingPolicy"},
    # moto models no EKS resource in CloudFormation, and the roles whose policies name the
    # cluster go with it (test_eks.py reads them from the template).
    "eks": {"Cluster", "NodeGroup", "VpcCniAddon", "KubeProxyAddon", "CoreDnsAddon", "PodIdentityAgentAddon",
            "MetricsServerAddon", "LoadBalancerControllerRole", "LoadBalancerControllerIdentity",
            "ClusterAutoscalerRole", "ClusterAutoscalerIdentity", "DeployRoleAccess",
            "Outputs.ClusterName", "Outputs.NodeGroupName", "Outputs.LoadBalancerControllerRoleArn",
            "Outputs.ClusterAutoscalerRoleArn"},
    "jenkins": set(),
    # moto models no CloudWatch alarm nor SNS topic policy in CloudFormation: the alarms stack
    # is checked by cfn-lint, checkov and test_alarms.py only, and not deployed here.
    "alarms": {"AlarmTopicPolicy", "FleetBelowCapacityAlarm", "LatencyObjectiveAlarm", "ErrorRatio5mAlarm",
               "ErrorRatio1hAlarm", "ErrorBudgetBurnFastAlarm"},
}


def test_the_emulator_gaps_are_exactly_the_documented_ones():
    for name in TEMPLATE_NAMES:
        _, dropped = emulator_variant(load_template(name))
        assert set(dropped) == EMULATOR_GAPS[name], (name, dropped)


@pytest.mark.parametrize("environment", ALL_ENVIRONMENTS)
def test_every_stack_reaches_create_complete_with_resolved_outputs(deployments, aws, environment):
    deployment = deployments(environment)
    exports = {e["Name"]: e["Value"] for page in aws("cloudformation").get_paginator("list_exports").paginate()
               for e in page["Exports"]}
    for stack in stacks_of(environment):
        described = deployment.stacks[stack]
        assert described["StackStatus"] == "CREATE_COMPLETE", (stack, described.get("StackStatusReason"))
        template_outputs = load_template(stack)["Outputs"]
        expected = {name for name in template_outputs} - {
            gap.split(".", 1)[1] for gap in deployment.dropped[stack] if gap.startswith("Outputs.")}
        outputs = deployment.outputs(stack)
        assert set(outputs) == expected, stack
        for name, value in outputs.items():
            assert value and "None" not in value, (stack, name, value)
            if "Export" in template_outputs[name]:
                assert exports[f"{stack_name(environment, stack)}-{name}"] == value


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_fleet_runs_in_the_private_subnets_behind_the_target_group(deployments, aws, environment):
    deployment = deployments(environment)
    parameters = deployment.parameters["app"]
    group = aws("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[deployment.outputs("app")["AutoScalingGroupName"]])["AutoScalingGroups"][0]

    assert group["HealthCheckType"] == "ELB"
    assert group["HealthCheckGracePeriod"] == int(parameters["HealthCheckGracePeriod"])
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (
        int(parameters["MinSize"]), int(parameters["MaxSize"]), int(parameters["DesiredCapacity"]))
    assert set(group["VPCZoneIdentifier"].split(",")) == set(
        deployment.outputs("network")["PrivateSubnetIds"].split(","))
    assert group["TargetGroupARNs"] == [deployment.outputs("load-balancer")["TargetGroupArn"]]
    assert len(group["Instances"]) == int(parameters["DesiredCapacity"])

    instances = [i for r in aws("ec2").describe_instances(
        InstanceIds=[i["InstanceId"] for i in group["Instances"]])["Reservations"] for i in r["Instances"]]
    for instance in instances:
        tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
        assert (tags["Service"], tags["Environment"]) == ("timekeeper", environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_launch_template_requires_imdsv2_and_encrypts_the_root_volume(deployments, aws, environment):
    deployment = deployments(environment)
    group = aws("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[deployment.outputs("app")["AutoScalingGroupName"]])["AutoScalingGroups"][0]
    data = aws("ec2").describe_launch_template_versions(
        LaunchTemplateId=group["LaunchTemplate"]["LaunchTemplateId"])["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert all(m["Ebs"]["Encrypted"] for m in data["BlockDeviceMappings"])
    assert "KeyName" not in data


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_target_group_checks_readiness_on_the_app_port(deployments, aws, environment):
    deployment = deployments(environment)
    configured = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    target_group = aws("elbv2").describe_target_groups(
        TargetGroupArns=[deployment.outputs("load-balancer")["TargetGroupArn"]])["TargetGroups"][0]

    # the parameter files leave both to the template's defaults, which are the contract's
    assert target_group["Port"] == SERVICE["ports"]["app"]
    assert target_group["HealthCheckPath"] == SERVICE["paths"]["ready"]
    assert target_group["HealthCheckPort"] == "traffic-port"
    assert target_group["Matcher"]["HttpCode"] == "200"
    assert (target_group["HealthCheckIntervalSeconds"], target_group["HealthCheckTimeoutSeconds"],
            target_group["HealthyThresholdCount"], target_group["UnhealthyThresholdCount"]) == (
        configured["HealthCheckIntervalSeconds"], configured["HealthCheckTimeoutSeconds"],
        configured["HealthyThresholdCount"], configured["UnhealthyThresholdCount"])


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_release_store_exists_with_its_seed_release(deployments, aws, environment):
    outputs = deployments(environment).outputs("artifacts")
    assert outputs["ReleaseParameterName"] == f"/timekeeper/{environment}/release"
    record = json.loads(aws("ssm").get_parameter(Name=outputs["ReleaseParameterName"])["Parameter"]["Value"])
    # the seed names a version but no digests: no instance boots from it (test_user_data.py)
    assert record == {"version": deployments(environment).parameters["artifacts"]["InitialRelease"],
                      "sha256": "", "bundle_sha256": ""}
    # moto applies a bucket's encryption from CloudFormation, not its versioning or
    # public access block (test_templates.py checks those in the template).
    encryption = aws("s3").get_bucket_encryption(Bucket=outputs["ArtifactBucketName"])
    rules = encryption["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_ssm_transfer_bucket_exists_encrypted(deployments, aws, environment):
    bucket = deployments(environment).outputs("artifacts")["SsmTransferBucketName"]
    assert bucket.startswith(f"timekeeper-{environment}-ssm-transfer-")
    # moto applies the encryption from CloudFormation, not the lifecycle rule or the
    # missing versioning (test_ssm_access.py checks those in the template).
    rules = aws("s3").get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert "Status" not in aws("s3").get_bucket_versioning(Bucket=bucket)


def _ingress(aws, group_id):
    """(port, source) for every ingress rule of a security group."""
    group = aws("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return sorted((p["FromPort"], source) for p in group["IpPermissions"]
                  for source in [r["CidrIp"] for r in p.get("IpRanges", [])]
                  + [r["GroupId"] for r in p.get("UserIdGroupPairs", [])]
                  + [r["PrefixListId"] for r in p.get("PrefixListIds", [])])


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_instances_take_the_app_port_from_the_alb_and_the_admin_port_from_the_metrics_scrapers(
        deployments, aws, environment):
    deployment = deployments(environment)
    assert _ingress(aws, deployment.outputs("app")["InstanceSecurityGroupId"]) == sorted([
        (SERVICE["ports"]["app"], deployment.outputs("load-balancer")["LoadBalancerSecurityGroupId"]),
        (SERVICE["ports"]["admin"], deployment.outputs("network")["MetricsScraperSecurityGroupId"]),
    ])


def test_the_jenkins_host_is_reachable_only_from_the_office(deployments, aws):
    # moto drops the prefix-list (webhook) rule when it creates the group from a template;
    # test_templates.py checks that rule in the template itself.
    deployment = deployments("ci")
    assert _ingress(aws, deployment.outputs("jenkins")["SecurityGroupId"]) == [
        (443, deployment.parameters["jenkins"]["OfficeCidr"])]


def _inventory_hosts(environment, emulator):
    inventory = REPO_ROOT / "inventory" / environment / "aws_ec2.yml"
    if not inventory.exists():
        pytest.skip(f"{inventory.relative_to(REPO_ROOT)} is not in the repository yet")
    ansible_inventory = Path(sys.executable).parent / "ansible-inventory"
    result = subprocess.run(
        [str(ansible_inventory), "-i", str(inventory), "--list"],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
        env={**os.environ, "AWS_URL": emulator, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"},
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    return {host for host in listed.get("_meta", {}).get("hostvars", {})}, listed


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_environment_inventory_lists_exactly_its_fleet(deployments, aws, emulator, environment):
    # All environments share the emulator: the inventory must pick its own by tags.
    for other in ENVIRONMENTS:
        deployments(other)
    deployments("ci")
    group = aws("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[deployments(environment).outputs("app")["AutoScalingGroupName"]])["AutoScalingGroups"][0]
    fleet = {i["InstanceId"] for i in group["Instances"]}
    hosts, listed = _inventory_hosts(environment, emulator)
    hostvars = listed["_meta"]["hostvars"]
    listed_ids = {_plain(hostvars[h]["instance_id"]) for h in hosts}
    assert listed_ids == fleet, yaml.safe_dump(listed)
    # Each reached through Session Manager by its id, with its environment's facts.
    for host in hosts:
        assert hostvars[host]["ansible_connection"] == "amazon.aws.aws_ssm"
        assert _plain(hostvars[host]["ansible_host"]) == _plain(hostvars[host]["instance_id"]) == host
        assert _plain(hostvars[host]["service_environment"]) == environment


def _plain(value):
    """ansible-inventory (ansible-core 2.19) prints facts from the API as {"__ansible_unsafe": v}."""
    return value["__ansible_unsafe"] if isinstance(value, dict) else value
