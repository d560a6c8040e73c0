"""Who may deploy where, decided by an IAM policy evaluator (iam_evaluation: moto's) on the
roles as the templates render them for each environment: each environment's deploy role may
make every request of a deploy to its own environment and none to another's; the prod role
(each deploy role) can be assumed only by its own environment's deploy agents; build agents
(pull requests, branches) and the controller may do nothing to any environment."""
import pytest

from cfn_templates import ENVIRONMENTS, load_template
from deploy_roles import (AGENT_ROLES, BUILD_AGENT_ROLE, CONTROLLER_ROLE, DEPLOY_ROLES, artifact_object,
                          deploy_requests, promoted_from)
from iam_evaluation import statement_applies
from iam_statements import ACCOUNT, REGION

PAIRS = [(role, resource) for role in ENVIRONMENTS for resource in ENVIRONMENTS]


@pytest.mark.parametrize("role_environment,resource_environment", PAIRS)
def test_a_deploy_role_may_deploy_to_its_environment_and_to_no_other(role_environment, resource_environment):
    role = DEPLOY_ROLES[role_environment]
    for action, resource, context in deploy_requests(resource_environment):
        # a promotion reads the release from the environment before (and only reads)
        promoting = (action, resource) == ("s3:GetObject", artifact_object(resource_environment)) and \
            resource_environment == promoted_from(role_environment)
        expected = role_environment == resource_environment or promoting
        assert role.allows(action, resource, context) == expected, (role_environment, action, resource)


def test_promotion_reads_from_the_environment_before_on_the_promotion_path():
    assert [promoted_from(environment) for environment in ENVIRONMENTS] == ["", *ENVIRONMENTS[:-1]]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_statement_of_a_deploy_role_matches_another_environments_resource(environment):
    """Statement by statement: the only ones that match another environment's resources are the
    Describe calls AWS offers no resource scoping for (read only, Resource '*')."""
    for other in ENVIRONMENTS:
        if other == environment:
            continue
        for statement in DEPLOY_ROLES[environment].statements:
            matching = [(action, resource) for action, resource, context in deploy_requests(other)
                        if statement_applies(statement, action, resource, context=context)]
            if statement.get("Sid") == "ReadPromotedArtifacts" and other == promoted_from(environment):
                assert matching == [("s3:GetObject", artifact_object(other))]
                continue
            assert not matching, (environment, statement.get("Sid"), matching)
    # Resource '*' only where AWS offers no resource-level scoping: describe calls, the
    # registry's token and task definition revisions (which run only once a service of the
    # role's own environment is moved to one).
    unscoped = {action for s in DEPLOY_ROLES[environment].statements if s["Resource"] == "*"
                for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {a for a in unscoped if not a.split(":")[1].startswith("Describe")} == {
        "ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition"}


@pytest.mark.parametrize("role", [BUILD_AGENT_ROLE, CONTROLLER_ROLE], ids=["build-agents", "controller"])
def test_build_agents_and_the_controller_may_deploy_nowhere(role):
    for environment in ENVIRONMENTS:
        for action, resource, context in deploy_requests(environment):
            assert not role.allows(action, resource, context), (role.logical_id, action, resource)
        assert not role.allows("sts:AssumeRole", DEPLOY_ROLES[environment].arn)


def test_build_agents_have_no_aws_rights_at_all():
    assert BUILD_AGENT_ROLE.statements == [] and BUILD_AGENT_ROLE.managed_policies == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_only_the_environments_deploy_agents_may_assume_its_deploy_role(environment):
    deploy_role = DEPLOY_ROLES[environment]
    assert deploy_role.trusts(AGENT_ROLES[environment])
    for other in ENVIRONMENTS:
        if other != environment:
            assert not deploy_role.trusts(AGENT_ROLES[other]), (environment, other)
    assert not deploy_role.trusts(BUILD_AGENT_ROLE)
    assert not deploy_role.trusts(CONTROLLER_ROLE)
    # The agents' role is both the one principal and the one whose tags the conditions name.
    [statement] = deploy_role.trust
    assert statement["Principal"] == {"AWS": AGENT_ROLES[environment].arn}
    assert statement["Condition"]["StringEquals"] == {"aws:PrincipalTag/Service": "timekeeper",
                                                      "aws:PrincipalTag/Environment": environment}


def test_the_trust_conditions_hold_on_their_own():
    """A role of the right name but another environment's tags (e.g. recreated by hand) is refused."""
    prod = DEPLOY_ROLES["prod"]
    assert not prod.trusts(AGENT_ROLES["prod"], context={"aws:PrincipalTag/Environment": "dev"})


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_deploy_agents_may_only_assume_their_environments_deploy_role(environment):
    agent = AGENT_ROLES[environment]
    for other in ENVIRONMENTS:
        assert agent.allows("sts:AssumeRole", DEPLOY_ROLES[other].arn) == (other == environment)
        for action, resource, context in deploy_requests(other):
            assert not agent.allows(action, resource, context), (environment, action, resource)


def test_the_controller_hands_out_only_agent_roles_to_ec2():
    [statement] = [s for s in CONTROLLER_ROLE.statements if "iam:PassRole" in s["Action"]]
    assert statement["Condition"] == {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}
    for environment in ENVIRONMENTS:
        assert CONTROLLER_ROLE.allows("iam:PassRole", AGENT_ROLES[environment].arn)
        assert not CONTROLLER_ROLE.allows("iam:PassRole", DEPLOY_ROLES[environment].arn)
    assert CONTROLLER_ROLE.allows("iam:PassRole", BUILD_AGENT_ROLE.arn)
    assert not CONTROLLER_ROLE.allows("iam:PassRole", CONTROLLER_ROLE.arn)


def test_each_environments_artifacts_take_writes_from_its_deploy_role_alone():
    """The bucket policy's exception (moto's evaluator has no ArnNotEquals: read from the template)."""
    statements = load_template("artifacts")["Resources"]["ArtifactBucketPolicy"]["Properties"]["PolicyDocument"][
        "Statement"]
    [deny] = [s for s in statements if s.get("Sid") == "DenyWritesExceptByThePublisher"]
    assert (deny["Effect"], deny["Principal"]) == ("Deny", "*")
    assert set(deny["Action"]) >= {"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}
    assert deny["Condition"] == {"ArnNotEquals": {"aws:PrincipalArn": {
        "Fn::ImportValue": {"Fn::Sub": "${ParentDeployStack}-RoleArn"}}}}
    assert load_template("deploy")["Outputs"]["RoleArn"]["Value"] == {"Fn::GetAtt": ["DeployRole", "Arn"]}
    assert all(s["Effect"] == "Deny" for s in statements)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_a_deploy_role_ends_and_resumes_only_its_own_sessions(environment):
    role = DEPLOY_ROLES[environment]
    own, other = "AROAEXAMPLEDEPLOY:jenkins-agent", "AROAEXAMPLEOTHER:someone"
    sessions = "arn:aws:ssm:eu-west-1:123456789012:session/"
    for action in ("ssm:TerminateSession", "ssm:ResumeSession", "ssmmessages:OpenDataChannel"):
        assert role.allows(action, f"{sessions}{own}-0a1b2c3d4e5f", {"aws:userid": own}), action
        assert not role.allows(action, f"{sessions}{other}-0a1b2c3d4e5f", {"aws:userid": own}), action


def test_a_deploy_to_eks_reaches_its_own_cluster_and_repository_only():
    """deploy_requests holds the EKS requests (the parametrized test above decides them for
    every pair); here they are named: prod's cluster and repository refuse every other role."""
    def eks_requests(environment):
        return [(action, resource) for action, resource, _ in deploy_requests(environment)
                if action == "eks:DescribeCluster" or resource.endswith(f":repository/timekeeper-{environment}-eks")]

    prod = eks_requests("prod")
    assert ("eks:DescribeCluster", f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/timekeeper-prod") in prod
    assert ("ecr:PutImage", f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/timekeeper-prod-eks") in prod
    for environment in ENVIRONMENTS:
        for action, resource in prod:
            assert DEPLOY_ROLES[environment].allows(action, resource) == (environment == "prod"), (environment, action)
