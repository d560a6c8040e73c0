"""inventory/{dev,staging,prod}: the amazon.aws.aws_ec2 plugin picks exactly the running
instances tagged Service=timekeeper and Environment=<env> (the tags the CloudFormation app
stack sets), against moto on loopback (boto3 honours AWS_ENDPOINT_URL), and gives each the
connection through SSM Session Manager: amazon.aws.aws_ssm to the instance id, in the
region, with the environment's transfer bucket. A real session needs real AWS (the SSM
agent, the session-manager-plugin, IAM): moto has no Session Manager data channel."""

from __future__ import annotations

import json
import re
import subprocess

import boto3
import pytest

from ansible_test_support import REPO, ansible_env

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def tagged_instances(moto_endpoint):
    """Instances of several services and environments; returns {(service, env): [ids]}."""
    ec2 = boto3.client("ec2", endpoint_url=moto_endpoint, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    launched = {}
    for service, environment, count in (("timekeeper", "dev", 2), ("timekeeper", "prod", 3), ("other", "dev", 1)):
        reservation = ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=count, MaxCount=count, InstanceType="t3.micro",
            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "Service", "Value": service}, {"Key": "Environment", "Value": environment}]}])
        launched[(service, environment)] = sorted(i["InstanceId"] for i in reservation["Instances"])
    return launched


def _moto_env(moto_endpoint):
    return ansible_env(AWS_ENDPOINT_URL=moto_endpoint, AWS_ACCESS_KEY_ID="testing",
                       AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_ec2_inventory_selects_the_environments_timekeeper_instances(moto_endpoint, tagged_instances, environment):
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible-inventory"), "-i", str(REPO / "inventory" / environment), "--list"],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=_moto_env(moto_endpoint))
    assert result.returncode == 0, result.stderr[-3000:]
    inventory = json.loads(result.stdout)
    expected = tagged_instances[("timekeeper", environment)]
    assert sorted(inventory["timekeeper"]["hosts"]) == expected
    # ansible-inventory marks values that came from the cloud as unsafe: {"__ansible_unsafe": value}
    hostvars = {name: value.get("__ansible_unsafe", value) if isinstance(value, dict) else value
                for name, value in inventory["_meta"]["hostvars"][expected[0]].items()}
    # the alb driver registers the instance by id; group vars of the environment apply
    assert hostvars["lb_membership_alb_target_id"] == expected[0]
    assert hostvars["lb_membership_driver"] == "alb"
    # the facts the bootstrap gets from user data, under its names (ansible/group_vars/all/node.yml)
    assert hostvars["service_environment"] == environment
    assert hostvars["service_name"] == "timekeeper"
    assert hostvars["service_instance_id"] == expected[0]
    # Session Manager reaches the instance by its id: no private address, no SSH
    assert hostvars["ansible_connection"] == "amazon.aws.aws_ssm"
    assert hostvars["ansible_host"] == expected[0]
    assert not any(name.startswith("ansible_ssh") for name in hostvars)


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_each_node_connects_through_ssm_with_the_environments_bucket(moto_endpoint, tagged_instances, environment):
    """The connection settings, templated, for every selected host (the debug action runs on
    the controller: no session is opened; the connection's own variables are read through
    hostvars, as a task's variables no longer hold them)."""
    bucket = f"timekeeper-{environment}-ssm-transfer-123456789012-{REGION}"
    fields = ["ansible_connection", "ansible_host", "ansible_aws_ssm_region", "ansible_aws_ssm_bucket_name",
              "ansible_become", "ansible_python_interpreter"]
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible"), "timekeeper", "-i", str(REPO / "inventory" / environment),
         "-m", "ansible.builtin.debug", "-a", "msg=" + "|".join("{{ hostvars[inventory_hostname].%s }}" % field for field in fields),
         "-e", f"ssm_transfer_bucket={bucket}", "-e", "artifact_bucket=unused", "-e", "target_group_arn=unused"],
        cwd=REPO, capture_output=True, text=True, timeout=120, env=_moto_env(moto_endpoint))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # ansible.cfg prints results as YAML: "<host> | SUCCESS =>" then "msg: <value>"
    rendered = dict(re.findall(r"^(i-[0-9a-f]+) \| SUCCESS => \n\s+msg: (.*)$", result.stdout, re.MULTILINE))
    assert sorted(rendered) == tagged_instances[("timekeeper", environment)]
    for instance_id, message in rendered.items():
        assert dict(zip(fields, message.split("|"))) == {
            "ansible_connection": "amazon.aws.aws_ssm", "ansible_host": instance_id,
            "ansible_aws_ssm_region": REGION, "ansible_aws_ssm_bucket_name": bucket,
            "ansible_become": "True", "ansible_python_interpreter": "/opt/timekeeper-ansible/bin/python"}
