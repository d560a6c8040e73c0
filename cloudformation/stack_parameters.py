"""The parameters of one stack: its file, parameters/<environment>/<stack>.json, which holds
only what differs per environment, plus the names of the parent stacks the template imports
from (Parent<Layer>Stack), derived from the naming every layer uses: <service>-<environment>-
<layer> of the stack's own environment (the service's name from its contract, service.yml; the
Jenkins host's stacks form the environment `ci`, whose parent is its own network).

    python3 cloudformation/stack_parameters.py <environment> <stack>   # the JSON for deploy
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CLOUDFORMATION_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(CLOUDFORMATION_DIR.parent / "lib"))

import service_contract  # noqa: E402

# Parent<Layer>Stack -> its layer, in the stack's own environment
PARENTS = {
    "ParentNetworkStack": "network",
    "ParentLoadBalancerStack": "load-balancer",
    "ParentArtifactsStack": "artifacts",
    # each environment's deploy role is the one principal that publishes its releases and
    # deploys them (its artifact bucket's writer, its EKS cluster's access entry)
    "ParentDeployStack": "deploy",
}


def stack_name(environment: str, layer: str) -> str:
    return "%s-%s-%s" % (service_contract.load()["name"], environment, layer)


def parameter_file(environment: str, stack: str) -> Path:
    return CLOUDFORMATION_DIR / "parameters" / environment / ("%s.json" % stack)


def file_parameters(environment: str, stack: str) -> dict[str, str]:
    """The parameter file as {key: value} (it uses the CloudFormation list format)."""
    entries = json.loads(parameter_file(environment, stack).read_text())
    return {entry["ParameterKey"]: entry["ParameterValue"] for entry in entries}


def parent_parameters(environment: str, stack: str) -> dict[str, str]:
    """The parent stack names the template declares, as the naming derives them."""
    template = (CLOUDFORMATION_DIR / ("%s.yaml" % stack)).read_text()
    declared = set(re.findall(r"^  (Parent\w+Stack):$", template, re.MULTILINE))
    return {key: stack_name(environment, layer) for key, layer in PARENTS.items() if key in declared}


def stack_parameters(environment: str, stack: str) -> dict[str, str]:
    return {**parent_parameters(environment, stack), **file_parameters(environment, stack)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: stack_parameters.py <environment> <stack>", file=sys.stderr)
        return 2
    parameters = stack_parameters(*argv)
    json.dump([{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
              sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
