"""The session cookie is the shopper's only state: a forged, tampered or replayed one buys nothing.

The server signs the cookie, ignores any it did not sign, and decides the fee from Loop's own
answers, never from what a form or a cookie claims the price is.
"""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from tests.support.app_config import sandbox_config
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.ordering import card
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse

COOKIE = "checkout_session"


def opted_in_cookie(client, raw) -> str:
    """Bind a ready cart, opt in to the offer and return the signed session cookie."""
    _cart_id, page = start(client, raw)
    assert choose(client, page, opt_in=True).status_code in (200, 303)
    return client.get_cookie(COOKIE).value


def with_cookie(app, value: str):
    """Return a fresh client of the app that sends only this session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, value)
    return other


def session_of(app, value: str) -> dict:
    """Read a cookie's session as the app would (raising if the signature does not hold)."""
    return app.session_interface.get_signing_serializer(app).loads(value)


def foreign_signature(app, data: dict) -> str:
    """Sign session data as another deployment (another SECRET_KEY) would."""
    stranger = create_app(
        {**sandbox_config_of(app), "SECRET_KEY": "another-stores-secret-key-" + "9" * 32}
    )
    return SecureCookieSessionInterface().get_signing_serializer(stranger).dumps(data)


def sandbox_config_of(app) -> dict:
    """The configuration an app was built with, as create_app takes it."""
    settings = app.config["SETTINGS"]
    return {
        "CHECKOUT_SANDBOX": "1",
        "BIGCOMMERCE_API_URL": settings.bigcommerce_api_url,
        "BIGCOMMERCE_PAYMENTS_URL": settings.bigcommerce_payments_url,
        "LOOP_CHECKOUT_PLUS_URL": settings.loop_checkout_plus_url,
        "LOOP_ORDERS_API_URL": settings.loop_orders_api_url,
        "INSTANCE_PATH": app.instance_path,
        "TESTING": True,
    }


def assert_fresh_session(app, response) -> None:
    """The answer shows no cart: whatever the cookie claimed was not trusted."""
    assert response.status_code == 200
    page = parse(response)
    assert page.select_one("#order-summary") is None, "a checkout was shown from a bad cookie"
    assert "Your cart is empty" in page.select_one("h1").get_text()


@pytest.mark.parametrize("damage", ["payload", "signature", "truncated"])
def test_a_tampered_cookie_is_ignored_and_places_nothing(app, client, raw, sandbox, damage):
    value = opted_in_cookie(client, raw)
    payload, _, signature = value.rpartition(".")
    tampered = {
        # One character of the signed data changed: the signature no longer matches.
        "payload": payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,
        "signature": payload + "." + signature[::-1],
        "truncated": value[: len(value) // 2],
    }[damage]
    attacker = with_cookie(app, tampered)
    assert_fresh_session(app, attacker.get("/checkout"))
    # The fresh session has a fresh CSRF token, so even the real token from the page is refused.
    refused = attacker.post("/checkout/place", data={"csrf_token": "x", **card()})
    assert refused.status_code == 400
    assert orders(raw) == []


def test_a_cookie_signed_by_another_deployment_is_ignored(app, client, raw, sandbox):
    value = opted_in_cookie(client, raw)
    foreign = foreign_signature(app, session_of(app, value))
    assert foreign != value
    attacker = with_cookie(app, foreign)
    assert_fresh_session(app, attacker.get("/checkout"))
    assert attacker.post("/checkout/place", data=card()).status_code == 400
    assert orders(raw) == []


def test_a_posted_price_currency_or_mode_is_ignored_the_fee_is_loops(app, client, raw, sandbox):
    _cart_id, page = start(client, raw)
    offer = offer_of(page)
    quoted = offer.select_one("[data-checkout-plus-price]")
    form = offer.select_one("form")
    forged = {
        "csrf_token": form.select_one("input[name=csrf_token]")["value"],
        "quote": form.select_one("input[name=quote]")["value"],
        "checkout_plus": "y",
        # Fields a bot might add, hoping the server reads them.
        "amount": "1",
        "fee_amount": "1",
        "currency": "JPY",
        "mode": "shippingProtection",
        "mode[]": "shippingProtection",
        "session_id": "lop_AAAAAAAAAAAAAAAAAAAA",
    }
    assert client.post("/checkout/protection", data=forged).status_code in (200, 303)
    placed = place(client, client.get("/checkout"))
    assert placed.status_code == 303
    [order] = orders(raw)
    [fee] = order_fees(raw, order["id"])
    last = sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json
    assert int(quoted["data-amount"]) == last["chargeInstructions"]["amount"] == 298
    assert fee["cost_ex_tax"].startswith("2.98")  # Loop's 298 minor units of USD, not 1
    assert order["currency_code"] == "USD"


def test_a_quote_token_the_server_did_not_show_opts_nobody_in(app, client, raw, sandbox):
    _cart_id, page = start(client, raw)
    choose(client, page, opt_in=True, quote="0" * 16)
    state = session_of(app, client.get_cookie(COOKIE).value)["checkout"]["offer"]
    assert state["accepted"] is None
    assert state["reconfirm"] is True
    again = parse(client.get("/checkout"))
    box = again.select_one("#checkout-plus-offer input[name=checkout_plus]")
    assert box is not None
    assert not box.has_attr("checked")
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    assert order_fees(raw, order["id"]) == []


def test_an_old_cookie_replayed_after_a_price_change_cannot_buy_the_old_price(
    app, client, raw, sandbox
):
    old_cookie = opted_in_cookie(client, raw)
    token = csrf_token(parse(client.get("/checkout")))
    old_amount = session_of(app, old_cookie)["checkout"]["offer"]["accepted"]["amount"]
    # The cart grows in the same browser: Loop's price goes up.
    assert set_quantity(client, client.get("/checkout"), 101, 3).status_code in (200, 303)
    # The shopper (or a bot) puts back the cookie that accepted the lower price and pays.
    replay = with_cookie(app, old_cookie)
    refused = replay.post("/checkout/place", data={"csrf_token": token, **card()})
    assert orders(raw) == []
    notice = parse(sent_back(replay, refused)).select_one("#placement-notice")
    assert notice is not None
    assert "changed" in notice.get_text()
    fresh = session_of(app, replay.get_cookie(COOKIE).value)["checkout"]["offer"]
    assert fresh["accepted"] is None
    new_amount = fresh["analysis"]["quote"]["amount"]
    assert new_amount > old_amount
    # Ticked again at the price now shown, the order carries that price, never the old one.
    choose(replay, replay.get("/checkout"), opt_in=True)
    assert placed(place(replay, replay.get("/checkout")))
    [order] = orders(raw)
    [fee] = order_fees(raw, order["id"])
    assert fee["cost_ex_tax"].startswith(f"{new_amount // 100}.{new_amount % 100:02d}")


@pytest.mark.parametrize(
    ("host", "secure"),
    [
        ("127.0.0.1:8000", False),
        ("localhost:8000", False),
        ("[::1]:8000", False),
        ("shop.localhost", False),
        ("192.168.1.20:8000", True),
        ("demo.example.com", True),
    ],
)
def test_the_sandbox_cookie_is_secure_anywhere_but_loopback(sandbox, tmp_path, host, secure):
    app = create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path)))
    client = app.test_client()
    response = client.get(
        "/checkout?cart_id=0f8fad5b-d9cb-469f-a165-70867728950e", headers={"Host": host}
    )
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith(f"{COOKIE}=")
    assert ("; Secure" in set_cookie) is secure
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
