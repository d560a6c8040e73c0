"""What IAM would decide for a request, evaluated offline on the roles the templates render.

A template is rendered for one environment's parameters (its parameter file, the template's
defaults, the test account and region of iam_statements) by resolving the intrinsic
functions its IAM documents use (Ref, Fn::Sub, Fn::If with the template's conditions,
Fn::GetAtt of a role's or instance profile's Arn). The statements are then matched by moto's
IAM policy evaluator (moto.iam.access_control, the one moto runs when its own access control
is on): actions and resources with IAM's wildcards, a trust policy's AWS principal, and the
StringEquals conditions against the request's context keys. The decision follows IAM's
order: an explicit Deny wins, then an Allow, else the request is implicitly denied.

What moto's evaluator does not model is over-approximated, never under: a condition
operator other than StringEquals, and a StringEquals key missing from the request, count as
satisfied. Policy variables in resources (${aws:userid}) are filled in here from the
request's context before moto matches, as IAM does. So "not allowed" here means not allowed in AWS too; "allowed" is checked for the
requests each role must be able to make, with their full context.
"""
import json
import re

from moto.iam.access_control import IAMPolicyStatement, PermissionResult

from cfn_templates import load_parameters, load_template
from iam_statements import ACCOUNT, PARTITION, REGION

PSEUDO_PARAMETERS = {"AWS::Partition": PARTITION, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                     "AWS::URLSuffix": "amazonaws.com"}
_NO_VALUE = object()


class RenderedTemplate:
    """One template with one environment's parameters, its IAM documents resolvable."""

    def __init__(self, name, environment, stack_name, resources=None):
        """resources: the values a Ref to each of the template's resources stands for."""
        self.template = load_template(name)
        declared = self.template.get("Parameters", {})
        given = load_parameters(environment, name)
        self.values = {**PSEUDO_PARAMETERS, "AWS::StackName": stack_name, **(resources or {})}
        for key, parameter in declared.items():
            value = given.get(key, parameter.get("Default"))
            if parameter["Type"] == "CommaDelimitedList" and isinstance(value, str):
                value = value.split(",")
            self.values[key] = value
        self.conditions = {name: self.render(condition)
                           for name, condition in self.template.get("Conditions", {}).items()}

    def render(self, node):
        if isinstance(node, list):
            return [value for value in map(self.render, node) if value is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            [(function, argument)] = node.items()
            if function == "Ref":
                return _NO_VALUE if argument == "AWS::NoValue" else self.values[argument]
            if function == "Fn::Sub":
                return self._sub(argument)
            if function == "Fn::If":
                condition, when_true, when_false = argument
                return self.render(when_true if self.conditions[condition] else when_false)
            if function == "Fn::GetAtt":
                return self._arn(*argument)
            if function == "Fn::Equals":
                left, right = self.render(argument)
                return left == right
            if function == "Fn::Not":
                return not self.render(argument[0])
        return {key: value for key, value in ((k, self.render(v)) for k, v in node.items()) if value is not _NO_VALUE}

    def _sub(self, argument):
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        scope = {**self.values, **{key: self.render(value) for key, value in variables.items()}}

        def replace(match):
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if "." in name:
                return self._arn(*name.split(".", 1))
            return str(scope[name])
        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def _arn(self, logical_id, attribute):
        assert attribute == "Arn", (logical_id, attribute)
        resource = self.template["Resources"][logical_id]
        properties = resource["Properties"]
        kind = {"AWS::IAM::Role": ("role", "RoleName"),
                "AWS::IAM::InstanceProfile": ("instance-profile", "InstanceProfileName")}[resource["Type"]]
        # A role without a name gets one generated from the stack's: its logical id stands in.
        name = self.render(properties[kind[1]]) if kind[1] in properties else \
            "%s-%s" % (self.values["AWS::StackName"], logical_id)
        return "arn:%s:iam::%s:%s/%s" % (PARTITION, ACCOUNT, kind[0], name)

    def role(self, logical_id):
        return Role(self, logical_id)


class Role:
    """A role as IAM holds it: its ARN, tags, identity policies (inline) and trust policy."""

    def __init__(self, rendered, logical_id):
        properties = rendered.template["Resources"][logical_id]["Properties"]
        self.logical_id = logical_id
        self.arn = rendered.render({"Fn::GetAtt": [logical_id, "Arn"]})
        self.tags = {tag["Key"]: tag["Value"] for tag in rendered.render(properties.get("Tags", []))}
        self.statements = [statement for policy in rendered.render(properties.get("Policies", []))
                           for statement in _listed(policy["PolicyDocument"]["Statement"])]
        self.trust = _listed(rendered.render(properties["AssumeRolePolicyDocument"])["Statement"])
        self.managed_policies = rendered.render(properties.get("ManagedPolicyArns", []))

    def principal_context(self):
        """The context keys IAM sets for a request this role's session makes."""
        return {"aws:PrincipalArn": self.arn, **{"aws:PrincipalTag/%s" % k: v for k, v in self.tags.items()}}

    def allows(self, action, resource, context=None):
        """Whether the role's own (identity) policies allow the request."""
        return decide(self.statements, action, resource, context=context)

    def trusts(self, principal, context=None):
        """Whether the trust policy lets principal (a role) assume this role."""
        return decide(self.trust, "sts:AssumeRole", self.arn, principal=principal.arn,
                      context={**principal.principal_context(), **(context or {})})


def _listed(value):
    return value if isinstance(value, list) else [value]


def _with_policy_variables(statement, context):
    """The statement's resources with IAM's policy variables (${aws:userid}) replaced from the
    request's context, which moto's evaluator does not do; a resource naming a variable the
    request lacks matches nothing, as in IAM. None when no resource is left."""
    if "Resource" not in statement:
        return statement
    resources = []
    for resource in _listed(statement["Resource"]):
        names = re.findall(r"\$\{([^}]+)\}", resource)
        if all(name in context for name in names):
            resources.append(re.sub(r"\$\{([^}]+)\}", lambda m: context[m.group(1)], resource))
    return {**statement, "Resource": resources} if resources else None


def statement_applies(statement, action, resource, principal=None, context=None):
    """Whether one statement matches the request (action, resource, principal, conditions),
    whatever its effect: moto's evaluator on the statement read as an Allow."""
    statement = _with_policy_variables(statement, context or {})
    if statement is None:
        return False
    as_allow = json.loads(json.dumps({**statement, "Effect": "Allow"}))
    return IAMPolicyStatement(as_allow).is_action_permitted(
        action, resource, principal, {k: v for k, v in (context or {}).items()}) == PermissionResult.PERMITTED


def decide(statements, action, resource, principal=None, context=None):
    """IAM's decision over a set of statements: explicit Deny, else Allow, else implicit deny."""
    applying = [s for s in statements if statement_applies(s, action, resource, principal, context)]
    if any(s["Effect"] == "Deny" for s in applying):
        return False
    return any(s["Effect"] == "Allow" for s in applying)
