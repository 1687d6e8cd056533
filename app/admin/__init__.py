"""The merchant's Checkout+ admin page (placeholder until built)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
