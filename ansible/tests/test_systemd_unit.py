"""The systemd unit the dropwizard_service role installs on EC2: valid for systemd, stops
with SIGTERM, waits longer than the drain, and starts a launcher that execs java."""

from __future__ import annotations

import configparser
import subprocess

from ansible_test_support import REPO, run_playbook


def test_systemd_unit_verifies_and_stops_gracefully(tmp_path):
    root, unit_dir = tmp_path / "opt", tmp_path / "units"
    unit_dir.mkdir()
    result = run_playbook(REPO / "ansible" / "tests" / "playbooks" / "render_unit.yml",
                          "-e", "dropwizard_service_root=%s" % root, "-e", "dropwizard_service_systemd_unit_dir=%s" % unit_dir,
                          "-e", "dropwizard_service_shutdown_delay_seconds=15",
                          "-e", "dropwizard_service_shutdown_grace_seconds=30",
                          "-e", "dropwizard_service_stop_timeout_seconds=90")
    assert result.returncode == 0, result.stdout[-3000:]
    unit_file = unit_dir / "timekeeper.service"

    verify = subprocess.run(["systemd-analyze", "verify", str(unit_file)], capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(unit_file)
    service = unit["Service"]
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > 15 + 30
    launcher = (root / "bin" / "timekeeper").read_text()
    assert service["ExecStart"] == str(root / "bin" / "timekeeper")
    assert "\nexec /usr/bin/java $JAVA_OPTS -jar \"%s/current/timekeeper.jar\" server" % root in launcher
    environment = (root / "timekeeper.env").read_text()
    assert 'SHUTDOWN_DELAY="15s"' in environment and 'SHUTDOWN_GRACE_PERIOD="30s"' in environment


def test_role_refuses_a_stop_timeout_that_would_cut_the_drain(tmp_path):
    result = run_playbook(REPO / "ansible" / "tests" / "playbooks" / "render_unit.yml",
                          "-e", "dropwizard_service_root=%s" % tmp_path, "-e", "dropwizard_service_systemd_unit_dir=%s" % tmp_path,
                          "-e", "dropwizard_service_shutdown_delay_seconds=15",
                          "-e", "dropwizard_service_shutdown_grace_seconds=30",
                          "-e", "dropwizard_service_stop_timeout_seconds=40")
    assert result.returncode != 0
    assert "stop timeout (40 s) above shutdown delay + grace" in result.stdout
    assert not (tmp_path / "timekeeper.service").exists()
