"""Checkout events posted to the merchant's own URL, signed, by the job queue (no Flask here).

On with ``CHECKOUT_EVENTS_WEBHOOK_URL``. The web layer (``app.checkout.events``) hands each
event over at the moment it is counted sent, once; this module builds its body then (so an id
and a time that stay the same across retries) and queues it on huey, whose worker posts it
signed Stripe-style: ``sha256=<HMAC-SHA256 of "<timestamp>.<body>">``, with the timestamp of
that attempt, so a receiver can refuse an old post played again. A 2xx is delivered; a 408,
a 429, a 5xx, a timeout or a refused connection is tried again later with exponential
back-off, ``MAX_ATTEMPTS`` tries in all; any other answer is a refusal and the event is dropped.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

import requests
from huey import Huey

from app.checkout.event_data import to_json
from app.clients.http import decode_json
from app.sync.queue import backoff_seconds

log = logging.getLogger(__name__)

TASK_NAME = "deliver_checkout_event"
MAX_ATTEMPTS = 6
# Doubling from a minute, the six tries span about half an hour: a receiver's redeploy or
# short outage loses nothing, and a receiver gone for good is not called all day.
FIRST_RETRY_SECONDS = 60.0
LONGEST_RETRY_SECONDS = 1800.0
# (connect, read): the worker waits, never a shopper, but a stuck receiver must not hold it.
TIMEOUT = (5.0, 10.0)
# Busy or timed out: the receiver may take the same post a little later.
RETRIED_STATUSES = frozenset({408, 429})
EVENT_ID_HEADER = "X-Checkout-Plus-Event-Id"
TIMESTAMP_HEADER = "X-Checkout-Plus-Timestamp"
SIGNATURE_HEADER = "X-Checkout-Plus-Signature"


@dataclass(frozen=True)
class HookTarget:
    """Where events are posted, the secret that signs them, and the store they are from."""

    url: str
    secret: str
    store: str

    def __repr__(self) -> str:
        # Kept out of any traceback or log line that prints the object.
        return f"HookTarget(url={self.url!r}, store={self.store!r})"


def sign(secret: str, timestamp: int, body: str) -> str:
    """Return the signature header's value for a body posted at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def _occurred_at(now: float) -> str:
    """RFC 3339 in UTC, to the millisecond: events of one answer keep their order."""
    moment = datetime.fromtimestamp(now, UTC).isoformat(timespec="milliseconds")
    return moment.replace("+00:00", "Z")


class EventHook:
    """Queue checkout events for the merchant's URL, and post them from the worker."""

    def __init__(
        self,
        huey: Huey,
        target: HookTarget | None,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.huey = huey
        self._target = target
        self._session = session
        self._clock = clock
        self._jitter = jitter
        # Tests shorten it to keep their clock short.
        self.first_retry_seconds = FIRST_RETRY_SECONDS
        # Registered even when off here: a worker must know the task a web process queued.
        self._task = huey.task(name=TASK_NAME)(self.deliver)

    @property
    def enabled(self) -> bool:
        """Tell whether events are posted to the merchant."""
        return self._target is not None

    def send(self, markers: Iterable[str], cart_id: str | None) -> None:
        """Queue each event (JSON text, as ``app.checkout.event_data`` writes it); never raise."""
        if self._target is None:
            return
        for marker in markers:
            try:
                event_id, body = self._body(marker, cart_id)
                self._task(event_id, body, 1)
            # The shopper's answer must not fail with the queue: logged by its type only (its
            # message might quote the body), and the checkout goes on.
            except Exception as error:
                log.error(
                    "A checkout event was not queued for the webhook (%s)", type(error).__name__
                )

    def _body(self, marker: str, cart_id: str | None) -> tuple[str, str]:
        """Return a new event id and the body posted, fixed here for every attempt."""
        assert self._target is not None
        event_id = uuid.uuid4().hex
        fields = decode_json(marker.encode())
        payload = {
            "id": event_id,
            **fields,
            "cart_id": cart_id,
            "occurred_at": _occurred_at(self._clock()),
            "store": self._target.store,
        }
        return event_id, to_json(payload)

    def deliver(self, event_id: str, body: str, attempt: int) -> None:
        """Post one event (the huey task); schedule the next try when the receiver may take it."""
        target, session = self._target, self._session
        if target is None or session is None:
            log.warning("Checkout event %s dropped: no events webhook is set here", event_id)
            return
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: event_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(target.secret, timestamp, body),
        }
        try:
            response = session.post(
                target.url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,  # a post must not turn into a GET elsewhere
            )
        except requests.RequestException as error:
            self._later(event_id, body, attempt, type(error).__name__)
            return
        status = response.status_code
        response.close()
        if 200 <= status < 300:
            log.info("Checkout event %s delivered", event_id)
        elif status >= 500 or status in RETRIED_STATUSES:
            self._later(event_id, body, attempt, f"HTTP {status}")
        else:
            log.warning(
                "Checkout event %s refused by the webhook (HTTP %s): dropped", event_id, status
            )

    def _later(self, event_id: str, body: str, attempt: int, why: str) -> None:
        """Schedule the next try, or give up after the last."""
        if attempt >= MAX_ATTEMPTS:
            log.error("Checkout event %s dropped after %s tries (%s)", event_id, attempt, why)
            return
        delay = backoff_seconds(
            self.first_retry_seconds, attempt, self._jitter(), LONGEST_RETRY_SECONDS
        )
        log.warning(
            "Checkout event %s: try %s failed (%s); trying again in %.0f s",
            event_id,
            attempt,
            why,
            delay,
        )
        self._task.schedule((event_id, body, attempt + 1), delay=delay)
