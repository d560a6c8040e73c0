"""The fleet's Grafana dashboard, built with Grafana's Foundation SDK (grafana-foundation-sdk):

    .venv/bin/python observability/grafana/dashboard.py   # rewrites observability/grafana/timekeeper.json

Import timekeeper.json into Grafana and pick the Prometheus data source (the local fleet's
on 127.0.0.1:9090 during make up, or the one scraping the AWS fleet). The queries read the
rules' recorded series and the scrape's relabelled names (observability/prometheus/);
observability/tests/test_dashboard.py checks the file is this code's output and that every
query parses and names only series the scrape or the rules produce.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders import dashboard as grafana
from grafana_foundation_sdk.builders import prometheus, stat, statetimeline, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "lib"))

import service_contract  # noqa: E402

DASHBOARD_FILE = Path(__file__).resolve().parent / "timekeeper.json"
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")


def with_queries(panel, pairs: list[tuple[str, str]]):
    """The panel with a Prometheus query per (expression, legend), refIds A, B, ..."""
    for ref_id, (expr, legend) in zip("ABCDEFGH", pairs):
        built = prometheus.Dataquery().expr(expr).ref_id(ref_id).datasource(DATASOURCE)
        panel = panel.with_target(built.legend_format(legend) if legend else built)
    return panel


def time_series(title: str, unit: str, pairs: list[tuple[str, str]]) -> timeseries.Panel:
    return with_queries(timeseries.Panel().title(title).unit(unit).datasource(DATASOURCE).height(8).span(12), pairs)


def queries(service: str, job: str) -> dict[str, list[tuple[str, str]]]:
    """Each panel's (query, legend) pairs; the test parses and checks them."""
    return {
        "Requests per second": [
            ("sum(timekeeper:node_api_responses:rate1m)", "fleet"),
            ("timekeeper:node_api_responses:rate1m", "{{node}}")],
        "Errors": [
            ("timekeeper:api_error_ratio:rate5m", "5xx share (5 m)"),
            ('sum by (code) (rate(timekeeper_api_responses_total{job="%s", code=~"4xx|5xx"}[1m]))' % job, "{{code}}/s")],
        "Latency percentiles per node": [
            ('max by (node, quantile) (timekeeper_api_latency_seconds{job="%s", quantile=~"0.5|0.99"})' % job,
             "{{node}} p{{quantile}}")],
        "Versions answering": [("timekeeper:nodes_by_version:count", "{{version}}")],
        "Deploy phases: nodes in the load balancer (local fleet: HAProxy)": [
            ('max by (server) (haproxy_server_status{proxy="%s", state="UP"})' % service, "{{server}}")],
        "Deploy phases: nodes answering scrapes": [('up{job="%s"}' % job, "{{node}}")],
        "Alerts firing": [('count(ALERTS{alertstate="firing"}) or vector(0)', "")],
    }


def build() -> dict:
    service = service_contract.load()["name"]
    panels = queries(service, service)
    board = (grafana.Dashboard("%s fleet" % service)
             .uid("%s-fleet" % service)
             .tags([service, "fleet", "deploy"])
             .refresh("5s")
             .time("now-15m", "now")
             .with_variable(grafana.DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
             .with_row(grafana.Row("Traffic")))
    for title, unit in (("Requests per second", "reqps"), ("Errors", "short"),
                        ("Latency percentiles per node", "s"), ("Versions answering", "short")):
        board = board.with_panel(time_series(title, unit, panels[title]))
    board = board.with_row(grafana.Row("Deploys"))
    for title in ("Deploy phases: nodes in the load balancer (local fleet: HAProxy)", "Deploy phases: nodes answering scrapes"):
        board = board.with_panel(with_queries(statetimeline.Panel().title(title).datasource(DATASOURCE)
                                              .height(6).span(12).min(0).max(1), panels[title]))
    board = board.with_panel(with_queries(stat.Panel().title("Alerts firing").datasource(DATASOURCE).height(4).span(6),
                                          panels["Alerts firing"]))
    return json.loads(json.dumps(board.build(), cls=JSONEncoder))


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True) + "\n"


def main() -> int:
    DASHBOARD_FILE.write_text(render())
    print("wrote %s" % DASHBOARD_FILE.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
