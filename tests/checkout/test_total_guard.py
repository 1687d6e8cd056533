"""The total guard: Place order charges exactly the total the page showed, or nothing.

The place-order form carries the page's figures, signed. When the order would charge any
other total (a coupon, a fee or a tax that changed behind the page's back), nothing is
charged: the shopper is sent back to the checkout, which shows the new total and the reason.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from itsdangerous import URLSafeSerializer

from app.checkout.shown_total import SALT
from app.money import to_minor
from tests.support.addresses import KW_ADDRESS
from tests.support.addresses import NY_ADDRESS
from tests.support.addresses import OH_ADDRESS
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.ordering import charged
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import shown_total
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import parse

REGIONS = {"0%": KW_ADDRESS, "6%": OH_ADDRESS, "8.875%": NY_ADDRESS}
CASES = [
    (currency, region, opt_in)
    for (currency, region), opt_in in zip(
        itertools.product(("USD", "EUR", "JPY", "KWD"), REGIONS),
        itertools.cycle((True, False)),
        strict=False,
    )
]


def total_of(page) -> int:
    """The total a checkout page shows, in minor units."""
    return int(parse(page).select_one("#order-totals [data-total=total]")["data-amount"])


def opted_in_page(client, page):
    """Tick the offer when it is offered; return the page as it then is."""
    if offer_of(page)["data-state"] == "offered":
        choose(client, page, opt_in=True)
    return client.get("/checkout")


@pytest.mark.parametrize(("currency", "region", "opt_in"), CASES)
def test_a_total_changed_behind_the_page_charges_nothing_and_shows_the_new_one(
    client, raw, sandbox, currency, region, opt_in
):
    cart_id, page = start(
        client, raw, items=((101, 2),), currency=currency, address=REGIONS[region]
    )
    if opt_in:
        page = opted_in_page(client, page)
    was = total_of(page)
    # Another tab applies a coupon: the page the shopper pays from is out of date.
    raw.call("POST", f"/v3/checkouts/{cart_id}/coupons", {"coupon_code": "SAVE10"})
    answer = place(client, page)
    assert orders(raw) == []  # nothing created, nothing charged
    back = sent_back(client, answer)
    now = total_of(back)
    assert now < was
    grand_total = raw.call("GET", f"/v3/checkouts/{cart_id}").json()["data"]["grand_total"]
    assert now == to_minor(Decimal(str(grand_total)), currency)
    message = parse(back).select_one("#payment-message[data-notice=total_changed]")
    assert message.has_attr("autofocus")
    shown_now = parse(back).select_one("#order-totals [data-total=total] dd").contents[0]
    assert shown_now.strip() in message.select_one("strong").get_text()
    assert "Your discount" in message.get_text()  # the figure that moved is named
    # Placed again from the page that shows the new total: exactly that is charged.
    assert placed(place(client, back))
    [order] = orders(raw)
    assert charged(sandbox, order["id"]) == now


def test_a_changed_tax_region_is_named_with_the_new_total(client, raw, sandbox):
    cart_id, page = start(client, raw, address=OH_ADDRESS)
    page = opted_in_page(client, page)
    # The billing and shipping address move to New York City behind the page: more tax.
    [consignment] = raw.call("GET", f"/v3/checkouts/{cart_id}").json()["data"]["consignments"]
    lines = [{"item_id": item, "quantity": 1} for item in consignment["line_item_ids"]]
    path = f"/v3/checkouts/{cart_id}/consignments/{consignment['id']}"
    raw.call("PUT", path, {"address": NY_ADDRESS, "line_items": lines})
    raw.call("PUT", path, {"shipping_option_id": "sandbox-standard"})
    back = sent_back(client, place(client, page))
    assert orders(raw) == []
    message = parse(back).select_one("#payment-message[data-notice=total_changed]")
    assert "Tax went from" in message.get_text()
    assert placed(place(client, back))


def test_another_apps_fee_added_behind_the_page_is_never_charged_unseen(client, raw, sandbox):
    cart_id, page = start(client, raw)
    fee = {"type": "custom_fee", "name": "wrap", "display_name": "Gift wrap", "cost": 2}
    raw.call("POST", f"/v3/checkouts/{cart_id}/fees", {"fees": [{**fee, "source": "x"}]})
    back = sent_back(client, place(client, page))
    assert orders(raw) == []
    assert "Other fees went from" in parse(back).select_one("#placement-notice").get_text()
    assert placed(place(client, back))


def test_a_pickup_order_is_guarded_too(client, raw, sandbox):
    cart_id, page = start(client, raw, address=OH_ADDRESS)
    token = csrf_token(parse(page))
    pickup = {"csrf_token": token, "delivery-method": "pickup-1"}
    assert client.post("/checkout/delivery-method", data=pickup).status_code == 303
    page = opted_in_page(client, client.get("/checkout"))
    raw.call("POST", f"/v3/checkouts/{cart_id}/coupons", {"coupon_code": "FIVEOFF"})
    back = sent_back(client, place(client, page))
    assert orders(raw) == []
    assert placed(place(client, back))
    [order] = orders(raw)
    assert charged(sandbox, order["id"]) == total_of(back)


@pytest.mark.parametrize("token", ["", "not-a-token", "forged"])
def test_a_missing_or_forged_total_charges_nothing(client, raw, sandbox, token):
    _, page = start(client, raw)
    if token == "forged":
        # The right shape, signed with another key: what a page never showed.
        figures = {"total": 1, "subtotal": 1}
        token = URLSafeSerializer("not-our-key", salt=SALT).dumps(
            {"currency": "USD", "figures": figures}
        )
    data = {"shown_total": token}
    response = place(client, page, **data)
    assert orders(raw) == []
    back = sent_back(client, response)
    assert parse(back).select_one("#payment-message[data-notice=total_changed]")
    assert shown_total(back)  # the page now carries the real total
    assert placed(place(client, back))
