"""``python -m tests.load``: wrk against the checkout page and the offer fragment (issue 8)."""
