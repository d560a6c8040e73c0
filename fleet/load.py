"""Steady load through the local fleet's HAProxy, and what it saw.

The load itself is `hey` (rate-limited: workers x per-worker QPS), which counts every
status code and every connection error and reports latency percentiles. Beside it a
small sampler sends a few requests a second and records which release and node answered
each one, so a report can show the versions answering over time; its failures count too.
A phase ends with SIGINT to hey, which then prints its report.
"""

from __future__ import annotations

import collections
import http.client
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

LB_HOST, LB_PORT = "127.0.0.1", 8000
# a typical WorldTimeAPI request
DEFAULT_PATH = "/api/timezone/Europe/London"


@dataclass
class HeyReport:
    """hey's summary of one phase."""
    requests: int = 0
    status_codes: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    latency_seconds: dict[str, float] = field(default_factory=dict)
    requests_per_second: float = 0.0
    raw: str = ""

    @property
    def failures(self) -> int:
        """Every request that did not answer 2xx: other statuses and connection errors."""
        return sum(n for code, n in self.status_codes.items() if not 200 <= code < 300) + sum(self.errors.values())


def parse_hey(output: str) -> HeyReport:
    report = HeyReport(raw=output)
    for code, count in re.findall(r"^\s*\[(\d{3})\]\s+(\d+)\s+responses", output, re.M):
        report.status_codes[int(code)] = int(count)
    errors_section = output.split("Error distribution:", 1)
    if len(errors_section) == 2:
        for count, message in re.findall(r"^\s*\[(\d+)\]\s+(.+)$", errors_section[1], re.M):
            report.errors[message.strip()] = int(count)
    for percentile, seconds in re.findall(r"^\s*(\d+)%+ in ([\d.]+) secs", output, re.M):
        report.latency_seconds["p%s" % percentile] = float(seconds)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    report.requests_per_second = float(rps.group(1)) if rps else 0.0
    report.requests = sum(report.status_codes.values()) + sum(report.errors.values())
    return report


@dataclass
class Sample:
    at: float
    status: int
    version: str
    node: str
    error: str = ""


class VersionSampler(threading.Thread):
    """A few requests a second through the load balancer, recording who answered."""

    def __init__(self, path: str = DEFAULT_PATH, per_second: float = 10):
        super().__init__(daemon=True)
        self.path = path
        self.interval = 1.0 / per_second
        self.samples: list[Sample] = []
        self._stop_event = threading.Event()

    def run(self):
        connection = None
        next_at = time.monotonic()
        while not self._stop_event.is_set():
            now = time.time()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(LB_HOST, LB_PORT, timeout=10)
                connection.request("GET", self.path)
                response = connection.getresponse()
                response.read()
                self.samples.append(Sample(now, response.status, response.getheader("X-App-Version", ""),
                                           response.getheader("X-Served-By", "")))
            except (OSError, http.client.HTTPException) as error:
                self.samples.append(Sample(now, 0, "", "", "%s: %s" % (type(error).__name__, error)))
                if connection is not None:
                    connection.close()
                connection = None
            next_at += self.interval
            self._stop_event.wait(max(0.0, next_at - time.monotonic()))
        if connection is not None:
            connection.close()

    def stop(self):
        self._stop_event.set()
        self.join(timeout=30)

    @property
    def failures(self) -> list[Sample]:
        return [s for s in self.samples if not 200 <= s.status < 300]

    def versions_over_time(self, bucket_seconds: float = 5) -> list[tuple[float, dict[str, int]]]:
        """(seconds since the first sample, {version: answers}) per bucket."""
        if not self.samples:
            return []
        start = self.samples[0].at
        buckets: dict[int, collections.Counter] = collections.defaultdict(collections.Counter)
        for sample in self.samples:
            buckets[int((sample.at - start) // bucket_seconds)][sample.version or "(failed)"] += 1
        return [(index * bucket_seconds, dict(buckets[index])) for index in sorted(buckets)]

    def nodes_seen(self) -> set[str]:
        return {s.node for s in self.samples if s.node}


class HeyPhase:
    """One hey run at a steady rate until stop(); its report is then in .report."""

    # generous upper bound: a phase normally ends by stop()
    MAX_SECONDS = 1200

    def __init__(self, workers: int, per_worker_qps: int, path: str = DEFAULT_PATH, seconds: float | None = None):
        self.argv = ["hey", "-z", "%ds" % int(seconds or self.MAX_SECONDS), "-c", str(workers),
                     "-q", str(per_worker_qps), "-t", "10", "http://%s:%d%s" % (LB_HOST, LB_PORT, path)]
        self.process: subprocess.Popen | None = None
        self.report: HeyReport | None = None
        self.started = self.ended = 0.0

    def start(self) -> "HeyPhase":
        self.started = time.time()
        self.process = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return self

    def stop(self) -> HeyReport:
        """Ends the phase (SIGINT: hey stops its workers and prints its report)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        self.ended = time.time()
        self.report = parse_hey(output)
        return self.report

    def wait(self) -> HeyReport:
        output, _ = self.process.communicate(timeout=self.MAX_SECONDS + 60)
        self.ended = time.time()
        self.report = parse_hey(output)
        return self.report


class SteadyLoad:
    """hey plus the version sampler, as a context manager; .failures() after exit."""

    SAMPLER_PER_SECOND = 10

    def __init__(self, workers: int = 4, per_worker_qps: int = 25, path: str = DEFAULT_PATH):
        self.hey = HeyPhase(workers, per_worker_qps, path)
        self.sampler = VersionSampler(path, self.SAMPLER_PER_SECOND)

    def __enter__(self) -> "SteadyLoad":
        self.hey.start()
        self.sampler.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self) -> None:
        if self.hey.report is None:
            self.sampler.stop()
            self.hey.stop()

    def failures(self) -> dict:
        """Every failed request: hey's non-2xx and connection errors, and the sampler's."""
        report = self.hey.report
        return {
            "hey_requests": report.requests,
            "hey_non_2xx": {code: n for code, n in report.status_codes.items() if not 200 <= code < 300},
            "hey_errors": report.errors,
            "sampler_requests": len(self.sampler.samples),
            "sampler_failures": [(s.status, s.error) for s in self.sampler.failures],
        }

    def failed_count(self) -> int:
        return self.hey.report.failures + len(self.sampler.failures)
