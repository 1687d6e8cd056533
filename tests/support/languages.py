"""Reading a page for words left in English where its language's catalog says otherwise."""

from __future__ import annotations

import re
from functools import cache

from bs4 import BeautifulSoup

from app.translations import read_catalog

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\{\{[^}]*\}\}")
WORDED_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# The styleguide's own frame (its title, note and links) is for designers, in English.
STYLEGUIDE_CHROME = ".styleguide__nav, .styleguide__title, .styleguide__note, .styleguide__meta"


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
    for hidden in soup.select(f"script, style, template, {STYLEGUIDE_CHROME}"):
        hidden.decompose()
    worded = [element[name] for name in WORDED_ATTRIBUTES for element in soup.select(f"[{name}]")]
    return " ".join(" ".join([*soup.stripped_strings, *worded]).split())


def english_on(html: str, language: str) -> list[str]:
    """Return the English sentences a page in ``language`` still shows."""
    text = shown_text(html)
    return sorted(piece for piece in english_left(language) if piece in text)
