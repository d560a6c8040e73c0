#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Ansible module: warm a freshly started JVM with direct HTTP requests."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: http_warmup
short_description: Send a batch of GET requests to one node to warm its JVM
description:
  - A freshly started JVM serves a fraction of its steady-state throughput until the JIT
    has compiled the hot paths. This sends O(requests) GETs, spread over O(paths), from
    O(concurrency) threads straight to the node, before the load balancer sends it real
    traffic.
  - Fails when any request does not answer 2xx, so a node that breaks under its first
    load never rejoins the load balancer.
options:
  base_url:
    description: The node's own address, e.g. C(http://127.0.0.1:8080).
    type: str
    required: true
  paths:
    description: Paths requested in turn.
    type: list
    elements: str
    required: true
  requests:
    description: How many requests to send in all.
    type: int
    default: 1000
  concurrency:
    description: How many threads send them.
    type: int
    default: 4
  timeout:
    description: Seconds one request may take.
    type: float
    default: 10
"""

RETURN = r"""
requests:
  description: Requests sent.
  type: int
  returned: always
failures:
  description: Requests that failed or answered non-2xx, by reason.
  type: dict
  returned: always
seconds:
  description: Wall time of the warm-up.
  type: float
  returned: always
"""

import collections
import concurrent.futures
import http.client
import time
import urllib.parse

from ansible.module_utils.basic import AnsibleModule


def _send_share(base_url, paths, count, offset, timeout):
    """Send `count` GETs over one keep-alive connection; return a Counter of failures."""
    parsed = urllib.parse.urlsplit(base_url)
    failures = collections.Counter()
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    try:
        for i in range(count):
            path = paths[(offset + i) % len(paths)]
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    failures["HTTP %d %s" % (response.status, path)] += 1
            except (OSError, http.client.HTTPException) as error:
                failures["%s %s" % (type(error).__name__, path)] += 1
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    finally:
        connection.close()
    return failures


def main():
    module = AnsibleModule(
        argument_spec=dict(
            base_url=dict(type="str", required=True),
            paths=dict(type="list", elements="str", required=True),
            requests=dict(type="int", default=1000),
            concurrency=dict(type="int", default=4),
            timeout=dict(type="float", default=10),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if module.check_mode or params["requests"] <= 0:
        module.exit_json(changed=False, requests=0, failures={}, seconds=0.0)
    if not params["paths"]:
        module.fail_json(msg="paths must name at least one path to request")

    threads = max(1, min(params["concurrency"], params["requests"]))
    shares = [params["requests"] // threads + (1 if i < params["requests"] % threads else 0) for i in range(threads)]
    started = time.monotonic()
    failures = collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = [
            pool.submit(_send_share, params["base_url"], params["paths"], share, i, params["timeout"])
            for i, share in enumerate(shares)
        ]
        for job in jobs:
            failures.update(job.result())
    seconds = round(time.monotonic() - started, 3)

    result = dict(changed=False, requests=params["requests"], failures=dict(failures), seconds=seconds)
    if failures:
        module.fail_json(msg="%d of %d warm-up requests failed" % (sum(failures.values()), params["requests"]), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
