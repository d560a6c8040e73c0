"""What an EC2 node gets from the dropwizard_service role: its environment file, launcher and
systemd unit, rendered from the one place the settings live (ansible/group_vars/all/node.yml)
through both paths that write them, and required to be the same:

- the bootstrap: the app stack's user data, run with stand-ins for the commands it calls
  (cloudformation/tests/test_user_data.py), gives the exact extra vars it passes to
  bootstrap.yml on `-i localhost,`;
- the rolling deploy: inventory/<env> (the aws_ec2 plugin against moto) with the variables
  the pipeline passes, through the role's `stage` entry point, which the deploy runs first.

The unit is checked with systemd-analyze verify; the stop timeout must cover the drain."""

from __future__ import annotations

import configparser
import hashlib
import re
import subprocess
import sys

import boto3
import pytest
import yaml

from ansible_test_support import REPO, SERVICE, ansible_env, run_playbook

sys.path.insert(0, str(REPO / "cloudformation" / "tests"))
import test_user_data as user_data  # noqa: E402  (the user data rendered and run with stand-ins)
from cfn_templates import ENVIRONMENTS, load_template, the_resource  # noqa: E402

RENDER = REPO / "ansible" / "tests" / "playbooks" / "node_settings" / "render_unit.yml"
EC2_SETTINGS = yaml.safe_load((REPO / "ansible" / "group_vars" / "all" / "node.yml").read_text())
REGION = user_data.REGION
FILES = ("timekeeper.env", "bin/timekeeper", "units/timekeeper.service")


def _scratch(tmp_path):
    root, unit_dir = tmp_path / "opt", tmp_path / "opt" / "units"
    unit_dir.mkdir(parents=True, exist_ok=True)
    # The launcher's AppCDS branch needs an archive made by a training run: off on both paths.
    return root, ["-e", f"dropwizard_service_root={root}", "-e", f"dropwizard_service_systemd_unit_dir={unit_dir}",
                  "-e", "dropwizard_service_cds_enabled=false"]


def _read(root):
    return {name: (root / name).read_text() for name in FILES}


def _environment_file(text):
    return dict(re.findall(r'^([A-Z_]+)="(.*)"$', text, re.MULTILINE))


def bootstrap_extra_vars(tmp_path, environment):
    """The -e pairs app.yaml's user data passes to bootstrap.yml, from a run with stand-ins."""
    status, calls, stderr = user_data.run_user_data(tmp_path / "user-data", environment)
    assert status == 0, stderr
    [playbook] = user_data.calls_of(calls, "ansible-playbook")
    args = playbook["args"]
    assert args[:5] == ["ansible/bootstrap.yml", "-i", "localhost,", "-c", "local"]
    pairs = [args[i + 1] for i, arg in enumerate(args) if arg == "-e"]
    # The interpreter is the instance's virtualenv: here the tests' own.
    return [pair for pair in pairs if not pair.startswith("ansible_python_interpreter=")]


def render_as_bootstrap(tmp_path, environment):
    root, scratch = _scratch(tmp_path / "bootstrap")
    extra = [arg for pair in bootstrap_extra_vars(tmp_path, environment) for arg in ("-e", pair)]
    result = run_playbook(RENDER, "-i", "localhost,", "-c", "local", *extra, *scratch)
    assert result.returncode == 0, result.stdout[-3000:]
    return root


def render_as_rolling_deploy(tmp_path, environment, instance_id, moto_endpoint, stale_env=None):
    root, scratch = _scratch(tmp_path / "deploy")
    if stale_env is not None:
        (root / "timekeeper.env").write_text(stale_env)
    jar = tmp_path / "timekeeper.jar"
    jar.write_bytes(b"PK\x05\x06" + bytes(18))
    digest = hashlib.sha256(jar.read_bytes()).hexdigest()
    # What the pipeline passes (Jenkinsfile stackOutputVars, shipService's artifact_bucket).
    pipeline = {"artifact_bucket": user_data.ARTIFACT_BUCKET.format(environment=environment),
                "vpc_cidr": user_data.VPC_CIDR, "ssm_transfer_bucket": f"timekeeper-{environment}-ssm-transfer",
                "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tk/0123"}
    extra = [arg for name, value in pipeline.items() for arg in ("-e", f"{name}={value}")]
    result = run_playbook(
        RENDER, "-i", str(REPO / "inventory" / environment), "-e", f"render_hosts={instance_id}",
        "-e", "render_tasks_from=stage", "-e", "dropwizard_service_artifact_source=file",
        "-e", f"dropwizard_service_artifact_file={jar}", "-e", f"dropwizard_service_artifact_sha256={digest}",
        *extra, *scratch,
        env=ansible_env(AWS_ENDPOINT_URL=moto_endpoint, AWS_ACCESS_KEY_ID="testing",
                        AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"ok: [{instance_id}]" in result.stdout or f"changed: [{instance_id}]" in result.stdout
    return root


@pytest.fixture(scope="module")
def fleet_instances(moto_endpoint):
    """One running instance per environment, tagged as the app stack tags them."""
    ec2 = boto3.client("ec2", endpoint_url=moto_endpoint, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    instances = {}
    for environment in ENVIRONMENTS:
        [instance] = ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
            Placement={"AvailabilityZone": user_data.AVAILABILITY_ZONE},
            TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "Service", "Value": "timekeeper"}, {"Key": "Environment", "Value": environment}]}],
        )["Instances"]
        instances[environment] = instance["InstanceId"]
    return instances


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_bootstrap_and_rolling_deploy_write_the_same_settings(tmp_path, monkeypatch, moto_endpoint,
                                                              fleet_instances, environment):
    instance_id = fleet_instances[environment]
    # The instance metadata the user data's stand-in answers: this instance's.
    monkeypatch.setattr(user_data, "INSTANCE_ID", instance_id)
    bootstrap = _read(render_as_bootstrap(tmp_path, environment))
    # A node bootstrapped long ago has an older environment file: the deploy must rewrite it.
    deploy = _read(render_as_rolling_deploy(tmp_path, environment, instance_id, moto_endpoint,
                                            stale_env='JAVA_OPTS="-Xmx64m"\n'))

    env = _environment_file(bootstrap["timekeeper.env"])
    # client_ip: the ALB's X-Forwarded-For is believed from the VPC's addresses only.
    assert env["TRUSTED_PROXIES"] == user_data.VPC_CIDR
    assert env["JAVA_OPTS"] == EC2_SETTINGS["dropwizard_service_java_opts"]
    assert env["ENVIRONMENT"] == environment
    assert env["INSTANCE_ID"] == instance_id
    assert env["AVAILABILITY_ZONE"] == user_data.AVAILABILITY_ZONE
    assert env["LOG_MAX_FILE_SIZE"] == EC2_SETTINGS["dropwizard_service_log_max_file_size"]
    assert env["LOG_ARCHIVE_DAYS"] == str(EC2_SETTINGS["dropwizard_service_log_archive_days"])
    assert env["LOG_TOTAL_SIZE_CAP"] == EC2_SETTINGS["dropwizard_service_log_total_size_cap"]
    for name in FILES:
        assert deploy[name].replace(str(tmp_path / "deploy"), "<root>") == \
            bootstrap[name].replace(str(tmp_path / "bootstrap"), "<root>"), name


_SIZE = re.compile(r"^(\d+)(MiB|GiB)$")


def _bytes(size):
    amount, unit = _SIZE.match(size).groups()
    return int(amount) * {"MiB": 2 ** 20, "GiB": 2 ** 30}[unit]


def test_the_log_caps_leave_most_of_the_root_volume_free():
    volume = int(load_template("app")["Parameters"]["RootVolumeSize"]["Default"]) * 2 ** 30
    per_log = _bytes(EC2_SETTINGS["dropwizard_service_log_total_size_cap"]) + \
        _bytes(EC2_SETTINGS["dropwizard_service_log_max_file_size"])
    # timekeeper.log and requests.log, each: its archives up to the cap plus the live file.
    assert 2 * per_log <= volume / 4


def test_the_modules_run_in_the_virtualenv_the_bootstrap_made():
    script = user_data.render_user_data("dev")
    [venv] = re.findall(r"^readonly ANSIBLE_VENV='(.*)'$", script, re.MULTILINE)
    shared = yaml.safe_load((REPO / "inventory" / "ec2-group_vars" / "timekeeper.yml").read_text())
    assert shared["ansible_python_interpreter"].replace("{{ service_name }}", "timekeeper") == venv + "/bin/python"


def test_systemd_unit_verifies_and_stops_gracefully(tmp_path):
    root = render_as_bootstrap(tmp_path, "prod")
    unit_file = root / "units" / "timekeeper.service"

    verify = subprocess.run(["systemd-analyze", "verify", str(unit_file)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(unit_file)
    service = unit["Service"]
    assert service["KillSignal"] == "SIGTERM"
    delay, grace = (SERVICE["drain"][f"shutdown_{name}_seconds"] for name in ("delay", "grace"))
    assert int(service["TimeoutStopSec"]) > delay + grace
    launcher = (root / "bin" / "timekeeper").read_text()
    assert service["ExecStart"] == str(root / "bin" / "timekeeper")
    assert "\nexec /usr/bin/java $JAVA_OPTS -jar \"%s/current/timekeeper.jar\" server" % root in launcher
    env = _environment_file((root / "timekeeper.env").read_text())
    assert (env["SHUTDOWN_DELAY"], env["SHUTDOWN_GRACE_PERIOD"]) == (f"{delay}s", f"{grace}s")


def test_role_refuses_a_stop_timeout_that_would_cut_the_drain(tmp_path):
    root, scratch = _scratch(tmp_path)
    result = run_playbook(RENDER, "-i", "localhost,", "-c", "local", *scratch,
                          "-e", "service_name=timekeeper",
                          "-e", "dropwizard_service_shutdown_delay_seconds=15",
                          "-e", "dropwizard_service_shutdown_grace_seconds=30",
                          "-e", "dropwizard_service_stop_timeout_seconds=40")
    assert result.returncode != 0
    assert "stop timeout (40 s) above shutdown delay + grace" in result.stdout
    assert not (root / "units" / "timekeeper.service").exists()
