"""Security headers on every response, and no caching of anything a shopper sees."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import request
from flask.sessions import SecureCookieSessionInterface

from app.config import is_loopback

# No inline script or style anywhere: templates must stay CSP-clean (see templates/README.md).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)


def register_security_headers(app: Flask, https_only: bool) -> None:
    """Add security headers to every response of the app."""

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if https_only:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Carts, prices and offers change under the shopper: never serve a stored copy.
            headers["Cache-Control"] = "no-store"
        return response


class SessionCookie(SecureCookieSessionInterface):
    """The signed session cookie, marked ``Secure`` everywhere but on this machine's loopback.

    Live mode always sets ``SESSION_COOKIE_SECURE``. A sandbox reached by a name or address
    other than loopback (a demo on a shared host) gets ``Secure`` too, so the cookie never
    travels over plain HTTP beyond this machine.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        """Tell whether the cookie set in this response is marked Secure."""
        if app.config["SESSION_COOKIE_SECURE"]:
            return True
        host = urlsplit(f"//{request.host}").hostname
        return not (is_loopback(host) or (host or "").endswith(".localhost"))
