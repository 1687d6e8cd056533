"""A bare Flask app, served by the same gunicorn settings as the checkout, for comparison."""

from __future__ import annotations

from flask import Flask


def create_app() -> Flask:
    """Return an app that answers ``GET /`` with a short text."""
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, world!"

    return app
