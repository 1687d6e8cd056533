"""Processes a test starts: a free loopback port to give them, and waiting until they answer."""

from __future__ import annotations

import socket
import subprocess

import requests

from tests.support.waiting import wait_until


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> requests.Response:
    """Poll ``url`` until it answers and return the answer; fail at once if ``process`` exits."""
    answers: list[requests.Response] = []

    def answered() -> bool:
        try:
            answers.append(requests.get(url, timeout=2))
        except requests.RequestException:
            return False
        return True

    def failure() -> str:
        if process.poll() is None:
            return f"{url} to answer"
        output = process.stderr.read() if process.stderr is not None else ""
        return f"{url}: {process.args!r} exited with {process.returncode} {output}".rstrip()

    wait_until(
        answered, timeout=seconds, message=failure, give_up=lambda: process.poll() is not None
    )
    return answers[-1]
