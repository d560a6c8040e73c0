#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: make (or keep) a release's AppCDS dynamic archive."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: cds_archive
short_description: Make the AppCDS archive of one release with a training run
description:
  - Keeps a valid archive: when O(archive) exists and O(rebuild) is false, it is checked
    with C(-Xshare:on ... --version) (well under a second) and left alone if it fits.
  - Otherwise a training run starts the release's jar with the launcher's JVM options plus
    C(-XX:ArchiveClassesAtExit), as O(user) when the module runs as root, bound to O(host)
    on the training ports; waits for readiness, sends O(paths), stops it with SIGTERM and
    waits for its exit (the archive is written then). The new archive is checked with
    C(-Xshare:on) and installed beside the jar.
  - Never fails for the training run itself: a release that cannot start, a run that times
    out or an archive that does not check out leaves no archive and a warning. A missing
    archive costs start time, never availability; the start after it proves the release.
options:
  java:
    description: The java binary the launcher uses.
    type: path
    required: true
  java_opts:
    description: The launcher's JVM options (JAVA_OPTS), split on white space as the launcher does.
    type: str
    default: ""
  jar:
    description: The release's jar.
    type: path
    required: true
  archive:
    description: Where the archive goes (beside the jar).
    type: path
    required: true
  rebuild:
    description: Make a new archive even if one checks out (the jar was just replaced).
    type: bool
    default: false
  user:
    description: Run the training JVM as this user (only when the module runs as root).
    type: str
  host:
    description: BIND_HOST of the training run, and where it is probed.
    type: str
    default: 127.0.0.1
  app_port:
    description: APP_PORT of the training run.
    type: int
    required: true
  admin_port:
    description: ADMIN_PORT of the training run.
    type: int
    required: true
  ready_path:
    description: Readiness path on the app port (the service contract's, service.yml).
    type: str
    required: true
  paths:
    description: Paths requested once each after readiness, so request-path classes are archived too.
    type: list
    elements: str
    default: []
  environment:
    description: More environment variables for the training run.
    type: dict
    default: {}
  timeout:
    description: Seconds the training run may take to get ready, and again to exit.
    type: int
    default: 90
"""

RETURN = r"""
archived:
  description: Whether a valid archive is in place afterwards.
  type: bool
  returned: always
seconds:
  description: Wall time of the training run (0 when an existing archive was kept).
  type: float
  returned: always
log_tail:
  description: The end of the training run's output, when it went wrong.
  type: str
  returned: when the training run failed
"""

import grp
import http.client
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from ansible.module_utils.basic import AnsibleModule


def _check(java, opts, archive, jar):
    """True when the JVM maps the archive for this jar (-Xshare:on fails otherwise)."""
    try:
        result = subprocess.run(
            [java] + opts + ["-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-jar", jar, "--version"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, str(error)
    return result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]


def _get(host, port, path):
    """Status of one GET, or None when nothing answers."""
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def _demote(user):
    """preexec_fn dropping to user (and its groups) before the JVM starts."""
    entry = pwd.getpwnam(user)
    groups = [g.gr_gid for g in grp.getgrall() if user in g.gr_mem]

    def run():
        os.setgroups(sorted(set(groups + [entry.pw_gid])))
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)

    return run, entry


def _train(module, params, opts, work_dir, trained):
    """One training run; returns None on success or the reason it failed."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": os.environ.get("LANG", "C.UTF-8")}
    env.update({str(k): str(v) for k, v in params["environment"].items()})
    env.update(BIND_HOST=params["host"], APP_PORT=str(params["app_port"]), ADMIN_PORT=str(params["admin_port"]),
               INSTANCE_ID="cds-training", SHUTDOWN_DELAY="0s", SHUTDOWN_GRACE_PERIOD="5s")
    preexec = None
    if params["user"] and os.geteuid() == 0:
        preexec, entry = _demote(params["user"])
        os.chown(work_dir, entry.pw_uid, entry.pw_gid)
        env["HOME"] = work_dir
    log_path = os.path.join(work_dir, "training.log")
    command = [params["java"]] + opts + ["-XX:ArchiveClassesAtExit=" + trained, "-jar", params["jar"], "server"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=work_dir, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, preexec_fn=preexec, start_new_session=True)
    try:
        deadline = time.monotonic() + params["timeout"]
        while _get(params["host"], params["app_port"], params["ready_path"]) != 200:
            if process.poll() is not None:
                return "the training run exited %d before it was ready" % process.returncode
            if time.monotonic() > deadline:
                return "the training run was not ready within %d s" % params["timeout"]
            time.sleep(0.5)
        for path in params["paths"]:
            _get(params["host"], params["app_port"], path)
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=params["timeout"])
        except subprocess.TimeoutExpired:
            return "the training run did not exit within %d s of SIGTERM" % params["timeout"]
        if code != 0:
            return "the training run exited %d after SIGTERM" % code
        if not os.path.isfile(trained) or os.path.getsize(trained) == 0:
            return "the training run wrote no archive"
        return None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _tail(path):
    try:
        with open(path, "rb") as log:
            return log.read()[-3000:].decode("utf-8", "replace")
    except OSError:
        return ""


def main():
    module = AnsibleModule(
        argument_spec=dict(
            java=dict(type="path", required=True),
            java_opts=dict(type="str", default=""),
            jar=dict(type="path", required=True),
            archive=dict(type="path", required=True),
            rebuild=dict(type="bool", default=False),
            user=dict(type="str"),
            host=dict(type="str", default="127.0.0.1"),
            app_port=dict(type="int", required=True),
            admin_port=dict(type="int", required=True),
            ready_path=dict(type="str", required=True),
            paths=dict(type="list", elements="str", default=[]),
            environment=dict(type="dict", default={}),
            timeout=dict(type="int", default=90),
        ),
        supports_check_mode=True,
    )
    params = module.params
    opts = params["java_opts"].split()
    archive, jar = params["archive"], params["jar"]

    if os.path.exists(archive) and not params["rebuild"]:
        valid, _ = _check(params["java"], opts, archive, jar)
        if valid:
            module.exit_json(changed=False, archived=True, seconds=0.0)
    if module.check_mode:
        module.exit_json(changed=True, archived=False, seconds=0.0)

    changed = os.path.exists(archive)
    if changed:
        os.remove(archive)
    started = time.monotonic()
    work_dir = tempfile.mkdtemp(prefix="cds-training.")
    try:
        trained = os.path.join(work_dir, os.path.basename(archive))
        failure = _train(module, params, opts, work_dir, trained)
        seconds = round(time.monotonic() - started, 3)
        if failure:
            module.warn("no AppCDS archive for %s: %s (the service starts without one)" % (jar, failure))
            module.exit_json(changed=changed, archived=False, seconds=seconds,
                             log_tail=_tail(os.path.join(work_dir, "training.log")))
        staged = archive + ".new"
        shutil.copyfile(trained, staged)
        os.chmod(staged, 0o644)
        os.replace(staged, archive)
        valid, reason = _check(params["java"], opts, archive, jar)
        if not valid:
            os.remove(archive)
            module.warn("the fresh AppCDS archive for %s does not check out, removed: %s" % (jar, reason))
            module.exit_json(changed=changed, archived=False, seconds=seconds)
        module.exit_json(changed=True, archived=True, seconds=seconds)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
