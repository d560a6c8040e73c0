"""The image itself: what it is made of, and that it starts, serves and runs as it should."""

from __future__ import annotations

import re
import subprocess

import requests

from container_support import API_PATH, READY_PATH, REPO, Container, run_once


def test_the_image_is_labelled_with_the_release_and_the_commit_it_was_built_from(image, containers):
    labels = image.inspect()["Config"]["Labels"]
    assert labels["org.opencontainers.image.version"] == image.tag
    revision = labels["org.opencontainers.image.revision"]
    assert re.fullmatch(r"[0-9a-f]{40}", revision)
    assert subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", revision + "^{commit}"]).returncode == 0
    # The commit the service inside reports (abbreviated) is the label's.
    container = Container(image, "127.0.4.3")
    containers.append(container)
    container.start()
    assert revision.startswith(requests.get(container.url + "/api/info", timeout=10).json()["commit"])


def test_java_is_the_entrypoint_in_exec_form_and_runs_as_the_services_user(image):
    config = image.inspect()["Config"]
    assert config["Entrypoint"][0] == "/opt/java/bin/java"
    user, group = config["User"].split(":")
    assert user.isdigit() and int(user) != 0 and group.isdigit() and int(group) != 0


def test_the_image_has_no_shell(image):
    for shell in ("/bin/sh", "/bin/bash"):
        result = run_once(image, "-c", "true", entrypoint=shell)
        assert result.returncode != 0, "%s ran in the image" % shell


def test_the_appcds_archive_fits_the_images_jar_and_runtime(image):
    # -Xshare:on makes a mismatched archive fatal (the entrypoint's -Xshare:auto would
    # silently start slower instead).
    result = run_once(image, "-Xshare:on", "-XX:SharedArchiveFile=/app/timekeeper.jsa",
                      "-jar", "timekeeper.jar", "--version", entrypoint="/opt/java/bin/java")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_container_serves_the_api_and_readiness_with_the_images_tag_as_its_version(image, containers):
    container = Container(image, "127.0.4.1")
    containers.append(container)
    container.start()
    print("startup to readiness: %.1f s" % container.startup_seconds)

    response = requests.get(container.url + API_PATH, timeout=10)
    assert response.status_code == 200
    assert response.json()["timezone"] == "Europe/London"
    assert response.headers["X-App-Version"] == image.tag
    assert response.headers["X-Served-By"] == container.name
    assert requests.get(container.url + READY_PATH, timeout=10).status_code == 200
    assert requests.get(container.url + "/api/info", timeout=10).json()["version"] == image.tag


def test_java_is_pid_1_of_the_container_as_the_images_user(image, containers):
    image_user = image.inspect()["Config"]["User"].split(":")[0]
    container = Container(image, "127.0.4.2")
    containers.append(container)
    container.start()
    pid = container.pid()
    with open("/proc/%d/cmdline" % pid, "rb") as cmdline:
        assert cmdline.read().split(b"\0")[0] == b"/opt/java/bin/java"
    with open("/proc/%d/status" % pid) as status:
        uids = re.search(r"^Uid:\s+(\d+)", status.read(), re.M).group(1)
    assert uids == image_user
    # PID 1 inside the container's own PID namespace:
    with open("/proc/%d/status" % pid) as status:
        assert re.search(r"^NSpid:\s+\d+\s+1$", status.read(), re.M)
