"""The shopper's language and locale: chosen on the page, else from the browser, else the store's.

One locale serves words and money: a German browser reads German and pays "1,98 €", an
American one English and "$1.98". The checkout speaks the languages that have a catalog
(``app.translations.LANGUAGES``); a shopper's choice on the page is kept in the session,
else the first Accept-Language entry in one of them wins (with its region, ``de-CH``), else
the merchant's CHECKOUT_LOCALE.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from babel import Locale
from babel.localedata import locale_identifiers
from babel.numbers import format_decimal
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import has_request_context
from flask import redirect
from flask import request
from flask import session
from flask_babel import get_translations
from flask_babel import gettext
from markupsafe import Markup

from app.text import Message
from app.translations import LANGUAGES
from app.translations import SOURCE_LANGUAGE

# Accept-Language is client input: look at a handful of its entries, never all of them.
MAX_LANGUAGES_CONSIDERED = 8
SESSION_KEY = "language"

bp = Blueprint("locales", __name__)


@cache
def _available() -> dict[str, str]:
    """Map lower-case ``de_de`` to Babel's ``de_DE`` for every locale Babel has data for."""
    return {identifier.lower(): identifier for identifier in locale_identifiers()}


def negotiate(preferred: list[str], default: str) -> str:
    """Return the first preferred locale in a checkout language (``de-DE`` -> ``de_DE``)."""
    available = _available()
    for tag in preferred[:MAX_LANGUAGES_CONSIDERED]:
        wanted = tag.strip().replace("-", "_").lower()
        language = _language_of(tag)
        if language not in LANGUAGES:
            continue
        return available.get(wanted) or available[language]
    return default


def _language_of(tag: str) -> str:
    """Return a tag's language (``fr-CA`` -> ``fr``)."""
    return tag.strip().replace("-", "_").lower().partition("_")[0]


def chosen_language() -> str | None:
    """Return the language the shopper chose on the page, if any."""
    chosen = session.get(SESSION_KEY)
    return chosen if chosen in LANGUAGES else None


def shopper_locale() -> str:
    """Return the current request's locale in Babel's form, worked out once per request."""
    if "shopper_locale" not in g:
        preferred = [tag for tag, _ in request.accept_languages if tag != "*"]
        chosen = chosen_language()
        if chosen:
            # The browser's region stays when it speaks the chosen language (fr-CA, fr).
            preferred = [tag for tag in preferred if _language_of(tag) == chosen] or [chosen]
        g.shopper_locale = negotiate(preferred, current_app.config["SETTINGS"].default_locale)
    return g.shopper_locale


def page_language() -> str:
    """Return the language the page's words are in (a store locale without a catalog: English)."""
    language = Locale.parse(shopper_locale()).language
    return language if language in LANGUAGES else SOURCE_LANGUAGE


def country_name(code: str, fallback: str = "") -> str:
    """Name a country (ISO 3166-1 alpha-2) in the shopper's language: ``KW`` -> ``الكويت``."""
    name = Locale.parse(shopper_locale()).territories.get((code or "").upper(), "")
    return name or fallback or code


def language_tag(locale: str) -> str:
    """Return a Babel locale as a BCP 47 tag (``de_DE`` -> ``de-DE``)."""
    return locale.replace("_", "-")


@cache
def direction(language: str) -> str:
    """Return ``rtl`` for a right-to-left language (Arabic), else ``ltr``."""
    return "rtl" if Locale.parse(language).character_order == "right-to-left" else "ltr"


def catalog() -> Any:
    """Return the request's translations, looked up once per request.

    Flask-Babel finds them anew for each message (tens of microseconds, through its context
    proxies), and a page says a hundred messages.
    """
    found = g.get("translations")
    if found is None:
        found = g.translations = get_translations()
    return found


def install_gettext(app: Flask) -> None:
    """Let templates say messages through the request's catalog (``_``, ``ngettext``...)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalog().ugettext(string),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        newstyle=True,
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(
            context, singular, plural, n
        ),
    )
    # ``_`` straight to the catalog: Jinja's own alias takes three context calls a message.
    app.jinja_env.globals["_"] = say


def say(string: str, **variables: Any) -> Markup:
    """``{{ _("Order #%(number)s", number=order.id) }}``: the message, its values escaped.

    What Jinja's newstyle gettext does in an autoescaped template (every template here is
    HTML): the catalog's words are markup, the values are text.
    """
    return Markup(catalog().ugettext(string)) % variables  # noqa: S704 - values are escaped


def translate(message: Any) -> Any:
    """Say a message in the shopper's language: a marked service message, or any other str."""
    if isinstance(message, Message):
        # A value that is itself a message (a field's name in a refusal) is said too; any
        # other value (what the shopper typed, BigCommerce's words) is shown as it is.
        said = {
            key: translate(value) if isinstance(value, Message) else value
            for key, value in message.params.items()
        }
        if message.plural is not None:
            said["num"] = message.count
            return catalog().ungettext(message.msgid, message.plural, message.count) % said
        text = catalog().ugettext(message.msgid)
        return text % said if said else text
    if isinstance(message, str) and message:
        return catalog().ugettext(message)
    return message


class LocalNumber(int):
    """A whole number that a message says in the shopper's locale when it is rendered.

    A form's lazy message (``lazy_gettext("... %(num)s ...", num=LocalNumber(2000))``) is
    written at import and said in a request: ``2,000`` in English, ``2.000`` in German.
    """

    def __str__(self) -> str:
        if has_request_context():
            return format_decimal(int(self), locale=shopper_locale())
        return f"{int(self):,}"


def template_globals() -> dict[str, Any]:
    """Return what base.html needs: the page's lang and dir, and the language switcher."""
    language = page_language()
    return {
        "page_language": language,
        "page_direction": direction(language),
        "languages": LANGUAGES,
        "language_return_path": return_path(),
    }


def return_path() -> str:
    """Return the page to show again once a language is chosen: this one, if it can be got."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    # A page that answered a form (a refusal, say): the page the form was on.
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return urlunsplit(("", "", referrer.path, referrer.query, ""))
    return "/"


@bp.post("/language")
def choose_language() -> Response:
    """Keep the language chosen on the page, then go back to the page it was chosen on."""
    from app.errors import error_page

    language = request.form.get("language", "")
    if language not in LANGUAGES:
        return error_page(
            400, gettext("That language isn't offered"), gettext("Choose one from the list.")
        )
    session[SESSION_KEY] = language
    back = request.form.get("next", "")
    # Only a path on this site: never an open redirect to another one.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = "/"
    return redirect(back, 303)
