"""Helpers shared by the Ansible tests (fixtures are in conftest.py): the fleet tests'
releases and load, playbook runs with the project's configuration, free ports."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "fleet"))
sys.path.insert(0, str(REPO / "lib"))

import local_fleet  # noqa: E402
import service_contract  # noqa: E402
from load import SteadyLoad  # noqa: E402

# The service's platform contract (service.yml): what every layer must agree with.
SERVICE = service_contract.load()

# The two releases the fleet tests roll between; the demo uses the same two, so their
# published jars (.fleet/artifacts) serve both. 1.0.0-SNAPSHOT is the jar `mvn verify`
# already built earlier in make test.
FROM_VERSION = "1.0.0-SNAPSHOT"
TO_VERSION = "1.0.1"
# Steady load for the tests: 4 workers x 25 req/s through HAProxy, light enough that
# three JVMs and the deploy keep their two cores.
LOAD_WORKERS, LOAD_PER_WORKER_QPS = 4, 25
# the version sampler beside hey (fleet/load.py)
SAMPLER_PER_SECOND = SteadyLoad.SAMPLER_PER_SECOND
PLAYBOOK_TIMEOUT_SECONDS = 600


def steady_load() -> SteadyLoad:
    return SteadyLoad(LOAD_WORKERS, LOAD_PER_WORKER_QPS)


ansible_env = local_fleet.ansible_environment


def run_playbook(playbook: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """ansible-playbook with the project's configuration; bounded in time."""
    return subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), str(playbook), *args],
                          cwd=REPO, env=env or ansible_env(), capture_output=True, text=True,
                          timeout=PLAYBOOK_TIMEOUT_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_alb_inventory(path: Path, nodes: dict[str, dict], alb_vars: dict, jar: Path) -> Path:
    """An inventory of nodes that exist only as files under path (no service runs on them;
    ansible_connection local) and the alb driver's settings, for running rolling_deploy.yml
    against an emulated target group. nodes: name -> host vars of its own (ansible_host at
    least). Host vars, since ansible/group_vars/all/node.yml (the EC2 nodes' settings) ranks above
    the vars of an inventory file's group."""
    shared = {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "dropwizard_service_name": "timekeeper", "dropwizard_service_manage_user": False,
        "dropwizard_service_cds_enabled": False, "dropwizard_service_artifact_source": "file",
        "dropwizard_service_artifact_file": str(jar), "dropwizard_service_app_port": free_port(),
        "dropwizard_service_systemd_unit_dir": str(path), "dropwizard_service_systemd_daemon_reload": False,
        "lb_membership_driver": "alb", "lb_membership_alb_poll_seconds": 1,
        "release_record_driver": "file", "release_record_file": str(path / "release"),
        # the instance's facts that ansible/group_vars/all/node.yml reads (the aws_ec2 inventory's)
        "service_environment": "test", "service_availability_zone": "eu-west-1a", "vpc_cidr": "10.0.0.0/16",
        **alb_vars}
    inventory = path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"timekeeper": {"hosts": {
        name: {"dropwizard_service_probe_host": own["ansible_host"], "dropwizard_service_root": str(path / name),
               "service_instance_id": name,
               **shared, **own} for name, own in nodes.items()}}}))
    return inventory


# The lb_membership role's tag that keeps a group's minimum size while a node is in Standby.
HELD_MIN_SIZE_TAG = "lb-membership:min-size-before-standby"


class EmulatedAutoScalingGroup:
    """An Auto Scaling group in the AWS emulator at its minimum size (3 of 3, as a quiet prod
    fleet is), whose three instances the group registered in an instance target group with
    a 30 s deregistration delay and a 2 s slow start."""

    # its shape between deploys, and after each: 3 of 3, nothing suspended, no tag, all InService
    AT_REST = {"min": 3, "desired": 3, "suspended": [], "held_min_size": [], "lifecycle": ["InService"]}

    def __init__(self, endpoint: str, region: str):
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name=region)
        ec2 = session.client("ec2", endpoint_url=endpoint)
        self.elbv2 = session.client("elbv2", endpoint_url=endpoint)
        self.autoscaling = session.client("autoscaling", endpoint_url=endpoint)
        self.name = "timekeeper-%s" % uuid.uuid4().hex[:12]
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        self.target_group_arn = self.elbv2.create_target_group(
            Name=self.name, Protocol="HTTP", Port=SERVICE["ports"]["app"], VpcId=vpc, TargetType="instance",
            HealthCheckPath=SERVICE["paths"]["ready"])["TargetGroups"][0]["TargetGroupArn"]
        self.elbv2.modify_target_group_attributes(TargetGroupArn=self.target_group_arn, Attributes=[
            {"Key": "deregistration_delay.timeout_seconds", "Value": "30"},
            {"Key": "slow_start.duration_seconds", "Value": "2"}])
        image = ec2.describe_images()["Images"][0]["ImageId"]
        ec2.create_launch_template(LaunchTemplateName=self.name,
                                   LaunchTemplateData={"ImageId": image, "InstanceType": "t3.small"})
        self.autoscaling.create_auto_scaling_group(
            AutoScalingGroupName=self.name, LaunchTemplate={"LaunchTemplateName": self.name, "Version": "$Latest"},
            MinSize=3, MaxSize=6, DesiredCapacity=3, VPCZoneIdentifier=subnet, TargetGroupARNs=[self.target_group_arn],
            HealthCheckType="ELB", HealthCheckGracePeriod=120)
        self.instances = sorted(i["InstanceId"] for i in group_of(self.autoscaling, self.name)["Instances"])
        assert len(self.instances) == 3 and set(self.target_states()) == set(self.instances)

    def target_states(self) -> dict[str, str]:
        return target_states(self.elbv2, self.target_group_arn)

    def shape(self) -> dict:
        return shape(group_of(self.autoscaling, self.name))


def target_states(elbv2, arn) -> dict[str, str]:
    """A target group's targets and their health states, as the load balancer reports them."""
    return {d["Target"]["Id"]: d["TargetHealth"]["State"]
            for d in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]}


def group_of(autoscaling, name) -> dict:
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]


def shape(group: dict) -> dict:
    """What a deploy may change in a group and must give back."""
    return {"min": group["MinSize"], "desired": group["DesiredCapacity"],
            "suspended": sorted(p["ProcessName"] for p in group["SuspendedProcesses"]),
            "held_min_size": [t["Value"] for t in group.get("Tags", []) if t["Key"] == HELD_MIN_SIZE_TAG],
            "lifecycle": sorted({i["LifecycleState"] for i in group["Instances"]})}
