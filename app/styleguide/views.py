"""Styleguide pages: the list of entries, and each entry rendered by the checkout's template."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import g
from flask import render_template
from flask import request

from app.styleguide.entries import BY_SLUG
from app.styleguide.entries import ENTRIES
from app.styleguide.entries import Entry
from app.translations import LANGUAGES

OFFER_GROUP = "Checkout+ offer"

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


def shown_language() -> str | None:
    """Return the language asked for with ``?lang=`` (one the checkout speaks), if any."""
    language = request.args.get("lang", "")
    if language and language not in LANGUAGES:
        abort(404)
    return language or None


@bp.get("/")
def index():
    """List every entry, by group, linked in the language asked for (``?lang=ja``)."""
    groups: dict[str, list[Entry]] = {}
    for entry in ENTRIES:
        groups.setdefault(entry.group, []).append(entry)
    return render_template("styleguide/index.html", groups=groups, lang=shown_language())


@bp.get("/languages")
def languages():
    """List the offer's entries in every language, to read the copy side by side."""
    offers = [entry for entry in ENTRIES if entry.group == OFFER_GROUP]
    return render_template("styleguide/languages.html", offers=offers)


@bp.get("/<slug>")
def entry(slug: str):
    """Render one entry: a page as it is, a component inside the styleguide's frame.

    ``?lang=ar`` shows it in another of the checkout's languages (its words, direction and
    number formats), as for a shopper who chose that language.
    """
    shown = BY_SLUG.get(slug)
    if shown is None:
        abort(404)
    # Prices are formatted for the entry's locale, as for a shopper whose browser asks for it.
    g.shopper_locale = shown_language() or shown.locale
    context = shown.context()
    if shown.is_page:
        return render_template(shown.template, **context)
    return render_template(
        "styleguide/entry.html", entry=shown, shown_locale=g.shopper_locale, **context
    )
