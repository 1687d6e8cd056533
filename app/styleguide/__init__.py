"""The styleguide: every component in every state (placeholder until built)."""

from flask import Blueprint

bp = Blueprint("styleguide", __name__)
