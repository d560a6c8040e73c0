"""make soak: many rolling deploys in a row under steady load, through HAProxy as an ALB.

up (NODES nodes at $RELEASE_VERSION) -> steady load (hey, the demo's rate) -> SOAK_DEPLOYS rolling
deploys (20 unless set), alternating between $RELEASE_VERSION and DEMO_TO_VERSION -> a line per
deploy and a total -> down. Exits 1 when any request failed or any deploy failed. Not part
of make test (it runs for half an hour); the report is printed and kept in reports/.
"""

from __future__ import annotations

import datetime
import os
import sys
import time

from demo import PER_WORKER_QPS, REPORTS_DIR, WORKERS, run_with_make_settings

import local_fleet
from load import HeyPhase, VersionSampler


def deploy_row(number: int, versions: str, seconds: float, report, sampler_failed: int, ok: bool) -> str:
    non_2xx = sum(n for code, n in report.status_codes.items() if not 200 <= code < 300)
    return "%6d  %-28s %8.1f %9d %8d %12d %8d %8.1f  %s" % (
        number, versions, seconds, report.requests, non_2xx, sum(report.errors.values()), sampler_failed,
        report.latency_seconds.get("p99", 0) * 1000, "ok" if ok else "FAILED")


def run_soak(from_version: str, to_version: str, nodes: int, path: str, deploys: int) -> int:
    if local_fleet.supervisord_pid() is not None:
        print("soak: the local fleet is already up; make down first", file=sys.stderr)
        return 1
    for version in (from_version, to_version):
        local_fleet.publish(version)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        "timekeeper local fleet soak, %s" % started,
        "fleet: %d nodes behind HAProxy 127.0.0.1:8000 (as an ALB: no retry, no redispatch); "
        "%d rolling deploys alternating %s <-> %s" % (nodes, deploys, from_version, to_version),
        "load: hey, %d workers x %d req/s, GET %s; plus a 10 req/s sampler" % (WORKERS, PER_WORKER_QPS, path),
        "",
        "deploy  %-28s %8s %9s %8s %12s %8s %8s" % ("versions", "seconds", "requests", "non-2xx", "conn errors",
                                                   "sampler", "p99 ms"),
    ]
    print("\n".join(lines), flush=True)
    total_requests = total_failed = failed_deploys = 0
    try:
        local_fleet.up(nodes, from_version, stream=False)
        running = from_version
        for number in range(1, deploys + 1):
            target = to_version if running == from_version else from_version
            sampler = VersionSampler(path)
            sampler.start()
            phase = HeyPhase(WORKERS, PER_WORKER_QPS, path).start()
            deploy = local_fleet.deploy(target, stream=False, check=False)
            report = phase.stop()
            sampler.stop()
            ok = deploy.returncode == 0
            row = deploy_row(number, "%s -> %s" % (running, target), phase.ended - phase.started, report,
                             len(sampler.failures), ok)
            print(row, flush=True)
            lines.append(row)
            total_requests += report.requests + len(sampler.samples)
            total_failed += report.failures + len(sampler.failures)
            if not ok:
                failed_deploys += 1
                lines.append("  rolling deploy output (tail):\n" + "".join(deploy.stdout.splitlines(True)[-20:]))
                break
            running = target
    finally:
        local_fleet.down()
    verdict = "PASS" if total_failed == 0 and failed_deploys == 0 else "FAIL"
    lines += ["", "total: %d deploys, %d failed; %d requests, %d failed -> %s" % (
        deploys, failed_deploys, total_requests, total_failed, verdict)]
    print(lines[-1])
    REPORTS_DIR.mkdir(exist_ok=True)
    report_file = REPORTS_DIR / ("soak-%s.txt" % time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
    report_file.write_text("\n".join(lines) + "\n")
    print("report kept in %s" % report_file.relative_to(local_fleet.REPO))
    return 0 if verdict == "PASS" else 1


def main() -> int:
    return run_with_make_settings("soak", run_soak, deploys=int(os.environ.get("SOAK_DEPLOYS", 20)))


if __name__ == "__main__":
    sys.exit(main())
