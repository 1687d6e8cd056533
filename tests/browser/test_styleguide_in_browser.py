"""The styleguide in Chromium: every entry passes axe, and the loading state shows nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from app.styleguide.check import entry_url
from app.styleguide.entries import ENTRIES
from tests.support.axe import describe
from tests.support.axe import run_axe

# Every entry in Arabic (right to left, the one whose layout turns); the offer and the pages
# in Japanese, German and French, whose words are what change there.
IN_LANGUAGES = [
    (language, entry)
    for language in ("ar", "ja", "de", "fr")
    for entry in ENTRIES
    if language == "ar" or entry.group in ("Checkout+ offer", "Pages")
]


def assert_axe_passes(page: Page, pages: list[tuple[str, str]]) -> None:
    """Visit each (name, url) in one page and report every page's violations together."""
    # One page visits them all (a fresh app per entry would triple the time).
    failures = []
    for name, url in pages:
        page.goto(url)
        results = run_axe(page)
        assert results["passes"] > 0, f"axe checked nothing on {url}: is the page empty?"
        if results["violations"]:
            failures.append(describe(page.url, name, results["violations"]))
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def test_every_entry_and_the_index_pass_axe(axe_page: Page):
    assert_axe_passes(
        axe_page, [("index", "/styleguide/")] + [(e.slug, entry_url(e)) for e in ENTRIES]
    )


def test_the_entries_pass_axe_in_every_language(axe_page: Page):
    pages = [(f"{e.slug} in {lang}", f"{entry_url(e)}?lang={lang}") for lang, e in IN_LANGUAGES]
    assert_axe_passes(axe_page, [("the offer in every language", "/styleguide/languages"), *pages])


def test_the_loading_offer_keeps_its_space_and_shows_no_price(page: Page):
    page.goto("/styleguide/offer-loading")
    body = page.locator("#checkout-plus-offer .offer__body")
    # Its box stays, with a skeleton drawn over it; nothing inside it shows.
    expect(page.locator("#checkout-plus-offer [data-checkout-plus-price]")).to_be_hidden()
    expect(page.locator("#checkout-plus-offer input[name=checkout_plus]")).to_be_hidden()
    box = body.bounding_box()
    assert box is not None
    assert box["height"] > 40, "the loading offer collapsed: the page would jump"
    page.goto("/styleguide/offer-both")
    expect(page.locator("#checkout-plus-offer .offer__body")).to_be_visible()


def test_the_theme_colours_the_styleguide_like_the_checkout(page: Page):
    page.goto("/styleguide/place-ready")
    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--color-brand').trim()"
    )
    button = page.locator("#place-order")
    colour = button.evaluate("element => getComputedStyle(element).backgroundColor")
    red, green, blue = (int(brand[i : i + 2], 16) for i in (1, 3, 5))
    assert colour == f"rgb({red}, {green}, {blue})"
