"""Count upstream calls at the transport, and time Loop's analyze, without touching the clients.

The factory builds each client's pooled session here (``metered_session``): the session's
adapter is wrapped, so every call a client makes is counted by service and status whatever the
client does with the answer, and the clients stay free of metrics and of Flask.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import BaseAdapter

from app.clients.http import build_session
from app.clients.loop import LoopClient
from app.clients.loop import Offer
from app.metrics.families import ANALYZE_SECONDS
from app.metrics.families import UPSTREAM_ERRORS
from app.metrics.families import UPSTREAM_REQUESTS

# The services a session may be built for: the label values of the upstream metrics.
SERVICES = frozenset({"bigcommerce", "payments", "loop", "loop_orders"})
TOO_MANY_REQUESTS = 429


class MeteredAdapter(BaseAdapter):
    """A transport adapter that counts each call sent through the adapter it wraps."""

    def __init__(self, inner: BaseAdapter, service: str) -> None:
        super().__init__()
        self._inner = inner
        self._service = service

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send through the wrapped adapter; count the status, or the failure, by service."""
        try:
            response = self._inner.send(request, **kwargs)
        except requests.Timeout:  # before ConnectionError: a connect timeout is both
            self._count("timeout", "timeout")
            raise
        except requests.ConnectionError:
            self._count("connection_error", "connection")
            raise
        status = response.status_code
        error = None
        if status == TOO_MANY_REQUESTS:
            error = "rate_limited"
        elif status >= 500:
            error = "server_error"
        self._count(str(status), error)
        return response

    def close(self) -> None:
        """Close the wrapped adapter's connections."""
        self._inner.close()

    def _count(self, status: str, error: str | None) -> None:
        UPSTREAM_REQUESTS.labels(self._service, status).inc()
        if error is not None:
            UPSTREAM_ERRORS.labels(self._service, error).inc()


def metered_session(service: str) -> requests.Session:
    """Return the clients' pooled session with every call counted under ``service``."""
    if service not in SERVICES:
        raise ValueError(f"unknown upstream service {service!r}")
    session = build_session()
    for prefix in ("https://", "http://"):
        session.mount(prefix, MeteredAdapter(session.get_adapter(prefix), service))
    return session


class TimedLoopClient(LoopClient):
    """Loop's Checkout+ client with each analyze call timed, failures included."""

    def analyze(self, request: dict[str, Any]) -> Offer:
        """Analyze as LoopClient does, into the analyze histogram."""
        with ANALYZE_SECONDS.time():
            return super().analyze(request)
