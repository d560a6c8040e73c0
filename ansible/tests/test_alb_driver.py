"""The lb_membership role's alb driver against an AWS API emulator (moto server on loopback):
a target group holding the local fleet's node addresses as targets, and an Auto Scaling group
whose instances are the targets. Moto reports targets healthy at once and has no draining,
so this proves the API wiring; drain timing is proven against the real HAProxy in
test_local_fleet.py. Moto is more forgiving than AWS in two ways the role must not lean on,
and the tests check for both: EnterStandby neither deregisters the instance from the group's
target groups nor refuses to go below the group's minimum size."""

from __future__ import annotations

import hashlib
import json
import re

import boto3
import pytest

from ansible_test_support import (HELD_MIN_SIZE_TAG, REPO, SERVICE, EmulatedAutoScalingGroup, ansible_env,
                                  run_playbook, scratch_alb_inventory, target_states)

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


# --- with an Auto Scaling group: each node's cycle in Standby ------------------------------

@pytest.fixture()
def auto_scaling_group(moto_endpoint, tmp_path):
    """An emulated group at its minimum size with its instance target group, and an inventory
    naming the nodes by instance id (addresses where no service listens)."""
    group = EmulatedAutoScalingGroup(moto_endpoint, REGION)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text("timekeeper:\n  hosts:\n" + "".join(
        "    %s:\n      ansible_host: 127.0.3.%d\n      ansible_connection: local\n"
        "      lb_membership_alb_target_id: %s\n" % (instance, n, instance)
        for n, instance in enumerate(group.instances, start=1)))
    return group, inventory


def group_cycle(moto_endpoint, group, inventory, node, *extra):
    return cycle(moto_endpoint, group.target_group_arn, inventory, node,
                 "-e", "lb_membership_alb_auto_scaling_group=%s" % group.name,
                 "-e", "lb_membership_drain_timeout_seconds=90", *extra)


def task_hosts(ansible_output: str, task: str) -> dict[str, str]:
    """The hosts a task ran on (everywhere in the output) and how: ok, changed, fatal."""
    results = {}
    for section in ansible_output.split("\nTASK [")[1:]:
        if section.startswith(task):
            results.update({host: status for status, host in re.findall(r"^(ok|changed|fatal): \[([^\] ]+)", section, re.M)})
    return results


def test_a_node_spends_its_cycle_in_standby_and_the_group_gets_its_shape_back(moto_endpoint, auto_scaling_group,
                                                                              tmp_path):
    group, inventory = auto_scaling_group
    record = tmp_path / "while-out.json"
    result = group_cycle(moto_endpoint, group, inventory, group.instances[1], "-e", "alb_cycle_record_file=%s" % record)
    assert result.returncode == 0, result.stdout[-4000:]

    while_out = json.loads(record.read_text())
    assert while_out["lifecycle_state"] == "Standby"
    seen = while_out["group"]
    # desired capacity down by one (no replacement launched); at 3 of 3 the minimum had to
    # make room, which AWS enforces and moto does not; the minimum it replaced kept in a tag
    assert (seen["min_size"], seen["desired_capacity"]) == (2, 2)
    assert {t["key"]: t["value"] for t in seen["tags"]}[HELD_MIN_SIZE_TAG] == "3"
    assert [p["process_name"] for p in seen["suspended_processes"]] == ["AZRebalance"]
    # Standby alone does not deregister in moto: the role's own deregistration did, and it
    # ran after the node entered Standby
    assert re.search(r"TASK \[lb_membership : Enter Standby.*?\nchanged: .*?"
                     r"TASK \[lb_membership : Deregister the target.*?\nchanged: ", result.stdout, re.S)

    assert group.shape() == group.AT_REST
    assert group.target_states() == {instance: "healthy" for instance in group.instances}
    # the target group's slow start was waited out before the cycle ended
    assert task_hosts(result.stdout, "lb_membership : Wait out the target group's slow start") == {
        group.instances[1]: "ok"}


def test_the_fleet_check_counts_the_groups_desired_capacity(moto_endpoint, auto_scaling_group):
    """A target group that lists fewer serving instances than the group wants is short, even
    when every target it lists is healthy: the check counts, it does not only look for an
    unhealthy target."""
    group, inventory = auto_scaling_group
    first, second, third = group.instances
    group.elbv2.deregister_targets(TargetGroupArn=group.target_group_arn, Targets=[{"Id": third, "Port": SERVICE["ports"]["app"]}])
    result = group_cycle(moto_endpoint, group, inventory, first)
    assert result.returncode != 0
    message = re.sub(r"\s+", " ", result.stdout)
    assert "Not touching %s: 2 other node(s) must serve while 1 is out, and 1 do (%s)" % (first, second) in message, \
        result.stdout[-3000:]
    # refused before touching anything
    assert group.shape() == group.AT_REST
    assert group.target_states() == {first: "healthy", second: "healthy"}


def test_a_failed_cycle_returns_the_node_to_service_and_resumes_the_group(moto_endpoint, auto_scaling_group,
                                                                         tmp_path):
    """rolling_deploy.yml itself, with the alb driver and the group: the first node's cycle
    fails after it entered Standby (stopping it fails: no systemd runs these scratch nodes)
    and it has no release to roll back to either. It still leaves Standby, the group gets its
    minimum size back and AZRebalance resumes; the other nodes are never touched and the
    release record names the previous release again. (The same with a real rollback, on the
    local fleet's nodes: test_local_fleet.py.)"""
    group, _ = auto_scaling_group
    first = group.instances[0]
    content = b"PK\x03\x04 a release that never answers"
    jar = tmp_path / "timekeeper-1.4.2.jar"
    jar.write_bytes(content)
    previous_record = {"version": "0.9.0", "sha256": "ab" * 32, "bundle_sha256": ""}
    (tmp_path / "release").write_text(json.dumps(previous_record))
    inventory = scratch_alb_inventory(tmp_path, {
        instance: {"ansible_host": "127.0.3.%d" % n, "lb_membership_alb_target_id": instance}
        for n, instance in enumerate(group.instances, start=1)}, {
        "lb_membership_alb_target_group_arn": group.target_group_arn, "lb_membership_alb_endpoint_url": moto_endpoint,
        "lb_membership_alb_region": REGION, "lb_membership_alb_auto_scaling_group": group.name,
        "lb_membership_drain_timeout_seconds": 90, "lb_membership_healthy_timeout_seconds": 10,
        "dropwizard_service_ready_timeout_seconds": 5}, jar)

    result = run_playbook(REPO / "ansible" / "rolling_deploy.yml", "-i", str(inventory), "-e", "release_version=1.4.2",
                          "-e", "release_sha256=%s" % hashlib.sha256(content).hexdigest(),
                          env=ansible_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))

    assert result.returncode != 0
    message = re.sub(r"\s+", " ", result.stdout)
    assert "Deploy of 1.4.2 failed on %s at 'Bring the systemd service to stopped'" % first in message, \
        result.stdout[-4000:]
    assert "Its rollback failed too, at 'Check there is a release to roll back to': %s has no previous release" % (
        first) in message
    assert task_hosts(result.stdout, "lb_membership : Enter Standby") == {first: "changed"}
    assert task_hosts(result.stdout, "lb_membership : Exit Standby") == {first: "changed"}
    assert group.shape() == group.AT_REST
    # back in the target group, where only its own health checks decide (moto: healthy)
    assert set(group.target_states()) == set(group.instances)
    assert not any((tmp_path / instance / "current").exists() for instance in group.instances[1:])
    assert json.loads((tmp_path / "release").read_text()) == previous_record
