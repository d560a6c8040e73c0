"""Fixtures of the Ansible tests: the local fleet (up once for the session, down by PID at
the end even when a test failed) and an AWS API emulator (moto server) on a free
loopback port, stopped by its PID."""

from __future__ import annotations

import signal
import socket
import subprocess
import time

import pytest

from ansible_test_support import FROM_VERSION, REPO, TO_VERSION, free_port

import local_fleet  # noqa: E402  (fleet/ is on sys.path through ansible_test_support)


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
