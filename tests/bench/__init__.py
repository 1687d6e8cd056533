"""``python -m tests.bench``: the checkout benchmark of issue 7 (not a pass/fail test)."""
