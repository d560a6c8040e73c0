"""Helpers shared by the Ansible tests (fixtures are in conftest.py): the fleet tests'
releases and load, playbook runs with the project's configuration, free ports."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "fleet"))
sys.path.insert(0, str(REPO / "lib"))

import local_fleet  # noqa: E402
import service_contract  # noqa: E402
from load import SteadyLoad  # noqa: E402

# The service's platform contract (service.yml): what every layer must agree with.
SERVICE = service_contract.load()

# The two releases the fleet tests roll between; the demo uses the same two, so their
# published jars (.fleet/artifacts) serve both. 1.0.0-SNAPSHOT is the jar `mvn verify`
# already built earlier in make test.
FROM_VERSION = "1.0.0-SNAPSHOT"
TO_VERSION = "1.0.1"
# Steady load for the tests: 4 workers x 25 req/s through HAProxy, light enough that
# three JVMs and the deploy keep their two cores.
LOAD_WORKERS, LOAD_PER_WORKER_QPS = 4, 25
# the version sampler beside hey (fleet/load.py)
SAMPLER_PER_SECOND = SteadyLoad.SAMPLER_PER_SECOND
PLAYBOOK_TIMEOUT_SECONDS = 600


def steady_load() -> SteadyLoad:
    return SteadyLoad(LOAD_WORKERS, LOAD_PER_WORKER_QPS)


ansible_env = local_fleet.ansible_environment


def run_playbook(playbook: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """ansible-playbook with the project's configuration; bounded in time."""
    return subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), str(playbook), *args],
                          cwd=REPO, env=env or ansible_env(), capture_output=True, text=True,
                          timeout=PLAYBOOK_TIMEOUT_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
