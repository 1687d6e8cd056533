"""Rate limits per shopper session on the routes that spend the store's BigCommerce quota.

BigCommerce's quota is per store and shared by every app, so one shopper or bot posting
changes in a loop could stall checkout for everyone. A view that changes the cart or places
the order says so with ``@cart_change`` or ``@place_order``; ``register_rate_limits`` applies the
configured limits (``CHECKOUT_RATE_LIMIT_*``) to every marked view, counted per session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from app.config import Settings
from app.extensions import build_limiter

CART_CHANGES = "cart-changes"
PLACE_ORDER = "place-order"
SCOPE_ATTRIBUTE = "rate_limit_scope"

View = TypeVar("View", bound=Callable)


def cart_change(view: View) -> View:
    """Count this view against the session's cart-change limit."""
    setattr(view, SCOPE_ATTRIBUTE, CART_CHANGES)
    return view


def place_order(view: View) -> View:
    """Count this view against the session's place-order limit."""
    setattr(view, SCOPE_ATTRIBUTE, PLACE_ORDER)
    return view


def scope_of(view: Callable) -> str | None:
    """Return the limit a view counts against, if any."""
    return getattr(view, SCOPE_ATTRIBUTE, None)


def register_rate_limits(app: Flask, settings: Settings, key: Callable[[], str]) -> None:
    """Apply the configured limits to every marked view of the app, counted per ``key()``."""
    limiter = build_limiter(app, settings.redis_url, key)
    # The app holds its limiter: the limits below refer to it weakly, and a disabled limiter
    # (RATELIMIT_ENABLED off) does not register itself anywhere that would keep it.
    app.extensions["checkout_limiter"] = limiter
    limits = {CART_CHANGES: settings.cart_change_limit, PLACE_ORDER: settings.place_order_limit}
    for endpoint, view in list(app.view_functions.items()):
        scope = scope_of(view)
        if scope is not None:
            # One count per scope and session, shared by every route of that scope.
            app.view_functions[endpoint] = limiter.shared_limit(limits[scope], scope=scope)(view)
