"""The fleet's edge and network, read from the templates: the admin port admits only the
metrics scrapers, the VPC's default security group is closed, the ALB speaks only TLS 1.2
and 1.3 with AEAD ciphers and sends HSTS, and its WAF carries AWS's managed rule groups and
the API's per-client rate limit, answering 429 with the API's JSON error as the local
fleet's HAProxy does (ansible/tests/test_rate_limit.py proves that one under load). The
instance role's rights are in test_ssm_access.py."""
import json

import pytest
import yaml

from cfn_templates import REPO_ROOT, SERVICE, load_template, resources_of_type, the_resource

OPENAPI = yaml.safe_load((REPO_ROOT / "service/src/main/resources/openapi.yaml").read_text())
SCRAPERS = {"Fn::ImportValue": {"Fn::Sub": "${ParentNetworkStack}-MetricsScraperSecurityGroupId"}}


def _ingress_rules(template):
    for group in resources_of_type(template, "AWS::EC2::SecurityGroup").values():
        yield from group["Properties"].get("SecurityGroupIngress", [])
    for rule in resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values():
        yield rule["Properties"]


@pytest.mark.parametrize("name", ["app", "ecs"])
def test_the_admin_port_admits_only_the_metrics_scrapers(name):
    admin_rules = [rule for rule in _ingress_rules(load_template(name)) if rule["FromPort"] == {"Ref": "AdminPort"}]
    assert admin_rules, name
    for rule in admin_rules:
        assert rule["ToPort"] == {"Ref": "AdminPort"}
        assert rule["SourceSecurityGroupId"] == SCRAPERS, rule
        assert not {"CidrIp", "CidrIpv6", "SourcePrefixListId"} & set(rule), rule


def test_the_metrics_scrapers_group_is_exported_and_reaches_only_the_admin_port():
    network = load_template("network")
    group = network["Resources"]["MetricsScraperSecurityGroup"]["Properties"]
    assert "SecurityGroupIngress" not in group
    [egress] = group["SecurityGroupEgress"]
    assert (egress["FromPort"], egress["ToPort"]) == ({"Ref": "AdminPort"}, {"Ref": "AdminPort"})
    assert network["Parameters"]["AdminPort"]["Default"] == SERVICE["ports"]["admin"]
    output = network["Outputs"]["MetricsScraperSecurityGroupId"]
    assert output["Value"] == {"Ref": "MetricsScraperSecurityGroup"}
    assert output["Export"]["Name"] == {"Fn::Sub": "${AWS::StackName}-MetricsScraperSecurityGroupId"}


def test_the_vpcs_default_security_group_is_closed_by_awss_runbook():
    """CIS AWS Foundations 5.4. CloudFormation cannot edit the default group's rules; AWS's
    own Automation runbook revokes them all, run once by a State Manager association."""
    network = load_template("network")
    association = the_resource(network, "AWS::SSM::Association")["Properties"]
    assert association["Name"] == "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules"
    assert association["Parameters"]["GroupId"] == [{"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}]
    role = network["Resources"][association["Parameters"]["AutomationAssumeRole"][0]["Fn::GetAtt"][0]]
    [policy] = role["Properties"]["Policies"]
    [revoke] = [s for s in policy["PolicyDocument"]["Statement"] if "ec2:RevokeSecurityGroupIngress" in s["Action"]]
    # Only on the default group, nothing else in the account.
    assert revoke["Resource"]["Fn::Sub"].endswith(":security-group/${Vpc.DefaultSecurityGroup}")


def _listener(port):
    template = load_template("load-balancer")
    [listener] = [r["Properties"] for r in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
                  if r["Properties"]["Port"] == port]
    return listener


def test_tls_12_and_13_with_aead_ciphers_only():
    # The Res(tricted) TLS 1.3 + 1.2 policies are those without TLS 1.2's CBC suites.
    assert _listener(443)["SslPolicy"] in {"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
                                           "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"}


def test_every_https_response_carries_hsts_for_a_year_at_least():
    attributes = {a["Key"]: a["Value"] for a in _listener(443)["ListenerAttributes"]}
    hsts = attributes["routing.http.response.strict_transport_security.header_value"]
    directives = dict(part.strip().partition("=")[::2] for part in hsts.split(";"))
    assert int(directives["max-age"]) >= 365 * 24 * 3600


def _web_acl():
    return the_resource(load_template("load-balancer"), "AWS::WAFv2::WebACL")["Properties"]


def test_the_waf_guards_the_alb_with_awss_managed_rule_groups_and_logs():
    template = load_template("load-balancer")
    web_acl = _web_acl()
    assert web_acl["Scope"] == "REGIONAL" and web_acl["DefaultAction"] == {"Allow": {}}
    managed = {rule["Statement"]["ManagedRuleGroupStatement"]["Name"]: rule for rule in web_acl["Rules"]
               if "ManagedRuleGroupStatement" in rule["Statement"]}
    assert set(managed) == {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                            "AWSManagedRulesAmazonIpReputationList"}
    # None: each group's own actions (block) apply; Count would only watch.
    assert all(rule["OverrideAction"] == {"None": {}} for rule in managed.values())
    association = the_resource(template, "AWS::WAFv2::WebACLAssociation")["Properties"]
    assert association["ResourceArn"] == {"Ref": "LoadBalancer"}
    [logging] = resources_of_type(template, "AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}
    log_group = the_resource(template, "AWS::Logs::LogGroup")["Properties"]
    assert log_group["LogGroupName"]["Fn::Sub"].startswith("aws-waf-logs-")


def test_the_rate_limit_answers_the_apis_429_with_the_contracts_numbers():
    template = load_template("load-balancer")
    web_acl = _web_acl()
    [rule] = [r for r in web_acl["Rules"] if "RateBasedStatement" in r["Statement"]]
    statement = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["Limit"] == {"Ref": "RateLimitPerClient"}
    assert statement["EvaluationWindowSec"] == {"Ref": "RateLimitWindowSeconds"}
    parameters = template["Parameters"]
    limit = SERVICE["rate_limit"]
    assert parameters["RateLimitPerClient"]["Default"] == limit["requests_per_client"]
    assert parameters["RateLimitWindowSeconds"]["Default"] == limit["window_seconds"]
    assert limit["window_seconds"] in parameters["RateLimitWindowSeconds"]["AllowedValues"]
    # A rate-based rule's block is a 403 unless its custom response says otherwise.
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": {"Ref": "RateLimitWindowSeconds"}}]
    body = web_acl["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"]) == {"error": limit["error"]}


def test_the_429_body_is_what_the_openapi_document_promises():
    error = OPENAPI["components"]["schemas"]["Error"]
    too_many = OPENAPI["components"]["responses"]["TooManyRequests"]
    assert too_many["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in too_many["headers"]
    body = {"error": SERVICE["rate_limit"]["error"]}
    assert set(body) == set(error["required"]) == set(error["properties"])
    assert len(body["error"]) >= error["properties"]["error"]["minLength"]
