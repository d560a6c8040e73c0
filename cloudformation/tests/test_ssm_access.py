"""How the deploy agents reach the fleets: Ansible's amazon.aws.aws_ssm connection through
Session Manager, with file transfers through each environment's transfer bucket. The IAM
statements that allow it are each environment's deploy role's (deploy.yaml) and must be
scoped: sessions only to the service's instances of that environment (the tags the app stack
puts on them) with the default session document, only the role's own sessions to end or
resume, objects only under the instance prefixes of that environment's transfer bucket
(test_deploy_roles.py evaluates the same against every environment's resources). That a real session opens (the
SSM agent, the session-manager-plugin, IAM evaluation, the session-id pattern) only real
AWS can prove: see the README's AWS section."""
import fnmatch
import re

import pytest
import yaml

from cfn_templates import ENVIRONMENTS, REPO_ROOT, load_template, the_resource
from iam_statements import ACCOUNT, REGION, listed, resources, role_statements, statements_with, sub

SHARED_GROUP_VARS = yaml.safe_load((REPO_ROOT / "inventory/ec2-group_vars/timekeeper.yml").read_text())
AWS_SSM_PLUGIN = (REPO_ROOT / ".venv/lib/python3.11/site-packages/ansible_collections/amazon/aws/plugins"
                  / "plugin_utils/ssm/sessionmanager.py")

DEPLOY = role_statements("deploy", "DeployRole")


def test_sessions_start_only_on_the_services_instances_of_the_roles_environment():
    start = statements_with(DEPLOY, "ssm:StartSession")
    instance_statements = [s for s in start if any(":instance/" in r for r in resources(s))]
    [instances] = instance_statements
    assert resources(instances) == [f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/*"]
    tags = instances["Condition"]["StringEquals"]
    assert tags["ssm:resourceTag/Service"] == {"Ref": "ServiceName"}
    assert tags["ssm:resourceTag/Environment"] == {"Ref": "Environment"}
    # The tags are the ones the app stack propagates to every instance it launches.
    group_tags = {t["Key"]: t for t in the_resource(load_template("app"), "AWS::AutoScaling::AutoScalingGroup")[
        "Properties"]["Tags"]}
    assert group_tags["Service"]["Value"] == {"Ref": "ServiceName"} and group_tags["Service"]["PropagateAtLaunch"]
    assert group_tags["Environment"]["Value"] == {"Ref": "Environment"}
    assert group_tags["Environment"]["PropagateAtLaunch"]
    # ... and there is a deploy role for exactly the environments the app stack accepts.
    deploy_environments = load_template("deploy")["Parameters"]["Environment"]["AllowedValues"]
    assert deploy_environments == list(ENVIRONMENTS) == load_template("app")["Parameters"]["Environment"][
        "AllowedValues"]


def test_the_only_session_document_is_the_one_the_plugin_starts_sessions_with():
    # amazon.aws.aws_ssm passes DocumentName only when ansible_aws_ssm_document is set; the
    # inventories set none, so Session Manager uses its default, SSM-SessionManagerRunShell.
    assert "ansible_aws_ssm_document" not in SHARED_GROUP_VARS
    source = AWS_SSM_PLUGIN.read_text()
    assert re.search(r"if document_name is not None:\s+start_session_args\[\"DocumentName\"\]", source)
    documents = [r for s in statements_with(DEPLOY, "ssm:StartSession") for r in resources(s) if ":document/" in r]
    assert documents == [f"arn:aws:ssm:{REGION}:{ACCOUNT}:document/SSM-SessionManagerRunShell"]
    for statement in statements_with(DEPLOY, "ssm:StartSession"):
        assert statement["Condition"]["BoolIfExists"] == {"ssm:SessionDocumentAccessCheck": "true"}


def test_the_role_ends_and_resumes_only_its_own_sessions():
    for action in ("ssm:TerminateSession", "ssm:ResumeSession", "ssmmessages:OpenDataChannel"):
        [statement] = statements_with(DEPLOY, action)
        assert resources(statement) == [f"arn:aws:ssm:{REGION}:{ACCOUNT}:session/${{aws:userid}}-*"]


def test_no_ssh_route_is_left_open():
    actions = {a for s in DEPLOY for a in listed(s["Action"])}
    assert not {a for a in actions if a.startswith("ec2-instance-connect:")}
    assert not [r for s in DEPLOY for r in resources(s, Environment="prod", PromotedFrom="staging")
                if "AWS-StartSSHSession" in r]


def test_every_session_and_transfer_statement_is_scoped():
    touching = [s for s in DEPLOY if any(a.startswith(("ssm:StartSession", "ssm:TerminateSession",
                                                        "ssm:ResumeSession", "ssmmessages:")) for a in
                                          listed(s["Action"])) or "ssm-transfer" in str(s["Resource"])]
    assert len(touching) == 5
    for statement in touching:
        for resource in resources(statement, Environment="prod"):
            assert resource != "*", statement["Sid"]
            # A wildcard over instances holds only with a condition naming their tags.
            if resource.endswith(":instance/*"):
                assert "StringEquals" in statement["Condition"], statement["Sid"]


def _transfer_bucket_name(environment):
    bucket = load_template("artifacts")["Resources"]["SsmTransferBucket"]["Properties"]["BucketName"]
    return sub(bucket, Environment=environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_role_moves_files_only_under_the_instance_prefixes_of_its_transfer_bucket(environment):
    # What the plugin calls (head_bucket, upload, download, delete), on what it names: <instance-id>/...
    [find] = [s for s in statements_with(DEPLOY, "s3:ListBucket") if "ssm-transfer" in str(s["Resource"])]
    [transfer] = [s for s in statements_with(DEPLOY, "s3:PutObject") if "ssm-transfer" in str(s["Resource"])]
    assert sorted(listed(transfer["Action"])) == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    [objects] = resources(transfer, Environment=environment)
    [buckets] = resources(find, Environment=environment)
    assert objects == buckets + "/i-*"
    name = _transfer_bucket_name(environment)
    assert fnmatch.fnmatchcase(f"arn:aws:s3:::{name}", buckets)
    assert fnmatch.fnmatchcase(f"arn:aws:s3:::{name}/i-0123456789abcdef0//root/.ansible/tmp/x.py", objects)
    assert not fnmatch.fnmatchcase(f"arn:aws:s3:::{name}/timekeeper/1.0.0/timekeeper-1.0.0.jar", objects)
    for other in ENVIRONMENTS:
        if other != environment:
            assert not fnmatch.fnmatchcase(f"arn:aws:s3:::{_transfer_bucket_name(other)}", buckets)
    # The artifact buckets are another name: no transfer right reaches a release.
    assert not fnmatch.fnmatchcase(f"arn:aws:s3:::timekeeper-{environment}-artifacts-123456789012-eu-west-1", buckets)


def test_the_transfer_bucket_keeps_nothing_beyond_a_transfer():
    bucket = load_template("artifacts")["Resources"]["SsmTransferBucket"]["Properties"]
    # Versioning would keep every module payload (secrets included) after the plugin deletes it.
    assert "VersioningConfiguration" not in bucket
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == 1
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]


def test_the_instances_need_no_transfer_rights_but_run_the_ssm_agent():
    # The instance fetches and uploads with presigned URLs the controller signs (curl), so
    # its role gets nothing on the transfer bucket: no node can read another's payloads.
    role = load_template("app")["Resources"]["InstanceRole"]["Properties"]
    assert "ssm-transfer" not in str(role["Policies"])
    assert {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"} in role[
        "ManagedPolicyArns"]


def test_the_pipeline_passes_the_transfer_bucket_the_inventories_use():
    jenkinsfile = (REPO_ROOT / "Jenkinsfile").read_text()
    assert re.search(r"ssm_transfer_bucket: 'artifacts\.SsmTransferBucketName'", jenkinsfile)
    output = load_template("artifacts")["Outputs"]["SsmTransferBucketName"]
    assert output["Value"] == {"Ref": "SsmTransferBucket"}
    assert SHARED_GROUP_VARS["ansible_aws_ssm_bucket_name"] == "{{ ssm_transfer_bucket }}"
    assert SHARED_GROUP_VARS["ansible_connection"] == "amazon.aws.aws_ssm"


def test_the_agents_install_the_session_manager_plugin_from_aws():
    # Ansible runs on the agents (jenkins/casc.yaml initScript), not on the controller.
    script = (REPO_ROOT / "jenkins/agent-init.sh").read_text()
    assert re.search(r'dnf install -y -q "https://s3\.amazonaws\.com/session-manager-downloads/plugin/latest/'
                     r'\$ssm_plugin_arch/session-manager-plugin\.rpm"', script)
    assert "\nsession-manager-plugin --version\n" in script


INSTANCE = role_statements("app", "InstanceRole")


def test_an_environments_instances_read_no_other_environments_parameters():
    """AmazonSSMManagedInstanceCore allows ssm:GetParameter* on every parameter; an explicit
    Deny on everything but the environment's own path overrides it."""
    [deny] = [s for s in INSTANCE if s["Effect"] == "Deny"]
    assert {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"} <= set(listed(deny["Action"]))
    assert "Resource" not in deny
    own_path = sub(deny["NotResource"], Environment="dev")
    for environment in ENVIRONMENTS:
        parameter = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/timekeeper/{environment}/release"
        assert fnmatch.fnmatchcase(parameter, own_path) == (environment == "dev"), environment
    # ... and what the instances are allowed to read lies inside that path.
    [read] = [s for s in statements_with(INSTANCE, "ssm:GetParameter") if s["Effect"] == "Allow"]
    assert sub(read["Resource"], Environment="dev") == own_path


def test_the_instances_may_change_no_instances_health():
    """SetInstanceHealth cannot be limited to the caller's own instance: the role has no
    Auto Scaling right at all (a failed bootstrap shuts its own instance down instead)."""
    actions = {a for s in INSTANCE if s["Effect"] == "Allow" for a in listed(s["Action"])}
    assert not {a for a in actions if a.startswith(("autoscaling:", "ec2:", "elasticloadbalancing:"))}, actions
