"""Styleguide pages: the list of entries, and each entry rendered by the checkout's template."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import render_template

from app.styleguide.entries import BY_SLUG
from app.styleguide.entries import ENTRIES
from app.styleguide.entries import Entry

# samples/: made-up product pictures for the fixtures' lines, as a store's CDN would serve them.
bp = Blueprint(
    "styleguide",
    __name__,
    url_prefix="/styleguide",
    static_folder="samples",
    static_url_path="/samples",
)


@bp.after_request
def not_for_search_engines(response: Response) -> Response:
    """Keep the styleguide out of search results."""
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/")
def index():
    """List every entry, by group."""
    groups: dict[str, list[Entry]] = {}
    for entry in ENTRIES:
        groups.setdefault(entry.group, []).append(entry)
    return render_template("styleguide/index.html", groups=groups)


@bp.get("/<slug>")
def entry(slug: str):
    """Render one entry: a page as it is, a component inside the styleguide's frame."""
    shown = BY_SLUG.get(slug)
    if shown is None:
        abort(404)
    # Prices are formatted for the entry's locale, as for a shopper whose browser asks for it.
    g.shopper_locale = shown.locale
    context = shown.context()
    if shown.is_page:
        return render_template(shown.template, **context)
    return render_template("styleguide/entry.html", entry=shown, **context)
