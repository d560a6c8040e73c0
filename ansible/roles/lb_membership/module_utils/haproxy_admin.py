"""HAProxy's runtime API over its admin socket: one command per connection, and the servers of
`show stat`. Shared by the haproxy_runtime module and the local fleet (fleet/local_fleet.py)."""

from __future__ import annotations

import csv
import socket


def send(socket_path, command, timeout=5.0):
    """HAProxy's answer to one command (stripped text)."""
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(socket_path)
        client.sendall(command.encode() + b"\n")
        chunks = []
        while True:
            chunk = client.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        client.close()
    return b"".join(chunks).decode(errors="replace").strip()


def read_servers(socket_path):
    """Every server of every backend: backend, name, status (UP, DOWN, DRAIN, MAINT...), weight,
    sessions (requests in flight), check (last check status), address."""
    rows = csv.DictReader(send(socket_path, "show stat").lstrip("# ").splitlines())
    return [
        dict(
            backend=row["pxname"],
            name=row["svname"],
            status=row["status"],
            weight=int(row["weight"] or 0),
            sessions=int(row["scur"] or 0),
            check=row.get("check_status", ""),
            address=row.get("addr", ""),
        )
        for row in rows
        if row["svname"] not in ("FRONTEND", "BACKEND")
    ]
