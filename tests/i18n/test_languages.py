"""The shopper's language: from the page's switcher, the browser, or the store; lang and dir."""

from __future__ import annotations

import pytest

from app import create_app
from app.locales import negotiate
from app.text import N_
from app.text import Message
from app.text import plural_message
from tests.support.app_config import sandbox_config
from tests.support.catalog import SNEAKERS
from tests.support.pages import csrf_token
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.store_api import StoreApi


@pytest.mark.parametrize(
    ("accept", "locale"),
    [
        (["de-DE", "en"], "de_DE"),
        (["de-CH"], "de_CH"),
        (["es-ES", "fr"], "fr"),
        (["es-ES", "it"], "en_US"),
        (["ar-KW"], "ar_KW"),
        (["ja"], "ja"),
        (["x-klingon", "*"], "en_US"),
    ],
)
def test_the_first_browser_language_the_checkout_speaks_wins(accept, locale):
    assert negotiate(accept, "en_US") == locale


@pytest.mark.parametrize(
    ("accept", "lang", "direction"),
    [
        ("ar-KW,en;q=0.5", "ar", "rtl"),
        ("ja-JP", "ja", "ltr"),
        ("de", "de", "ltr"),
        ("", "en", "ltr"),
    ],
)
def test_the_page_says_its_language_and_direction(client, store, accept, lang, direction):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id, headers={"Accept-Language": accept}))
    html = page.select_one("html")
    assert (html["lang"], html["dir"]) == (lang, direction)
    [switcher] = page.select("form#language-form")
    selected = switcher.select_one("select[name=language] option[selected]")
    assert selected["value"] == lang


def test_a_store_locale_without_a_catalog_shows_english_words_and_its_own_number_format(
    sandbox, tmp_path
):
    app = create_app(
        {**sandbox_config(sandbox, CHECKOUT_LOCALE="es_ES"), "INSTANCE_PATH": str(tmp_path)}
    )
    cart_id = StoreApi(sandbox).create_cart([(SNEAKERS, 1)], currency="EUR")
    page = parse(open_checkout(app.test_client(), cart_id))
    assert page.select_one("html")["lang"] == "en"
    assert "€" in page.select_one("#order-summary").get_text()


def test_the_switcher_keeps_the_choice_and_returns_to_the_page(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id, headers={"Accept-Language": "en-US"}))
    assert page.select_one("[data-total=total] dd").get_text(" ", strip=True) == "$89.00 USD"
    form = page.select_one("form#language-form")
    back = form.select_one("input[name=next]")["value"]
    assert back.startswith("/checkout")
    answer = client.post(
        form["action"], data={"language": "de", "next": back, "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == back
    again = parse(client.get(back, headers={"Accept-Language": "en-US"}))
    # The browser still says English: the choice wins, for the words and for the prices.
    assert again.select_one("html")["lang"] == "de"
    assert again.select_one("#language-select option[selected]")["value"] == "de"
    assert again.select_one("h1 .checkout__title-text").get_text(strip=True) == "Sichere Kasse"
    assert again.select_one("[data-total=total] dd").get_text(" ", strip=True) == "89,00\xa0$ USD"


@pytest.mark.parametrize("elsewhere", ["//evil.example/x", "https://evil.example/", "javascript:x"])
def test_the_switcher_never_sends_the_shopper_to_another_site(client, store, elsewhere):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    answer = client.post(
        "/language", data={"language": "de", "next": elsewhere, "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"


def test_a_language_the_checkout_does_not_speak_is_refused_and_nothing_changes(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id, headers={"Accept-Language": "de"}))
    answer = client.post(
        "/language", data={"language": "tlh", "next": "/", "csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 400
    refusal = parse(answer)
    assert refusal.select_one("[data-status='400'] h1").get_text(strip=True)
    assert "list" in refusal.select_one("[data-status='400'] p").get_text()
    again = parse(open_checkout(client, cart_id, headers={"Accept-Language": "de"}))
    assert again.select_one("html")["lang"] == "de"


def test_a_service_message_keeps_its_english_and_what_it_is_made_of():
    plain = N_("Choose a shipping method.")
    assert plain == "Choose a shipping method."
    made = Message("Only %(count)s left in stock.", count=3)
    assert made == "Only 3 left in stock."
    assert (made.msgid, made.params) == ("Only %(count)s left in stock.", {"count": 3})
    several = plural_message("%(num)d item", "%(num)d items", 2)
    assert several == "2 items"
    assert (several.msgid, several.plural, several.count) == ("%(num)d item", "%(num)d items", 2)


def test_a_message_says_its_marked_values_and_leaves_typed_ones_alone(app):
    from app.locales import translate

    with app.test_request_context(headers={"Accept-Language": "de"}):
        # A field's name, itself a message, is said in German; a shopper named "Cart" is not.
        refused = Message("%(field)s %(problem)s.", field=Message("City"), problem="is required")
        assert translate(refused) == "Ort is required."
        thanked = Message("Thank you, %(name)s!", name="Cart")
        assert translate(thanked) == "Vielen Dank, Cart!"


def test_a_lists_options_are_escaped_and_the_chosen_one_selected(app):
    from app.filters import options

    choices = (("US", "United States"), ("XX", 'A <b>"bold"</b> & co'), ("JP", "日本"))
    with app.test_request_context():
        html = str(options(choices, "XX"))
        assert html.count(" selected") == 1
        assert '<option value="XX" selected>A &lt;b&gt;&#34;bold&#34;&lt;/b&gt; &amp; co' in html
        assert str(options(choices, "")).count("selected") == 0
        assert str(options(choices, "ZZ")).count("selected") == 0


def test_a_chosen_language_keeps_the_browsers_region_for_it_only(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id, headers={"Accept-Language": "fr-CA,arn"}))
    token = csrf_token(page)
    client.post("/language", data={"language": "ar", "next": "/", "csrf_token": token})
    again = parse(client.get("/checkout", headers={"Accept-Language": "fr-CA,arn"}))
    # Mapudungun ("arn") is no Arabic: the choice stands as plain Arabic.
    assert again.select_one("html")["lang"] == "ar"
    client.post("/language", data={"language": "fr", "next": "/", "csrf_token": token})
    again = parse(client.get("/checkout", headers={"Accept-Language": "fr-CA,arn"}))
    # French with the browser's Canadian region: US dollars written the Canadian way
    # ("89,00 $ US"; France writes "89,00 $US").
    assert again.select_one("html")["lang"] == "fr"
    assert "89,00\xa0$\xa0US" in again.select_one("#order-summary").get_text()
