"""The shopper's locale: which of Babel's locales best matches the browser's Accept-Language.

Prices are formatted for the shopper (1,98 € for a German browser, $1.98 for an American one)
in the cart's currency; the merchant's CHECKOUT_LOCALE is the fallback.
"""

from __future__ import annotations

from functools import cache

from babel.localedata import locale_identifiers
from flask import current_app
from flask import g
from flask import request

# Accept-Language is client input: look at a handful of its entries, never all of them.
MAX_LANGUAGES_CONSIDERED = 8


@cache
def _available() -> dict[str, str]:
    """Map lower-case ``de_de`` to Babel's ``de_DE`` for every locale Babel has data for."""
    return {identifier.lower(): identifier for identifier in locale_identifiers()}


def negotiate(preferred: list[str], default: str) -> str:
    """Return the first preferred language Babel knows (``de-DE`` -> ``de_DE``), else default."""
    available = _available()
    for tag in preferred[:MAX_LANGUAGES_CONSIDERED]:
        wanted = tag.strip().replace("-", "_").lower()
        if wanted in available:
            return available[wanted]
        language = wanted.partition("_")[0]
        if language in available:
            return available[language]
    return default


def shopper_locale() -> str:
    """Return the current request's locale in Babel's form, worked out once per request."""
    if "shopper_locale" not in g:
        preferred = [tag for tag, _ in request.accept_languages if tag != "*"]
        g.shopper_locale = negotiate(preferred, current_app.config["SETTINGS"].default_locale)
    return g.shopper_locale


def language_tag(locale: str) -> str:
    """Return a Babel locale as a BCP 47 tag (``de_DE`` -> ``de-DE``)."""
    return locale.replace("_", "-")
