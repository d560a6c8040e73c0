"""Deploying the templates into moto, the AWS emulator, in server mode on loopback.

moto's CloudFormation creates only the resource types it models, and a few attributes of
the ones it does model raise instead of resolving. A template is deployed as a variant
derived here, never kept by hand: resources of unmodelled types are dropped, then every
resource or output that reads an attribute of a dropped resource (or an unresolvable
attribute) is dropped too, transitively. A reference inside Fn::If is kept: moto
evaluates only the branch the condition picks, and fails loudly if that branch needs a
dropped resource. What was dropped is returned, so tests can state it exactly.
"""
import copy
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from moto.cloudformation.parsing import get_model_map

# Attributes moto 5.2.5 cannot resolve: its get_cfn_attribute raises, or (TargetGroup) is
# not implemented at all.
UNRESOLVABLE_ATTRIBUTES = {
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "CanonicalHostedZoneID"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "SecurityGroups"),
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName"),
}

_SUB_REFERENCE = re.compile(r"\$\{([^!][^}]*)\}")


def _references(node, inside_if=False):
    """(logical id, attribute or None, inside Fn::If) for every Ref/GetAtt/Sub reference."""
    if isinstance(node, list):
        for item in node:
            yield from _references(item, inside_if)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value, None, inside_if
            elif key == "Fn::GetAtt":
                name, attribute = value.split(".", 1) if isinstance(value, str) else value
                yield name, attribute, inside_if
            elif key == "Fn::Sub":
                text, variables = (value, {}) if isinstance(value, str) else value
                for match in _SUB_REFERENCE.findall(text):
                    if match in variables:
                        continue
                    name, _, attribute = match.partition(".")
                    yield name, attribute or None, inside_if
                yield from _references(variables, inside_if)
            elif key == "Fn::If":
                yield from _references(value[1:], True)
            else:
                yield from _references(value, inside_if)


def _adapt_to_moto(resource):
    """Where moto reads a property in another shape than CloudFormation, reshape it."""
    properties = resource.get("Properties", {})
    # moto 5.2.5 reads AWS::SSM::Parameter Tags as a list of Key/Value pairs; CloudFormation
    # takes a map.
    if resource["Type"] == "AWS::SSM::Parameter" and isinstance(properties.get("Tags"), dict):
        properties["Tags"] = [{"Key": k, "Value": v} for k, v in properties["Tags"].items()]
    # moto 5.2.5 reads AWS::KMS::Key Tags as the KMS API's TagKey/TagValue pairs.
    if resource["Type"] == "AWS::KMS::Key" and properties.get("Tags"):
        properties["Tags"] = [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in properties["Tags"]]


def emulator_variant(template):
    """(variant, dropped) where dropped maps each dropped logical id or 'Outputs.<name>' to why."""
    supported = set(get_model_map())
    variant = copy.deepcopy(template)
    resources = variant["Resources"]
    dropped = {name: f"moto cannot create {resource['Type']}"
               for name, resource in resources.items() if resource["Type"] not in supported}

    def blocking_reason(node):
        for name, attribute, inside_if in _references(node):
            if name in dropped and not inside_if:
                return f"needs dropped {name}"
            resource = resources.get(name)
            if resource and attribute and (resource["Type"], attribute) in UNRESOLVABLE_ATTRIBUTES:
                return f"moto cannot resolve {resource['Type']}.{attribute}"
        return None

    changed = True
    while changed:
        changed = False
        for name, resource in resources.items():
            if name in dropped:
                continue
            reason = blocking_reason(resource.get("Properties", {}))
            if reason:
                dropped[name] = reason
                changed = True
    for name in [n for n in resources if n in dropped]:
        del resources[name]
    for resource in resources.values():
        depends_on = resource.get("DependsOn")
        if depends_on is not None:
            depends_on = [depends_on] if isinstance(depends_on, str) else depends_on
            resource["DependsOn"] = [d for d in depends_on if d not in dropped]
            if not resource["DependsOn"]:
                del resource["DependsOn"]
    for resource in resources.values():
        _adapt_to_moto(resource)
    for output_name, output in list(variant.get("Outputs", {}).items()):
        reason = blocking_reason(output)
        if reason:
            dropped[f"Outputs.{output_name}"] = reason
            del variant["Outputs"][output_name]
    return variant, dropped


def free_loopback_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MotoServer:
    """moto_server on 127.0.0.1 and a free port, started and stopped by its PID."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.process = None
        self.endpoint = None

    def start(self, attempts=3, ready_timeout=60):
        moto_server = Path(sys.executable).parent / "moto_server"
        for _ in range(attempts):
            port = free_loopback_port()
            log = self.log_path.open("ab")
            self.process = subprocess.Popen([str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
                                            stdout=log, stderr=subprocess.STDOUT)
            self.endpoint = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + ready_timeout
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    requests.get(f"{self.endpoint}/moto-api/", timeout=2)
                    return self
                except requests.ConnectionError:
                    time.sleep(0.2)
            self.stop()  # lost the port to someone else, or too slow: try another port
        raise RuntimeError(f"moto_server did not start; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def deploy_stack(cloudformation, name, template, parameters, timeout=120):
    """Create a stack and wait for a final status; returns the stack description."""
    cloudformation.create_stack(
        StackName=name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    deadline = time.monotonic() + timeout
    while True:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
            return stack
        time.sleep(0.5)
