"""The demo report's picture (fleet/demo_chart.py): drawn from the demo's data file, with
Prometheus queries that parse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "fleet"))

import demo_chart  # noqa: E402


def demo_data() -> dict:
    """Two nodes rolled one after the other under 300 req/s; one release, then both, then the new one."""
    start = 1_000_000.0
    phases = [{"node": "node%d" % n, "version": "1.0.1", "started": start + offset, "drained": start + offset + 4,
               "stopped": start + offset + 5, "service_started": start + offset + 6, "ready": start + offset + 9,
               "in_service": start + offset + 12} for n, offset in ((1, 25), (2, 40))]
    return {"title": "rolling deploy 1.0.0 -> 1.0.1", "start": start, "bucket_seconds": 5,
            "series": {"requests_per_second": [[start + t, 300.0] for t in range(60)],
                       "p99_seconds": [[start + t, 0.004 + (0.002 if 25 <= t < 52 else 0)] for t in range(60)]},
            "versions": [[t, {"1.0.0": 50} if t < 25 else {"1.0.0": 20, "1.0.1": 30} if t < 55 else {"1.0.1": 50}]
                         for t in range(0, 60, 5)],
            "phases": phases}


def test_picture_is_drawn_from_the_demo_data(tmp_path):
    png = demo_chart.draw(demo_data(), tmp_path / "demo.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


def test_the_pictures_queries_parse(tmp_path):
    rules = {"groups": [{"name": "demo", "rules": [{"record": "demo:%s" % name, "expr": expr}
                                                   for name, expr in demo_chart.queries("timekeeper").items()]}]}
    (tmp_path / "queries.yml").write_text(yaml.safe_dump(rules))
    result = subprocess.run(["promtool", "check", "rules", "queries.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
