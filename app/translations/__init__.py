"""The shopper's words in each language: where the catalogs live and how they are kept.

Every message is written in English where it is used (templates: ``_()`` and ``{% trans %}``;
Python: ``gettext``/``lazy_gettext`` in the web layer, ``N_``/``Message`` in services). The
catalogs beside this file, ``<language>/LC_MESSAGES/messages.po``, say each one in a
language; ``python -m app.translations`` extracts, updates, checks and compiles them.
English has a catalog too, so the checkout's English wording changes without touching code.
"""

from __future__ import annotations

import copy
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

CATALOGS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = CATALOGS_DIR.parent.parent
DOMAIN = "messages"
# The checkout's languages, each named in itself (what the language switcher shows).
LANGUAGES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "ja": "日本語",
    "ar": "العربية",
}
SOURCE_LANGUAGE = "en"
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "N_": None,
    "Message": None,
    "plural_message": (1, 2),
}
# Shopper-facing Python: everything in app/ but the sandbox (a stand-in for BigCommerce and
# Loop, which answer in English as they do live) and the merchant's admin page.
PYTHON_MAP = [
    ("sandbox/**.py", "ignore"),
    ("admin/**.py", "ignore"),
    ("styleguide/**.py", "ignore"),
    ("**.py", "python"),
]
# Runtime and extraction must agree on whitespace in {% trans %} blocks: both trim it.
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"}
# The merchant's admin page and the designers' styleguide chrome are in English.
ENGLISH_ONLY_TEMPLATES = ("admin/", "styleguide/")
TEMPLATES_MAP = [
    *((f"{folder}**.html", "ignore") for folder in ENGLISH_ONLY_TEMPLATES),
    ("**.html", "jinja2"),
]


@dataclass(frozen=True)
class CatalogProblem:
    """A message a language's catalog lacks, leaves fuzzy or gets wrong."""

    language: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.language}: {self.problem}: {self.msgid!r}"


def po_path(language: str) -> Path:
    """Return where a language's catalog is kept."""
    return CATALOGS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(templates_dir: Path | None = None) -> Catalog:
    """Return every message the app and its templates mark for translation."""
    catalog = Catalog(project="checkout-plus-bigcommerce", charset="utf-8")
    sources = (
        (PROJECT_ROOT / "app", PYTHON_MAP, {}),
        (templates_dir or PROJECT_ROOT / "templates", TEMPLATES_MAP, {"**.html": JINJA_OPTIONS}),
    )
    for folder, method_map, options in sources:
        found = extract_from_dir(
            str(folder), method_map, options, KEYWORDS, comment_tags=("Translators:",)
        )
        for filename, lineno, message, comments, context in found:
            where = (f"{folder.name}/{filename}", lineno)
            catalog.add(message, None, [where], auto_comments=comments, context=context)
    return catalog


def read_catalog(language: str) -> Catalog:
    """Return a language's catalog as kept (an empty one when it has none yet)."""
    path = po_path(language)
    if not path.exists():
        return Catalog(
            locale=language,
            domain=DOMAIN,
            project="Checkout+ for BigCommerce",
            copyright_holder="the Checkout+ for BigCommerce authors",
            fuzzy=False,
        )
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def write_catalog(language: str, catalog: Catalog) -> None:
    """Write a language's catalog back, sorted so that diffs stay small."""
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_previous=True)
    _replace(path, buffer.getvalue())


def update(template: Catalog, languages: Iterable[str] = LANGUAGES) -> None:
    """Bring each catalog up to the extracted messages; English says each in its own words."""
    for language in languages:
        catalog = read_catalog(language)
        # Babel's update adopts the template's own Message objects: each language its copy.
        created = catalog.creation_date
        catalog.update(copy.deepcopy(template), update_header_comment=False)
        catalog.creation_date = created  # a date that changes every run only makes diffs
        if language == SOURCE_LANGUAGE:
            for message in catalog:
                # A new message, or one Babel guessed from a similar old one: its own words.
                if message.id and (message.fuzzy or not _translated(message.string)):
                    message.string = message.id
                    message.previous_id = []
                message.flags.discard("fuzzy")
        write_catalog(language, catalog)


def problems(template: Catalog, languages: Iterable[str] = LANGUAGES) -> list[CatalogProblem]:
    """Return every extracted message a catalog lacks or leaves fuzzy, and every bad one."""
    found: list[CatalogProblem] = []
    for language in languages:
        catalog = read_catalog(language)
        for wanted in template:
            if not wanted.id:
                continue
            have = catalog.get(wanted.id, context=wanted.context)
            key = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
            if have is None or not _translated(have.string):
                found.append(CatalogProblem(language, key, "missing"))
            elif have.fuzzy:
                found.append(CatalogProblem(language, key, "fuzzy"))
            elif isinstance(have.string, tuple) and len(have.string) != catalog.num_plurals:
                found.append(CatalogProblem(language, key, f"needs {catalog.num_plurals} forms"))
        for message, errors in catalog.check():
            key = message.id if isinstance(message.id, str) else message.id[0]
            found.extend(CatalogProblem(language, key, str(error)) for error in errors)
    return found


def compile_catalogs(languages: Iterable[str] = LANGUAGES) -> list[Path]:
    """Write each catalog's ``.mo`` where it is older than its ``.po``; return those written."""
    written = []
    for language in languages:
        source = po_path(language)
        target = source.with_suffix(".mo")
        if not source.exists():
            continue
        if target.exists() and target.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            continue
        buffer = io.BytesIO()
        write_mo(buffer, read_catalog(language), use_fuzzy=False)
        _replace(target, buffer.getvalue())
        written.append(target)
    return written


def _translated(string: str | tuple[str, ...] | None) -> bool:
    if isinstance(string, tuple):
        return all(string)
    return bool(string)


def _replace(path: Path, content: bytes) -> None:
    # Written beside and renamed over: a worker starting meanwhile never reads half a file.
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)
