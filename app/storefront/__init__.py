"""A small demo storefront for the sandbox: the merchant's storefront stands here in live mode."""

from app.storefront.views import bp

__all__ = ["bp"]
