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


def test_the_environments_proxy_is_used_and_read_once_per_origin(canned, monkeypatch):
    canned.answer_json({"via": "proxy"})
    monkeypatch.setenv("HTTP_PROXY", canned.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = build_session()
    response = session.get("http://upstream.invalid/thing", timeout=5)
    assert response.json() == {"via": "proxy"}
    assert canned.requests[-1]["headers"]["Host"] == "upstream.invalid"
    # Read at the first call to an origin, not again on each request.
    monkeypatch.delenv("HTTP_PROXY")
    session.get("http://upstream.invalid/again", timeout=5)
    assert len(canned.requests) == 2


def test_no_proxy_sends_straight_to_the_origin(canned, monkeypatch):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", dead_proxy)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    canned.answer_json({"via": "direct"})
    assert build_session().get(canned.url + "/thing", timeout=5).json() == {"via": "direct"}


def test_the_environments_ca_bundle_is_used_for_verification(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    settings = build_session().merge_environment_settings(
        "https://api.example.invalid/", {}, None, None, None
    )
    assert settings["verify"] == str(bundle)
    # A caller's explicit choice still wins.
    explicit = build_session().merge_environment_settings(
        "https://api.example.invalid/", {}, None, False, None
    )
    assert explicit["verify"] is False
