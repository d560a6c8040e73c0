"""`podman stop` of one of two containers behind the local fleet's HAProxy, configured as an
ALB behaves (no retries, no redispatch), under steady load: the stopped container turns
unready at once, keeps serving through its shutdown delay while the load balancer takes it
out, exits 0 well before podman's SIGKILL, and not one request fails.

The same holds on ECS when the task's StopTimeout exceeds SHUTDOWN_DELAY + the grace period
(cloudformation/ecs.yaml); a stop timeout below it would end in exit 137 (SIGKILL) mid-drain.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time

import requests

from container_support import API_PATH, READY_PATH, AlbLikeHaproxy, Container, service_facts
from load import parse_hey

SHUTDOWN_DELAY_SECONDS = service_facts.shutdown_delay_seconds()
SHUTDOWN_GRACE_SECONDS = service_facts.shutdown_grace_seconds()
# podman stop's wait before SIGKILL, as ECS's StopTimeout: above the whole drain.
STOP_TIMEOUT_SECONDS = SHUTDOWN_DELAY_SECONDS + SHUTDOWN_GRACE_SECONDS + 10
# Load before the stop, and after the stopped container has gone.
LOAD_BEFORE_SECONDS, LOAD_AFTER_SECONDS = 3, 5
# hey through the load balancer: 4 workers x 50 requests/s.
LOAD_WORKERS, LOAD_PER_WORKER_QPS = 4, 50


class DirectProbe(threading.Thread):
    """Readiness and the API of one container, asked directly, every 50 ms, with the time."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[float, str, int]] = []
        self._stop_event = threading.Event()

    def run(self):
        session = requests.Session()
        while not self._stop_event.is_set():
            for kind, path in (("ready", READY_PATH), ("api", API_PATH)):
                try:
                    status = session.get(self.url + path, timeout=1).status_code
                except requests.RequestException:
                    status = 0
                self.samples.append((time.monotonic(), kind, status))
            self._stop_event.wait(0.05)

    def stop(self):
        self._stop_event.set()
        self.join(timeout=10)

    def first(self, kind: str, status: int, after: float) -> float | None:
        return next((at for at, k, s in self.samples if k == kind and s == status and at >= after), None)

    def last(self, kind: str, status: int) -> float | None:
        return max((at for at, k, s in self.samples if k == kind and s == status), default=None)


def lb_detection_seconds(haproxy_config: str) -> int:
    """HAProxy's `inter` x `fall`: how long the LB keeps sending to a node that turned unready."""
    match = re.search(r"default-server inter (\d+)s fall (\d+)", haproxy_config)
    return int(match.group(1)) * int(match.group(2))


def test_podman_stop_under_load_through_an_alb_like_haproxy_fails_no_request(image, containers, tmp_path):
    stopped = Container(image, "127.0.4.11")
    staying = Container(image, "127.0.4.12")
    containers.extend([stopped, staying])
    stopped.start()
    staying.start()
    haproxy = AlbLikeHaproxy(tmp_path, {stopped.name: stopped.address, staying.name: staying.address},
                             "127.0.4.10", 8000).start()
    try:
        served_by = set()
        deadline = time.monotonic() + 30
        while served_by != {stopped.name, staying.name} and time.monotonic() < deadline:
            try:
                served_by.add(requests.get(haproxy.url + API_PATH, timeout=2).headers.get("X-Served-By"))
            except requests.RequestException:
                time.sleep(0.2)
        assert served_by == {stopped.name, staying.name}, "the load balancer did not reach both containers"

        load_seconds = LOAD_BEFORE_SECONDS + SHUTDOWN_DELAY_SECONDS + LOAD_AFTER_SECONDS + 2
        hey = subprocess.Popen(["hey", "-z", "%ds" % load_seconds, "-c", str(LOAD_WORKERS), "-q", str(LOAD_PER_WORKER_QPS),
                                "-t", "10", haproxy.url + API_PATH], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        probe = DirectProbe(stopped.url)
        probe.start()
        time.sleep(LOAD_BEFORE_SECONDS)
        stop_at = time.monotonic()
        exit_code = stopped.stop(STOP_TIMEOUT_SECONDS)
        exited_at = time.monotonic()
        probe.stop()
        report = parse_hey(hey.communicate(timeout=load_seconds + 60)[0])
    finally:
        haproxy.stop()

    unready_at = probe.first("ready", 503, after=stop_at)
    last_served_at = probe.last("api", 200)
    down_at = haproxy.first_event("%s is DOWN" % stopped.name)
    print("stop figures: readiness 503 after %.2f s; LB marked it DOWN after %s s; served directly until %.1f s;"
          " exited %s after %.1f s; through the LB: %d requests, %.0f/s, %d failed" % (
              (unready_at or 0) - stop_at, "%.1f" % (down_at - stop_at) if down_at else "never",
              (last_served_at or 0) - stop_at, exit_code, exited_at - stop_at,
              report.requests, report.requests_per_second, report.failures))

    assert exit_code == 0, "exit %d (137: killed mid-drain)\n%s" % (exit_code, stopped.logs()[-3000:])
    assert report.requests > 0 and report.failures == 0, report.raw
    assert unready_at is not None, "readiness never answered 503 after the stop"
    # Unready early enough that the load balancer notices within the shutdown delay.
    assert unready_at - stop_at + lb_detection_seconds(haproxy.config_text) < SHUTDOWN_DELAY_SECONDS
    assert any(kind == "api" and status == 200 and at > unready_at for at, kind, status in probe.samples), \
        "no request was served directly after readiness turned 503"
    assert down_at is not None and down_at < exited_at, "HAProxy did not take the container out before it exited"


def test_a_stop_timeout_inside_the_shutdown_delay_kills_the_jvm_mid_drain(image, containers):
    """The reason for ECS's StopTimeout (and podman's --time) above the drain: below it the
    JVM is still serving its shutdown delay when SIGKILL comes, and exits 137."""
    container = Container(image, "127.0.4.13")
    containers.append(container)
    container.start()
    assert container.stop(SHUTDOWN_DELAY_SECONDS // 3) == 137
