#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: send commands to HAProxy's runtime API and read its servers' state."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: haproxy_runtime
short_description: Send HAProxy runtime API commands over the admin socket and report server states
description:
  - Sends each of O(commands) on its own connection to HAProxy's admin socket (no socat),
    fails on HAProxy's error answers, then reads C(show stat) and returns every server's
    state, so one task can both act and check the result (for example force a server's
    health down, leave drain, and prove it is not UP yet).
  - Commands other than C(show ...) and C(get ...) report a change; in check mode they are
    not sent.
options:
  socket:
    description: Path of the admin-level stats socket.
    type: path
    required: true
  commands:
    description: Runtime API commands, sent in order.
    type: list
    elements: str
    default: []
"""

RETURN = r"""
outputs:
  description: HAProxy's answer to each command, in order.
  type: list
  elements: str
  returned: always
servers:
  description: >-
    One entry per server (not FRONTEND/BACKEND): backend, name, status (UP, DOWN, DRAIN,
    MAINT, with HAProxy's transition suffix such as "DOWN 1/2"), weight, sessions
    (current sessions, i.e. requests in flight), check (last check status), address.
  type: list
  elements: dict
  returned: always
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.haproxy_admin import read_servers, send

# HAProxy answers a failed command with text like these; a successful set/enable is silent.
ERROR_MARKERS = ("no such", "unknown", "require", "permission denied", "invalid", "error", "cannot", "not found")


def is_read_only(command):
    return command.split(None, 1)[0] in ("show", "get", "help")


def main():
    module = AnsibleModule(
        argument_spec=dict(
            socket=dict(type="path", required=True),
            commands=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    socket_path = module.params["socket"]
    commands = module.params["commands"]
    changed = any(not is_read_only(command) for command in commands)
    outputs = []
    try:
        for command in commands:
            if module.check_mode and not is_read_only(command):
                outputs.append("")
                continue
            answer = send(socket_path, command)
            outputs.append(answer)
            if not is_read_only(command) and any(marker in answer.lower() for marker in ERROR_MARKERS):
                module.fail_json(msg="HAProxy refused '%s': %s" % (command, answer), outputs=outputs)
        servers = read_servers(socket_path)
    except OSError as error:
        module.fail_json(msg="cannot talk to HAProxy on %s: %s" % (socket_path, error), outputs=outputs)
    module.exit_json(changed=changed, outputs=outputs, servers=servers)


if __name__ == "__main__":
    main()
