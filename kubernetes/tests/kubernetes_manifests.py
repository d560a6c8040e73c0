"""Rendering the Kustomize overlays (kubernetes/overlays/<environment>) with the pinned
kustomize that bin/setup installs, and reading what the tests need from the objects.

The platform contract (service.yml) and the CloudFormation helpers come from
cloudformation/tests/cfn_templates.py, the one place that reads templates and the contract
for the tests: the ALB in front of the pods is compared with the EC2 fleet's target group.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

KUBERNETES_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = KUBERNETES_DIR.parent
TOOLS = REPO_ROOT / ".tools" / "bin"
sys.path.insert(0, str(REPO_ROOT / "cloudformation" / "tests"))

import cfn_templates  # noqa: E402
from cfn_templates import ENVIRONMENTS, SERVICE  # noqa: E402,F401  (re-exported for the tests)

OVERLAYS_DIR = KUBERNETES_DIR / "overlays"
# The Kubernetes minor version the manifests are validated for: the EKS stack's (its
# KubernetesVersion default). The preStop `sleep` action needs 1.30 (on by default), GA in 1.34.
KUBERNETES_VERSION = str(cfn_templates.load_template("eks")["Parameters"]["KubernetesVersion"]["Default"])


def tool(name):
    path = TOOLS / name
    assert path.exists(), f"{path} is missing: run bin/setup"
    return str(path)


def render_directory(directory):
    """`kustomize build` of a kustomization directory, as a list of objects."""
    result = subprocess.run([tool("kustomize"), "build", str(directory)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [document for document in yaml.safe_load_all(result.stdout) if document]


def render(environment):
    """What the pipeline applies to an environment (deployEksService)."""
    return render_directory(OVERLAYS_DIR / environment)


def render_namespace():
    """The service's namespace, which an administrator applies once per cluster."""
    return render_directory(KUBERNETES_DIR / "namespace")


def the_object(objects, kind):
    found = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def the_container(objects):
    [container] = the_object(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    return container


def environment_variables(objects):
    """The container's environment: its own variables and those of the ConfigMaps it reads."""
    container = the_container(objects)
    variables = {e["name"]: e.get("value") for e in container["env"]}
    for source in container.get("envFrom", []):
        name = source["configMapRef"]["name"]
        config_map = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
        assert config_map, f"the container reads ConfigMap {name}, which the overlay does not make"
        variables.update(config_map[0]["data"])
    return variables


def ingress_annotation(objects, name):
    return the_object(objects, "Ingress")["metadata"]["annotations"]["alb.ingress.kubernetes.io/" + name]


def target_group_attributes(objects):
    pairs = ingress_annotation(objects, "target-group-attributes").split(",")
    return dict(pair.split("=", 1) for pair in pairs)


_SECONDS = re.compile(r"^(\d+)s$")


def seconds(duration):
    """A Dropwizard duration of whole seconds ("15s") as an int."""
    match = _SECONDS.match(duration)
    assert match, duration
    return int(match.group(1))


def service_default_seconds(variable):
    return cfn_templates.service_default_seconds(variable)
