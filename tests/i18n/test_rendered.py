"""In each language, every styleguide entry (every offer state, every step, the checkout page,
the confirmation, the error pages) renders in that language: lang and dir right, and no
English sentence left that the language's catalog says otherwise."""

from __future__ import annotations

import re
from functools import cache

import pytest
from bs4 import BeautifulSoup

from app.styleguide.check import entry_url
from app.styleguide.entries import ENTRIES
from app.translations import read_catalog

LANGUAGES = {"de": "ltr", "fr": "ltr", "ja": "ltr", "ar": "rtl"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\{[^}]*\}\}")
WORDED_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


@cache
def english_left(language: str) -> frozenset[str]:
    """English sentences (pieces of three words or more) the catalog says another way."""
    pieces = set()
    for message in read_catalog(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue  # the language keeps these words (a name such as "Checkout+")
            for piece in PLACEHOLDER.split(english):
                piece = " ".join(piece.split()).strip(" .,:;·")
                if len(piece.split()) >= 3:
                    pieces.add(piece)
    return frozenset(pieces)


def shown_text(html: str) -> str:
    """Return what a shopper reads or hears on a page: its text and its worded attributes."""
    soup = BeautifulSoup(html, "html.parser")
    # The styleguide's own frame (its title, note and links) is for designers, in English.
    chrome = ".styleguide__nav, .styleguide__title, .styleguide__note, .styleguide__meta"
    for hidden in soup.select(f"script, style, template, {chrome}"):
        hidden.decompose()
    worded = [element[name] for name in WORDED_ATTRIBUTES for element in soup.select(f"[{name}]")]
    return " ".join([*soup.stripped_strings, *worded])


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_entry_renders_in_the_language_with_no_english_left(client, language):
    left = english_left(language)
    assert len(left) > 100, "the catalog says almost nothing in its own words"
    failures = []
    for entry in ENTRIES:
        response = client.get(f"{entry_url(entry)}?lang={language}")
        assert response.status_code == 200, entry.slug
        html = response.get_data(as_text=True)
        root = BeautifulSoup(html, "html.parser").select_one("html")
        assert (root["lang"], root["dir"]) == (language, LANGUAGES[language]), entry.slug
        text = " ".join(shown_text(html).split())
        found = sorted(piece for piece in left if piece in text)
        if found:
            failures.append(f"{entry.slug}: {found}")
    assert failures == []
