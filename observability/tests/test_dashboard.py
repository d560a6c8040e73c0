"""The Grafana dashboard (observability/grafana/timekeeper.json) is the output of its code
(observability/grafana/dashboard.py), and every query in it parses and reads only series
that the rules record or the scrape produces."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "observability" / "grafana"))

import dashboard  # noqa: E402

PROMETHEUS_DIR = REPO / "observability" / "prometheus"


def exprs(board: dict) -> list[str]:
    return [target["expr"] for panel in board["panels"] for target in panel.get("targets", [])]


def test_the_committed_dashboard_is_the_codes_output():
    assert dashboard.DASHBOARD_FILE.read_text() == dashboard.render(), \
        "run .venv/bin/python observability/grafana/dashboard.py"


def test_dashboard_shows_traffic_errors_latency_versions_and_deploy_phases():
    board = json.loads(dashboard.DASHBOARD_FILE.read_text())
    titles = [panel["title"] for panel in board["panels"] if panel["type"] != "row"]
    assert titles == list(dashboard.queries("timekeeper", "timekeeper"))
    for panel in board["panels"]:
        ref_ids = [target["refId"] for target in panel.get("targets", [])]
        assert len(set(ref_ids)) == len(ref_ids) and "" not in ref_ids, panel["title"]


def test_every_query_parses(tmp_path):
    """promtool parses each query as the expression of a recording rule."""
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": "dashboard:query_%d" % n, "expr": expr}
        for n, expr in enumerate(exprs(json.loads(dashboard.DASHBOARD_FILE.read_text())))]}]}
    (tmp_path / "queries.yml").write_text(yaml.safe_dump(rules))
    result = subprocess.run(["promtool", "check", "rules", "queries.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_query_reads_series_the_rules_or_the_scrape_produce():
    recorded = {rule["record"] for group in yaml.safe_load((PROMETHEUS_DIR / "rules" / "timekeeper.yml").read_text())["groups"]
                for rule in group["rules"] if "record" in rule}
    relabelled = {relabel["replacement"] for relabel in dashboard_scrape_job()["metric_relabel_configs"]
                  if relabel["target_label"] == "__name__"}
    # Prometheus's own (up, ALERTS) and HAProxy's exporter's, which the fleet test queries too
    built_in = {"up", "ALERTS", "haproxy_server_status"}
    used = set()
    for expr in exprs(json.loads(dashboard.DASHBOARD_FILE.read_text())):
        without_strings = re.sub(r'"[^"]*"|\b(?:by|without) \([^)]*\)', "", expr)
        used |= set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_:]*)\s*(?=[{\[)]|$)", without_strings))
    assert used and used <= recorded | relabelled | built_in, used - recorded - relabelled - built_in


def dashboard_scrape_job() -> dict:
    jobs = yaml.safe_load((PROMETHEUS_DIR / "aws.yml").read_text())["scrape_configs"]
    return next(job for job in jobs if job["job_name"] == "timekeeper")
