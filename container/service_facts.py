"""The service facts the image and its tests need, from the service's platform contract
(service.yml, through lib/service_contract.py) instead of typed again.

    python3 container/service_facts.py NAME    prints one fact (see FACTS), a list one per line
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "lib"))

import service_contract  # noqa: E402


def ready_path() -> str:
    return service_contract.load()["paths"]["ready"]


def training_paths() -> list[str]:
    """The AppCDS training run's requests: the same as the Ansible role's and the bench's."""
    return service_contract.load()["paths"]["training"]


def app_port() -> int:
    return int(service_contract.load()["ports"]["app"])


def shutdown_delay_seconds() -> int:
    return int(service_contract.load()["drain"]["shutdown_delay_seconds"])


def shutdown_grace_seconds() -> int:
    return int(service_contract.load()["drain"]["shutdown_grace_seconds"])


FACTS = {
    "ready_path": ready_path,
    "training_paths": training_paths,
    "app_port": app_port,
    "shutdown_delay_seconds": shutdown_delay_seconds,
    "shutdown_grace_seconds": shutdown_grace_seconds,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in FACTS:
        sys.exit("usage: %s {%s}" % (sys.argv[0], "|".join(FACTS)))
    fact = FACTS[sys.argv[1]]()
    print("\n".join(fact) if isinstance(fact, list) else fact)
