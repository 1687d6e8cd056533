"""Find words in templates that are not marked for translation.

A template's words are marked when they are inside ``_()``/``gettext()``/``ngettext()`` or a
``{% trans %}`` block. This reads each template with Jinja's own lexer and reports:
- text between tags, and the words of ``alt``, ``title``, ``placeholder``, ``aria-label``
  and a button's ``value``, outside any marking;
- a string in a Jinja expression that reads as words (it starts with a capitalised word, or
  ends a sentence) outside a gettext call, such as a label passed to a macro.
Ids, classes, names, URLs and autocomplete tokens are lower-case single tokens and pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment

from app.translations import ENGLISH_ONLY_TEMPLATES

GETTEXT_CALLS = frozenset({"_", "gettext", "ngettext", "pgettext", "npgettext"})
WORDS_ATTRIBUTES = frozenset({"alt", "title", "placeholder", "aria-label", "aria-description"})
# A letter in any script: the checkout's words may be written in any language.
LETTER = re.compile(r"[^\W\d_]")
# An expression's string that a shopper reads: "First name", "Saved.", not "shipping given-name".
READS_AS_WORDS = re.compile(r"^[A-Z][a-z]|[a-z][.!?…]$")
# A macro that writes attributes (aria-invalid="true") reads as text to the parser: not words.
ATTRIBUTE_TEXT = re.compile(r"""[\w-]+=(?:"[^"]*"|'[^']*')""")
# Stands in for Jinja's own parts, so markup around them still parses.
HOLE = "\x00"


@dataclass(frozen=True)
class Unmarked:
    """Words a template shows without marking them for translation."""

    template: str
    line: int
    words: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: not marked for translation: {self.words!r}"


class _Words(HTMLParser):
    """Collect the text and the worded attributes of an HTML skeleton."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        worded = set(WORDS_ATTRIBUTES)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            worded.add("value")
        for name, value in attrs:
            if name in worded and value:
                self._keep(value)

    def handle_data(self, data: str) -> None:
        self._keep(data)

    def _keep(self, text: str) -> None:
        words = " ".join(text.replace(HOLE, " ").split())
        if LETTER.search(ATTRIBUTE_TEXT.sub("", words)):
            first = LETTER.search(text)
            lead = text[: first.start()].count("\n") if first else 0
            self.found.append((self.getpos()[0] + lead, words))


def unmarked_in(source: str, name: str = "<template>") -> list[Unmarked]:
    """Return the words a template's source shows without marking them."""
    # Only its lexer is used: nothing is rendered, so escaping never comes into it.
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    skeleton: list[str] = []
    found: list[Unmarked] = []
    calls: list[str] = []  # the names of the calls an expression is inside
    in_trans = after_block_begin = False
    previous_name = ""
    for line, kind, value in env.lex(source):
        if kind == "data":
            # Inside {% trans %} the words are the message; keep only its line breaks.
            skeleton.append(HOLE + "\n" * value.count("\n") if in_trans else value)
            continue
        skeleton.append(HOLE + "\n" * value.count("\n"))
        if kind == "block_begin":
            after_block_begin = True
            continue
        if kind == "name" and after_block_begin:
            in_trans = {"trans": True, "endtrans": False}.get(value, in_trans)
        if kind != "whitespace":
            after_block_begin = False
        if kind == "operator" and value == "(":
            calls.append(previous_name)
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        elif kind == "string" and not GETTEXT_CALLS.intersection(calls):
            text = value[1:-1]
            if READS_AS_WORDS.search(text):
                found.append(Unmarked(name, line, text))
        previous_name = value if kind == "name" else ""
    parser = _Words()
    parser.feed("".join(skeleton))
    parser.close()
    found += [Unmarked(name, line, words) for line, words in parser.found]
    return sorted(found, key=lambda item: item.line)


def unmarked_templates(folder: Path) -> list[Unmarked]:
    """Return every unmarked word in a templates folder (the English-only folders aside)."""
    found: list[Unmarked] = []
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        if name.startswith(ENGLISH_ONLY_TEMPLATES):
            continue
        found += unmarked_in(path.read_text(encoding="utf-8"), name)
    return found
