"""The styleguide at /styleguide: every component in every state, from fixtures.

On in the sandbox and in debug, off in production unless CHECKOUT_STYLEGUIDE=1.
"""

from app.styleguide.views import bp

__all__ = ["bp"]
