"""The alarms stack (cloudformation/alarms.yaml) against what it must agree with: the load
balancer stack's export it reads the ALB and target group from, the Prometheus rules'
objectives, and the rolling deploy's batch (one node out is no alarm)."""

import re
from pathlib import Path

import pytest
import yaml

from cfn_templates import SERVICE, load_template, resources_of_type

REPO = Path(__file__).resolve().parents[2]
ALARMS = load_template("alarms")
RULES = (REPO / "observability" / "prometheus" / "rules" / "timekeeper.yml").read_text()


def dimensions():
    for resource in resources_of_type(ALARMS, "AWS::CloudWatch::Alarm").values():
        properties = resource["Properties"]
        yield from properties.get("Dimensions", [])
        for metric in properties.get("Metrics", []):
            yield from metric.get("MetricStat", {}).get("Metric", {}).get("Dimensions", [])


def test_every_alarm_names_the_same_alb_and_target_group_from_the_load_balancer_stacks_export():
    values = {}
    for dimension in dimensions():
        values.setdefault(dimension["Name"], []).append(dimension["Value"])
    assert set(values) == {"LoadBalancer", "TargetGroup"}
    for name, copies in values.items():
        assert all(copy == copies[0] for copy in copies), name
    export = load_template("load-balancer")["Outputs"]["RequestCountResourceLabel"]
    assert export["Value"] == {"Fn::Sub": "${LoadBalancer.LoadBalancerFullName}/${TargetGroup.TargetGroupFullName}"}
    assert [part["Fn::Select"][0] for part in values["LoadBalancer"][0]["Fn::Join"][1]] == [0, 1, 2]
    assert [part["Fn::Select"][0] for part in values["TargetGroup"][0]["Fn::Join"][1]] == [3, 4, 5]


def test_every_alarm_notifies_the_topic_or_is_a_window_of_the_composite_one():
    composite = ALARMS["Resources"]["ErrorBudgetBurnFastAlarm"]["Properties"]
    windows = set(re.findall(r"\$\{(\w+)\}", composite["AlarmRule"]["Fn::Sub"]))
    assert windows == {"ErrorRatio5mAlarm", "ErrorRatio1hAlarm"}
    assert composite["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    for name, resource in resources_of_type(ALARMS, "AWS::CloudWatch::Alarm").items():
        assert (resource["Properties"].get("AlarmActions") == [{"Ref": "AlarmTopic"}]) != (name in windows), name


def test_objectives_are_the_prometheus_rules_ones():
    parameters = ALARMS["Parameters"]
    assert "%s * 0.001" % "14.4" in RULES and float(parameters["FastBurnErrorRatio"]["Default"]) == pytest.approx(14.4 * 0.001)
    assert "> 0.25" in RULES and float(parameters["LatencyObjectiveSeconds"]["Default"]) == 0.25


def test_below_capacity_leaves_room_for_the_rolling_deploys_batch():
    prod_minimum = {p["ParameterKey"]: p["ParameterValue"] for p in yaml.safe_load(
        (REPO / "cloudformation" / "parameters" / "prod" / "app.json").read_text())}["MinSize"]
    assert int(ALARMS["Parameters"]["MinHealthyHosts"]["Default"]) == \
        int(prod_minimum) - SERVICE["rolling_deploy"]["batch_size"]
