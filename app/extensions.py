"""Flask extensions, created here and bound to the app in ``create_app``."""

from collections.abc import Callable

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()


def build_limiter(app: Flask, redis_url: str | None, key: Callable[[], str]) -> Limiter:
    """Return the app's own rate limiter, counting per ``key()`` in Redis when the app has it.

    One per app, not one per process: flask-limiter keeps its storage on the instance, and
    each app built by ``create_app`` (each test's, say) must count on its own.
    """
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    # A failing limit store must not stop checkout: the request goes through uncounted.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "checkout-plus")
    return Limiter(key_func=key, app=app)
