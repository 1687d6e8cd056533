"""The merchant's Checkout+ admin page, behind HTTP Basic auth (CHECKOUT_ADMIN_PASSWORD).

It answers "why didn't this shopper see the offer?" and "did this order's protection reach
Loop?" without reading logs. Registered only when the password is set.
"""

from app.admin.views import bp

__all__ = ["bp"]
