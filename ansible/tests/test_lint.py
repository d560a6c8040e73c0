"""ansible-lint at the production profile (ansible/.ansible-lint) over the roles, the
playbooks and the local fleet's playbook."""

from __future__ import annotations

import subprocess

from ansible_test_support import REPO, ansible_env


def test_ansible_lint_production_profile_is_clean():
    result = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-lint"), "-c", "ansible/.ansible-lint", "--nocolor",
                             "ansible", "fleet/load_balancer.yml"],
                            cwd=REPO, env=ansible_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Profile 'production' was required, and it passed" in result.stderr + result.stdout
