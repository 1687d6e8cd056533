"""The shared requests session: it never retries an answered request behind the caller's back."""

from __future__ import annotations

import socket

import pytest
import requests

from app.clients.http import build_session
from tests.support.canned import CannedServer


@pytest.fixture
def canned():
    """A canned-response server."""
    server = CannedServer()
    yield server
    server.stop()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "POST"])
@pytest.mark.parametrize("status", [429, 503])
def test_an_answer_with_retry_after_comes_back_as_it_is(canned, method, status):
    canned.answer_json({"error": "busy"}, status=status, headers={"Retry-After": "7"})
    response = build_session().request(method, canned.url + "/thing", timeout=5)
    assert response.status_code == status
    assert response.headers["Retry-After"] == "7"
    assert len(canned.requests) == 1  # sent once: the caller decides about retrying


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_read_timeout_is_a_timeout(method):
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(requests.Timeout):
            build_session().request(method, url, timeout=0.2)
