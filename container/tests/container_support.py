"""What the image tests share: the image Maven built, containers under podman, the local
fleet's HAProxy (ALB-faithful) rendered from its own template, the local registry.

Everything binds its own loopback addresses (127.0.4.x), so none of it needs the local
fleet's lock. podman runs containers here only with runc and explicit ulimits (crun and the
default limits fail on this kernel); the containers use the host's network, so each binds
the address it is given (BIND_HOST), as a Fargate task binds its own ENI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import jinja2
import requests

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "container"))
sys.path.insert(0, str(REPO / "fleet"))
sys.path.insert(0, str(REPO / "lib"))
import service_contract  # noqa: E402
import service_facts  # noqa: E402

IMAGE_TAR = REPO / "container" / "target" / "timekeeper-image.tar"
PODMAN = ["podman", "--runtime", "runc"]
RUN_LIMITS = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096"]
READY_PATH = service_facts.ready_path()
APP_PORT = service_facts.app_port()
API_PATH = "/api/timezone/Europe/London"
# Cold JVM on a busy 2-core machine: generous, only a bound on a hung start.
START_TIMEOUT_SECONDS = 120


def podman(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*PODMAN, *args], capture_output=True, text=True, check=check, timeout=timeout)


@dataclass
class Image:
    """The image of container/target/timekeeper-image.tar, loaded into podman."""
    name: str
    tag: str
    image_id: str

    @property
    def reference(self) -> str:
        return "localhost/%s:%s" % (self.name, self.tag)

    @classmethod
    def load(cls, tar: Path = IMAGE_TAR) -> "Image":
        with tarfile.open(tar) as archive:
            manifest = json.load(archive.extractfile("manifest.json"))
        name, tag = manifest[0]["RepoTags"][0].rsplit(":", 1)
        podman("load", "--input", str(tar))
        image_id = podman("image", "inspect", "--format", "{{.Id}}", "localhost/%s:%s" % (name, tag)).stdout.strip()
        return cls(name, tag, image_id)

    def inspect(self) -> dict:
        return json.loads(podman("image", "inspect", self.reference).stdout)[0]


class Container:
    """One container of the image, serving on ADDRESS:APP_PORT (host network)."""

    def __init__(self, image: Image, address: str, environment: dict[str, str] | None = None):
        self.image = image
        self.address = address
        self.name = "timekeeper-test-%s" % uuid.uuid4().hex[:8]
        self.environment = {"BIND_HOST": address, "INSTANCE_ID": self.name, **(environment or {})}
        self.startup_seconds = 0.0

    @property
    def url(self) -> str:
        return "http://%s:%d" % (self.address, APP_PORT)

    def start(self) -> "Container":
        env_args = [arg for key, value in self.environment.items() for arg in ("--env", "%s=%s" % (key, value))]
        started = time.monotonic()
        podman("run", "--detach", "--name", self.name, "--network", "host", *RUN_LIMITS, *env_args, self.image.reference)
        deadline = started + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.ready():
                self.startup_seconds = time.monotonic() - started
                return self
            if self.state()["Status"] != "running":
                raise AssertionError("container %s stopped while starting:\n%s" % (self.name, self.logs()))
            time.sleep(0.1)
        raise AssertionError("container %s not ready after %ds:\n%s" % (self.name, START_TIMEOUT_SECONDS, self.logs()))

    def ready(self) -> bool:
        try:
            return requests.get(self.url + READY_PATH, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def state(self) -> dict:
        return json.loads(podman("container", "inspect", "--format", "{{json .State}}", self.name).stdout)

    def pid(self) -> int:
        """The host's id of the container's PID 1."""
        return int(self.state()["Pid"])

    def stop(self, timeout_seconds: int) -> int:
        """`podman stop`: SIGTERM, SIGKILL after timeout_seconds; returns the exit code."""
        podman("stop", "--time", str(timeout_seconds), self.name, timeout=timeout_seconds + 60)
        return int(self.state()["ExitCode"])

    def logs(self) -> str:
        result = podman("logs", self.name, check=False)
        return result.stdout + result.stderr

    def remove(self) -> None:
        podman("rm", "--force", "--time", "0", self.name, check=False)


def run_once(image: Image, *args: str, entrypoint: str | None = None) -> subprocess.CompletedProcess:
    """A one-off `podman run --rm` of the image (with another entrypoint if given)."""
    entry = ["--entrypoint", entrypoint] if entrypoint else []
    return podman("run", "--rm", "--network", "none", *RUN_LIMITS, *entry, image.reference, *args, check=False)


class AlbLikeHaproxy:
    """The local fleet's HAProxy (fleet/templates/haproxy.cfg.j2, rendered as the fleet renders
    it: no retries, no redispatch, readiness checks), bound to ADDRESS:PORT in front of the
    given backends, in the foreground; its warnings (servers going DOWN) are kept with the
    time they were read."""

    FLEET_BIND = "bind 127.0.0.1:8000"

    def __init__(self, work_dir: Path, backends: dict[str, str], address: str, port: int):
        self.address, self.port = address, port
        template = jinja2.Environment(loader=jinja2.FileSystemLoader(str(REPO / "fleet" / "templates")),
                                      undefined=jinja2.StrictUndefined).get_template("haproxy.cfg.j2")
        text = template.render(
            ansible_managed="rendered by container/tests from fleet/templates/haproxy.cfg.j2",
            local_fleet_dir=str(work_dir), local_fleet_lb_retries=0, service=service_contract.load(),
            groups={"timekeeper": list(backends)},
            hostvars={name: {"ansible_host": host, "dropwizard_service_app_port": APP_PORT}
                      for name, host in backends.items()})
        assert self.FLEET_BIND in text, "the fleet's HAProxy template no longer binds %r" % self.FLEET_BIND
        self.config_text = text.replace(self.FLEET_BIND, "bind %s:%d" % (address, port))
        self.config = work_dir / "haproxy.cfg"
        self.config.write_text(self.config_text)
        subprocess.run(["haproxy", "-c", "-q", "-f", str(self.config)], check=True)
        self.process: subprocess.Popen | None = None
        self.events: list[tuple[float, str]] = []

    @property
    def url(self) -> str:
        return "http://%s:%d" % (self.address, self.port)

    def start(self) -> "AlbLikeHaproxy":
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(self.config)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read_events, daemon=True).start()
        return self

    def _read_events(self) -> None:
        for line in self.process.stdout:
            self.events.append((time.monotonic(), line.rstrip()))

    def first_event(self, text: str) -> float | None:
        return next((at for at, line in self.events if text in line), None)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
