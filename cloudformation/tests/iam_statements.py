"""Reading a template's IAM statements the way IAM evaluates their resources: Fn::Sub strings
rendered for ServiceName=timekeeper in a test account and region."""
import re

from cfn_templates import load_template

ACCOUNT, REGION, PARTITION = "123456789012", "eu-west-1", "aws"


def sub(node, **values):
    """A Fn::Sub string rendered for ServiceName=timekeeper in the test account; in the list
    form, its own variables are the caller's values too."""
    text = node["Fn::Sub"] if isinstance(node, dict) else node
    if isinstance(text, list):
        text = text[0]
    scope = {"AWS::Partition": PARTITION, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
             "ServiceName": "timekeeper", **values}
    return re.sub(r"\$\{([^}]+)\}", lambda m: "${" + m.group(1)[1:] + "}" if m.group(1).startswith("!")
                  else scope[m.group(1)], text)


def listed(value):
    return value if isinstance(value, list) else [value]


def role_statements(template_name, logical_id):
    """Every statement a role may have; one under Fn::If counts as its statement when true."""
    role = load_template(template_name)["Resources"][logical_id]["Properties"]
    return [statement["Fn::If"][1] if "Fn::If" in statement else statement
            for policy in role["Policies"] for statement in policy["PolicyDocument"]["Statement"]]


def statements_with(statements, action):
    return [s for s in statements if action in listed(s["Action"])]


def resources(statement, **values):
    return [sub(r, **values) for r in listed(statement["Resource"])]
