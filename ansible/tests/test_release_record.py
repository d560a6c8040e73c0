"""The release_record role's ssm driver against an AWS API emulator (moto server on loopback):
the record rolling_deploy.yml writes before its first node, in the parameter the instances'
user data reads (a JSON object), written only when it changes."""

from __future__ import annotations

import json
import re

import boto3

from ansible_test_support import REPO, ansible_env, run_playbook

REGION = "eu-west-1"
PARAMETER = "/timekeeper/dev/release"


def write_record(moto_endpoint, record: dict):
    return run_playbook(
        REPO / "ansible" / "tests" / "playbooks" / "release_record.yml", "-i", "localhost,",
        "-e", json.dumps({"ansible_python_interpreter": "{{ ansible_playbook_python }}",
                          "release_record_driver": "ssm", "release_record_parameter": PARAMETER,
                          "release_record_region": REGION, "release_record_endpoint_url": moto_endpoint,
                          "release_record_value": record}),
        env=ansible_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))


def write_changed(output: str) -> str:
    return re.search(r"TASK \[release_record : Write the release record to SSM\].*?\n(changed|ok|skipping): ",
                     output, re.S).group(1)


def test_the_record_is_a_json_object_in_the_parameter_and_rewritten_only_when_it_changes(moto_endpoint):
    ssm = boto3.client("ssm", region_name=REGION, endpoint_url=moto_endpoint,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    first = {"version": "1.4.2", "sha256": "a" * 64, "bundle_sha256": "b" * 64}

    result = write_record(moto_endpoint, first)
    assert result.returncode == 0, result.stdout[-4000:]
    # a parameter that does not exist yet reads as no record
    assert "before: version none" in result.stdout
    assert write_changed(result.stdout) == "changed"
    assert json.loads(ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"]) == first

    again = write_record(moto_endpoint, first)
    assert again.returncode == 0, again.stdout[-4000:]
    assert write_changed(again.stdout) == "skipping"
    assert ssm.get_parameter(Name=PARAMETER)["Parameter"]["Version"] == 1

    second = dict(first, version="1.4.3", sha256="c" * 64)
    result = write_record(moto_endpoint, second)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "before: version 1.4.2" in result.stdout
    assert json.loads(ssm.get_parameter(Name=PARAMETER)["Parameter"]["Value"]) == second


def test_a_record_without_a_version_is_refused(moto_endpoint):
    result = write_record(moto_endpoint, {"version": "", "sha256": "", "bundle_sha256": ""})
    assert result.returncode != 0
    assert "release_record_value must name a version" in result.stdout
