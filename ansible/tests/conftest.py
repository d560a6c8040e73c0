"""Shared fixtures of the Ansible tests: the local fleet (up once for the session, down by
PID at the end even when a test failed), steady load through it, playbook runs, and an
AWS API emulator (moto server) on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "fleet"))

import local_fleet  # noqa: E402
from load import SteadyLoad  # noqa: E402

# The two releases the fleet tests roll between; the demo uses the same two, so their
# published jars (.fleet/artifacts) serve both.
FROM_VERSION = "1.0.0"
TO_VERSION = "1.0.1"
# Steady load for the tests: 4 workers x 25 req/s through HAProxy, light enough that
# three JVMs and the deploy keep their two cores.
LOAD_WORKERS, LOAD_PER_WORKER_QPS = 4, 25
PLAYBOOK_TIMEOUT_SECONDS = 600


def steady_load() -> SteadyLoad:
    return SteadyLoad(LOAD_WORKERS, LOAD_PER_WORKER_QPS)


def ansible_env(**extra: str) -> dict:
    return dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible" / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                AWS_EC2_METADATA_DISABLED="true",
                PATH="%s:%s" % (REPO / ".venv" / "bin", os.environ.get("PATH", "")), **extra)


def run_playbook(playbook: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """ansible-playbook with the project's configuration; bounded in time."""
    return subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), str(playbook), *args],
                          cwd=REPO, env=env or ansible_env(), capture_output=True, text=True,
                          timeout=PLAYBOOK_TIMEOUT_SECONDS)


@pytest.fixture(scope="session")
def fleet():
    """Three nodes at FROM_VERSION behind HAProxy, for every fleet test of the session."""
    if local_fleet.supervisord_pid() is not None:
        pytest.fail("a local fleet is already running here (make down first): the tests bring up their own")
    local_fleet.down()  # leftovers of a run that died: files only, no process is alive
    for version in (FROM_VERSION, TO_VERSION):
        local_fleet.publish(version)
    try:
        local_fleet.up(3, FROM_VERSION, stream=False)
        yield local_fleet
    finally:
        pids = list(local_fleet.program_pids().values())
        supervisord = local_fleet.supervisord_pid()
        local_fleet.down()
        leftovers = [pid for pid in pids + [supervisord] if pid and local_fleet.pid_alive(pid)]
        assert not leftovers, "processes left behind by the fleet: %s" % leftovers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto in server mode on a free loopback port; stopped by its PID afterwards."""
    port = free_port()
    process = subprocess.Popen([str(REPO / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = "http://127.0.0.1:%d" % port
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto server did not start on port %d" % port)
                time.sleep(0.2)
        yield endpoint
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
