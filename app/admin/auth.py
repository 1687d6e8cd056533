"""HTTP Basic auth for the admin page: user ``admin``, the password of CHECKOUT_ADMIN_PASSWORD."""

from __future__ import annotations

import hmac

from werkzeug.datastructures import Authorization

USER = "admin"
CHALLENGE = 'Basic realm="Checkout+ admin", charset="UTF-8"'


def is_admin(authorization: Authorization | None, password: str) -> bool:
    """Tell whether a request's Basic credentials are the admin's, in constant time."""
    basic = authorization is not None and authorization.type == "basic"
    user = (authorization.username or "") if basic else ""
    given = (authorization.password or "") if basic else ""
    # Both comparisons always run, so the time taken says nothing of which one failed.
    user_ok = hmac.compare_digest(user.encode(), USER.encode())
    password_ok = hmac.compare_digest(given.encode(), password.encode())
    return basic & user_ok & password_ok
