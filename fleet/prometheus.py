"""The local fleet's Prometheus (Debian's package) under the fleet's supervisord, on loopback.

It scrapes every node's admin port and HAProxy's own exporter, and evaluates the rules of
observability/prometheus/rules/. The nodes are found the way ec2_sd_configs finds them on
AWS: file-based service discovery, a targets file the fleet rewrites whenever it changes
size (up, scale). The scrape job is the AWS one (observability/prometheus/aws.yml) with its
EC2 discovery swapped for that file, so the metric names the rules see are the same.
Open http://127.0.0.1:9090 while the fleet is up (make up).
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
OBSERVABILITY_DIR = REPO / "observability" / "prometheus"
AWS_CONFIG = OBSERVABILITY_DIR / "aws.yml"
RULES_DIR = OBSERVABILITY_DIR / "rules"
PROMETHEUS_BINARY = "/usr/bin/prometheus"
# Part of the local fleet, so under its lock (/tmp/timekeeper-fleet.lock) like 8000.
ADDRESS = ("127.0.0.1", 9090)
# HAProxy's Prometheus exporter (fleet/templates/haproxy.cfg.j2), on its own loopback port.
HAPROXY_METRICS_ADDRESS = ("127.0.0.1", 8404)
HAPROXY_METRICS_PATH = "/metrics"
# Seconds: short, so a node's seconds out of service during a deploy show in the series.
SCRAPE_INTERVAL = "1s"


class Paths:
    """Where the fleet keeps Prometheus's files (under .fleet/prometheus)."""

    def __init__(self, fleet_dir: Path):
        self.root = fleet_dir / "prometheus"
        self.config = self.root / "prometheus.yml"
        self.targets = self.root / "targets" / "nodes.json"
        self.data = self.root / "data"
        self.program = fleet_dir / "supervisor.d" / "prometheus.conf"
        self.log = fleet_dir / "logs" / "prometheus.log"


def scrape_job(service_name: str) -> dict:
    """The AWS configuration's job for the service's nodes (named after the service)."""
    jobs = yaml.safe_load(AWS_CONFIG.read_text())["scrape_configs"]
    return next(job for job in jobs if job["job_name"] == service_name)


def config(service_name: str, paths: Paths) -> dict:
    node_job = {key: value for key, value in scrape_job(service_name).items()
                if key not in ("ec2_sd_configs", "relabel_configs")}
    node_job["file_sd_configs"] = [{"files": [str(paths.targets.parent / "*.json")], "refresh_interval": "5s"}]
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL,
                   "external_labels": {"environment": "local"}},
        "rule_files": [str(RULES_DIR / "*.yml")],
        "scrape_configs": [
            node_job,
            {"job_name": "haproxy", "metrics_path": HAPROXY_METRICS_PATH,
             "static_configs": [{"targets": ["%s:%d" % HAPROXY_METRICS_ADDRESS]}]},
        ],
    }


def targets(nodes: dict[str, str], admin_port: int) -> list[dict]:
    """The file SD targets: one group per node (name -> loopback address), labelled with its name."""
    return [{"targets": ["%s:%d" % (address, admin_port)], "labels": {"node": name}}
            for name, address in sorted(nodes.items())]


def write_targets(paths: Paths, nodes: dict[str, str], admin_port: int) -> None:
    """Replaces the targets file in one rename: Prometheus never reads half of it."""
    paths.targets.parent.mkdir(parents=True, exist_ok=True)
    partial = paths.targets.with_suffix(".tmp")
    partial.write_text(json.dumps(targets(nodes, admin_port), indent=2) + "\n")
    os.replace(partial, paths.targets)


def supervisor_program(paths: Paths) -> str:
    return "\n".join([
        "; written by fleet/prometheus.py: the local fleet's Prometheus, on loopback only",
        "[program:prometheus]",
        "command=%s --config.file=%s --storage.tsdb.path=%s --storage.tsdb.retention.time=1d "
        "--web.listen-address=%s:%d" % (PROMETHEUS_BINARY, paths.config, paths.data, *ADDRESS),
        "autostart=true",
        "autorestart=true",
        "startsecs=1",
        "stopwaitsecs=20",
        "stdout_logfile=%s" % paths.log,
        "redirect_stderr=true",
        "",
    ])


def write_config(paths: Paths, service_name: str) -> None:
    """Prometheus's configuration and its supervisord program; supervisord starts it with the fleet."""
    paths.root.mkdir(parents=True, exist_ok=True)
    paths.program.parent.mkdir(parents=True, exist_ok=True)
    paths.config.write_text("# written by fleet/prometheus.py from observability/prometheus/aws.yml\n"
                            + yaml.safe_dump(config(service_name, paths), sort_keys=False))
    paths.program.write_text(supervisor_program(paths))


def url(path: str, **params: str) -> str:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    return "http://%s:%d%s%s" % (*ADDRESS, path, query)


def api(path: str, **params: str) -> object:
    """A Prometheus HTTP API answer's data (raises on an error answer)."""
    with urllib.request.urlopen(url(path, **params), timeout=10) as response:
        answer = json.loads(response.read())
    if answer.get("status") != "success":
        raise RuntimeError("Prometheus %s: %s" % (path, answer))
    return answer["data"]


def ready() -> bool:
    try:
        with urllib.request.urlopen(url("/-/ready"), timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def query_range(expr: str, start: float, end: float, step: str = "1s") -> list[dict]:
    return api("/api/v1/query_range", query=expr, start="%.3f" % start, end="%.3f" % end, step=step)["result"]


def query(expr: str) -> list[dict]:
    return api("/api/v1/query", query=expr)["result"]


def alerts_seen(start: float, end: float, state: str) -> list[str]:
    """The alerts in this state (pending, firing) at any second between start and end."""
    return sorted({series["metric"]["alertname"]
                   for series in query_range('ALERTS{alertstate="%s"}' % state, start, end)})


def rule_groups() -> list[str]:
    return [group["name"] for group in api("/api/v1/rules")["groups"]]
