"""The offer's words as the shopper's page renders them: the consent evidence's first half.

The words come from the very template the page uses (a designer's copy included), rendered
for the offer state on show in the shopper's language, so the record follows any change of
copy. The template's version is the digest of its source: two orders with the same version
were shown words from the same template.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser

from flask import current_app
from flask import render_template

from app.checkout import shopper
from app.checkout_plus.consent import ConsentEvidence
from app.checkout_plus.consent import OfferWords
from app.checkout_plus.consent import ShopperChoice
from app.checkout_plus.consent import digest
from app.checkout_plus.offer import OfferState
from app.locales import page_language

OFFER_TEMPLATE = "components/checkout_plus_offer.html"
OFFER_ROOT = "checkout-plus-offer"
# Not words on show: a script-free fallback, and elements the page never displays.
UNSEEN = frozenset({"noscript", "script", "style", "template"})
VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "wbr"})


def offer_words(offer: OfferState) -> OfferWords | None:
    """Return the words the offer shows for this state, or None when no offer is on show."""
    if offer.quote is None:
        return None
    html = render_template(OFFER_TEMPLATE, offer=offer, protection_refused=False, oob=False)
    return OfferWords(_visible_text(html), template_version(), page_language())


def template_version() -> str:
    """Return the first 12 hex digits of the offer template's source digest."""
    env = current_app.jinja_env
    source, _filename, _uptodate = env.loader.get_source(env, OFFER_TEMPLATE)
    return digest(source)[:12]


def remember_choice(offer: OfferState) -> None:
    """Keep the shopper's click on the box just answered: ticked or not, at which words."""
    words = offer_words(offer)
    if words is not None and offer.quote is not None:
        choice = ShopperChoice.of(offer.opted_in, time.time(), offer.quote, words)
        shopper.remember_offer_choice(choice)


def consent_evidence(offer: OfferState) -> ConsentEvidence | None:
    """Return what the shopper's page showed of the offer and their last click on it."""
    words = offer_words(offer)
    return ConsentEvidence(words, shopper.offer_choice()) if words is not None else None


class _OfferText(HTMLParser):
    """Collect the text inside the offer's root element, leaving out what is never seen."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self._open: list[bool] = []  # elements open inside the offer's root: unseen or not

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or not (self._open or ("id", OFFER_ROOT) in attrs):
            return
        unseen = tag in UNSEEN or any(name == "hidden" for name, _ in attrs)
        self._open.append(unseen or (bool(self._open) and self._open[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and not self._open[-1]:
            self.words.append(data)


def _visible_text(html: str) -> str:
    """Return the offer's visible words with runs of white space folded to one space."""
    parser = _OfferText()
    parser.feed(html)
    return " ".join(" ".join(parser.words).split())
