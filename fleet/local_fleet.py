"""The local fleet: N timekeeper nodes on 127.0.1.N behind HAProxy on 127.0.0.1:8000.

Everything is installed and rolled by the same playbooks as on AWS (ansible/bootstrap.yml,
ansible/rolling_deploy.yml) with inventory/local; supervisord stands in for systemd and
HAProxy for the ALB. State lives under .fleet/ (git-ignored). The Makefile runs it
(make up | status | deploy | scale | down; NODES, RELEASE_VERSION, LB_RETRIES from there); the demo,
the soak and the tests in ansible/tests import it.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "lib"))
# HAProxy's runtime API, as the lb_membership role's haproxy driver speaks it
sys.path.insert(0, str(REPO / "ansible" / "roles" / "lb_membership" / "module_utils"))

import haproxy_admin  # noqa: E402
import service_contract  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import prometheus  # noqa: E402

# the rolling deploy's progress lines (ansible/callback_plugins/deploy_progress.py)
sys.path.insert(0, str(REPO / "ansible" / "callback_plugins"))
from deploy_progress import PREFIX as PROGRESS_PREFIX  # noqa: E402

FLEET_DIR = REPO / ".fleet"
ARTIFACTS_DIR = FLEET_DIR / "artifacts"
LOG_DIR = FLEET_DIR / "logs"
SCALE_OUT_INVENTORY = FLEET_DIR / "inventory" / "scale_out.yml"
RELEASE_FILE = FLEET_DIR / "release"
# HAProxy's retries (LB_RETRIES at make up): absent or 0 is ALB-faithful, no retry at all.
LB_RETRIES_FILE = FLEET_DIR / "lb-retries"
SUPERVISORD_CONF = FLEET_DIR / "supervisord.conf"
SUPERVISORD_PIDFILE = FLEET_DIR / "supervisord.pid"
HAPROXY_SOCKET = FLEET_DIR / "haproxy.sock"
VENV_BIN = REPO / ".venv" / "bin"
# The service's platform contract (service.yml): its name (jar, supervisor programs,
# HAProxy backend), app port, readiness path and rolling deploy batch size.
CONTRACT = service_contract.load()
SERVICE = CONTRACT["name"]
APP_PORT = CONTRACT["ports"]["app"]
ADMIN_PORT = CONTRACT["ports"]["admin"]
READY_PATH = CONTRACT["paths"]["ready"]
BATCH_SIZE = CONTRACT["rolling_deploy"]["batch_size"]
LB_ADDRESS = ("127.0.0.1", 8000)
# inventory/local lists node1..node3; more come from scale-out.
BASE_NODES = 3
# The fleet's Prometheus (fleet/prometheus.py) and its files under .fleet/prometheus.
PROMETHEUS = prometheus.Paths(FLEET_DIR)


class FleetError(RuntimeError):
    """A fleet command failed; the message says what and where the log is."""


def node_address(name: str) -> str:
    return "127.0.1.%d" % int(name.removeprefix("node"))


def node_names() -> list[str]:
    extra = 0
    if SCALE_OUT_INVENTORY.exists():
        extra = len([line for line in SCALE_OUT_INVENTORY.read_text().splitlines() if line.strip().startswith("node")])
    return ["node%d" % n for n in range(1, BASE_NODES + extra + 1)]


def write_scale_out_inventory(nodes: int) -> None:
    """Adds node4..nodeN, as an Auto Scaling group adds instances the EC2 inventory finds."""
    if nodes <= BASE_NODES:
        SCALE_OUT_INVENTORY.unlink(missing_ok=True)
        return
    SCALE_OUT_INVENTORY.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# written by make scale (fleet/local_fleet.py): the nodes beyond inventory/local's three", "timekeeper:", "  hosts:"]
    for n in range(BASE_NODES + 1, nodes + 1):
        lines += ["    node%d:" % n, "      ansible_host: %s" % node_address("node%d" % n)]
    SCALE_OUT_INVENTORY.write_text("\n".join(lines) + "\n")


def inventory_args() -> list[str]:
    args = ["-i", str(REPO / "inventory" / "local")]
    if SCALE_OUT_INVENTORY.exists():
        args += ["-i", str(SCALE_OUT_INVENTORY)]
    return args


# --- releases ---------------------------------------------------------------------------

def artifact_path(version: str) -> Path:
    return ARTIFACTS_DIR / ("%s-%s.jar" % (SERVICE, version))


def publish(version: str, rebuild: bool = False) -> Path:
    """Builds the release's jar (make build RELEASE_VERSION=...) unless published, and publishes it
    to .fleet/artifacts, the local stand-in for the S3 artifact bucket."""
    target = artifact_path(version)
    if target.exists() and not rebuild and target.stat().st_mtime > newest_service_source():
        return target
    built = REPO / "service" / "target" / target.name
    rebuild = rebuild or (built.exists() and built.stat().st_mtime < newest_service_source())
    if rebuild or not built.exists():
        print("fleet: building release %s" % version, flush=True)
        run_logged(["make", "-s", "build", "RELEASE_VERSION=%s" % version], "build-%s" % version)
    # service/target holds one jar per version; a jar whose baked-in version is not its
    # name's would make every X-App-Version check of the deploy fail later and less clearly.
    if baked_version(built) != version:
        raise FleetError("%s says it is version %s, not %s" % (built, baked_version(built), version))
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(built, target)
    return target


def newest_service_source() -> float:
    """When the service's sources last changed: a published jar older than that is stale."""
    sources = [REPO / "pom.xml", REPO / "service" / "pom.xml", *(REPO / "service" / "src" / "main").rglob("*")]
    return max(path.stat().st_mtime for path in sources if path.is_file())


def baked_version(jar: Path) -> str:
    """The version the build baked into the jar (build-info.properties)."""
    with zipfile.ZipFile(jar) as archive:
        for line in archive.read("build-info.properties").decode().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "version":
                return value.strip()
    return ""


def publish_broken(version: str, from_version: str) -> Path:
    """Publishes a release that can never get ready: the first 64 KiB of a good jar. The JVM
    refuses it ("Invalid or corrupt jarfile") and exits at once, every time."""
    good = publish(from_version)
    target = artifact_path(version)
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    target.write_bytes(good.read_bytes()[: 64 * 1024])
    return target


def release_args(version: str) -> list[str]:
    """The release the playbooks install: its version and the sha256 of its published jar,
    which every node checks its copy against, as the release record carries it on AWS."""
    digest = hashlib.sha256(artifact_path(version).read_bytes()).hexdigest()
    return ["-e", "release_version=%s" % version, "-e", "release_sha256=%s" % digest]


def fleet_release() -> str:
    """The release the fleet is to run: the release record, which rolling_deploy.yml writes
    before its first node (role release_record, file driver; SSM on AWS)."""
    try:
        return json.loads(RELEASE_FILE.read_text()).get("version", "")
    except (FileNotFoundError, ValueError):
        return ""


def write_release_record(version: str) -> None:
    """The first record, as the artifacts stack and the first release seed it on AWS."""
    record = {"version": version, "sha256": hashlib.sha256(artifact_path(version).read_bytes()).hexdigest(),
              "bundle_sha256": ""}
    RELEASE_FILE.write_text(json.dumps(record) + "\n")


# --- running things ---------------------------------------------------------------------

def run_logged(argv: list[str], log_name: str, stream: bool = False, check: bool = True,
               env: dict | None = None, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Runs a command with its output in .fleet/logs/<log_name>.log (and on stdout when
    stream; a rolling deploy's progress lines always), ended (its whole process group) after
    timeout seconds; on failure raises FleetError naming the log and quoting its tail."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / ("%s.log" % log_name)
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    timed_out = threading.Event()

    def end_process_group():
        timed_out.set()
        os.killpg(process.pid, signal.SIGTERM)

    watchdog = threading.Timer(timeout, end_process_group)
    watchdog.start()
    output = []
    try:
        with open(log_path, "w") as log:
            for line in process.stdout:
                output.append(line)
                log.write(line)
                log.flush()
                if stream or line.startswith(PROGRESS_PREFIX):
                    sys.stdout.write(line)
                    sys.stdout.flush()
        process.wait()
    except BaseException:
        end_process_group()
        process.wait(timeout=30)
        raise
    finally:
        watchdog.cancel()
    result = subprocess.CompletedProcess(argv, process.returncode, "".join(output), "")
    if timed_out.is_set():
        raise FleetError("%s did not finish within %.0f s, log: %s" % (" ".join(argv[:3]), timeout, log_path))
    if check and result.returncode != 0:
        tail = "".join(output[-30:])
        raise FleetError("%s failed (exit %d), log: %s\n%s" % (" ".join(argv[:3]), result.returncode, log_path, tail))
    return result


def ansible_environment(**extra: str) -> dict:
    """The environment every ansible-playbook of the project runs with."""
    return dict(os.environ,
                ANSIBLE_CONFIG=str(REPO / "ansible" / "ansible.cfg"),
                ANSIBLE_NOCOLOR="1",
                ANSIBLE_FORCE_COLOR="0",
                # the AWS modules must never reach for instance metadata from a local run
                AWS_EC2_METADATA_DISABLED="true",
                PATH="%s:%s" % (VENV_BIN, os.environ.get("PATH", "")),
                **extra)


def ansible_playbook_argv(playbook: str, *args: str) -> list[str]:
    """The command line of a playbook run against the local fleet's inventory."""
    return [str(VENV_BIN / "ansible-playbook"), str(REPO / playbook), *inventory_args(), *args]


def ansible_playbook(playbook: str, *args: str, log_name: str, stream: bool = False,
                     check: bool = True, timeout: float = 1200) -> subprocess.CompletedProcess:
    return run_logged(ansible_playbook_argv(playbook, *args), log_name, stream=stream, check=check,
                      env=ansible_environment(), timeout=timeout)


def supervisorctl(*args: str, check: bool = True) -> str:
    result = subprocess.run([str(VENV_BIN / "supervisorctl"), "-c", str(SUPERVISORD_CONF), *args],
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise FleetError("supervisorctl %s: %s%s" % (" ".join(args), result.stdout, result.stderr))
    return result.stdout


def supervisord_pid() -> int | None:
    try:
        pid = int(SUPERVISORD_PIDFILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if pid_alive(pid) else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is gone for our purposes
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().split(") ", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def program_pids() -> dict[str, int]:
    """PID of every process supervisord runs (HAProxy and the nodes), by program name."""
    if supervisord_pid() is None:
        return {}
    pids = {}
    for line in supervisorctl("status", check=False).splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[1] == "RUNNING" and fields[2] == "pid":
            pids[fields[0]] = int(fields[3].rstrip(","))
    return pids


def node_pid(name: str) -> int | None:
    return program_pids().get("%s-%s" % (SERVICE, name))


# --- HAProxy and the nodes --------------------------------------------------------------

def lb_states() -> dict[str, str]:
    """HAProxy's status of each node (UP, DOWN, DRAIN, MAINT...); {} when HAProxy is not up."""
    try:
        servers = haproxy_admin.read_servers(str(HAPROXY_SOCKET))
    except OSError:
        return {}
    return {server["name"]: server["status"] for server in servers if server["backend"] == SERVICE}


def http_get(host: str, port: int, path: str, timeout: float = 3) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def node_state(name: str) -> dict:
    """What a node itself says: its release, readiness and start time."""
    address = node_address(name)
    state = {"node": name, "address": address, "version": "", "ready": False, "started_at": ""}
    try:
        status, headers, body = http_get(address, APP_PORT, "/api/info")
        if status == 200:
            state["version"] = headers.get("x-app-version", "")
            state["started_at"] = json.loads(body).get("started_at", "")
        state["ready"] = http_get(address, APP_PORT, READY_PATH)[0] == 200
    except (OSError, http.client.HTTPException, ValueError):
        pass
    return state


def fleet_state() -> list[dict]:
    lb = lb_states()
    pids = program_pids()
    states = []
    for name in node_names():
        state = node_state(name)
        state["lb"] = lb.get(name, "absent")
        state["pid"] = pids.get("%s-%s" % (SERVICE, name))
        states.append(state)
    return states


def wait_until(condition, timeout: float, interval: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise FleetError("timed out after %.0f s waiting for %s" % (timeout, what))


# --- the commands -----------------------------------------------------------------------

def lb_retries() -> int:
    """How many times HAProxy retries a failed request elsewhere: 0 (as an ALB) unless opted in."""
    return int(LB_RETRIES_FILE.read_text().strip() or 0) if LB_RETRIES_FILE.exists() else 0


def load_balancer(stream: bool = False) -> None:
    """Writes supervisord's and HAProxy's configuration and starts both (fleet/load_balancer.yml),
    with Prometheus, whose configuration and supervisord program are written first."""
    prometheus.write_config(PROMETHEUS, SERVICE)
    write_prometheus_targets()
    ansible_playbook("fleet/load_balancer.yml", "-e", "local_fleet_lb_retries=%d" % lb_retries(),
                     "-e", "local_fleet_haproxy_metrics_address=%s:%d" % prometheus.HAPROXY_METRICS_ADDRESS,
                     "-e", "local_fleet_haproxy_metrics_path=%s" % prometheus.HAPROXY_METRICS_PATH,
                     log_name="ansible-load-balancer", stream=stream)


def write_prometheus_targets() -> None:
    """Prometheus's file SD: every node of the fleet's inventory (inventory/local and the
    scale-out nodes), as ec2_sd_configs sees every instance of the Auto Scaling group."""
    prometheus.write_targets(PROMETHEUS, {name: node_address(name) for name in node_names()}, ADMIN_PORT)


def set_lb_retries(retries: int, timeout: float = 120) -> None:
    """Rewrites HAProxy's configuration with this many retries and restarts it, then waits
    until every node is UP again. A restart forgets runtime state: never during a deploy."""
    LB_RETRIES_FILE.write_text("%d\n" % retries)
    load_balancer()
    supervisorctl("restart", "haproxy")
    wait_until(lambda: lb_states() and all(state == "UP" for state in lb_states().values())
               and set(lb_states()) == set(node_names()), timeout, what="every node UP in the restarted HAProxy")


def up(nodes: int = BASE_NODES, version: str = "1.0.0-SNAPSHOT", stream: bool = True,
       retries: int = 0) -> None:
    if nodes < BASE_NODES:
        raise FleetError("the local fleet has at least the %d nodes of inventory/local" % BASE_NODES)
    if supervisord_pid() is not None:
        raise FleetError("the local fleet is already up (make status, make down)")
    # a pidfile left by a supervisord that died would stop load_balancer.yml starting one
    SUPERVISORD_PIDFILE.unlink(missing_ok=True)
    publish(version)
    FLEET_DIR.mkdir(exist_ok=True)
    write_scale_out_inventory(nodes)
    LB_RETRIES_FILE.write_text("%d\n" % retries)
    print("fleet: starting supervisord and HAProxy (%s)" % (
        "retries %d, redispatch" % retries if retries else "as an ALB: no retry, no redispatch"), flush=True)
    load_balancer(stream=stream)
    print("fleet: bootstrapping %d nodes at %s (ansible/bootstrap.yml)" % (nodes, version), flush=True)
    ansible_playbook("ansible/bootstrap.yml", *release_args(version),
                     log_name="ansible-bootstrap", stream=stream)
    write_release_record(version)
    wait_until(prometheus.ready, 60, what="Prometheus on %s:%d" % prometheus.ADDRESS)


def scale(nodes: int, stream: bool = True, version: str = "") -> list[str]:
    """Scale-out: new nodes come up through bootstrap.yml at the fleet's release (the record)
    and join HAProxy (its runtime API), as an Auto Scaling group's new instances would. A
    version given instead stands for an instance that read the record just before a deploy
    changed it."""
    current = node_names()
    if nodes <= len(current):
        raise FleetError("the fleet has %d nodes; scale only adds nodes (make down, make up NODES=n)" % len(current))
    version = version or fleet_release()
    if not version:
        raise FleetError("the local fleet is not up (make up)")
    write_scale_out_inventory(nodes)
    added = [name for name in node_names() if name not in current]
    print("fleet: bootstrapping %s at %s" % (", ".join(added), version), flush=True)
    ansible_playbook("ansible/bootstrap.yml", *release_args(version), "--limit", ",".join(added),
                     log_name="ansible-scale-out", stream=stream)
    # HAProxy's configuration lists the new nodes too, for its next start.
    load_balancer(stream=stream)
    return added


ROLLING_DEPLOY = "ansible/rolling_deploy.yml"


def deploy_args(version: str, timings_file: Path | None = None, extra_args: tuple[str, ...] = ()) -> list[str]:
    """ansible/rolling_deploy.yml's variables for a deploy of this release, in the contract's batches."""
    args = [*release_args(version), "-e", "rolling_deploy_batch_size=%d" % BATCH_SIZE, *extra_args]
    if timings_file is not None:
        args += ["-e", "rolling_deploy_timings_file=%s" % timings_file]
    return args


def deploy(version: str, stream: bool = True, timings_file: Path | None = None,
           rebuild: bool = False, check: bool = True, extra_args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    if supervisord_pid() is None:
        raise FleetError("the local fleet is not up (make up)")
    if not artifact_path(version).exists() or rebuild:
        publish(version, rebuild=rebuild)
    result = ansible_playbook(ROLLING_DEPLOY, *deploy_args(version, timings_file, extra_args),
                              log_name="ansible-rolling-deploy", stream=stream, check=check)
    return result


def down(timeout: float = 120) -> None:
    """Stops supervisord by its PID (it stops HAProxy and the nodes, gracefully), then
    makes sure every process it ran is gone, by PID; leaves no process behind."""
    pid = supervisord_pid()
    children = list(program_pids().values()) if pid else []
    if pid:
        os.kill(pid, signal.SIGTERM)
        try:
            wait_until(lambda: not pid_alive(pid), timeout, what="supervisord (pid %d) to stop" % pid)
        except FleetError:
            os.kill(pid, signal.SIGKILL)
    for child in children:
        if pid_alive(child):
            os.kill(child, signal.SIGKILL)
    wait_until(lambda: not any(pid_alive(child) for child in children), 30, what="the fleet's processes to exit")
    # Nodes, supervisor entries, the scale-out inventory and Prometheus's data go; published
    # releases and logs stay.
    for path in (FLEET_DIR / "nodes", FLEET_DIR / "supervisor.d", FLEET_DIR / "inventory", PROMETHEUS.root):
        shutil.rmtree(path, ignore_errors=True)
    for path in (SUPERVISORD_PIDFILE, HAPROXY_SOCKET, FLEET_DIR / "supervisor.sock", RELEASE_FILE, LB_RETRIES_FILE):
        path.unlink(missing_ok=True)


def print_status() -> int:
    if supervisord_pid() is None:
        print("the local fleet is down (make up)")
        return 0
    print("HAProxy on %s:%d (%s), release %s" % (
        *LB_ADDRESS, "retries %d" % lb_retries() if lb_retries() else "as an ALB: no retries", fleet_release() or "?"))
    print("Prometheus on %s (%s)" % (prometheus.url("/"), "ready" if prometheus.ready() else "not ready"))
    print("%-6s %-10s %-16s %-6s %-12s %s" % ("node", "address", "version", "ready", "lb", "pid"))
    for state in fleet_state():
        print("%-6s %-10s %-16s %-6s %-12s %s" % (state["node"], state["address"], state["version"] or "-",
                                                  "yes" if state["ready"] else "no", state["lb"], state["pid"] or "-"))
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fleet", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up").add_argument("--nodes", type=int, default=int(os.environ.get("NODES", BASE_NODES)))
    commands.add_parser("status")
    commands.add_parser("deploy").add_argument("--version", default=os.environ.get("RELEASE_VERSION", ""))
    commands.add_parser("scale").add_argument("--nodes", type=int, default=int(os.environ.get("NODES", BASE_NODES + 1)))
    commands.add_parser("down")
    options = parser.parse_args(argv)
    try:
        if options.command == "up":
            up(options.nodes, os.environ.get("RELEASE_VERSION", "1.0.0-SNAPSHOT"), retries=int(os.environ.get("LB_RETRIES") or 0))
            return print_status()
        if options.command == "status":
            return print_status()
        if options.command == "deploy":
            if not options.version:
                raise FleetError("make deploy RELEASE_VERSION=x.y.z")
            deploy(options.version, rebuild=True)
            return print_status()
        if options.command == "scale":
            scale(options.nodes)
            return print_status()
        if options.command == "down":
            down()
            print("fleet: down, no process left")
            return 0
    except FleetError as error:
        print("fleet: %s" % error, file=sys.stderr)
        return 1
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
