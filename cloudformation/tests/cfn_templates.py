"""Reading the templates and their parameter files, and deriving what the tests need from them.

Templates are parsed with cfn-lint's loader, which turns the short-form tags (!Ref, !Sub,
...) into their long form, so every helper here works on one representation.
"""
import json
import re
import sys
from pathlib import Path

from cfnlint.decode import cfn_yaml

CLOUDFORMATION_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = CLOUDFORMATION_DIR.parent
PARAMETERS_DIR = CLOUDFORMATION_DIR / "parameters"
sys.path.insert(0, str(REPO_ROOT / "lib"))
sys.path.insert(0, str(CLOUDFORMATION_DIR))

import service_contract  # noqa: E402
import stack_parameters  # noqa: E402

# The service's platform contract (service.yml): the templates' defaults must be its facts.
SERVICE = service_contract.load()
# The application environments, each deployed as these stacks in this order.
ENVIRONMENTS = ("dev", "staging", "prod")
# deploy (the environment's deploy role) before artifacts, whose bucket takes writes from it
# alone; ecs (the service on Fargate) and eks (on Kubernetes) come last: teams choose one of
# app, ecs and eks; the emulator runs them all.
APPLICATION_STACKS = ("network", "deploy", "artifacts", "load-balancer", "app", "ecs", "eks")
# The Jenkins host lives in its own network, deployed once.
CI_ENVIRONMENT = "ci"
CI_STACKS = ("network", "jenkins")
ALL_ENVIRONMENTS = (*ENVIRONMENTS, CI_ENVIRONMENT)

# alarms (CloudWatch alarms and their SNS topic) is checked here; the emulator deploys no stack of it.
TEMPLATE_NAMES = ("network", "deploy", "artifacts", "load-balancer", "app", "ecs", "eks", "jenkins", "alarms")


def template_path(name):
    return CLOUDFORMATION_DIR / f"{name}.yaml"


def load_template(name):
    """The template as plain dicts and lists (long-form intrinsic functions)."""
    return json.loads(json.dumps(cfn_yaml.load(str(template_path(name))), default=str))


def stack_name(environment, stack):
    return stack_parameters.stack_name(environment, stack)


def stacks_of(environment):
    return CI_STACKS if environment == CI_ENVIRONMENT else APPLICATION_STACKS


def parameter_file(environment, stack):
    return PARAMETERS_DIR / environment / f"{stack}.json"


def load_parameters(environment, stack):
    """A stack's parameters as deploying it gives them: its file plus the derived parent
    stack names (cloudformation/stack_parameters.py), as {key: value}."""
    return stack_parameters.stack_parameters(environment, stack)


def resources_of_type(template, resource_type):
    return {name: resource for name, resource in template["Resources"].items()
            if resource["Type"] == resource_type}


def the_resource(template, resource_type):
    found = resources_of_type(template, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.values()))


def target_group_attributes(template):
    target_group = the_resource(template, "AWS::ElasticLoadBalancingV2::TargetGroup")
    return {a["Key"]: a["Value"] for a in target_group["Properties"]["TargetGroupAttributes"]}


def load_balancer_attributes(template):
    load_balancer = the_resource(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    return {a["Key"]: a["Value"] for a in load_balancer["Properties"]["LoadBalancerAttributes"]}


_DURATION = re.compile(r"^(\d+)(ms|s|m)$")


def service_default_seconds(variable):
    """The default of ${VARIABLE:-<duration>} in the service's built-in configuration."""
    config = (REPO_ROOT / "service/src/main/resources/timekeeper-default.yml").read_text()
    match = re.search(r"\$\{" + re.escape(variable) + r":-([^}]+)\}", config)
    assert match, f"{variable} has no default in the service configuration"
    amount, unit = _DURATION.match(match.group(1)).groups()
    return int(amount) * {"ms": 0.001, "s": 1, "m": 60}[unit]
