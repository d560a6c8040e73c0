"""The OpenAPI document's 429, made true at the edge: one client that sends more than the
contract's requests_per_client within window_seconds (service.yml rate_limit) gets the
API's JSON error with Retry-After from the local fleet's HAProxy, as from the ALB's WAF
rate-based rule (cloudformation/load-balancer.yaml; cloudformation/tests compare its
numbers with the contract), never a 5xx; and is served again once its count over the
window falls below the limit. Bounded: a fixed number of requests, each phase with a time
limit; loopback only. Runs on the session's fleet (conftest.fleet), after the rolling
deploy tests, and leaves the client unblocked."""

from __future__ import annotations

import json
import subprocess
import time

from ansible_test_support import SERVICE

import local_fleet  # noqa: E402  (fleet/ is on sys.path through ansible_test_support)
from load import LB_HOST, LB_PORT, DEFAULT_PATH, parse_hey

LIMIT = SERVICE["rate_limit"]["requests_per_client"]
WINDOW_SECONDS = SERVICE["rate_limit"]["window_seconds"]
FLOOD_WORKERS = 32
# Half as many again as the limit, enough to cross it with room to spare; a multiple of
# the workers (hey sends requests / workers per worker).
FLOOD_REQUESTS = LIMIT * 3 // 2 // FLOOD_WORKERS * FLOOD_WORKERS
# HAProxy's rate is a sliding estimate over the current and the previous window: a client
# that stopped is below any limit after two windows at the latest.
RECOVERY_BOUND_SECONDS = 2 * WINDOW_SECONDS + 10


def get(path: str = DEFAULT_PATH) -> tuple[int, dict, bytes]:
    return local_fleet.http_get(LB_HOST, LB_PORT, path, timeout=10)


def test_a_client_over_the_limit_gets_429_json_never_5xx_and_is_served_again_when_it_slows_down(fleet):
    assert get()[0] == 200
    flood = subprocess.run(["hey", "-n", str(FLOOD_REQUESTS), "-c", str(FLOOD_WORKERS), "-t", "10",
                            "http://%s:%d%s" % (LB_HOST, LB_PORT, DEFAULT_PATH)],
                           capture_output=True, text=True, timeout=300)
    report = parse_hey(flood.stdout)
    assert report.requests == FLOOD_REQUESTS, report.raw[-2000:]
    # Every request answered: served or refused with 429, no 5xx, no connection error.
    # (No 429 at all would mean the flood was slower than the limit's rate.)
    assert report.errors == {}, report.errors
    assert set(report.status_codes) == {200, 429}, report.raw[-2000:]
    # At most two windows' worth passes the sliding estimate.
    assert report.status_codes[200] <= 2 * LIMIT

    # Still over the limit right after the flood: the refusal, as a client sees it.
    status, headers, body = get()
    assert status == 429
    assert headers["content-type"].startswith("application/json")
    assert headers["retry-after"] == str(WINDOW_SECONDS)
    assert json.loads(body) == {"error": SERVICE["rate_limit"]["error"]}

    # One request every 2 s: the count decays and the client is served again, with no 5xx
    # on the way.
    statuses = []
    deadline = time.monotonic() + RECOVERY_BOUND_SECONDS
    while time.monotonic() < deadline:
        statuses.append(get()[0])
        if statuses[-1] == 200:
            break
        time.sleep(2)
    assert statuses[-1] == 200, statuses
    assert set(statuses) <= {200, 429}, statuses

    # A client back under the limit is served in full.
    steady = parse_hey(subprocess.run(["hey", "-z", "5s", "-c", "2", "-q", "10", "-t", "10",
                                       "http://%s:%d%s" % (LB_HOST, LB_PORT, DEFAULT_PATH)],
                                      capture_output=True, text=True, timeout=60).stdout)
    assert steady.requests > 0 and steady.failures == 0, (steady.status_codes, steady.errors)
