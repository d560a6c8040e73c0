"""make demo: the local fleet under steady load through a rolling deploy, and the report.

up (NODES nodes at $RELEASE_VERSION, the Makefile's 1.0.0-SNAPSHOT unless set) -> steady load
through HAProxy (hey) -> a baseline phase -> the rolling deploy to DEMO_TO_VERSION (1.0.1
unless set) under the same load -> report -> down. Exits 1 when any request failed or the
deploy failed. The report is printed and kept in reports/.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import demo_chart  # noqa: E402
import local_fleet  # noqa: E402
from load import HeyPhase, HeyReport, VersionSampler  # noqa: E402

REPORTS_DIR = local_fleet.REPO / "reports"
# Sized for two cores shared with three JVMs and HAProxy: 6 workers x 50 req/s.
WORKERS, PER_WORKER_QPS = 6, 50
BASELINE_SECONDS = 20
# the sampler's buckets of "versions answering" in the report and the picture
VERSION_BUCKET_SECONDS = 5


def node_phases(timings: list[dict]) -> list[dict]:
    """Per node, seconds spent draining, stopping, restarting and rejoining."""
    phases = []
    for t in timings:
        started, drained, stopped, ready, in_service = (float(t[k]) for k in
                                                        ("started", "drained", "stopped", "ready", "in_service"))
        phases.append({
            "node": t["node"],
            "drain": drained - started,
            "stop": stopped - drained,
            "restart": ready - stopped,
            "back_in_service": in_service - ready,
            "cycle": in_service - started,
        })
    return phases


def phase_row(name: str, report: HeyReport, seconds: float) -> str:
    non_2xx = sum(n for code, n in report.status_codes.items() if not 200 <= code < 300)
    return "%-15s %9d %8d %12d %8.1f %8.1f %8.1f" % (
        name, report.requests, non_2xx, sum(report.errors.values()), report.requests / max(seconds, 0.001),
        report.latency_seconds.get("p50", 0) * 1000, report.latency_seconds.get("p99", 0) * 1000)


def render(result: dict) -> str:
    lines = [
        "timekeeper local fleet demo, %s" % result["at"],
        "fleet: %d nodes behind HAProxy 127.0.0.1:8000 (%s); rolling deploy %s -> %s (ansible/rolling_deploy.yml, %d node(s) at a time)"
        % (result["nodes"], result["load_balancer"], result["from"], result["to"], result["batch_size"]),
        "load: hey, %d workers x %d req/s = %d req/s offered, GET %s; plus a 10 req/s sampler recording who answered"
        % (WORKERS, PER_WORKER_QPS, WORKERS * PER_WORKER_QPS, result["path"]),
        "",
        "%-15s %9s %8s %12s %8s %8s %8s" % ("phase", "requests", "non-2xx", "conn errors", "req/s", "p50 ms", "p99 ms"),
        phase_row("before deploy", result["before"], result["before_seconds"]),
        phase_row("during deploy", result["during"], result["during_seconds"]),
        "",
    ]
    for name in ("before", "during"):
        report = result[name]
        for code, count in sorted(report.status_codes.items()):
            if not 200 <= code < 300:
                lines.append("  %s: HTTP %d x %d" % (name, code, count))
        for message, count in sorted(report.errors.items()):
            lines.append("  %s: %s x %d" % (name, message, count))
    sampler = result["sampler"]
    lines.append("sampler: %d requests, %d failed" % (len(sampler.samples), len(sampler.failures)))
    for failure in sampler.failures:
        lines.append("  sampler failure at %s: status %d %s" % (
            datetime.datetime.fromtimestamp(failure.at, datetime.timezone.utc).strftime("%H:%M:%S.%f")[:-3],
            failure.status, failure.error))
    lines += ["", "versions answering over time (sampler, 5 s buckets from the start of the load;",
              "runs answered by one release alone are shown as one line):"]
    buckets = sampler.versions_over_time(VERSION_BUCKET_SECONDS)
    index = 0
    while index < len(buckets):
        offset, versions = buckets[index]
        end = index
        while (len(versions) == 1 and end + 1 < len(buckets)
               and buckets[end + 1][1].keys() == versions.keys()):
            end += 1
        if end > index:
            answers = sum(sum(b[1].values()) for b in buckets[index:end + 1])
            lines.append("  t+%4.0fs..t+%4.0fs  %s only (%d answers)" % (offset, buckets[end][0] + 5, next(iter(versions)), answers))
        else:
            lines.append("  t+%4.0fs            %s" % (offset, "  ".join("%s x%d" % item for item in sorted(versions.items()))))
        index = end + 1
    lines += ["", "per node (seconds): drain = deregistered until no request in flight; stop = graceful stop;",
              "restart = start until ready, smoke-tested and warmed; back in service = until UP in HAProxy",
              "%-6s %7s %7s %8s %16s %7s" % ("node", "drain", "stop", "restart", "back in service", "cycle")]
    for phase in result["node_phases"]:
        lines.append("%-6s %7.1f %7.1f %8.1f %16.1f %7.1f" % (
            phase["node"], phase["drain"], phase["stop"], phase["restart"], phase["back_in_service"], phase["cycle"]))
    lines += ["", "deploy: %s in %.1f s" % ("succeeded" if result["deploy_ok"] else "FAILED", result["during_seconds"])]
    if result.get("picture"):
        lines += ["", "picture: %s (fleet/demo_chart.py); its series in the fleet's Prometheus "
                  "(%s during make up):" % (result["picture"], local_fleet.prometheus.url("/graph"))]
        lines += ["  %-20s %s" % (name, query) for name, query in demo_chart.queries(local_fleet.SERVICE).items()]
    total = result["before"].requests + result["during"].requests + len(sampler.samples)
    failed = result["before"].failures + result["during"].failures + len(sampler.failures)
    lines.append("total: %d requests, %d failed -> %s" % (
        total, failed, "PASS" if failed == 0 and result["deploy_ok"] else "FAIL"))
    return "\n".join(lines) + "\n"


def chart_data(sampler: VersionSampler, timings: list[dict], title: str) -> dict:
    """The picture's data: the fleet's Prometheus series over the load, the sampler's answers
    by release and the deploy's phase timings (fleet/demo_chart.py draws it)."""
    start, end = sampler.samples[0].at, sampler.samples[-1].at
    series = {}
    for name, query in demo_chart.queries(local_fleet.SERVICE).items():
        if name != "nodes_by_version":
            found = local_fleet.prometheus.query_range(query, start, end)
            series[name] = [[float(t), float(v)] for t, v in found[0]["values"]] if found else []
    return {"title": title, "start": start, "series": series, "bucket_seconds": VERSION_BUCKET_SECONDS,
            "versions": sampler.versions_over_time(VERSION_BUCKET_SECONDS), "phases": timings}


def run_demo(from_version: str, to_version: str, nodes: int, path: str) -> int:
    if local_fleet.supervisord_pid() is not None:
        print("demo: the local fleet is already up; make down first", file=sys.stderr)
        return 1
    for version in (from_version, to_version):
        local_fleet.publish(version)
    timings_file = Path(tempfile.mkstemp(prefix="rolling-deploy-timings-", suffix=".jsonl")[1])
    sampler = VersionSampler(path)
    try:
        print("demo: fleet up, %d nodes at %s" % (nodes, from_version), flush=True)
        local_fleet.up(nodes, from_version, stream=False, retries=int(os.environ.get("LB_RETRIES") or 0))
        print("demo: Prometheus on %s while the demo runs" % local_fleet.prometheus.url("/"), flush=True)
        print("demo: steady load, %d s baseline" % BASELINE_SECONDS, flush=True)
        sampler.start()
        before = HeyPhase(WORKERS, PER_WORKER_QPS, path, seconds=BASELINE_SECONDS).start()
        before_report = before.wait()
        print("demo: rolling deploy %s -> %s under the same load" % (from_version, to_version), flush=True)
        during = HeyPhase(WORKERS, PER_WORKER_QPS, path).start()
        deploy = local_fleet.deploy(to_version, stream=False, timings_file=timings_file, check=False)
        during_report = during.stop()
        sampler.stop()
        timings = [json.loads(line) for line in timings_file.read_text().splitlines() if line.strip()]
        result = {
            "at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "nodes": nodes, "from": from_version, "to": to_version, "path": path,
            # what local_fleet.deploy passes: the service contract's rolling_deploy.batch_size
            "batch_size": local_fleet.BATCH_SIZE,
            "load_balancer": ("retries %d, redispatch: opted in" % local_fleet.lb_retries() if local_fleet.lb_retries()
                              else "as an ALB: no retry, no redispatch"),
            "before": before_report, "before_seconds": before.ended - before.started,
            "during": during_report, "during_seconds": during.ended - during.started,
            "sampler": sampler, "node_phases": node_phases(timings), "deploy_ok": deploy.returncode == 0,
        }
        report_name = "demo-%s" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        REPORTS_DIR.mkdir(exist_ok=True)
        try:
            data = chart_data(sampler, timings, "rolling deploy %s -> %s under %d req/s, %s" % (
                from_version, to_version, WORKERS * PER_WORKER_QPS, result["at"]))
        except (OSError, RuntimeError) as error:
            # the picture is an extra: the report and its verdict stand without it
            print("demo: no picture, the fleet's Prometheus did not answer: %s" % error, file=sys.stderr)
        else:
            (REPORTS_DIR / (report_name + ".json")).write_text(json.dumps(data) + "\n")
            result["picture"] = demo_chart.draw(data, REPORTS_DIR / (report_name + ".png")).relative_to(local_fleet.REPO)
        text = render(result)
        if not result["deploy_ok"]:
            text += "\nrolling deploy output (tail):\n" + "".join(deploy.stdout.splitlines(True)[-30:])
    finally:
        sampler.stop()
        print("demo: fleet down", flush=True)
        local_fleet.down()
        timings_file.unlink(missing_ok=True)
    report_file = REPORTS_DIR / (report_name + ".txt")
    report_file.write_text(text)
    print()
    print(text)
    print("report kept in %s" % report_file.relative_to(local_fleet.REPO))
    passed = result["deploy_ok"] and before_report.failures + during_report.failures + len(sampler.failures) == 0
    return 0 if passed else 1


def run_with_make_settings(command: str, run, **options) -> int:
    """Runs a fleet command with the Makefile's settings (RELEASE_VERSION, DEMO_TO_VERSION, NODES,
    DEMO_PATH); a FleetError is printed and exits 1."""
    try:
        return run(os.environ.get("RELEASE_VERSION", "1.0.0-SNAPSHOT"), os.environ.get("DEMO_TO_VERSION", "1.0.1"),
                   int(os.environ.get("NODES", local_fleet.BASE_NODES)),
                   os.environ.get("DEMO_PATH", "/api/timezone/Europe/London"), **options)
    except local_fleet.FleetError as error:
        print("%s: %s" % (command, error), file=sys.stderr)
        return 1


def main() -> int:
    return run_with_make_settings("demo", run_demo)


if __name__ == "__main__":
    sys.exit(main())
