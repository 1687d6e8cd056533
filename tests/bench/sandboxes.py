"""The benchmark's sandboxes as WSGI apps, one gunicorn process each (see servers.sandboxes).

``gunicorn 'tests.bench.sandboxes:bigcommerce_app()'`` and ``'...:loop_app()'``: gunicorn
keeps connections alive, as the real BigCommerce and Loop do, where the sandboxes' own
loopback server (werkzeug's) closes every connection and starts a thread for each.

Unlike ``python -m app.sandbox``, neither service rate-limits (a benchmark of 1000 requests
would otherwise measure the sandboxes' 429s: Loop allows 300 calls a minute per key, the store
150 per 30 s) and Loop's connector is not subscribed to the store's webhooks (the two
services never learn of each other here), so the request logs hold the checkout server's
calls only. Nothing the benchmark's journey does needs one service to call the other.
"""

from __future__ import annotations

from flask import Flask

from app.sandbox.bigcommerce import BigCommerceSandboxSettings
from app.sandbox.bigcommerce import create_service as create_bigcommerce
from app.sandbox.loop import LoopSandboxSettings
from app.sandbox.loop import create_service as create_loop

NO_RATE_LIMIT = 10**9


def bigcommerce_app() -> Flask:
    """Return the sandbox BigCommerce store's app, without a rate limit."""
    return create_bigcommerce(BigCommerceSandboxSettings(rate_limit_quota=NO_RATE_LIMIT)).app


def loop_app() -> Flask:
    """Return the sandbox Loop's app, without a rate limit and with no store connected."""
    return create_loop(LoopSandboxSettings(rate_limit=NO_RATE_LIMIT)).app
