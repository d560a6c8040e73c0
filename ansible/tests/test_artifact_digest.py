"""The dropwizard_service role checks the jar it stages against the release's sha256 (the
digest comes with the release record, not from the bucket): a tampered jar is removed and
refused before anything runs it, and in rolling_deploy.yml that check runs before the node
leaves the load balancer."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess

import boto3
import yaml

from ansible_test_support import REPO, SERVICE, ansible_env, run_playbook, scratch_alb_inventory, target_states

import local_fleet  # noqa: E402  (fleet/ is on sys.path through ansible_test_support)

PLAYBOOK = REPO / "ansible" / "tests" / "playbooks" / "stage_release.yml"
VERSION = "1.4.2"
REGION = "eu-west-1"


def stage(root, jar, digest, *extra):
    return run_playbook(PLAYBOOK, "-e", "dropwizard_service_root=%s" % root, "-e", "dropwizard_service_version=%s" % VERSION,
                        "-e", "dropwizard_service_artifact_source=file", "-e", "dropwizard_service_artifact_file=%s" % jar,
                        "-e", "dropwizard_service_artifact_sha256=%s" % digest, *extra)


def a_jar(tmp_path, content: bytes):
    jar = tmp_path / ("timekeeper-%s.jar" % VERSION)
    jar.write_bytes(content)
    return jar, hashlib.sha256(content).hexdigest()


def test_a_jar_that_matches_its_digest_is_staged(tmp_path):
    jar, digest = a_jar(tmp_path, b"PK\x03\x04 the release as built")
    root = tmp_path / "opt"

    result = stage(root, jar, digest.upper())  # hex digits in either case

    assert result.returncode == 0, result.stdout[-3000:]
    assert (root / "releases" / VERSION / "timekeeper.jar").read_bytes() == jar.read_bytes()


def test_a_tampered_jar_is_refused_naming_both_digests_and_nothing_is_left(tmp_path):
    jar, actual = a_jar(tmp_path, b"PK\x03\x04 a jar someone swapped in the bucket")
    expected = hashlib.sha256(b"PK\x03\x04 the release as built").hexdigest()
    root = tmp_path / "opt"

    result = stage(root, jar, expected)

    assert result.returncode != 0
    message = re.sub(r"\s+", " ", result.stdout)
    assert "does not match the release's digest: expected sha256 %s, got %s" % (expected, actual) in message, \
        result.stdout[-3000:]
    assert not (root / "releases" / VERSION).exists()


def test_a_jar_replaced_under_a_release_already_staged_is_removed_with_its_archive(tmp_path):
    jar, digest = a_jar(tmp_path, b"PK\x03\x04 the release as built")
    root = tmp_path / "opt"
    assert stage(root, jar, digest).returncode == 0
    release = root / "releases" / VERSION
    (release / "timekeeper.jsa").write_bytes(b"an archive of the good jar")
    jar.write_bytes(b"PK\x03\x04 a jar someone swapped in the bucket")

    result = stage(root, jar, digest)

    assert result.returncode != 0
    assert "does not match the release's digest" in result.stdout
    assert release.is_dir() and list(release.iterdir()) == []


def test_an_s3_release_without_a_digest_is_refused_before_the_download(tmp_path):
    root = tmp_path / "opt"

    result = run_playbook(PLAYBOOK, "-e", "dropwizard_service_root=%s" % root, "-e", "dropwizard_service_version=%s" % VERSION,
                          "-e", "dropwizard_service_artifact_source=s3",
                          "-e", "dropwizard_service_artifact_s3_bucket=timekeeper-test-artifacts")

    assert result.returncode != 0
    assert "is required for the s3 source" in result.stdout, result.stdout[-3000:]
    assert not root.exists()


def test_a_local_jar_without_a_digest_is_staged_unchecked(tmp_path):
    """A developer's own jar (artifact source file) may come without a digest."""
    jar, _ = a_jar(tmp_path, b"PK\x03\x04 a developer's build")
    root = tmp_path / "opt"

    result = stage(root, jar, "")

    assert result.returncode == 0, result.stdout[-3000:]
    assert (root / "releases" / VERSION / "timekeeper.jar").exists()


def test_a_digest_that_is_no_sha256_is_refused(tmp_path):
    jar, digest = a_jar(tmp_path, b"PK\x03\x04 the release as built")

    result = stage(tmp_path / "opt", jar, digest[:40])  # a sha1's length

    assert result.returncode != 0
    assert "must be the jar's sha256 (64 hex digits)" in result.stdout
    assert not (tmp_path / "opt").exists()


# --- the order in the playbook -------------------------------------------------------

def steps(tasks, base):
    """The role steps and task files a task list runs, in order: (role, tasks_from, vars)."""
    for task in tasks or []:
        if "block" in task:
            yield from steps(task["block"], base)
        elif "ansible.builtin.include_role" in task:
            role = task["ansible.builtin.include_role"]
            entry_points = task["loop"] if role.get("tasks_from") == "{{ item }}" else [role.get("tasks_from", "main")]
            for tasks_from in entry_points:
                yield role["name"], tasks_from, task.get("vars", {})
        elif "ansible.builtin.include_tasks" in task:
            included = base / task["ansible.builtin.include_tasks"]
            yield from steps(yaml.safe_load(included.read_text()), base)


def test_rolling_deploy_checks_the_jar_before_the_node_leaves_the_load_balancer():
    playbook = REPO / "ansible" / "rolling_deploy_pass.yml"
    ran = [step for play in yaml.safe_load(playbook.read_text())
           for section in ("pre_tasks", "tasks") for step in steps(play.get(section), playbook.parent)]
    names = [(role, tasks_from) for role, tasks_from, _ in ran]

    stage_at = names.index(("dropwizard_service", "stage"))
    assert stage_at < names.index(("lb_membership", "deregister")), names
    assert stage_at < names.index(("dropwizard_service", "activate")), names
    # the digest it checks is the release's, as the pipeline and the release record give it
    assert ran[stage_at][2]["dropwizard_service_artifact_sha256"] == "{{ release_sha256 | default('') }}"

    # and within the stage, the check comes before the training run, the first to run the jar
    stage_tasks = [task["name"] for task in yaml.safe_load(
        (REPO / "ansible" / "roles" / "dropwizard_service" / "tasks" / "stage.yml").read_text())]
    assert stage_tasks.index("Refuse the jar that does not match its digest") < \
        stage_tasks.index("Make the release's AppCDS archive with a training run")


def test_a_tampered_jar_stops_the_rolling_deploy_before_any_node_leaves_the_target_group(moto_endpoint, tmp_path):
    """rolling_deploy.yml itself, with the alb driver against moto: the release's jar was
    swapped after the build, so its sha256 is not the one the pipeline passes. The first
    node refuses it while still registered; no node is deregistered or touched."""
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    elbv2 = session.client("elbv2", endpoint_url=moto_endpoint)
    vpc = session.client("ec2", endpoint_url=moto_endpoint).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    arn = elbv2.create_target_group(Name="timekeeper-digest", Protocol="HTTP", Port=SERVICE["ports"]["app"], VpcId=vpc, TargetType="ip",
                                    HealthCheckPath=SERVICE["paths"]["ready"])["TargetGroups"][0]["TargetGroupArn"]
    # addresses no service listens on (the fleet's are 127.0.1.x): every node reads as stopped
    nodes = {"node%d" % n: "127.0.3.%d" % n for n in (1, 2, 3)}
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": ip, "Port": SERVICE["ports"]["app"]} for ip in nodes.values()])
    built = b"PK\x03\x04 the release as built"
    jar, _ = a_jar(tmp_path, b"PK\x03\x04 a jar someone swapped in the bucket")
    previous_record = {"version": "0.9.0", "sha256": "ab" * 32, "bundle_sha256": ""}
    (tmp_path / "release").write_text(json.dumps(previous_record))
    inventory = scratch_alb_inventory(tmp_path, {name: {"ansible_host": ip} for name, ip in nodes.items()}, {
        "lb_membership_alb_target_group_arn": arn, "lb_membership_alb_endpoint_url": moto_endpoint,
        "lb_membership_alb_region": REGION}, jar)

    result = run_playbook(REPO / "ansible" / "rolling_deploy.yml", "-i", str(inventory),
                          "-e", "release_version=%s" % VERSION, "-e", "release_sha256=%s" % hashlib.sha256(built).hexdigest(),
                          env=ansible_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION=REGION))

    assert result.returncode != 0
    message = re.sub(r"\s+", " ", result.stdout)
    assert "does not match the release's digest: expected sha256 %s, got %s" % (
        hashlib.sha256(built).hexdigest(), hashlib.sha256(jar.read_bytes()).hexdigest()) in message, result.stdout[-4000:]
    assert "The node was not touched" in message
    assert "lb_membership : Deregister" not in result.stdout
    assert target_states(elbv2, arn) == {ip: "healthy" for ip in nodes.values()}
    assert not any((tmp_path / name / "releases" / VERSION).exists() for name in nodes)
    assert not any((tmp_path / name / "current").exists() for name in nodes)
    # the record named the release before the first node, and names the previous one again
    assert json.loads((tmp_path / "release").read_text()) == previous_record
    assert re.search(r"TASK \[release_record : Write the release record file\].*?\nchanged: \[node1 -> localhost\]", result.stdout, re.S)
    assert re.search(r"TASK \[release_record : Write the release record file\].*?\nchanged: \[node1 -> localhost\].*TASK \[release_record : Write the release record file\].*?\nchanged: \[node1 -> localhost\]", result.stdout, re.S), "written, then put back"


def test_bootstrap_checks_the_jar_against_the_release_digest():
    play = yaml.safe_load((REPO / "ansible" / "bootstrap.yml").read_text())[0]
    role = next(r for r in play["roles"] if r["role"] == "dropwizard_service")
    assert role["vars"]["dropwizard_service_artifact_sha256"] == "{{ release_sha256 | default('') }}"


def test_the_local_fleet_hands_the_playbooks_the_digest_of_the_published_jar(tmp_path, monkeypatch):
    """make up / deploy / scale pass release_sha256 as the release record does on AWS, so the
    local fleet runs the same check; the digest is sha256sum's of .fleet/artifacts' jar."""
    monkeypatch.setattr(local_fleet, "ARTIFACTS_DIR", tmp_path)
    local_fleet.artifact_path(VERSION).write_bytes(b"PK\x03\x04 the release as published")
    sha256sum = subprocess.run(["sha256sum", str(local_fleet.artifact_path(VERSION))], capture_output=True, text=True,
                               check=True).stdout.split()[0]

    assert local_fleet.release_args(VERSION) == ["-e", "release_version=%s" % VERSION, "-e", "release_sha256=%s" % sha256sum]
