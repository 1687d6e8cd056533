"""The checkout: pages, the shopper's session state and the use cases behind them."""

# Each module registers its routes on bp when imported.
from app.checkout import place_views  # noqa: F401
from app.checkout import step_views  # noqa: F401
from app.checkout.views import bp

__all__ = ["bp"]
