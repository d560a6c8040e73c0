"""The local fleet under steady load through HAProxy configured as an ALB behaves (no retries,
no redispatch): a rolling deploy, a broken release and a scale-out, each with zero failed
requests; a killed node, with the failures bounded by the health-check window (and zero with
the retrying opt-in); a broken release with the alb driver in an emulated Auto Scaling group,
rolled back on the real node and out of Standby. The tests share one fleet (conftest.fleet) and run in this order; each
states the fleet it leaves behind."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import time

from ansible_test_support import (FROM_VERSION, LOAD_PER_WORKER_QPS, LOAD_WORKERS, PLAYBOOK_TIMEOUT_SECONDS,
                                  SAMPLER_PER_SECOND, TO_VERSION, EmulatedAutoScalingGroup, steady_load)

BROKEN_VERSION = "9.9.9-never-ready"


def updated_nodes(ansible_output: str, rolling_pass: str) -> list[str]:
    """The nodes a pass of rolling_deploy.yml staged a release on (the others were done)."""
    heading = "Roll the release across the fleet, one node at a time (%s)]" % rolling_pass
    text = "".join(play for play in ansible_output.split("\nPLAY [") if play.startswith(heading))
    return re.findall(r"TASK \[Stage the release while the node still serves\][^\n]*\nincluded: \S+ for (\S+)", text)


def recap_changes(ansible_output: str) -> dict[str, int]:
    return {host: int(changed) for host, changed in re.findall(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)", ansible_output, re.M)}


def test_load_balancer_is_configured_as_an_alb_behaves(fleet):
    """No retry, no redispatch: what reaches HAProxy's client is what would reach an ALB's."""
    config = (fleet.FLEET_DIR / "haproxy.cfg").read_text()
    directives = [line.split("#")[0].strip() for line in config.splitlines()]
    assert "retries 0" in directives
    assert "no option redispatch" in directives
    assert not [d for d in directives if d.startswith(("retry-on", "option redispatch"))]


def progress_lines(ansible_output: str) -> list[tuple[str, str]]:
    """(node, phase) of each line of the deploy_progress callback, in order."""
    return re.findall(r"^deploy progress: \d\d:\d\d:\d\d (node\d+) ([a-z ,-]+?)(?: \(|$)", ansible_output, re.M)


def prometheus_saw_the_deploy(fleet, started: float, ended: float) -> None:
    """The fleet's Prometheus scraped every node, saw each leave HAProxy and come back on the
    new release, and no alert fired; the capacity alerts were not even pending."""
    prometheus, service = fleet.prometheus, fleet.SERVICE
    assert "timekeeper.alerts" in prometheus.rule_groups()
    nodes = ["node1", "node2", "node3"]

    def scraped_releases():
        return {r["metric"]["node"]: r["metric"]["version"]
                for r in prometheus.query('timekeeper_build_info{job="%s"}' % service)}
    fleet.wait_until(lambda: scraped_releases() == dict.fromkeys(nodes, TO_VERSION), 30,
                     what="Prometheus to scrape every node on %s" % TO_VERSION)
    answered = prometheus.query_range('timekeeper_build_info{job="%s"}' % service, started, ended)
    assert {(r["metric"]["node"], r["metric"]["version"]) for r in answered} == {
        (node, version) for node in nodes for version in (FROM_VERSION, TO_VERSION)}
    out_of_service = prometheus.query_range(
        'haproxy_server_status{proxy="%s", state="UP"} == 0' % service, started, ended)
    assert sorted({r["metric"]["server"] for r in out_of_service}) == nodes
    back = prometheus.query('haproxy_server_status{proxy="%s", state="UP"} == 1' % service)
    assert sorted(r["metric"]["server"] for r in back) == nodes
    # the scrape's relabelling gave the rules their series
    assert prometheus.query('sum(timekeeper_api_responses_total{job="%s", code="2xx"}) > 0' % service)
    assert prometheus.alerts_seen(started, time.time(), "firing") == []
    pending = prometheus.alerts_seen(started, time.time(), "pending")
    assert not {"TimekeeperFleetBelowCapacity", "TimekeeperNoNodeAnswers"} & set(pending), pending


def test_rolling_deploy_under_load_fails_no_request_and_reruns_unchanged(fleet):
    started = time.time()
    with steady_load() as load:
        deploy = fleet.deploy(TO_VERSION, stream=False, check=False)
    ended = time.time()
    assert deploy.returncode == 0, deploy.stdout[-4000:]
    # a line per node and phase, as it happened (ansible/callback_plugins/deploy_progress.py)
    phases = ["out of the load balancer, draining", "drained", "stopped", "started on the release",
              "ready, smoke-tested and warmed", "back in service"]
    assert progress_lines(deploy.stdout) == [(node, phase) for node in ("node1", "node2", "node3") for phase in phases]
    prometheus_saw_the_deploy(fleet, started, ended)
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
    # the record named the broken release during the deploy, and names the running one again
    assert fleet.fleet_release() == running

    after = {s["node"]: s for s in fleet.fleet_state()}
    assert (after["node1"]["version"], after["node1"]["ready"], after["node1"]["lb"]) == (running, True, "UP")
    assert os.readlink(fleet.FLEET_DIR / "nodes" / "node1" / "current").endswith("/releases/%s" % running)
    for untouched in ("node2", "node3"):
        # same process, same start: the deploy never reached them
        assert (after[untouched]["pid"], after[untouched]["started_at"], after[untouched]["lb"]) == (
            before[untouched]["pid"], before[untouched]["started_at"], "UP")


def test_broken_release_in_an_auto_scaling_group_returns_the_node_in_service_on_its_release(fleet, moto_endpoint,
                                                                                           monkeypatch):
    """The same broken release with the alb driver, as on AWS: an emulated Auto Scaling
    group whose instances stand for the fleet's nodes (moto cannot see the nodes; it reports
    targets healthy once registered). node1 spends its cycle in Standby, its rollback starts
    the release it ran before, it leaves Standby, and the group ends as it began: 3 of 3,
    nothing suspended, no minimum held. node2 and node3 are never touched. (No load here:
    with this driver Ansible drains the emulated target group, not HAProxy.)"""
    before = {s["node"]: s for s in fleet.fleet_state()}
    running = before["node1"]["version"]
    fleet.publish_broken(BROKEN_VERSION, from_version=running)
    group = EmulatedAutoScalingGroup(moto_endpoint, "eu-west-1")
    instance_of = dict(zip(fleet.node_names(), group.instances))
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_REGION", "eu-west-1")):
        monkeypatch.setenv(name, value)
    alb = {"lb_membership_driver": "alb", "lb_membership_alb_target_group_arn": group.target_group_arn,
           "lb_membership_alb_endpoint_url": moto_endpoint, "lb_membership_alb_region": "eu-west-1",
           "lb_membership_alb_auto_scaling_group": group.name, "lb_membership_alb_poll_seconds": 1,
           "lb_membership_drain_timeout_seconds": 90, "alb_instance_of": instance_of,
           "lb_membership_alb_target_id": "{{ alb_instance_of[inventory_hostname] }}"}

    deploy = fleet.deploy(BROKEN_VERSION, stream=False, check=False, extra_args=("-e", json.dumps(alb)))

    assert deploy.returncode != 0
    assert "runs %s again and is back in the load balancer" % running in deploy.stdout, deploy.stdout[-4000:]
    assert re.search(r"TASK \[lb_membership : Enter Standby[^\n]*\nchanged: \[node1 -> localhost\]", deploy.stdout)
    assert re.search(r"TASK \[lb_membership : Exit Standby[^\n]*\nchanged: \[node1 -> localhost\]", deploy.stdout)
    assert group.shape() == group.AT_REST
    assert group.target_states() == {instance: "healthy" for instance in group.instances}
    assert fleet.fleet_release() == running
    fleet.wait_until(lambda: fleet.lb_states().get("node1") == "UP", 60, what="HAProxy's checks to bring node1 back")
    after = {s["node"]: s for s in fleet.fleet_state()}
    assert (after["node1"]["version"], after["node1"]["ready"]) == (running, True)
    for untouched in ("node2", "node3"):
        assert (after[untouched]["pid"], after[untouched]["started_at"]) == (
            before[untouched]["pid"], before[untouched]["started_at"])


def kill_node_under_load(fleet, node: str):
    """SIGKILL one node under steady load and wait until it is back in service by itself
    (supervisord restarts it, HAProxy's checks bring it back); returns the load."""
    killed_pid = fleet.node_pid(node)
    assert killed_pid is not None
    with steady_load() as load:
        time.sleep(2)
        os.kill(killed_pid, signal.SIGKILL)
        killed_at = time.time()
        fleet.wait_until(lambda: fleet.node_pid(node) not in (None, killed_pid), 60,
                         what="supervisord to restart %s" % node)
        fleet.wait_until(lambda: fleet.node_state(node)["ready"] and fleet.lb_states().get(node) == "UP",
                         120, what="%s to be ready and UP in HAProxy again" % node)
        fleet.wait_until(lambda: any(s.node == node and s.at > killed_at for s in load.sampler.samples), 60,
                         what="%s to answer requests through HAProxy again" % node)
    return load


def killed_node_failure_bound(fleet) -> int:
    """The most requests an ALB-like load balancer (no retries) may fail when one node of the
    fleet is SIGKILLed: the requests in flight at the kill (at most one per load worker and
    the sampler) plus the killed node's round-robin share of everything sent until the
    health checks mark it down. HAProxy's check settings are read from its configuration:
    the first failing check starts within one `inter`, `fall` failures mark the node down,
    and a check may take up to `timeout check`."""
    config = (fleet.FLEET_DIR / "haproxy.cfg").read_text()
    inter = int(re.search(r"^\s*default-server .*\binter (\d+)s\b", config, re.M).group(1))
    fall = int(re.search(r"^\s*default-server .*\bfall (\d+)\b", config, re.M).group(1))
    timeout_check = int(re.search(r"^\s*timeout check (\d+)s\b", config, re.M).group(1))
    detection_seconds = inter * (fall + 1) + timeout_check
    offered_per_second = LOAD_WORKERS * LOAD_PER_WORKER_QPS + SAMPLER_PER_SECOND
    in_flight = LOAD_WORKERS + 1
    return in_flight + math.ceil(offered_per_second / len(fleet.node_names()) * detection_seconds)


def test_killed_node_fails_at_most_the_health_check_window_without_retries(fleet):
    """As on an ALB, which never retries: the requests in flight at a SIGKILL and those sent
    to the node before health checks mark it down fail; the bound says how many at most.
    None failing would mean the load balancer retried, hiding what users would see."""
    assert fleet.lb_retries() == 0
    bound = killed_node_failure_bound(fleet)
    load = kill_node_under_load(fleet, "node2")
    failed = load.failed_count()
    print("SIGKILL of node2 without retries: %d of %d requests failed (bound %d)" % (
        failed, load.hey.report.requests + len(load.sampler.samples), bound))
    assert 0 < failed <= bound, "failed %d, bound %d: %s" % (failed, bound, load.failures())


def test_killed_node_fails_no_request_with_retries_opted_in(fleet):
    """The opt-in for teams that front the fleet with a retrying proxy (HAProxy, Envoy):
    a request that met the killed node is tried again on another one, so none fails."""
    fleet.set_lb_retries(3)
    try:
        load = kill_node_under_load(fleet, "node3")
    finally:
        fleet.set_lb_retries(0)
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
    assert "server node4 127.0.1.4:%d check" % fleet.APP_PORT in (fleet.FLEET_DIR / "haproxy.cfg").read_text()
    # and Prometheus found it in the fleet's file SD targets, as ec2_sd_configs finds a new instance
    fleet.wait_until(lambda: fleet.prometheus.query('up{job="%s", node="node4"} == 1' % fleet.SERVICE), 30,
                     what="Prometheus to scrape node4")


def test_deploy_killed_during_a_nodes_stop_is_repaired_by_running_it_again(fleet):
    """ansible-playbook killed (a Jenkins abort, a lost controller) while a node stops leaves
    that node out of the load balancer and stopped; running the same deploy again finishes it:
    every node on the release and in service, no request failed all along."""
    release = fleet.fleet_release()
    target = FROM_VERSION if release == TO_VERSION else TO_VERSION
    # serial 1: the second node's stop task is node2's
    stop_task = "TASK [dropwizard_service : Bring the supervisord program to stopped]"
    with steady_load() as load:
        deploy = subprocess.Popen(fleet.ansible_playbook_argv(fleet.ROLLING_DEPLOY, *fleet.deploy_args(target)),
                                  cwd=fleet.REPO, env=fleet.ansible_environment(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            with open(fleet.LOG_DIR / "ansible-rolling-deploy-killed.log", "w") as log:
                stop_tasks_seen = 0
                for line in deploy.stdout:
                    log.write(line)
                    stop_tasks_seen += line.startswith(stop_task)
                    if stop_tasks_seen == 2:
                        break
            assert stop_tasks_seen == 2, "the deploy ended before it stopped node2"
            # SIGTERM has reached node2 once its readiness turns 503: it is stopping
            fleet.wait_until(lambda: not fleet.node_state("node2")["ready"], 60, interval=0.1,
                             what="node2 to stop being ready")
        finally:
            os.killpg(deploy.pid, signal.SIGKILL)
            deploy.wait(timeout=30)
        # what the killed deploy left: node2 out of the load balancer and not serving
        fleet.wait_until(lambda: fleet.node_pid("node2") is None, 60, what="node2's stop to finish")
        assert fleet.lb_states()["node2"] != "UP" and not fleet.node_state("node2")["ready"]
        rerun = fleet.deploy(target, stream=False, check=False)
    assert rerun.returncode == 0, rerun.stdout[-4000:]
    assert load.failed_count() == 0, load.failures()
    assert [(s["node"], s["version"], s["ready"], s["lb"]) for s in fleet.fleet_state()] == [
        (node, target, True, "UP") for node in fleet.node_names()]


def test_nodes_launched_during_a_deploy_end_on_the_release(fleet):
    """Scale-out in the middle of a deploy: the record names the new release before the first
    node is touched, so a node launched then installs it; a node that read the record just
    before it changed comes up on the old release, and the deploy's second pass rolls it.
    The deploy is paused (SIGSTOP) while the two nodes come up, as instances launch while
    a deploy runs, and ends on a converged fleet with no failed request."""
    release = fleet.fleet_release()
    target = FROM_VERSION if release == TO_VERSION else TO_VERSION
    nodes = len(fleet.node_names())
    with steady_load() as load:
        deploy = subprocess.Popen(fleet.ansible_playbook_argv(fleet.ROLLING_DEPLOY, *fleet.deploy_args(target)),
                                  cwd=fleet.REPO, env=fleet.ansible_environment(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        log = open(fleet.LOG_DIR / "ansible-rolling-deploy-scaled.log", "w")
        try:
            for line in deploy.stdout:
                log.write(line)
                if line.startswith("TASK [lb_membership : Run the deregister step"):
                    break
            assert fleet.fleet_release() == target, "the record names the release before a node leaves"
            os.killpg(deploy.pid, signal.SIGSTOP)
            try:
                from_record = fleet.scale(nodes + 1, stream=False)
                from_before = fleet.scale(nodes + 2, stream=False, version=release)
            finally:
                os.killpg(deploy.pid, signal.SIGCONT)
            for line in deploy.stdout:
                log.write(line)
            deploy.wait(timeout=PLAYBOOK_TIMEOUT_SECONDS)
        finally:
            if deploy.poll() is None:
                os.killpg(deploy.pid, signal.SIGKILL)
                deploy.wait(timeout=30)
            log.close()
    output = (fleet.LOG_DIR / "ansible-rolling-deploy-scaled.log").read_text()
    assert deploy.returncode == 0, output[-4000:]
    assert load.failed_count() == 0, load.failures()
    # the node that came up from the record was on the release already; the second pass
    # updated only the one that came up on the old release
    assert updated_nodes(output, "nodes that joined during the deploy") == from_before
    assert from_record != from_before
    assert [(s["node"], s["version"], s["ready"], s["lb"]) for s in fleet.fleet_state()] == [
        (node, target, True, "UP") for node in fleet.node_names()]
