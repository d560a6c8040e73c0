"""The Prometheus side of the fleet, without a fleet: promtool checks both scrape
configurations (AWS: observability/prometheus/aws.yml; the local fleet's, rendered by
fleet/prometheus.py) and unit-tests the rules (observability/prometheus/rules_tests/);
the facts these files repeat are compared with their one place (service.yml, the service's
code, the tz database pin)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tzdata
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "lib"))
sys.path.insert(0, str(REPO / "fleet"))

import prometheus  # noqa: E402
import service_contract  # noqa: E402

SERVICE = service_contract.load()
PROMETHEUS_DIR = REPO / "observability" / "prometheus"
RULES = yaml.safe_load((PROMETHEUS_DIR / "rules" / "timekeeper.yml").read_text())


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def rule(name: str) -> dict:
    return next(r for group in RULES["groups"] for r in group["rules"] if name in (r.get("alert"), r.get("record")))


@pytest.mark.parametrize("test_file", sorted(p.name for p in (PROMETHEUS_DIR / "rules_tests").glob("*.yml")))
def test_rules_pass_their_unit_tests(test_file):
    result = promtool("test", "rules", test_file, cwd=PROMETHEUS_DIR / "rules_tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_aws_scrape_configuration_is_valid():
    result = promtool("check", "config", "aws.yml", cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rule files found" in result.stdout


def test_aws_scrape_job_finds_the_fleet_by_its_tags_on_the_admin_port():
    job = prometheus.scrape_job(SERVICE["name"])
    assert job["metrics_path"] == SERVICE["paths"]["metrics"]
    [discovery] = job["ec2_sd_configs"]
    assert discovery["port"] == SERVICE["ports"]["admin"]
    filters = {f["name"]: f["values"] for f in discovery["filters"]}
    # the tags the app stack puts on every instance (cloudformation/app.yaml: Service)
    assert filters["tag:Service"] == [SERVICE["name"]]
    assert filters["instance-state-name"] == ["running"]
    app_stack = (REPO / "cloudformation" / "app.yaml").read_text()
    assert "{Key: Service, Value: !Ref ServiceName}" in app_stack


def test_local_configuration_is_valid_and_discovers_the_nodes_from_the_fleets_file(tmp_path):
    paths = prometheus.Paths(tmp_path)
    prometheus.write_config(paths, SERVICE["name"])
    prometheus.write_targets(paths, {"node1": "127.0.1.1", "node4": "127.0.1.4"}, SERVICE["ports"]["admin"])
    result = promtool("check", "config", str(paths.config), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load(paths.config.read_text())
    node_job = config["scrape_configs"][0]
    assert node_job["job_name"] == SERVICE["name"]
    assert node_job["metric_relabel_configs"] == prometheus.scrape_job(SERVICE["name"])["metric_relabel_configs"]
    assert "ec2_sd_configs" not in node_job
    assert json.loads(paths.targets.read_text()) == [
        {"targets": ["127.0.1.1:%d" % SERVICE["ports"]["admin"]], "labels": {"node": "node1"}},
        {"targets": ["127.0.1.4:%d" % SERVICE["ports"]["admin"]], "labels": {"node": "node4"}}]
    # everything the fleet starts listens on loopback only
    assert "--web.listen-address=127.0.0.1:" in paths.program.read_text()


def test_metrics_path_is_the_one_the_service_serves():
    source = (REPO / "service" / "src" / "main" / "java" / "org" / "timekeeper" / "server"
              / "PrometheusMetrics.java").read_text()
    assert 'PATH = "%s";' % SERVICE["paths"]["metrics"] in source


def test_rules_read_the_job_named_after_the_service():
    jobs = set(re.findall(r'job="([^"]+)"', (PROMETHEUS_DIR / "rules" / "timekeeper.yml").read_text()))
    assert jobs == {SERVICE["name"]}


def test_newest_known_tz_release_is_the_pinned_one():
    assert rule("timekeeper:tzdata_newest_known:info")["expr"] == \
        'label_replace(vector(1), "version", "%s", "", "")' % tzdata.IANA_VERSION


def test_capacity_alert_allows_the_rolling_deploys_batch_out():
    assert rule("TimekeeperFleetBelowCapacity")["expr"].endswith(
        " - %d" % SERVICE["rolling_deploy"]["batch_size"])
