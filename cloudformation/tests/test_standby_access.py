"""What a deploy role may do to its environment's Auto Scaling group during a rolling deploy:
each call the lb_membership role's alb driver makes (Standby in and out, the minimum size it
lowers and puts back, the tag that keeps it, AZRebalance suspended and resumed), on its
environment's group only, decided by the IAM policy evaluator of iam_evaluation. The calls are
read from the role's code, so a new call without its permission fails here rather than
halfway through a prod deploy."""
import fnmatch
import re

import yaml

import pytest

from cfn_templates import ENVIRONMENTS, REPO_ROOT, load_template, the_resource
from deploy_roles import DEPLOY_ROLES
from iam_statements import ACCOUNT, REGION, statements_with, sub

ROLE = REPO_ROOT / "ansible/roles/lb_membership"
COLLECTIONS = REPO_ROOT / ".venv/lib/python3.11/site-packages/ansible_collections"


def camel(snake):
    return "".join(word.capitalize() for word in snake.split("_"))


def autoscaling_calls():
    """The Auto Scaling API actions the alb driver's tasks lead to."""
    tasks = "".join(path.read_text() for path in sorted((ROLE / "tasks/alb").glob("*.yml")))
    calls = set()
    if "auto_scaling_hold:" in tasks:
        calls |= set(re.findall(r"client\.(\w+)\(", (ROLE / "library/auto_scaling_hold.py").read_text()))
    if "amazon.aws.autoscaling_instance:" in tasks:
        module = (COLLECTIONS / "amazon/aws/plugins/modules/autoscaling_instance.py").read_text()
        for state, call in (("standby", "enter_standby"), ("present", "exit_standby")):
            if re.search(r"state: %s\n" % state, tasks):
                assert re.search(r"\.%s\(" % call, module), call
                calls.add(call)
    if "amazon.aws.autoscaling_group_info:" in tasks:
        calls.add("describe_auto_scaling_groups")
    return {"autoscaling:" + camel(call) for call in calls}


def group_arn(name):
    return f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:0b5e2f3c-1111-2222-3333-444455556666:" \
           f"autoScalingGroupName/{name}"


def test_the_driver_calls_what_a_deploy_in_standby_needs():
    assert autoscaling_calls() == {
        "autoscaling:EnterStandby", "autoscaling:ExitStandby", "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:UpdateAutoScalingGroup", "autoscaling:SuspendProcesses", "autoscaling:ResumeProcesses",
        "autoscaling:CreateOrUpdateTags", "autoscaling:DeleteTags"}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_call_is_allowed_on_the_environments_group_and_on_no_other(environment):
    group_name = the_resource(load_template("app"), "AWS::AutoScaling::AutoScalingGroup")["Properties"][
        "AutoScalingGroupName"]
    role = DEPLOY_ROLES[environment]
    for action in sorted(autoscaling_calls()):
        if action.startswith("autoscaling:Describe"):
            # describe calls support no resource-level permissions
            assert [s["Resource"] for s in statements_with(role.statements, action)] == ["*"], action
            continue
        for other in ENVIRONMENTS:
            arn = group_arn(sub(group_name, Environment=other))
            assert role.allows(action, arn) == (other == environment), (action, arn)
        for other in ("payments-prod", "timekeeper", f"timekeeper-{environment}-canary"):
            assert not role.allows(action, group_arn(other)), (action, other)


def test_the_pipeline_names_the_group_the_inventories_put_nodes_in_standby_in():
    jenkinsfile = (REPO_ROOT / "Jenkinsfile").read_text()
    assert re.search(r"auto_scaling_group_name: 'app\.AutoScalingGroupName'", jenkinsfile)
    assert load_template("app")["Outputs"]["AutoScalingGroupName"]["Value"] == {"Ref": "AutoScalingGroup"}
    group_vars = yaml.safe_load((REPO_ROOT / "inventory/ec2-group_vars/timekeeper.yml").read_text())
    assert group_vars["lb_membership_alb_auto_scaling_group"] == "{{ auto_scaling_group_name }}"
    # Standby needs instance targets: the inventories register each node by its instance id
    for environment in ENVIRONMENTS:
        inventory = yaml.safe_load((REPO_ROOT / f"inventory/{environment}/aws_ec2.yml").read_text())
        assert inventory["compose"]["lb_membership_alb_target_id"] == "instance_id"
    target_group = the_resource(load_template("load-balancer"), "AWS::ElasticLoadBalancingV2::TargetGroup")
    assert target_group["Properties"]["TargetType"] == "instance"
