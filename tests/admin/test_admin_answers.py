"""The admin page answers at once, as a merchant tries it: a lookup's answer comes first,
Loop's reasons are in words with the code beside them, an order whose first card was declined
shows the decision actually placed, and an unknown order gets one clear message only."""

from __future__ import annotations

from tests.support.admin import admin
from tests.support.catalog import TENT
from tests.support.offer import choose
from tests.support.offer import set_quantity
from tests.support.ordering import DECLINED_CARD
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import start
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.queue import drain


def panels(page) -> list[str]:
    """The admin page's panels, top to bottom."""
    return [section["id"] for section in page.select("#checkout-plus-admin > section")]


def test_an_order_lookup_answers_first_and_the_page_keeps_its_order_otherwise(client):
    assert panels(parse(admin(client))) == [
        "admin-session",
        "admin-analyses",
        "admin-attach-rate",
        "admin-jobs",
        "admin-order",
    ]
    answered = panels(parse(admin(client, order_id="12")))
    assert answered[0] == "admin-order"
    assert sorted(answered) == sorted(panels(parse(admin(client))))


def test_reasons_are_in_words_with_the_code_beside_them(client, store, sandbox):
    page = open_checkout(client, store.create_cart([(TENT, 1)]))
    set_quantity(client, page, TENT, 2)  # two tents pass Loop's $2,000 maximum
    client.get("/checkout")  # analyzed again
    html = parse(admin(client))
    row = html.select_one("#admin-analyses-table tr[data-reason=cart_too_valuable]")
    cell = row.select_one("[data-reason-words]").parent
    assert cell.select_one("[data-reason-words]").get_text() == (
        "The cart is above the highest value Loop covers"
    )
    assert cell.select_one("code").get_text() == "cart_too_valuable"
    count = html.select_one("tr[data-reason-count][data-reason=cart_too_valuable] th")
    assert count.get_text(" ", strip=True) == (
        "The cart is above the highest value Loop covers cart_too_valuable"
    )


def test_an_unknown_reason_is_said_to_be_unknown_with_its_code(app):
    from app.checkout_plus.reasons import reason_words

    assert reason_words("a_reason_loop_adds_later") == "A reason this server does not know yet"


def test_an_order_declined_then_paid_shows_the_decision_placed(app, client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    back = sent_back(client, place(client, client.get("/checkout"), number=DECLINED_CARD))
    [order] = orders(raw)
    # Between the decline and the payment: no decision yet, and the page says why, calmly.
    unpaid = parse(admin(client, order_id=str(order["id"]))).select_one("#admin-order")
    assert unpaid.select_one("[data-decision][data-unpaid]") is not None
    assert "no offer was on show" not in unpaid.get_text()
    assert unpaid.select_one("[data-block-state]")["data-block-state"] == "waiting"
    assert not unpaid.select(".admin-verdict--bad, .admin-problem")

    assert placed(place(client, back))
    assert [o["id"] for o in orders(raw)] == [order["id"]]  # the same order, paid
    paid = parse(admin(client, order_id=str(order["id"]))).select_one("#admin-order")
    decision = paid.select_one("[data-decision]")
    assert (decision["data-accepted"], decision["data-shown"]) == ("true", "true")
    assert paid.select_one("[data-evidence]")["data-ticked-by-shopper"] == "true"
    assert "no offer was on show" not in paid.get_text()
    # Its sync job pending, the block is not called incomplete: it is not written yet.
    assert paid.select_one("[data-block-state]")["data-block-state"] == "waiting"
    drain(app.extensions["sync_queue"])
    done = parse(admin(client, order_id=str(order["id"]))).select_one("#admin-order")
    assert done.select_one("[data-block-state]")["data-block-state"] == "complete"


def test_an_unknown_order_shows_one_clear_message_and_nothing_else(client):
    response = admin(client, order_id="999999")
    assert response.status_code == 404
    panel = parse(response).select_one("#admin-order")
    assert panel.select_one("#admin-order-problem").get_text() == (
        "BigCommerce has no order 999999. Check the number in the order list."
    )
    assert not panel.select("h3, dl, table, [data-decision], [data-block-state]")
