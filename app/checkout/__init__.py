"""The checkout: pages, the shopper's session state and the use cases behind them."""

from app.checkout.views import bp

__all__ = ["bp"]
