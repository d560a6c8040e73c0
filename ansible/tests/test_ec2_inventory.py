"""inventory/{dev,staging,prod}: the amazon.aws.aws_ec2 plugin picks exactly the running
instances tagged Service=timekeeper and Environment=<env> (the tags the CloudFormation app
stack sets), against moto on loopback (boto3 honours AWS_ENDPOINT_URL)."""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_ec2_inventory_selects_the_environments_timekeeper_instances(moto_endpoint, tagged_instances, environment):
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ansible-inventory"), "-i", str(REPO / "inventory" / environment), "--list"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env=ansible_env(AWS_ENDPOINT_URL=moto_endpoint, AWS_ACCESS_KEY_ID="testing",
                        AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))
    assert result.returncode == 0, result.stderr[-3000:]
    inventory = json.loads(result.stdout)
    expected = tagged_instances[("timekeeper", environment)]
    assert sorted(inventory["timekeeper"]["hosts"]) == expected
    # ansible-inventory marks values that came from the cloud as unsafe: {"__ansible_unsafe": value}
    hostvars = {name: value.get("__ansible_unsafe", value) if isinstance(value, dict) else value
                for name, value in inventory["_meta"]["hostvars"][expected[0]].items()}
    # the alb driver registers the instance by id; group vars of the environment apply
    assert hostvars["lb_membership_alb_target_id"] == expected[0]
    assert hostvars["dropwizard_service_environment_name"] == environment
    assert hostvars["lb_membership_driver"] == "alb"
