"""The lb_membership role's alb driver against an AWS API emulator (moto server on loopback):
a target group holding the local fleet's node addresses as targets. Moto reports targets
healthy at once and has no draining, so this proves the API wiring; drain timing is
proven against the real HAProxy in test_local_fleet.py."""

from __future__ import annotations

import re

import boto3
import pytest

from ansible_test_support import REPO, SERVICE, ansible_env, run_playbook

REGION = "eu-west-1"
NODES = {"node%d" % n: "127.0.1.%d" % n for n in (1, 2, 3)}


@pytest.fixture()
def target_group(moto_endpoint, tmp_path):
    """A fresh target group with the three nodes registered, and an inventory for them."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    ec2 = session.client("ec2", endpoint_url=moto_endpoint)
    elbv2 = session.client("elbv2", endpoint_url=moto_endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    arn = elbv2.create_target_group(Name="timekeeper-%s" % tmp_path.name[-12:].replace("_", "-"), Protocol="HTTP",
                                    Port=SERVICE["ports"]["app"], VpcId=vpc, TargetType="ip",
                                    HealthCheckPath=SERVICE["paths"]["ready"])["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": ip, "Port": SERVICE["ports"]["app"]} for ip in NODES.values()])
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("timekeeper:\n  hosts:\n" + "".join(
        "    %s:\n      ansible_host: %s\n      ansible_connection: local\n" % item for item in NODES.items()))
    return elbv2, arn, inventory


def cycle(moto_endpoint, arn, inventory, node, *extra):
    return run_playbook(
        REPO / "ansible" / "tests" / "playbooks" / "alb_cycle.yml", "-i", str(inventory),
        "-e", "alb_cycle_node=%s" % node, "-e", "lb_membership_driver=alb",
        "-e", "lb_membership_alb_target_group_arn=%s" % arn, "-e", "lb_membership_alb_endpoint_url=%s" % moto_endpoint,
        "-e", "lb_membership_alb_region=%s" % REGION, "-e", "lb_membership_alb_poll_seconds=1", *extra,
        env=ansible_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))


def target_states(elbv2, arn) -> dict[str, str]:
    return {d["Target"]["Id"]: d["TargetHealth"]["State"]
            for d in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]}


def test_alb_driver_deregisters_and_registers_a_node_and_waits_on_its_health(moto_endpoint, target_group):
    elbv2, arn, inventory = target_group
    elbv2.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "30"}])
    result = cycle(moto_endpoint, arn, inventory, "node2", "-e", "lb_membership_drain_timeout_seconds=90")
    assert result.returncode == 0, result.stdout[-4000:]
    # the deregistration and the registration both changed the target group
    assert re.search(r"TASK \[lb_membership : Deregister the target.*?\n(changed|ok): \[node2 -> localhost\]",
                     result.stdout, re.S).group(1) == "changed"
    assert re.search(r"TASK \[lb_membership : Register the target.*?\n(changed|ok): \[node2 -> localhost\]",
                     result.stdout, re.S).group(1) == "changed"
    assert target_states(elbv2, arn) == {ip: "healthy" for ip in NODES.values()}


def test_alb_driver_refuses_a_drain_wait_shorter_than_the_deregistration_delay(moto_endpoint, target_group):
    """community.aws.elb_target waits 60 s by default; an ALB drains for 300 s by default."""
    elbv2, arn, inventory = target_group
    elbv2.modify_target_group_attributes(
        TargetGroupArn=arn, Attributes=[{"Key": "deregistration_delay.timeout_seconds", "Value": "300"}])
    result = cycle(moto_endpoint, arn, inventory, "node2", "-e", "lb_membership_drain_timeout_seconds=60")
    assert result.returncode != 0
    assert "must exceed the target group's deregistration delay (300 s)" in result.stdout
    # refused before touching anything: every target still registered and healthy
    assert target_states(elbv2, arn) == {ip: "healthy" for ip in NODES.values()}
