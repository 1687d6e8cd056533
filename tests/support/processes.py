"""Processes a test starts: a free loopback port for them to listen on."""

from __future__ import annotations

import socket


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
