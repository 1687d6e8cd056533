"""A tiny HTTP server on a loopback port that answers what a test tells it to.

For answers no sandbox rule produces (every reason Loop documents, odd shapes): the app still
talks real HTTP to it, and the test reads what was sent.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from app.sandbox.service import LoopbackServer


class CannedServer:
    """Answer every request with the current canned response, and keep what was asked."""

    def __init__(self) -> None:
        """Start serving on a free loopback port, answering ``{}`` until told otherwise."""
        self.requests: list[dict[str, Any]] = []
        self._answer: tuple[int, bytes, dict[str, str]] = (200, b"{}", {})
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._wsgi).start()

    @property
    def url(self) -> str:
        """The server's origin."""
        return self._server.url

    def answer_json(self, body: Any, status: int = 200, headers: dict | None = None) -> None:
        """Answer from now on with this JSON body."""
        self.answer(json.dumps(body).encode(), status, headers)

    def answer(self, body: bytes, status: int = 200, headers: dict | None = None) -> None:
        """Answer from now on with these raw bytes."""
        with self._lock:
            self._answer = (status, body, {"Content-Type": "application/json", **(headers or {})})

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def _wsgi(self, environ, start_response):
        """Record the request and give the canned answer."""
        request = Request(environ)
        with self._lock:
            self.requests.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "headers": dict(request.headers),
                    "body": request.get_data(),
                }
            )
            status, body, headers = self._answer
        return Response(body, status=status, headers=headers)(environ, start_response)
