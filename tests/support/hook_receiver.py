"""A merchant's receiver of checkout events, on loopback: it records each post, answers as told."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http import HTTPStatus

from werkzeug.datastructures import EnvironHeaders
from werkzeug.datastructures import Headers

from app.sandbox.service import LoopbackServer


@dataclass(frozen=True)
class Post:
    """One request the receiver took, and the status it answered."""

    path: str
    headers: Headers
    body: bytes
    status: int


class HookReceiver(LoopbackServer):
    """Record every post; answer the statuses in ``answers`` first, in order, then 200."""

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.answers: list[int] = []
        self._lock = threading.Lock()
        super().__init__(self._wsgi)

    @property
    def hook_url(self) -> str:
        """The address to set as CHECKOUT_EVENTS_WEBHOOK_URL."""
        return f"{self.url}/hooks/checkout"

    def taken(self) -> list[Post]:
        """The posts answered 2xx, in the order they came."""
        with self._lock:
            return [post for post in self.posts if 200 <= post.status < 300]

    def _wsgi(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        with self._lock:
            status = self.answers.pop(0) if self.answers else 200
            headers = Headers(EnvironHeaders(environ))
            self.posts.append(Post(environ["PATH_INFO"], headers, body, status))
        start_response(f"{status} {HTTPStatus(status).phrase}", [("Content-Length", "0")])
        return [b""]
