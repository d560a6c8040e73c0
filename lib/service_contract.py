"""The service's platform contract (service.yml at the repository root) for the Python and
shell layers: the local fleet and the tests import it, the bench sources its shell form.

    python3 lib/service_contract.py shell    # SERVICE_NAME=..., READY_PATH=..., for `eval`

SERVICE_CONTRACT names another contract file (the tests use it to prove a changed contract
reaches every layer)."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONTRACT_FILE = REPO / "service.yml"


def contract_file() -> Path:
    return Path(os.environ.get("SERVICE_CONTRACT") or CONTRACT_FILE)


def load(path: Path | None = None) -> dict:
    """The contract's `service` mapping."""
    return yaml.safe_load((path or contract_file()).read_text())["service"]


def layout(template: str, **names: str) -> str:
    """A release layout of the contract ({service}/{version}/...) with the names filled in."""
    return template.format(**names)


def shell_variables(service: dict) -> dict[str, str]:
    """What bench/lib.sh takes from the contract."""
    return {
        "SERVICE_NAME": service["name"],
        "READY_PATH": service["paths"]["ready"],
    }


def shell_lines(service: dict) -> str:
    """The shell variables as assignments, plus TRAINING_PATHS as a bash array."""
    lines = ["%s=%s" % (name, shlex.quote(value)) for name, value in shell_variables(service).items()]
    lines.append("TRAINING_PATHS=(%s)" % " ".join(shlex.quote(path) for path in service["paths"]["training"]))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv != ["shell"]:
        print("usage: service_contract.py shell", file=sys.stderr)
        return 2
    sys.stdout.write(shell_lines(load()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
