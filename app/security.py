"""Security headers on every response, and no caching of anything a shopper sees."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import request
from flask.sessions import SecureCookieSessionInterface

from app.config import Settings
from app.config import is_loopback


def content_security_policy(image_origins: tuple[str, ...] = ()) -> str:
    """Return the Content-Security-Policy, letting images also come from ``image_origins``.

    No inline script or style anywhere: templates must stay CSP-clean (see templates/README.md).
    Product images come from the store's CDN over https; the built-in sandbox serves its own
    over plain http on loopback, so in the sandbox its origin is named here (see
    ``sandbox_image_origins``).
    """
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            " ".join(("img-src 'self' https:", *image_origins)),
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


def sandbox_image_origins(settings: Settings) -> tuple[str, ...]:
    """Return the origin the sandbox's BigCommerce serves product images from, if any.

    Only on the built-in sandbox, and only when its BigCommerce is on this machine's loopback:
    a live store's images come from its CDN over https, which the policy already allows.
    """
    if not settings.sandbox:
        return ()
    parts = urlsplit(settings.bigcommerce_api_url)
    if parts.scheme not in ("http", "https") or not is_loopback(parts.hostname):
        return ()
    return (f"{parts.scheme}://{parts.netloc}",)


def register_security_headers(
    app: Flask, https_only: bool, image_origins: tuple[str, ...] = ()
) -> None:
    """Add security headers to every response of the app (``image_origins``: see the CSP)."""
    policy = content_security_policy(image_origins)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
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
