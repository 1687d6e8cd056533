"""In each language, every styleguide entry (every offer state, every step, the checkout page,
the confirmation, the error pages) renders in that language: lang and dir right, and no
English sentence left that the language's catalog says otherwise."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from app.styleguide.check import entry_url
from app.styleguide.entries import ENTRIES
from tests.support.languages import english_left
from tests.support.languages import english_on
from tests.support.offer import assert_copy_names

LANGUAGES = {"de": "ltr", "fr": "ltr", "ja": "ltr", "ar": "rtl"}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_entry_renders_in_the_language_with_no_english_left(client, language):
    assert len(english_left(language)) > 100, "the catalog says almost nothing in its own words"
    failures = []
    for entry in ENTRIES:
        response = client.get(f"{entry_url(entry)}?lang={language}")
        assert response.status_code == 200, entry.slug
        html = response.get_data(as_text=True)
        root = BeautifulSoup(html, "html.parser").select_one("html")
        assert (root["lang"], root["dir"]) == (language, LANGUAGES[language]), entry.slug
        found = english_on(html, language)
        if found:
            failures.append(f"{entry.slug}: {found}")
    assert failures == []


@pytest.mark.parametrize("language", ["en", *sorted(LANGUAGES)])
@pytest.mark.parametrize(
    ("slug", "modes"),
    [
        ("offer-returns", ["returnCoverage"]),
        ("offer-shipping", ["shippingProtection"]),
        ("offer-both", ["returnCoverage", "shippingProtection"]),
        ("offer-both-shipping-first", ["shippingProtection", "returnCoverage"]),
    ],
)
def test_the_offers_copy_names_exactly_the_modes_on_offer_in_every_language(
    client, language, slug, modes
):
    page = BeautifulSoup(
        client.get(f"/styleguide/{slug}?lang={language}").get_data(as_text=True), "html.parser"
    )
    assert_copy_names(page.select_one("#checkout-plus-offer"), modes)
