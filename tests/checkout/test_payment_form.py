"""The payment form as shoppers fill it in: typed their way, refused with the typing kept.

Each post follows its redirects and looks at the page the shopper ends on, so the tests hold
whether a refusal answers with the page itself or redirects back to it.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from app.checkout import card_input
from tests.support.ordering import card
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.ordering import shown_total
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse

CODE = "7391"  # a security code that appears nowhere else on the page
# Random ids (a line's UUID) and signed tokens may hold any digits: "4111" came up in one.
RANDOM_IDS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r'|name="(?:csrf_token|shown_total)" (?:form="payment-form" )?value="[^"]*"'
)


def without_random_ids(html: str) -> str:
    """The page without its random ids and signed tokens, to search for a secret typed."""
    return RANDOM_IDS.sub("", html)


LATER = dt.date.today().year + 4  # a card still valid, whatever year the tests run in
FAR = dt.date.today().year + 30  # past any card's life


def place_and_follow(client, page, **fields):
    """Submit the payment form and return the page the shopper ends on."""
    data = {
        "csrf_token": csrf_token(parse(page)),
        "shown_total": shown_total(page),
        **card(security_code=CODE, **fields),
    }
    return client.post("/checkout/place", data=data, follow_redirects=True)


def charged_cards(sandbox) -> list[dict]:
    """The card of every payment the sandbox gateway was asked to take."""
    entries = sandbox.bigcommerce.log.entries("POST", "/stores/*/payments")
    return [json.loads(entry.body)["payment"]["instrument"] for entry in entries]


@pytest.mark.parametrize(
    ("number", "typed_as", "month"),
    [
        ("4111 1111 1111 1111", "12{yy}", 12),  # 1230 in 2026
        ("4111-1111-1111-1111", "12 / {yyyy}", 12),
        ("4242424242424242", " 1 / {yy}", 1),
        ("5555 5555 5555 4444", "01-{yy}", 1),
    ],
)
def test_an_expiry_and_number_typed_their_own_way_pay(
    client, raw, sandbox, number, typed_as, month
):
    typed_expiry = typed_as.format(yy=f"{LATER % 100:02d}", yyyy=LATER)
    _, page = start(client, raw)
    shown = place_and_follow(client, page, number=number, expiry=typed_expiry)
    assert shown.request.path == "/checkout/confirmation"
    [order] = orders(raw)
    assert order["status_id"] == 11  # paid
    assert parse(shown).select_one("#order-confirmation")["data-order-id"] == str(order["id"])
    [sent] = charged_cards(sandbox)
    assert (sent["expiry_month"], sent["expiry_year"]) == (month, LATER)
    assert sent["number"] == "".join(c for c in number if c.isdigit())
    assert sent["verification_value"] == CODE
    assert payments(sandbox) == 1


@pytest.mark.parametrize(
    ("typed_expiry", "message"),
    [
        ("13/30", card_input.EXPIRY_MONTH),
        ("01/20", "This card expired in 01/20. Check the date, or use another card."),
        (f"12/{FAR}", f"Check the year: cards do not expire as far ahead as {FAR}."),
        ("12/3", card_input.EXPIRY_FORMAT),
    ],
)
def test_a_refused_expiry_keeps_the_typed_expiry_and_name_but_never_the_card(
    client, raw, sandbox, typed_expiry, message
):
    _, page = start(client, raw)
    shown = place_and_follow(client, page, cardholder_name="Jane Q. Doe", expiry=typed_expiry)
    assert shown.request.path != "/checkout/confirmation"  # the checkout, as placed or after PRG
    page = parse(shown)
    field = page.select_one("#payment-expiry")
    assert field["value"] == typed_expiry  # as typed, not as read
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"].split() == ["payment-expiry-hint", "payment-expiry-error"]
    assert page.select_one("#payment-expiry-error").get_text(strip=True) == message
    assert "MM/YY" in page.select_one("#payment-expiry-hint").get_text()
    assert page.select_one("#payment-cardholder_name")["value"] == "Jane Q. Doe"
    assert page.select_one("#payment-card_number")["value"] == ""
    assert page.select_one("#payment-security_code")["value"] == ""
    html = without_random_ids(shown.get_data(as_text=True))
    assert "4111" not in html
    assert CODE not in html
    assert orders(raw) == []
    assert payments(sandbox) == 0


def test_a_mistyped_card_number_is_caught_before_any_order(client, raw, sandbox):
    _, page = start(client, raw)
    shown = place_and_follow(client, page, number="4111 1111 1111 1112", expiry="1230")
    page = parse(shown)
    field = page.select_one("#payment-card_number")
    assert field["value"] == ""
    assert field["aria-invalid"] == "true"
    error = page.select_one(f"#{field['aria-describedby']}")
    assert error.get_text(strip=True) == "Check the card number: it is not a valid card number."
    assert page.select_one("#payment-expiry")["value"] == "1230"
    assert "1112" not in shown.get_data(as_text=True)
    assert orders(raw) == []
    assert payments(sandbox) == 0


@pytest.mark.parametrize("typed_name", ["   ", "N" * 101])
def test_a_refused_name_is_shown_again_as_typed(client, raw, sandbox, typed_name):
    _, page = start(client, raw)
    shown = place_and_follow(client, page, cardholder_name=typed_name, expiry="12 / 30")
    page = parse(shown)
    field = page.select_one("#payment-cardholder_name")
    assert field["value"] == typed_name
    assert field["aria-invalid"] == "true"
    assert page.select_one(f"#{field['aria-describedby']}").get_text(strip=True)
    assert page.select_one("#payment-expiry")["value"] == "12 / 30"
    assert orders(raw) == []


def test_each_card_field_asks_for_its_keyboard_and_autofill(client, raw, sandbox):
    _, shown = start(client, raw)
    form = parse(shown).select_one("#payment-form")
    fields = {
        name: form.select_one(f"input[name={name}]")
        for name in ("cardholder_name", "card_number", "expiry", "security_code")
    }
    autocomplete = {name: field["autocomplete"] for name, field in fields.items()}
    assert autocomplete == {
        "cardholder_name": "cc-name",
        "card_number": "cc-number",
        "expiry": "cc-exp",
        "security_code": "cc-csc",
    }
    keyboards = {name: field.get("inputmode") for name, field in fields.items()}
    # Digits alone are accepted everywhere a number is asked, so a digit keypad is enough.
    assert keyboards == {
        "cardholder_name": None,
        "card_number": "numeric",
        "expiry": "numeric",
        "security_code": "numeric",
    }
    assert form.select_one("label[for=payment-expiry]").get_text(strip=True) == "Expiry date"
    assert fields["expiry"]["aria-describedby"] == "payment-expiry-hint"
    assert form.select_one("#payment-expiry-hint").get_text(strip=True).startswith("MM/YY")
    assert all(not field.has_attr("aria-invalid") for field in fields.values())
