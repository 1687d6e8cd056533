"""A page that never waits on Loop: the offer loads itself, from the analysis already started.

``GET /checkout`` waits on Loop only ``CHECKOUT_PLUS_PAGE_WAIT_MS``; past that it shows the
offer loading, and the offer's follow-up (``GET /checkout/offer``) picks up the very analysis
the page started: one analyze call per cart state, within one app and across apps that share
the analysis shelf (gunicorn's processes). Timing figures are the benchmark's (tests/bench).
"""

from __future__ import annotations

import json

from app import create_app
from tests.support.app_config import sandbox_config
from tests.support.catalog import SNEAKERS
from tests.support.offer import BOTH
from tests.support.offer import analyses
from tests.support.offer import assert_hidden
from tests.support.offer import assert_offered
from tests.support.offer import offer_of
from tests.support.offer import summary_totals
from tests.support.pages import HTMX
from tests.support.waiting import wait_until

SNEAKERS_QUOTE = 298  # Loop's price for one pair ($89, the first tier: 198 + 100 cents)


def slow_app(sandbox, path, **extra):
    """The app with a short page wait, so a Loop slower than it leaves the offer loading."""
    config = {"INSTANCE_PATH": str(path), "CHECKOUT_PLUS_PAGE_WAIT_MS": "100", **extra}
    return create_app(sandbox_config(sandbox, **config))


def follow_up(page) -> dict[str, str]:
    """The headers htmx sends with the loading offer's own request."""
    return {**HTMX, **json.loads(offer_of(page)["hx-headers"])}


def assert_loading(offer) -> None:
    """Check the loading state: a skeleton that asks for the offer, and nothing to read."""
    assert offer["data-state"] == "loading"
    assert not offer.select("input, [data-checkout-plus-price], [data-checkout-plus-description]")
    assert offer.select("[data-checkout-plus-skeleton]")
    assert offer.get_text(strip=True) == "Show the protection offer"  # the <noscript> link
    assert offer["hx-get"] == "/checkout/offer"
    assert offer["hx-trigger"].split(",")[0].strip() == "load"


def test_a_slow_loop_leaves_the_offer_loading_and_the_follow_up_delivers_it(
    sandbox, store, tmp_path
):
    client = slow_app(sandbox, tmp_path).test_client()
    sandbox.set_faults("loop POST /v1/analyze delay=0.6")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    client.get(f"/checkout?cart_id={cart_id}")
    page = client.get("/checkout")
    assert page.status_code == 200
    assert_loading(offer_of(page))
    assert "checkout_plus" not in summary_totals(page)
    answer = client.get(offer_of(page)["hx-get"], headers=follow_up(page))
    assert answer.status_code == 200
    assert_offered(offer_of(answer), SNEAKERS_QUOTE, "USD", BOTH)
    assert len(analyses(sandbox)) == 1, "the follow-up asked Loop again"
    # The follow-up's answer kept the analysis in the cookie: the page now has it at once.
    assert_offered(offer_of(client.get("/checkout")), SNEAKERS_QUOTE, "USD", BOTH)
    assert len(analyses(sandbox)) == 1


def test_a_healthy_loop_is_offered_on_the_first_page(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    client.get(f"/checkout?cart_id={cart_id}")
    assert_offered(offer_of(client.get("/checkout")), SNEAKERS_QUOTE, "USD", BOTH)
    assert len(analyses(sandbox)) == 1


def test_a_loop_failure_in_the_background_hides_the_offer(sandbox, store, tmp_path):
    # Loop answers after the page's wait and after the analyze timeout: the background call
    # fails (a timeout; any Loop failure ends the same way in the offer service).
    client = slow_app(sandbox, tmp_path, LOOP_ANALYZE_TIMEOUT="0.3").test_client()
    sandbox.set_faults("loop POST /v1/analyze delay=1")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    client.get(f"/checkout?cart_id={cart_id}")
    page = client.get("/checkout")
    assert_loading(offer_of(page))
    answer = client.get(offer_of(page)["hx-get"], headers=follow_up(page))
    offer = offer_of(answer)
    assert_hidden(offer)
    assert "offer--collapse" in offer["class"], "a loading offer folds away when hidden"
    assert len(analyses(sandbox)) == 1


def test_two_apps_sharing_the_shelf_ask_loop_once(sandbox, store, tmp_path):
    # Two gunicorn processes: the same instance folder, so the same analysis shelf.
    first = slow_app(sandbox, tmp_path).test_client()
    second_app = slow_app(sandbox, tmp_path)
    sandbox.set_faults("loop POST /v1/analyze delay=0.6")
    cart_id = store.create_cart([(SNEAKERS, 1)])
    first.get(f"/checkout?cart_id={cart_id}")
    page = first.get("/checkout")
    assert_loading(offer_of(page))
    # The follow-up lands on the other process, with the shopper's cookie.
    second = second_app.test_client()
    cookie = first.get_cookie("checkout_session")
    second.set_cookie(cookie.key, cookie.value)
    answer = second.get(offer_of(page)["hx-get"], headers=follow_up(page))
    assert_offered(offer_of(answer), SNEAKERS_QUOTE, "USD", BOTH)
    wait_until(lambda: len(analyses(sandbox)) >= 1)
    assert len(analyses(sandbox)) == 1, "the second process asked Loop again"
