"""Upstream clients: plain classes over requests, with no Flask imports."""
