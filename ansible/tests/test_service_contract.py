"""The service's platform contract (service.yml) against every layer that states its facts:
the service's built-in configuration (which cannot read it) is compared with it; the layers
that read it (the roles, the local fleet and its HAProxy, the bench) are rendered from the
contract and from a changed copy of it, and must follow the change. The CloudFormation
defaults are compared in cloudformation/tests/test_templates.py, the Jenkinsfile and the
library's layouts in jenkins-lib's JenkinsfileTest."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess

import pytest
import yaml

from ansible_test_support import REPO, SERVICE, ansible_env, run_playbook

CONTRACT_LAYERS = REPO / "ansible" / "tests" / "playbooks" / "node_settings" / "contract_layers.yml"
BUILT_IN = yaml.safe_load((REPO / "service" / "src" / "main" / "resources" / "timekeeper-default.yml").read_text())


def _changed_contract() -> dict:
    """The contract with every fact the layers read changed."""
    changed = copy.deepcopy(SERVICE)
    changed["name"] = "greeter"
    changed["ports"] = {"app": 9080, "admin": 9081}
    changed["paths"]["ready"] = "/ready-now?really=yes"
    changed["paths"]["smoke"] = "/api/hello"
    changed["paths"]["training"] = ["/api/hello", "/api/hello.txt"]
    changed["drain"] = {"shutdown_delay_seconds": 21, "shutdown_grace_seconds": 22, "stop_timeout_seconds": 60}
    changed["release"]["artifact_key"] = "jars/{service}-{version}.jar"
    changed["rolling_deploy"]["batch_size"] = 2
    changed["rate_limit"] = {"requests_per_client": 1234, "window_seconds": 120, "error": "slow down"}
    return changed


def _built_in_default(value: str) -> str:
    """The default of a ${VARIABLE:-default} value of the service's configuration."""
    match = re.fullmatch(r"\$\{[A-Z_]+:-(.*)\}", str(value))
    assert match, value
    return match.group(1)


def test_the_services_built_in_configuration_is_the_contracts():
    server = BUILT_IN["server"]
    assert _built_in_default(server["applicationConnectors"][0]["port"]) == str(SERVICE["ports"]["app"])
    assert _built_in_default(server["adminConnectors"][0]["port"]) == str(SERVICE["ports"]["admin"])
    health = BUILT_IN["health"]
    [health_path] = health["healthCheckUrlPaths"]
    assert SERVICE["paths"]["ready"] == health_path + "?type=ready"
    assert SERVICE["paths"]["alive"] == health_path + "?type=alive"
    assert _built_in_default(health["shutdownWaitPeriod"]) == "%ds" % SERVICE["drain"]["shutdown_delay_seconds"]
    assert _built_in_default(server["shutdownGracePeriod"]) == "%ds" % SERVICE["drain"]["shutdown_grace_seconds"]


def test_the_drain_fits_in_the_stop_timeout():
    drain = SERVICE["drain"]
    assert drain["stop_timeout_seconds"] > drain["shutdown_delay_seconds"] + drain["shutdown_grace_seconds"]


def _render_ansible_layers(tmp_path, contract: dict | None) -> dict:
    out = tmp_path / "layers" / "settings.json"
    out.parent.mkdir(parents=True)
    args = ["-i", str(REPO / "inventory" / "local"), "-e", "contract_layers_out=%s" % out]
    if contract is not None:
        changed = tmp_path / "changed-contract.yml"
        changed.write_text(yaml.safe_dump({"service": contract}))
        args += ["-e", "@%s" % changed]
    result = run_playbook(CONTRACT_LAYERS, *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    return json.loads(out.read_text())


def _expected_ansible_layers(contract: dict) -> dict:
    return {
        "name": contract["name"], "app_port": contract["ports"]["app"], "admin_port": contract["ports"]["admin"],
        "ready_path": contract["paths"]["ready"], "smoke_path": contract["paths"]["smoke"],
        "training_paths": contract["paths"]["training"],
        **contract["drain"],
        "artifact_s3_key": contract["release"]["artifact_key"].format(service=contract["name"], version="1.4.2"),
        "haproxy_backend": contract["name"], "haproxy_port": contract["ports"]["app"],
        "alb_target_port": contract["ports"]["app"],
    }


def _haproxy_facts(config: str) -> dict:
    return {"backends": re.findall(r"^backend (\S+)$", config, re.MULTILINE),
            "check": re.findall(r"^\s+option httpchk GET (\S+)$", config, re.MULTILINE),
            "ports": set(re.findall(r"^\s+server node\d+ [\d.]+:(\d+) check$", config, re.MULTILINE)),
            "rate_limit": re.findall(r"^\s+stick-table type ip .* store http_req_rate\((\d+)s\)\n\s+http-request track-sc0 src\n"
                                     r"\s+http-request return status 429 content-type \"application/json;charset=utf-8\" "
                                     r"string '(.+)' hdr Retry-After (\d+) if \{ sc_http_req_rate\(0\) gt (\d+) \}$",
                                     config, re.MULTILINE)}


@pytest.mark.parametrize("changed", [False, True], ids=["contract", "changed contract"])
def test_the_roles_and_the_fleets_load_balancer_follow_the_contract(tmp_path, changed):
    contract = _changed_contract() if changed else SERVICE
    rendered = _render_ansible_layers(tmp_path, contract if changed else None)
    haproxy = _haproxy_facts(rendered.pop("haproxy_cfg"))
    assert rendered == _expected_ansible_layers(contract)
    limit = contract["rate_limit"]
    window = str(limit["window_seconds"])
    assert haproxy == {"backends": [contract["name"]], "check": [contract["paths"]["ready"]],
                       "ports": {str(contract["ports"]["app"])},
                       "rate_limit": [(window, json.dumps({"error": limit["error"]}), window,
                                       str(limit["requests_per_client"]))]}


def _with_contract(tmp_path, contract: dict) -> dict:
    path = tmp_path / "service.yml"
    path.write_text(yaml.safe_dump({"service": contract}))
    return dict(ansible_env(), SERVICE_CONTRACT=str(path))


@pytest.mark.parametrize("changed", [False, True], ids=["contract", "changed contract"])
def test_the_local_fleet_and_the_bench_follow_the_contract(tmp_path, changed):
    contract = _changed_contract() if changed else SERVICE
    env = _with_contract(tmp_path, contract)
    fleet = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c",
         "import json, local_fleet as f; print(json.dumps([f.SERVICE, f.APP_PORT, f.READY_PATH, f.BATCH_SIZE]))"],
        cwd=REPO / "fleet", env=env, capture_output=True, text=True, timeout=60, check=True)
    name, port, ready, batch_size = json.loads(fleet.stdout)
    assert (name, port, ready, batch_size) == (contract["name"], contract["ports"]["app"], contract["paths"]["ready"],
                                                contract["rolling_deploy"]["batch_size"])
    bench = subprocess.run(["bash", "-c", 'source bench/lib.sh && printf "%s\\n" "$SERVICE_NAME" "$READY_PATH" '
                                          '"${TRAINING_PATHS[@]}"'],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert bench.stdout.splitlines() == [contract["name"], contract["paths"]["ready"], *contract["paths"]["training"]]


def test_the_go_reference_server_answers_the_readiness_path_bench_run_gives_it():
    run = (REPO / "bench" / "run").read_text()
    assert '-ready-path "${READY_PATH%%\\?*}"' in run
    assert "/health-check" not in (REPO / "bench" / "reference-server" / "main.go").read_text()


def test_the_rolling_deploy_takes_the_contracts_batch_size():
    play = yaml.safe_load((REPO / "ansible" / "rolling_deploy_pass.yml").read_text())[0]
    assert play["serial"] == "{{ rolling_deploy_batch_size | default(%d) }}" % SERVICE["rolling_deploy"]["batch_size"]


# Where the readiness path may still be written out: the contract, the service itself (its
# configuration and its own tests), CloudFormation's parameter default (compared in
# cloudformation/tests), the pods' manifests (compared in kubernetes/tests) and documentation.
READY_PATH_ALLOWED = ("service.yml", "service/", "cloudformation/load-balancer.yaml", "cloudformation/ecs.yaml",
                      "kubernetes/base/")


def test_no_layer_retypes_the_readiness_path():
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                           text=True, check=True, timeout=60).stdout.split()
    copies = []
    for name in files:
        path = REPO / name
        if name.startswith(READY_PATH_ALLOWED) or name.endswith(".md") or not path.is_file() or path.is_symlink():
            continue
        try:
            if SERVICE["paths"]["ready"] in path.read_text():
                copies.append(name)
        except UnicodeDecodeError:
            continue
    assert copies == [], "read the readiness path from service.yml instead: %s" % copies


def test_the_bundle_ships_the_contract_where_the_playbooks_find_it():
    link = REPO / "ansible" / "group_vars" / "all" / "service.yml"
    assert link.is_symlink() and os.readlink(link) == "../../../service.yml"
    assert link.resolve() == (REPO / "service.yml").resolve()
