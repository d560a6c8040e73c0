"""One line per node and phase of a rolling deploy, printed as the phase ends."""

from __future__ import annotations

import datetime

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: deploy_progress
type: notification
short_description: one line per node and phase of a rolling deploy, as it happens
description:
  - >-
    ansible/tasks/cycle_node.yml notes when each phase of a node's cycle ended in the fact
    rolling_deploy_timings (epoch seconds by phase). This callback prints a line for the phase
    just added (e.g. C(deploy progress - 10:31:02 node2 drained (4.1 s)) with a colon after
    "progress"), so a deploy shows what it does while it runs (make deploy, the demo, the
    Jenkins console), not only at the end.
  - >-
    Enabled in ansible/ansible.cfg (callbacks_enabled). fleet/local_fleet.py prints these lines
    even when it keeps the rest of the output of Ansible in its log.
"""

# Every line starts with this: fleet/local_fleet.py picks them out of Ansible's output.
PREFIX = "deploy progress:"
# The phases of cycle_node.yml in their order, as the line names them.
PHASES = {
    "started": "out of the load balancer, draining",
    "drained": "drained",
    "stopped": "stopped",
    "service_started": "started on the release",
    "ready": "ready, smoke-tested and warmed",
    "in_service": "back in service",
}


def progress_line(node: str, timings: dict) -> str | None:
    """The line for the newest phase in a node's timings (None when there is none)."""
    done = [phase for phase in PHASES if phase in timings]
    if not done:
        return None
    phase = done[-1]
    at = float(timings[phase])
    clock = datetime.datetime.fromtimestamp(at, datetime.timezone.utc).strftime("%H:%M:%S")
    line = "%s %s %s %s" % (PREFIX, clock, node, PHASES[phase])
    if len(done) > 1:
        line += " (%.1f s)" % (at - float(timings[done[-2]]))
    return line


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "deploy_progress"
    CALLBACK_NEEDS_ENABLED = True

    def v2_runner_on_ok(self, result):
        timings = result._result.get("ansible_facts", {}).get("rolling_deploy_timings")
        if isinstance(timings, dict):
            line = progress_line(result._host.get_name(), timings)
            if line:
                self._display.display(line)
