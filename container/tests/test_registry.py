"""The image travels through a registry as it does through ECR: Jib pushes it (`make push`: jib:build),
podman pulls it, and what comes back is the image Maven built, byte for byte (same id).
Debian's docker-registry on loopback stands in for ECR."""

from __future__ import annotations

import subprocess
import time

import pytest
import requests

from container_support import REPO, podman

REGISTRY = "127.0.4.20:5000"


@pytest.fixture
def registry(tmp_path):
    config = tmp_path / "registry.yml"
    config.write_text("version: 0.1\n"
                      "storage:\n  filesystem:\n    rootdirectory: %s\n" % (tmp_path / "storage") +
                      "http:\n  addr: %s\n" % REGISTRY)
    process = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get("http://%s/v2/" % REGISTRY, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the registry did not start"
            time.sleep(0.2)
        yield REGISTRY
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_jib_pushes_the_image_and_podman_pulls_the_same_image_back(image, registry):
    remote = "%s/%s:%s" % (registry, image.name, image.tag)
    push = subprocess.run(
        ["make", "--no-print-directory", "push", "IMAGE_REPOSITORY=%s/%s" % (registry, image.name),
         "RELEASE_VERSION=%s" % image.tag, "PUSH_OPTS=-Djib.allowInsecureRegistries=true"],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert push.returncode == 0, push.stdout[-3000:] + push.stderr[-3000:]

    tags = requests.get("http://%s/v2/%s/tags/list" % (registry, image.name), timeout=10).json()["tags"]
    assert tags == [image.tag]

    podman("pull", "--tls-verify=false", remote)
    try:
        pulled_id = podman("image", "inspect", "--format", "{{.Id}}", remote).stdout.strip()
        assert pulled_id == image.image_id
    finally:
        podman("image", "rm", "--force", remote, check=False)
