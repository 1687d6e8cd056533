"""The checkout as a shopper's last request left it, kept briefly for the request after.

Right after a change the page asks for the offer, and the shopper's next step follows soon.
Reading the checkout from BigCommerce again for each would spend the store's API quota, which
every app on the store shares, on what this process read a moment ago. So each cart's latest
checkout is kept here under a random token, and the session cookie carries that token.

A snapshot is only a shortcut, never the truth: it is used only by the request that presents
its token, only within ``REUSE_SECONDS`` of the BigCommerce answer it holds, and only while no
newer one was kept for the cart. Anything else (another worker, expired, evicted, a second
tab's newer change) is a miss, and a miss reads BigCommerce as before. Every write's answer
replaces the snapshot, so what a shopper is shown after a change is never older than it.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from app.clients.bigcommerce import Checkout

# Long enough for the offer refresh that follows a change and for a shopper's next step;
# short enough that a cart edited in another tab of the storefront is soon read afresh.
REUSE_SECONDS = 60.0
# Carts kept per process; the least recently kept go first.
CAPACITY = 512


@dataclass(frozen=True)
class _Snapshot:
    token: str
    checkout: Checkout
    read_at: float


class CheckoutSnapshots:
    """The latest checkout this process read or wrote for each recent cart, by token."""

    def __init__(
        self,
        reuse_seconds: float = REUSE_SECONDS,
        capacity: int = CAPACITY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._reuse_seconds = reuse_seconds
        self._capacity = capacity
        self._clock = clock
        self._lock = threading.Lock()
        self._by_cart: OrderedDict[str, _Snapshot] = OrderedDict()

    def keep(self, checkout: Checkout) -> str:
        """Keep a checkout just read from BigCommerce; return the token that recalls it."""
        with self._lock:
            current = self._by_cart.get(checkout.id)
            if current is not None and current.checkout is checkout:
                return current.token  # recalled and shown again: still as old as it was
            token = secrets.token_urlsafe(12)
            if current is not None and current.checkout == checkout:
                token = current.token  # read again unchanged: the cookie need not change
            snapshot = _Snapshot(token, checkout, self._clock())
            self._by_cart[checkout.id] = snapshot
            self._by_cart.move_to_end(checkout.id)
            while len(self._by_cart) > self._capacity:
                self._by_cart.popitem(last=False)
            return snapshot.token

    def recall(self, cart_id: str, token: object) -> Checkout | None:
        """Return the cart's checkout kept under ``token``, if it is still the latest and fresh."""
        if not isinstance(token, str) or not token:
            return None
        with self._lock:
            snapshot = self._by_cart.get(cart_id)
            if snapshot is None or not secrets.compare_digest(snapshot.token, token):
                return None
            if not 0 <= self._clock() - snapshot.read_at < self._reuse_seconds:
                del self._by_cart[cart_id]
                return None
            return snapshot.checkout

    def forget(self, cart_id: str) -> None:
        """Drop a cart's snapshot (it was checked out or no longer exists)."""
        with self._lock:
            self._by_cart.pop(cart_id, None)
