"""Webhook delivery: a background thread that POSTs signed events and retries failures.

Each delivery carries the hook's custom headers and Standard Webhooks signature headers
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256>``, the
HMAC taken over ``"{id}.{timestamp}.{body}"`` keyed with the client secret's bytes).
Every attempt is recorded. Unlike BigCommerce, the sandbox only calls loopback
destinations, so a test or demo never sends events off the machine.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import heapq
import hmac
import itertools
import threading
import time
import uuid
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import urlsplit

import requests

from app.sandbox.service import dumps

from .settings import BigCommerceSandboxSettings

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def scope_matches(pattern: str, scope: str) -> bool:
    """Whether a hook's scope (wildcards allowed, e.g. ``store/order/*``) covers an event."""
    return fnmatch.fnmatchcase(scope, pattern)


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The Standard Webhooks ``webhook-signature`` value for one delivery."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass
class Hook:
    """A webhook subscription of one API account."""

    id: int
    client_id: str
    scope: str
    destination: str
    is_active: bool
    headers: dict[str, str] | None
    created_at: int
    updated_at: int


@dataclass
class Delivery:
    """One delivery attempt and its outcome."""

    seq: int
    message_id: str
    hook_id: int
    scope: str
    destination: str
    attempt: int
    payload: dict[str, Any]
    headers: dict[str, str]
    status: int | None = None
    error: str | None = None
    time: float = field(default_factory=time.time)
    # False when trying again cannot help (a destination the sandbox refuses to call).
    retryable: bool = field(default=True, repr=False)

    @property
    def ok(self) -> bool:
        """Whether the destination answered 2xx."""
        return self.status is not None and 200 <= self.status < 300

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict of this attempt."""
        return {
            "seq": self.seq,
            "message_id": self.message_id,
            "hook_id": self.hook_id,
            "scope": self.scope,
            "destination": self.destination,
            "attempt": self.attempt,
            "status": self.status,
            "error": self.error,
            "ok": self.ok,
            "time": self.time,
            "payload": self.payload,
            "headers": self.headers,
        }


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    generation: int = field(compare=False)
    message_id: str = field(compare=False)
    hook_id: int = field(compare=False)
    destination: str = field(compare=False)
    custom_headers: dict[str, str] = field(compare=False)
    payload: dict[str, Any] = field(compare=False)
    attempt: int = field(default=1, compare=False)


class WebhookDispatcher:
    """Queues events per matching hook and delivers them from one background thread."""

    def __init__(self, settings: BigCommerceSandboxSettings) -> None:
        """Create an idle dispatcher; its thread starts with the first event."""
        self.settings = settings
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._in_flight = 0
        self._generation = 0
        self._deliveries: list[Delivery] = []
        self._seq = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._stopping = False

    def publish(self, scope: str, data: dict[str, Any], hooks: list[Hook]) -> None:
        """Queue one event for each hook whose scope matches it."""
        targets = [hook for hook in hooks if scope_matches(hook.scope, scope)]
        if not targets:
            return
        payload = self._payload(scope, data)
        with self._cond:
            for hook in targets:
                job = _Job(
                    due=time.monotonic(),
                    seq=next(self._seq),
                    generation=self._generation,
                    message_id=f"msg_{uuid.uuid4().hex}",
                    hook_id=hook.id,
                    destination=hook.destination,
                    custom_headers=dict(hook.headers or {}),
                    payload={**payload, "scope": scope},
                )
                heapq.heappush(self._queue, job)
            self._ensure_thread()
            self._cond.notify_all()

    def deliveries(self) -> list[Delivery]:
        """Every recorded attempt, oldest first."""
        with self._cond:
            return list(self._deliveries)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no delivery is queued, retrying or in flight; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._in_flight, timeout)

    def reset(self) -> None:
        """Drop queued deliveries and the record; attempts already in flight are discarded."""
        with self._cond:
            self._generation += 1
            self._queue.clear()
            self._deliveries.clear()
            self._cond.notify_all()

    def stop(self) -> None:
        """Stop the delivery thread (queued deliveries are dropped)."""
        with self._cond:
            self._stopping = True
            self._queue.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5)

    def _payload(self, scope: str, data: dict[str, Any]) -> dict[str, Any]:
        """Build the callback body BigCommerce documents (scope, store_id, data, hash...)."""
        created_at = int(time.time())
        core = {
            "scope": scope,
            "store_id": self.settings.store_id,
            "data": data,
            "created_at": created_at,
            "producer": f"stores/{self.settings.store_hash}",
        }
        # BigCommerce documents `hash` as the SHA-1 of the payload; receivers de-duplicate on it.
        digest = hashlib.sha1(dumps(core).encode(), usedforsecurity=False).hexdigest()
        return {**core, "hash": digest}

    def _ensure_thread(self) -> None:
        """Start the delivery thread if it is not running."""
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name="bigcommerce-webhooks", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        """Deliver due jobs one at a time, recording each attempt and scheduling retries."""
        while True:
            with self._cond:
                job = self._next_job()
                if job is None:
                    return
                self._in_flight += 1
            delivery = self._deliver(job)
            with self._cond:
                self._in_flight -= 1
                if job.generation == self._generation:
                    self._deliveries.append(delivery)
                    retry = delivery.retryable and job.attempt < self.settings.webhook_max_attempts
                    if not delivery.ok and retry:
                        self._schedule_retry(job)
                self._cond.notify_all()

    def _next_job(self) -> _Job | None:
        """Wait for the next due job (None once stopping); call with the lock held."""
        while not self._stopping:
            if self._queue:
                wait = self._queue[0].due - time.monotonic()
                if wait <= 0:
                    return heapq.heappop(self._queue)
                self._cond.wait(wait)
            else:
                self._cond.wait()
        return None

    def _schedule_retry(self, job: _Job) -> None:
        """Queue another attempt after an exponential back-off."""
        backoff = self.settings.webhook_retry_backoff * 2 ** (job.attempt - 1)
        job.attempt += 1
        job.due = time.monotonic() + backoff
        job.seq = next(self._seq)
        heapq.heappush(self._queue, job)

    def _deliver(self, job: _Job) -> Delivery:
        """POST one signed attempt and record its outcome."""
        body = dumps(job.payload)
        timestamp = int(time.time())
        headers = {
            **job.custom_headers,
            "Content-Type": "application/json",
            "webhook-id": job.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(self.settings.client_secret, job.message_id, timestamp, body),
        }
        delivery = Delivery(
            seq=next(self._seq),
            message_id=job.message_id,
            hook_id=job.hook_id,
            scope=job.payload["scope"],
            destination=job.destination,
            attempt=job.attempt,
            payload=job.payload,
            headers=headers,
        )
        if urlsplit(job.destination).hostname not in LOOPBACK_HOSTS:
            delivery.error = "the sandbox delivers webhooks to loopback destinations only"
            delivery.retryable = False
            return delivery
        try:
            response = requests.post(
                job.destination,
                data=body.encode(),
                headers=headers,
                timeout=self.settings.webhook_timeout,
                allow_redirects=False,
            )
            delivery.status = response.status_code
        except requests.RequestException as error:
            delivery.error = f"{type(error).__name__}: {error}"
        return delivery
