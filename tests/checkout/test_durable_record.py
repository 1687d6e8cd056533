"""The durable record of a placement, pinned: what an order must leave behind, and when not to
place one at all.

* The decision and its sync job are stored before the ledger counts the order as paid
  (``PlacementService._finish``). When storing the job fails, the shopper sees an error page;
  their retry must find the order unpaid in the ledger and store the job then: one order, one
  payment, one job, and the full Checkout+ block on the order once the queue has run. The
  failure is a real one: another connection holds the SQLite file's write lock (a backup, a
  long write by another process) past the store's busy timeout, so the app's own store code
  meets "database is locked". Each case waits out that timeout: 10 s for the job record,
  5 s for huey's queue.
* At placement Loop's fresh quote must be the one the shopper accepted, cover included
  (``PlacementService._confirm_quote``): the same amount for other modes is a different
  offer, and the shopper is asked again, nothing created or charged.

Refusals are read from the page the shopper ends on (redirects followed), never from a
status code: the page may come back directly or after a redirect.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import create_app
from tests.support.app_config import sandbox_config
from tests.support.loop_requests import default_rules
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.ordering import card
from tests.support.ordering import metafields
from tests.support.ordering import order_fees
from tests.support.ordering import orders
from tests.support.ordering import payments
from tests.support.ordering import shown_total
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse

RETURNS, SHIPPING = "returnCoverage", "shippingProtection"
# The whole block the connector path writes: every key but the optional fee_name.
BLOCK_KEYS = {"session_id", "accepted_offer_mode", "fee_amount", "fee_currency"}


def place_and_follow(client, page):
    """Submit the payment form from ``page`` and return the page the shopper ends on."""
    data = {"csrf_token": csrf_token(parse(page)), "shown_total": shown_total(page), **card()}
    return client.post("/checkout/place", data=data, follow_redirects=True)


@contextmanager
def write_locked(path: Path) -> Iterator[None]:
    """Hold a SQLite file's write lock from another connection, as another process would."""
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()


@pytest.mark.parametrize("retry", ["reload", "resubmit"])
@pytest.mark.parametrize(
    "store_file",
    ["sync.sqlite3", "queue.sqlite3"],
    ids=["the job record fails", "the queue message fails"],
)
def test_a_job_that_could_not_be_stored_is_stored_by_the_retry_once(
    sandbox, raw, tmp_path, caplog, store_file, retry
):
    app = create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "instance")))
    queue = app.extensions["sync_queue"]
    client = app.test_client()
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")

    data = {"csrf_token": csrf_token(parse(page)), "shown_total": shown_total(page), **card()}
    with write_locked(Path(app.instance_path) / store_file), caplog.at_level(logging.ERROR):
        answer = client.post("/checkout/place", data=data)
    assert "database is locked" in caplog.text  # the store failed, and nothing else
    # No error page: the browser is sent to the checkout, whose next look finishes the order.
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/checkout"
    [charged] = orders(raw)
    assert charged["status_id"] == 11  # the card was charged before the job was stored

    # The browser follows the redirect (a reload does the same), or the form is posted again.
    if retry == "reload":
        retried = client.get("/checkout", follow_redirects=True)
    else:
        retried = place_and_follow(client, page)
    assert retried.request.path == "/checkout/confirmation"
    assert parse(retried).select_one("#order-confirmation")["data-order-id"] == str(charged["id"])
    [order] = orders(raw)
    assert order["id"] == charged["id"]
    assert payments(sandbox) == 1
    assert len(order_fees(raw, order["id"])) == 1
    assert queue.jobs.count_by_state() == {"pending": 1, "done": 0, "failed": 0}
    block = metafields(raw, order["id"], queue)  # runs the queue first
    assert set(block) == BLOCK_KEYS
    assert block["accepted_offer_mode"] == f'["{RETURNS}","{SHIPPING}"]'
    assert block["fee_amount"] == "298"
    assert block["fee_currency"] == "USD"
    assert queue.jobs.count_by_state() == {"pending": 0, "done": 1, "failed": 0}
    decision = app.extensions["decisions"].for_order(order["id"])
    assert decision.accepted
    assert decision.mode == (RETURNS, SHIPPING)


def test_the_same_price_for_other_cover_asks_the_shopper_again(app, client, raw, sandbox):
    _, page = start(client, raw)
    offered = offer_of(page).select_one("[data-checkout-plus-description]")
    assert offered["data-mode"].split() == [RETURNS, SHIPPING]
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    # Loop now covers shipping only, at the 2.98 both modes cost together.
    rules = default_rules()
    demo = rules["merchants"]["demo"]
    demo["modes"] = [SHIPPING]
    demo["pricing"]["USD"]["tiers"][0]["price"][SHIPPING] = 298
    sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules)

    shown = place_and_follow(client, page)
    assert orders(raw) == []
    assert payments(sandbox) == 0
    assert shown.request.path != "/checkout/confirmation"
    notice = parse(shown).select_one("#placement-notice")
    assert notice is not None, "no notice that the protection changed"
    assert "changed" in notice.get_text()
    offer = offer_of(shown)
    assert offer["data-state"] == "offered"
    assert offer.select_one("[data-checkout-plus-description]")["data-mode"] == SHIPPING
    assert offer.select_one("[data-checkout-plus-price]")["data-amount"] == "298"
    assert not offer.select_one("input[name=checkout_plus]").has_attr("checked")
    assert offer.select_one("[data-checkout-plus-notice]") is not None  # "tick it again"

    # Ticked again, the new cover is what the order carries.
    choose(client, shown, opt_in=True)
    placed = place_and_follow(client, client.get("/checkout"))
    assert placed.request.path == "/checkout/confirmation"
    [order] = orders(raw)
    block = metafields(raw, order["id"], app.extensions["sync_queue"])
    assert block["accepted_offer_mode"] == f'["{SHIPPING}"]'
    assert block["fee_amount"] == "298"
    assert payments(sandbox) == 1
