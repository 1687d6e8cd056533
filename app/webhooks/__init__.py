"""BigCommerce order webhooks: the receiving endpoint and the registration command."""

from app.webhooks.views import bp

__all__ = ["bp"]
