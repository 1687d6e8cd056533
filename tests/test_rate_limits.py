"""Per-session rate limits on every route that changes the cart or places the order."""

from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError
from app.rate_limits import CART_CHANGES
from app.rate_limits import PLACE_ORDER
from app.rate_limits import scope_of
from tests.support.app_config import sandbox_config
from tests.support.ordering import DECLINED_CARD
from tests.support.ordering import card
from tests.support.ordering import orders
from tests.support.ordering import sent_back
from tests.support.ordering import shown_total
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse
from tests.support.routes import our_writes
from tests.support.routes import post_routes

# Each POST route that has no per-session limit, and why.
UNLIMITED = {
    # BigCommerce's own deliveries: no shopper session, authenticated by the shared secret,
    # answered without an upstream call (the job runs later, at the worker's pace).
    "webhooks.bigcommerce_webhook": None,
    # The merchant's admin page: behind the admin credential, not a shopper route, and a retry
    # only queues a job (the worker calls BigCommerce at its own pace).
    "admin.retry_job": None,
    # The language switcher writes one value into the shopper's own session cookie and calls
    # nothing upstream: there is no quota of the store's to spend.
    "locales.choose_language": None,
}
PLACE_ROUTES = {"checkout.place"}


@pytest.fixture
def tight_app(sandbox, tmp_path):
    """The app with limits small enough to reach in a test."""
    return create_app(
        sandbox_config(
            sandbox,
            INSTANCE_PATH=str(tmp_path / "instance"),
            CHECKOUT_RATE_LIMIT_CART_CHANGES="3/minute",
            CHECKOUT_RATE_LIMIT_PLACE_ORDER="2/minute",
        )
    )


def test_every_post_route_is_limited_per_session_or_exempt_for_a_reason(app):
    for endpoint, _ in post_routes(app):
        scope = scope_of(app.view_functions[endpoint])
        if endpoint in UNLIMITED:
            assert scope is None, f"{endpoint} is limited; take it out of UNLIMITED"
        elif endpoint in PLACE_ROUTES:
            assert scope == PLACE_ORDER, f"{endpoint} must count against the place-order limit"
        else:
            assert scope == CART_CHANGES, (
                f"{endpoint} is a new POST route: mark it @rate_limits.cart_change (or "
                "place_order), or add it to UNLIMITED with the reason"
            )


def test_cart_changes_share_one_limit_and_the_next_is_refused_with_a_message(
    tight_app, raw, sandbox
):
    client = tight_app.test_client()
    _cart_id, page = start(client, raw)
    token = csrf_token(parse(page))

    def post(path: str, **fields):
        return client.post(path, data={"csrf_token": token, **fields})

    assert post("/checkout/contact", **{"contact-email": "ring@example.com"}).status_code == 303
    assert post("/checkout/coupons", **{"coupon-code": "SAVE10"}).status_code == 303
    assert post("/checkout/contact", **{"contact-email": "jane@example.com"}).status_code == 303
    sandbox.bigcommerce.log.clear()
    sandbox.loop.log.clear()
    refused = post("/checkout/contact", **{"contact-email": "knock@example.com"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    text = parse(refused).get_text(" ", strip=True)
    assert "Too many changes in a short time" in text
    assert "wait a minute, then try again" in text
    assert our_writes(sandbox) == []  # the refused change never reached BigCommerce
    # Another shopper is not held back by this one.
    other = tight_app.test_client()
    _other_cart, other_page = start(other, raw)
    answer = other.post(
        "/checkout/contact",
        data={"csrf_token": csrf_token(parse(other_page)), "contact-email": "hi@example.com"},
    )
    assert answer.status_code == 303


def test_under_htmx_a_refused_change_reloads_the_page_which_says_why(tight_app, raw, sandbox):
    client = tight_app.test_client()
    _cart_id, page = start(client, raw)
    token = csrf_token(parse(page))
    htmx = {"HX-Request": "true"}
    for _ in range(3):
        client.post("/checkout/contact", data={"csrf_token": token, "contact-email": "a@b.co"})
    refused = client.post(
        "/checkout/contact", data={"csrf_token": token, "contact-email": "b@b.co"}, headers=htmx
    )
    assert refused.status_code == 429
    assert refused.headers["HX-Refresh"] == "true"
    assert "HX-Request" in refused.headers["Vary"]
    flash = parse(client.get("/checkout")).select_one(".flash[role=status]")
    assert flash is not None
    assert "wait a minute, then try again" in flash.get_text()


def test_placing_has_its_own_limit_and_a_refusal_places_nothing(tight_app, raw, sandbox):
    client = tight_app.test_client()
    _cart_id, page = start(client, raw)
    token = csrf_token(parse(page))
    declined = {"csrf_token": token, "shown_total": shown_total(page), **card(DECLINED_CARD)}
    for _ in range(2):
        assert sent_back(client, client.post("/checkout/place", data=declined))
    refused = client.post("/checkout/place", data={"csrf_token": token, **card()})
    assert refused.status_code == 429
    assert "Too many changes" in parse(refused).get_text()
    assert [order["status_id"] for order in orders(raw)] == [0]  # the declined one, unpaid
    # Changing the cart still works: the two limits are counted apart.
    email = client.post("/checkout/contact", data={"csrf_token": token, "contact-email": "x@y.co"})
    assert email.status_code == 303


@pytest.mark.parametrize("value", ["lots", "0/minute", "30/fortnight", "30/minute;"])
def test_a_limit_that_cannot_be_read_stops_start_up_naming_the_variable(sandbox, tmp_path, value):
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path), CHECKOUT_RATE_LIMIT_PLACE_ORDER=value
    )
    with pytest.raises(ConfigError) as error:
        create_app(config)
    assert error.value.variable == "CHECKOUT_RATE_LIMIT_PLACE_ORDER"
    assert "such as '10/minute;60/hour'" in str(error.value)


def test_limits_switched_off_leave_every_route_working(sandbox, tmp_path, raw):
    # RATELIMIT_ENABLED is flask-limiter's own switch (e.g. for a load test of one session).
    app = create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path), RATELIMIT_ENABLED=False))
    client = app.test_client()
    _cart_id, page = start(client, raw)
    token = csrf_token(parse(page))
    for _ in range(35):
        answer = client.post(
            "/checkout/contact", data={"csrf_token": token, "contact-email": "x@y.co"}
        )
        assert answer.status_code == 303
