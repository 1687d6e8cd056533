"""Check every styleguide entry against the template contract (tests and designers use it)."""

from __future__ import annotations

from flask import Flask

from app.styleguide.contract import Problem
from app.styleguide.contract import check
from app.styleguide.entries import ENTRIES
from app.styleguide.entries import Entry


def entry_url(entry: Entry) -> str:
    """Return the path of an entry's page."""
    return f"/styleguide/{entry.slug}"


def check_every_entry(app: Flask) -> list[Problem]:
    """Render each entry with the app's templates and return every contract problem found."""
    client = app.test_client()
    problems: list[Problem] = []
    for entry in ENTRIES:
        response = client.get(entry_url(entry))
        if response.status_code != 200:
            raise RuntimeError(f"{entry_url(entry)} answered {response.status_code}")
        where = f"styleguide entry {entry.slug!r} ({entry_url(entry)})"
        problems += check(response.get_data(as_text=True), entry.templates, where)
    return problems
