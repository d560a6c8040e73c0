"""The local fleet under steady load through HAProxy: a rolling deploy, a broken release, a
killed node and a scale-out, each with zero failed requests. The tests share one fleet
(conftest.fleet) and run in this order; each states the fleet it leaves behind."""

from __future__ import annotations

import os
import re
import signal
import time

from ansible_test_support import FROM_VERSION, TO_VERSION, steady_load

BROKEN_VERSION = "9.9.9-never-ready"


def recap_changes(ansible_output: str) -> dict[str, int]:
    return {host: int(changed) for host, changed in re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", ansible_output, re.M)}


def test_rolling_deploy_under_load_fails_no_request_and_reruns_unchanged(fleet):
    with steady_load() as load:
        deploy = fleet.deploy(TO_VERSION, stream=False, check=False)
    assert deploy.returncode == 0, deploy.stdout[-4000:]
    assert load.failed_count() == 0, load.failures()
    states = fleet.fleet_state()
    assert [(s["node"], s["version"], s["lb"]) for s in states] == [
        ("node%d" % n, TO_VERSION, "UP") for n in (1, 2, 3)]
    # the load really spanned the deploy: both releases answered it
    assert {s.version for s in load.sampler.samples} == {FROM_VERSION, TO_VERSION}

    rerun = fleet.deploy(TO_VERSION, stream=False, check=False)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert recap_changes(rerun.stdout) == {"node1": 0, "node2": 0, "node3": 0}


def test_broken_release_stops_at_first_node_rolls_it_back_and_fails_no_request(fleet):
    before = {s["node"]: s for s in fleet.fleet_state()}
    running = before["node1"]["version"]
    fleet.publish_broken(BROKEN_VERSION, from_version=running)
    with steady_load() as load:
        deploy = fleet.deploy(BROKEN_VERSION, stream=False, check=False)
    assert deploy.returncode != 0
    assert "Deploy of %s failed on node1" % BROKEN_VERSION in deploy.stdout
    assert "runs %s again and is back in the load balancer" % running in deploy.stdout
    assert load.failed_count() == 0, load.failures()

    after = {s["node"]: s for s in fleet.fleet_state()}
    assert (after["node1"]["version"], after["node1"]["ready"], after["node1"]["lb"]) == (running, True, "UP")
    assert os.readlink(fleet.FLEET_DIR / "nodes" / "node1" / "current").endswith("/releases/%s" % running)
    for untouched in ("node2", "node3"):
        # same process, same start: the deploy never reached them
        assert (after[untouched]["pid"], after[untouched]["started_at"], after[untouched]["lb"]) == (
            before[untouched]["pid"], before[untouched]["started_at"], "UP")


def test_killed_node_fails_no_request_and_comes_back_by_itself(fleet):
    killed_pid = fleet.node_pid("node2")
    assert killed_pid is not None
    with steady_load() as load:
        time.sleep(2)
        os.kill(killed_pid, signal.SIGKILL)
        killed_at = time.time()
        fleet.wait_until(lambda: fleet.node_pid("node2") not in (None, killed_pid), 60,
                         what="supervisord to restart node2")
        fleet.wait_until(lambda: fleet.node_state("node2")["ready"] and fleet.lb_states().get("node2") == "UP",
                         120, what="node2 to be ready and UP in HAProxy again")
        fleet.wait_until(lambda: any(s.node == "node2" and s.at > killed_at for s in load.sampler.samples), 60,
                         what="node2 to answer requests through HAProxy again")
    assert load.failed_count() == 0, load.failures()


def test_scale_out_joins_a_node_without_a_failed_request(fleet):
    release = fleet.fleet_release()
    with steady_load() as load:
        added = fleet.scale(4, stream=False)
        fleet.wait_until(lambda: "node4" in load.sampler.nodes_seen(), 60,
                         what="node4 to answer requests through HAProxy")
    assert added == ["node4"]
    assert load.failed_count() == 0, load.failures()
    node4 = fleet.node_state("node4")
    assert (node4["version"], node4["ready"], fleet.lb_states().get("node4")) == (release, True, "UP")
    # HAProxy's configuration lists it too, for its next start
    assert "server node4 127.0.1.4:8080 check" in (fleet.FLEET_DIR / "haproxy.cfg").read_text()
