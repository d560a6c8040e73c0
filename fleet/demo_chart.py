"""The demo report's picture: requests/s, p99 and the releases answering over time, with each
node's deploy phases marked on the time axis (reports/demo-<time>.png beside the text report).

It is drawn from one data file (reports/demo-<time>.json) that fleet/demo.py writes from the
run: the fleet's Prometheus series (QUERIES, which reproduce the two upper panels in the
Prometheus UI during make up), the sampler's answers by release (the text report's
"versions answering") and the rolling deploy's phase timings (its per-node table).

    .venv/bin/python fleet/demo_chart.py reports/demo-<time>.json   # draws the PNG again
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Prometheus queries (the fleet's, 1 s scrapes) for the picture's series, by series name;
# {service} is the contract's name (HAProxy's frontend and the scrape job are named after it).
QUERIES = {
    "requests_per_second": 'sum(rate(haproxy_frontend_http_requests_total{{proxy="{service}"}}[5s]))',
    "p99_seconds": "timekeeper:api_latency_p99:seconds",
    "nodes_by_version": "timekeeper:nodes_by_version:count",
}
# cycle_node.yml's phases in order (ansible/callback_plugins/deploy_progress.py names them)
PHASE_COLOURS = [("started", "drained", "#f4a261", "drain"), ("drained", "stopped", "#e76f51", "stop"),
                 ("stopped", "ready", "#9d4edd", "restart"), ("ready", "in_service", "#2a9d8f", "back in service")]


def queries(service: str) -> dict[str, str]:
    return {name: query.format(service=service) for name, query in QUERIES.items()}


def draw(data: dict, png: Path) -> Path:
    """data: {"start": epoch s, "series": {name: [[epoch s, value], ...]},
    "versions": [[seconds since start, {version: answers}], ...], "bucket_seconds": the versions' bucket,
    "phases": [cycle_node timings per node], "title": str}"""
    start = data["start"]
    figure, (rate_axis, p99_axis, version_axis) = plt.subplots(3, 1, figsize=(11, 8), sharex=True,
                                                                 height_ratios=[2, 2, 1.4])
    series = data["series"]
    rate_axis.plot([t - start for t, _ in series["requests_per_second"]],
                   [v for _, v in series["requests_per_second"]], color="#264653")
    rate_axis.set_ylabel("requests/s\n(HAProxy)")
    rate_axis.set_ylim(bottom=0)
    p99_axis.plot([t - start for t, _ in series["p99_seconds"]], [v * 1000 for _, v in series["p99_seconds"]],
                  color="#e63946")
    p99_axis.set_ylabel("p99 ms\n(slowest node)")
    p99_axis.set_ylim(bottom=0)
    versions = sorted({version for _, answers in data["versions"] for version in answers})
    bottoms = [0.0] * len(data["versions"])
    times = [t for t, _ in data["versions"]]
    for version in versions:
        share = [answers.get(version, 0) / max(1, sum(answers.values())) for _, answers in data["versions"]]
        version_axis.bar(times, share, width=data.get("bucket_seconds", 5), bottom=bottoms, align="edge",
                         label=version)
        bottoms = [b + s for b, s in zip(bottoms, share)]
    version_axis.set_ylabel("answers by\nrelease")
    version_axis.set_ylim(0, 1)
    version_axis.legend(loc="upper left", fontsize=8)
    version_axis.set_xlabel("seconds since the load started")
    labelled = set()
    for timings in data["phases"]:
        for begin, end, colour, label in PHASE_COLOURS:
            for axis in (rate_axis, p99_axis, version_axis):
                axis.axvspan(float(timings[begin]) - start, float(timings[end]) - start, color=colour, alpha=0.18,
                             label=label if axis is rate_axis and label not in labelled else None)
            labelled.add(label)
        rate_axis.annotate(timings["node"], (float(timings["started"]) - start, 1.01), xycoords=("data", "axes fraction"),
                           fontsize=8)
    rate_axis.legend(loc="lower left", fontsize=8, ncols=4)
    rate_axis.set_title(data["title"], fontsize=10)
    figure.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return png


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: demo_chart.py reports/demo-<time>.json", file=sys.stderr)
        return 2
    source = Path(argv[0])
    print(draw(json.loads(source.read_text()), source.with_suffix(".png")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
