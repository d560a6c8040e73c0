"""The templates on their own: cfn-lint, checkov, parameter files, and the settings that
must agree with the service (drain timing, timeouts)."""
import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cfn_templates import (
    ALL_ENVIRONMENTS,
    CLOUDFORMATION_DIR, ENVIRONMENTS, PARAMETERS_DIR, REPO_ROOT, TEMPLATE_NAMES, load_balancer_attributes,
    SERVICE, load_parameters, load_template, service_default_seconds, stack_name, stacks_of,
    target_group_attributes, template_path, the_resource,
)
import stack_parameters  # noqa: E402  (cloudformation/, on the path through cfn_templates)

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_cfn_lint_finds_nothing(name):
    # Run from cloudformation/ so .cfnlintrc (regions, informational rules) applies.
    result = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), template_path(name).name],
                            cwd=CLOUDFORMATION_DIR, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _checkov(directory):
    assert CHECKOV.exists(), f"{CHECKOV} is missing: run make setup"
    # --skip-download: no call to the vendor's platform (this machine has no internet).
    result = subprocess.run(
        [str(CHECKOV), "--directory", str(directory), "--framework", "cloudformation",
         "--skip-download", "--output", "json", "--quiet"],
        capture_output=True, text=True, timeout=600)
    reports = json.loads(result.stdout)
    return reports if isinstance(reports, list) else [reports]


@pytest.fixture(scope="module")
def checkov_results():
    return _checkov(CLOUDFORMATION_DIR)


def test_checkov_fails_no_check(checkov_results):
    failed = [(c["check_id"], c["file_path"], c["resource"])
              for report in checkov_results for c in report["results"]["failed_checks"]]
    passed = sum(report["summary"]["passed"] for report in checkov_results)
    assert failed == [] and passed > 0


def _skip_annotations():
    for name in TEMPLATE_NAMES:
        for logical_id, resource in load_template(name)["Resources"].items():
            for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
                yield name, logical_id, skip


def test_every_checkov_skip_gives_a_specific_reason():
    skips = list(_skip_annotations())
    assert skips
    for name, logical_id, skip in skips:
        assert len(skip.get("comment", "").split()) >= 8, (name, logical_id, skip)


def test_every_checkov_skip_is_still_needed(tmp_path):
    """Without its annotation each skipped check fails: no skip outlives its reason."""
    for name in TEMPLATE_NAMES:
        template = load_template(name)
        for resource in template["Resources"].values():
            resource.get("Metadata", {}).pop("checkov", None)
        (tmp_path / f"{name}.json").write_text(json.dumps(template))
    failing = {(c["check_id"], c["resource"].split(".")[-1], c["file_path"].strip("/").rsplit(".", 1)[0])
               for report in _checkov(tmp_path) for c in report["results"]["failed_checks"]}
    skipped = {(skip["id"], logical_id, name) for name, logical_id, skip in _skip_annotations()}
    assert skipped == failing


@pytest.mark.parametrize("environment", ALL_ENVIRONMENTS)
def test_parameter_files_fit_their_templates(environment):
    assert {p.stem for p in (PARAMETERS_DIR / environment).glob("*.json")} == set(stacks_of(environment))
    for stack in stacks_of(environment):
        declared = load_template(stack)["Parameters"]
        given = load_parameters(environment, stack)
        assert set(given) <= set(declared), stack
        assert {k for k, v in declared.items() if "Default" not in v} <= set(given), stack
        for key, value in given.items():
            if "AllowedValues" in declared[key]:
                assert value in [str(v) for v in declared[key]["AllowedValues"]], (stack, key)
            if key.startswith("Parent") and key.endswith("Stack"):
                # every parent is a stack of the same environment, deployed before this one
                layer = {
                    "ParentNetworkStack": "network",
                    "ParentLoadBalancerStack": "load-balancer",
                    "ParentArtifactsStack": "artifacts",
                    "ParentDeployStack": "deploy"}[key]
                assert value == stack_name(environment, layer), (stack, key)
                assert stacks_of(environment).index(layer) < stacks_of(environment).index(stack), (stack, key)
            if key == "Environment":
                assert value == environment


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_rolling_update_never_drops_below_the_serving_minimum(environment):
    app = {k: int(v) for k, v in load_parameters(environment, "app").items() if v.isdigit()}
    assert app["MinSize"] <= app["DesiredCapacity"] <= app["MaxSize"]
    # CloudFormation needs room to launch a replacement before it terminates an old node.
    assert app["MinInstancesInService"] < app["MaxSize"]
    assert app["DesiredCapacity"] + 1 <= app["MaxSize"]
    assert app["MinInstancesInService"] >= min(2, app["DesiredCapacity"])
    update = the_resource(load_template("app"), "AWS::AutoScaling::AutoScalingGroup")["UpdatePolicy"]
    rolling = update["AutoScalingRollingUpdate"]
    assert rolling["MinInstancesInService"] == {"Ref": "MinInstancesInService"}
    assert rolling["MaxBatchSize"] == 1 and rolling["WaitOnResourceSignals"] is True


def test_the_templates_defaults_are_the_service_contracts():
    defaults = {"ServiceName": SERVICE["name"], "AppPort": SERVICE["ports"]["app"],
                "AdminPort": SERVICE["ports"]["admin"], "HealthCheckPath": SERVICE["paths"]["ready"]}
    found = set()
    for name in TEMPLATE_NAMES:
        for key, parameter in load_template(name)["Parameters"].items():
            if key in defaults:
                assert str(parameter["Default"]) == str(defaults[key]), (name, key)
                found.add(key)
    assert found == set(defaults)
    target_group = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert target_group["Properties"]["HealthCheckPath"] == {"Ref": "HealthCheckPath"}
    assert target_group["Properties"]["Port"] == {"Ref": "AppPort"}


@pytest.mark.parametrize("environment", ALL_ENVIRONMENTS)
def test_parameter_files_hold_only_what_differs_per_environment(environment):
    for stack in stacks_of(environment):
        given = set(stack_parameters.file_parameters(environment, stack))
        # the contract's facts are the templates' defaults; the parent stacks' names are derived
        assert not {"ServiceName", "AppPort", "AdminPort", "HealthCheckPath"} & given, stack
        assert not {key for key in given if key.startswith("Parent") and key.endswith("Stack")}, stack


def test_the_release_parameter_and_bundle_are_named_as_the_contract_says():
    name = SERVICE["release"]["parameter"].format(service="${ServiceName}", environment="${Environment}")
    artifacts = load_template("artifacts")["Resources"]["ReleaseParameter"]["Properties"]
    assert artifacts["Name"] == {"Fn::Sub": name}
    user_data = the_resource(load_template("app"), "AWS::EC2::LaunchTemplate")["Properties"]["LaunchTemplateData"]
    assert user_data["UserData"]["Fn::Base64"]["Fn::Sub"][1]["ReleaseParameter"] == {"Fn::Sub": name}
    # the bundle the user data fetches, under the shell variables of the release version's one name
    bundle_key = SERVICE["release"]["bundle_key"].format(
        service="$SERVICE", version="$" + SERVICE["release"]["version_variable"].upper())
    script = user_data["UserData"]["Fn::Base64"]["Fn::Sub"][0]
    assert f'"s3://$ARTIFACT_BUCKET/{bundle_key}"' in script
    # ... and hands on to the bundle's script, which passes it to the playbooks under that name
    version_variable = SERVICE["release"]["version_variable"]
    assert '%s="$%s"' % ((version_variable.upper(),) * 2) in script
    bootstrap = (REPO_ROOT / "ansible" / "bootstrap-instance.sh").read_text()
    assert '-e %s="$%s"' % (version_variable, version_variable.upper()) in bootstrap


def test_the_load_balancer_stops_routing_to_a_draining_node_before_it_stops_serving():
    health_check = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")["Properties"]
    time_to_out_of_rotation = health_check["HealthCheckIntervalSeconds"] * health_check["UnhealthyThresholdCount"]
    assert time_to_out_of_rotation < SERVICE["drain"]["shutdown_delay_seconds"]
    assert health_check["HealthCheckTimeoutSeconds"] < health_check["HealthCheckIntervalSeconds"]


def test_in_flight_requests_outlast_neither_the_deregistration_delay_nor_the_drain_hook():
    deregistration_delay = int(target_group_attributes(load_template("load-balancer"))["deregistration_delay.timeout_seconds"])
    assert deregistration_delay >= SERVICE["drain"]["shutdown_grace_seconds"]
    assert deregistration_delay < 300  # explicit and short, not the AWS default
    hook = the_resource(load_template("app"), "AWS::AutoScaling::LifecycleHook")["Properties"]
    assert hook["LifecycleTransition"] == "autoscaling:EC2_INSTANCE_TERMINATING"
    assert hook["HeartbeatTimeout"] > deregistration_delay
    assert hook["DefaultResult"] == "CONTINUE"


def test_the_load_balancer_closes_idle_connections_before_the_service_does():
    alb_idle = int(load_balancer_attributes(load_template("load-balancer"))["idle_timeout.timeout_seconds"])
    assert alb_idle < service_default_seconds("IDLE_TIMEOUT")


def test_new_nodes_ramp_up_with_slow_start():
    attributes = target_group_attributes(load_template("load-balancer"))
    assert int(attributes["slow_start.duration_seconds"]) >= 30
    assert attributes["load_balancing.algorithm.type"] == "round_robin"


def test_https_only_with_a_current_tls_policy():
    template = load_template("load-balancer")
    listeners = {l["Properties"]["Port"]: l["Properties"]
                 for l in template["Resources"].values() if l["Type"] == "AWS::ElasticLoadBalancingV2::Listener"}
    assert listeners[443]["SslPolicy"].startswith("ELBSecurityPolicy-TLS13-")
    assert [a["Type"] for a in listeners[80]["DefaultActions"]] == ["redirect"]
    assert listeners[80]["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"


def test_the_jenkins_host_admits_only_the_office_and_the_webhook_ranges():
    jenkins = load_template("jenkins")["Resources"]
    # its agents admit only the controller, on SSH (the ec2 plugin starts the agent process)
    assert "SecurityGroupIngress" not in jenkins["AgentSecurityGroup"]["Properties"]
    [agent_ingress] = [r["Properties"] for r in jenkins.values() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]
    assert agent_ingress["GroupId"] == {"Ref": "AgentSecurityGroup"}
    assert (agent_ingress["FromPort"], agent_ingress["ToPort"]) == (22, 22)
    assert agent_ingress["SourceSecurityGroupId"] == {"Ref": "SecurityGroup"}
    ingress = jenkins["SecurityGroup"]["Properties"]["SecurityGroupIngress"]
    sources = sorted((rule["FromPort"], json.dumps({k: v for k, v in rule.items() if k in (
        "CidrIp", "SourcePrefixListId", "SourceSecurityGroupId", "CidrIpv6")})) for rule in ingress)
    assert sources == [(443, json.dumps({"CidrIp": {"Ref": "OfficeCidr"}})),
                       (443, json.dumps({"SourcePrefixListId": {"Ref": "WebhookSourcePrefixListId"}}))]


def test_buckets_are_private_and_encrypted():
    for name in ("artifacts", "load-balancer"):
        for logical_id, bucket in load_template(name)["Resources"].items():
            if bucket["Type"] != "AWS::S3::Bucket":
                continue
            properties = bucket["Properties"]
            assert all(properties["PublicAccessBlockConfiguration"].values()), (name, logical_id)
            assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], (name, logical_id)
            # Not the SSM transfer bucket: unversioned on purpose (test_ssm_access.py).
            if logical_id != "SsmTransferBucket":
                assert properties["VersioningConfiguration"] == {"Status": "Enabled"}, (name, logical_id)


def test_the_release_record_is_a_json_object_from_its_seed_on():
    parameter = load_template("artifacts")["Resources"]["ReleaseParameter"]["Properties"]
    seed = json.loads(parameter["Value"]["Fn::Sub"].replace("${InitialRelease}", "0.0.0"))
    assert seed == {"version": "0.0.0", "sha256": "", "bundle_sha256": ""}
    pattern = re.compile(parameter["AllowedPattern"])
    assert pattern.match(json.dumps({"version": "1.4.2", "sha256": "a" * 64, "bundle_sha256": "b" * 64}))
    assert not pattern.match("1.4.2"), "a bare version (the record's old form) is refused"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_exports_are_named_after_the_stack_and_the_console_groups_every_parameter(name):
    template = load_template(name)
    for output_name, output in template["Outputs"].items():
        if "Export" in output:
            assert output["Export"]["Name"] == {"Fn::Sub": f"${{AWS::StackName}}-{output_name}"}
    grouped = [p for group in template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
               for p in group["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"])


def test_the_cfn_lint_config_ignores_no_rule():
    config = yaml.safe_load((CLOUDFORMATION_DIR / ".cfnlintrc").read_text())
    assert "ignore_checks" not in config
