"""The service facts the image and its tests need, read from the service's built-in
configuration (service/src/main/resources/timekeeper-default.yml) instead of typed again.

    python3 container/service_facts.py NAME    prints one fact (see FACTS)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO / "service" / "src" / "main" / "resources" / "timekeeper-default.yml"


def _config() -> dict:
    return yaml.safe_load(DEFAULT_CONFIG.read_text())


def _default_of(value) -> str:
    """`${VAR:-default}` -> default; a plain value as it is."""
    match = re.fullmatch(r"\$\{\w+:-(.*)\}", str(value))
    return match.group(1) if match else str(value)


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(s|seconds?|ms)", duration)
    if not match:
        raise ValueError("not a duration in seconds: %r" % duration)
    number, unit = int(match.group(1)), match.group(2)
    return number // 1000 if unit == "ms" else number


def ready_path() -> str:
    return _config()["health"]["healthCheckUrlPaths"][0] + "?type=ready"


def app_port() -> int:
    return int(_default_of(_config()["server"]["applicationConnectors"][0]["port"]))


def shutdown_delay_seconds() -> int:
    return _seconds(_default_of(_config()["health"]["shutdownWaitPeriod"]))


def shutdown_grace_seconds() -> int:
    return _seconds(_default_of(_config()["server"]["shutdownGracePeriod"]))


FACTS = {
    "ready_path": ready_path,
    "app_port": app_port,
    "shutdown_delay_seconds": shutdown_delay_seconds,
    "shutdown_grace_seconds": shutdown_grace_seconds,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in FACTS:
        sys.exit("usage: %s {%s}" % (sys.argv[0], "|".join(FACTS)))
    print(FACTS[sys.argv[1]]())
