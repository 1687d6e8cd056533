"""The styleguide at /styleguide: every component in every state, from fixtures.

On in the sandbox and in debug, off in production unless CHECKOUT_STYLEGUIDE=1.
"""

from flask import Blueprint

bp = Blueprint("styleguide", __name__, url_prefix="/styleguide")

from app.styleguide import views  # noqa: E402,F401  (registers the routes on bp)
