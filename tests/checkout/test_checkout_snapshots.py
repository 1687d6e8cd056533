"""Re-using the checkout a request left for the next one, and reading afresh when in doubt."""

from __future__ import annotations

from app import create_app
from app.checkout.snapshots import CheckoutSnapshots
from app.clients.bigcommerce import BigCommerceClient
from app.sandbox import credentials
from tests.support.addresses import OHIO_FORM
from tests.support.app_config import sandbox_config
from tests.support.catalog import SNEAKERS
from tests.support.catalog import SOCKS
from tests.support.offer import analyses
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed
from tests.support.steps import ready_to_ship

HTMX = {"HX-Request": "true"}
GET_CHECKOUT = "/stores/*/v3/checkouts/*"
MAP_PDF = 104


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bigcommerce_calls(sandbox) -> list[str]:
    """The BigCommerce calls made since the log was last cleared, as "METHOD path"."""
    return [f"{entry.method} {entry.path}" for entry in sandbox.bigcommerce.log.entries()]


def checkout_reads(sandbox) -> int:
    return sandbox.bigcommerce.log.count("GET", GET_CHECKOUT)


def a_checkout(sandbox, store, items=((SNEAKERS, 1),)):
    """A real checkout from the sandbox store, parsed by our client."""
    cart_id = store.create_cart(list(items))
    client = BigCommerceClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
    )
    return client.get_checkout(cart_id)


# The store itself


def test_a_snapshot_is_recalled_only_by_its_token_and_only_while_fresh(sandbox, store):
    clock = Clock()
    snapshots = CheckoutSnapshots(reuse_seconds=60, clock=clock)
    checkout = a_checkout(sandbox, store)
    token = snapshots.keep(checkout)
    assert snapshots.recall(checkout.id, token) is checkout
    assert snapshots.recall(checkout.id, token + "x") is None
    assert snapshots.recall(checkout.id, None) is None
    assert snapshots.recall(checkout.id, 12345) is None  # not a token we could have written
    assert snapshots.recall("another-cart", token) is None
    clock.now += 59.9
    assert snapshots.recall(checkout.id, token) is checkout
    clock.now += 0.1
    assert snapshots.recall(checkout.id, token) is None
    assert snapshots.recall(checkout.id, token) is None  # expired stays expired


def test_only_the_latest_snapshot_of_a_cart_is_recalled(sandbox, store):
    snapshots = CheckoutSnapshots()
    first = a_checkout(sandbox, store)
    old_token = snapshots.keep(first)
    newer = type(first)(**{**first.__dict__, "version": (first.version or 0) + 1})
    new_token = snapshots.keep(newer)
    assert new_token != old_token
    assert snapshots.recall(first.id, old_token) is None  # a concurrent request's older view
    assert snapshots.recall(first.id, new_token) is newer
    assert snapshots.keep(newer) == new_token  # shown again unchanged: same token, same age


def test_keeping_the_same_checkout_again_does_not_make_it_younger(sandbox, store):
    clock = Clock()
    snapshots = CheckoutSnapshots(reuse_seconds=60, clock=clock)
    checkout = a_checkout(sandbox, store)
    token = snapshots.keep(checkout)
    clock.now += 50
    assert snapshots.keep(snapshots.recall(checkout.id, token)) == token
    clock.now += 10
    assert snapshots.recall(checkout.id, token) is None


def test_reading_an_unchanged_checkout_again_keeps_the_token_and_renews_it(sandbox, store):
    clock = Clock()
    snapshots = CheckoutSnapshots(reuse_seconds=60, clock=clock)
    checkout = a_checkout(sandbox, store)
    token = snapshots.keep(checkout)
    clock.now += 50
    read_again = type(checkout)(**checkout.__dict__)
    assert read_again is not checkout
    assert snapshots.keep(read_again) == token
    clock.now += 50
    assert snapshots.recall(checkout.id, token) is read_again


def test_a_page_reload_of_an_unchanged_cart_sets_no_cookie(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    open_checkout(client, cart_id)
    again = client.get("/checkout")
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers


def test_the_least_recently_kept_carts_go_first_and_forget_drops_one(sandbox, store):
    snapshots = CheckoutSnapshots(capacity=2)
    checkouts = [a_checkout(sandbox, store) for _ in range(3)]
    tokens = [snapshots.keep(checkout) for checkout in checkouts]
    assert snapshots.recall(checkouts[0].id, tokens[0]) is None
    assert snapshots.recall(checkouts[1].id, tokens[1]) is checkouts[1]
    snapshots.forget(checkouts[2].id)
    assert snapshots.recall(checkouts[2].id, tokens[2]) is None


# What the checkout saves in upstream calls


def test_the_offer_refresh_after_a_change_reads_nothing_from_bigcommerce(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    sandbox.bigcommerce.log.clear()
    set_quantity(client, page, SNEAKERS, 2, htmx=True)
    # The change starts from the page's checkout: one write, one read of the result.
    assert [call.split(" ")[0] for call in bigcommerce_calls(sandbox)] == ["PUT", "GET"]
    sandbox.bigcommerce.log.clear()
    refreshed = client.get("/checkout/offer", headers=HTMX)
    assert refreshed.status_code == 200
    assert bigcommerce_calls(sandbox) == []
    # ...and yet it priced the cart as changed.
    assert analyses(sandbox)[-1].json["cart"]["lines"][0]["quantity"] == 2
    assert offer_of(refreshed)["data-state"] == "offered"


def test_opting_in_puts_the_fee_on_the_checkout_and_reads_its_totals(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    sandbox.bigcommerce.log.clear()
    response = choose(client, page, opt_in=True, htmx=True)
    assert response.status_code == 200
    assert offer_of(response).select_one("input[name=checkout_plus]").has_attr("checked")
    # A fresh read (the page's copy may be another tab's past), then the fee, whose answer
    # carries BigCommerce's totals (no second read: a fee changes no shipping option).
    calls = [
        call.split(" ")[0] + " " + call.rsplit("/", 1)[-1] for call in bigcommerce_calls(sandbox)
    ]
    assert calls == [f"GET {cart_id}", "POST fees"]
    total = parse(response).select_one("#order-totals [data-total=total]")
    assert int(total["data-amount"]) == round(store.checkout(cart_id)["grand_total"] * 100)
    sandbox.bigcommerce.log.clear()
    choose(client, page, opt_in=False, htmx=True)
    assert [call.split(" ")[0] for call in bigcommerce_calls(sandbox)] == ["GET", "DELETE"]
    assert store.checkout(cart_id)["fees"] == []


def test_a_shipping_address_costs_two_writes_and_still_lists_the_options(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    sandbox.bigcommerce.log.clear()
    response = post(
        client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM), htmx=True
    )
    assert response.status_code == 200
    calls = [
        call.split(" ")[0] + " " + call.rsplit("/", 1)[-1] for call in bigcommerce_calls(sandbox)
    ]
    assert len(calls) == 2, calls
    assert calls[0] == "POST consignments"
    assert calls[1].startswith("PUT ")  # the billing address follows the shipping address
    options = parse(response).select("#checkout-shipping input[name='shipping-option-option_id']")
    assert len(options) >= 2  # the options came from the consignment write's answer
    # The billing address did follow.
    billing = store.checkout(cart_id)["billing_address"]
    assert billing["address1"] == OHIO_FORM["address1"]


def test_an_email_change_after_the_address_keeps_the_options_without_a_read(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    post(client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM), htmx=True)
    sandbox.bigcommerce.log.clear()
    response = post(
        client, page, "/checkout/contact", {"contact-email": "grace@example.com"}, htmx=True
    )
    assert response.status_code == 200
    assert checkout_reads(sandbox) == 0
    assert sandbox.bigcommerce.log.count("PUT", "/stores/*/v3/checkouts/*/billing-address/*") == 1
    page = client.get("/checkout")
    options = parse(page).select("#checkout-shipping input[name='shipping-option-option_id']")
    assert len(options) >= 2
    assert store.checkout(cart_id)["billing_address"]["email"] == "grace@example.com"


# When the snapshot cannot be trusted


def test_a_line_added_in_another_tab_is_shipped_too(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    # The storefront, in another tab, adds socks after the checkout page was read.
    store.data(
        "POST",
        f"/v3/carts/{cart_id}/items",
        json={"line_items": [{"product_id": SOCKS, "quantity": 1}]},
    )
    response = post(
        client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM), htmx=True
    )
    assert response.status_code == 200
    checkout = store.checkout(cart_id)
    physical = {item["id"] for item in checkout["cart"]["line_items"]["physical_items"]}
    [consignment] = checkout["consignments"]
    assert set(consignment["line_item_ids"]) == physical
    assert len(physical) == 2
    # The totals the shopper now sees include the socks.
    assert "cart-changed" in response.headers.get("HX-Trigger", "")


def test_an_equal_quantity_is_still_sent_when_the_page_may_be_out_of_date(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    line_id = parse(page).select_one(f"[data-product-id='{SNEAKERS}']")["data-line-id"]
    # Another tab makes it 3; this page, still showing 1, asks for 1 again.
    store.data(
        "PUT",
        f"/v3/carts/{cart_id}/items/{line_id}",
        json={"line_item": {"product_id": SNEAKERS, "quantity": 3}},
    )
    set_quantity(client, page, SNEAKERS, 1, htmx=True)
    [line] = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    assert line["quantity"] == 1


def test_another_worker_without_the_snapshot_reads_bigcommerce(
    client, app, store, sandbox, tmp_path
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    set_quantity(client, page, SNEAKERS, 2, htmx=True)
    other = create_app(sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "other")))
    other_client = other.test_client()
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    other_client.set_cookie(cookie.key, cookie.value)
    sandbox.bigcommerce.log.clear()
    refreshed = other_client.get("/checkout/offer", headers=HTMX)
    assert refreshed.status_code == 200
    assert checkout_reads(sandbox) == 1
    assert analyses(sandbox)[-1].json["cart"]["lines"][0]["quantity"] == 2


def test_an_expired_snapshot_is_read_again(client, app, store, sandbox):
    clock = Clock()
    app.extensions["checkout_snapshots"] = CheckoutSnapshots(reuse_seconds=60, clock=clock)
    cart_id = store.create_cart([(SNEAKERS, 1)])
    open_checkout(client, cart_id)
    sandbox.bigcommerce.log.clear()
    client.get("/checkout/offer", headers=HTMX)
    assert checkout_reads(sandbox) == 0
    clock.now += 61
    client.get("/checkout/offer", headers=HTMX)
    assert checkout_reads(sandbox) == 1


def test_the_page_itself_always_reads_bigcommerce(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    open_checkout(client, cart_id)
    store.data(
        "POST",
        f"/v3/carts/{cart_id}/items",
        json={"line_items": [{"product_id": MAP_PDF, "quantity": 1}]},
    )
    sandbox.bigcommerce.log.clear()
    page = client.get("/checkout")
    assert checkout_reads(sandbox) == 1
    assert parse(page).select_one(f"#order-summary [data-product-id='{MAP_PDF}']") is not None


def test_the_cookie_carries_a_token_never_the_checkout(client, app, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    open_checkout(client, cart_id)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    seen = data["checkout"]["seen"]
    assert isinstance(seen, str)
    assert 12 <= len(seen) <= 24
    assert cart_id not in seen
    assert set(data["checkout"]) <= {"cart_id", "offer", "seen"}
    assert len(cookie.value) < 1500  # a checkout would not fit in this


def test_an_opt_in_keeps_the_shipping_options_the_fee_answer_lacks(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    response = choose(client, page, opt_in=True, htmx=True)
    assert response.status_code == 200
    # The next step starts from the checkout the opt-in left: its options are still there,
    # so choosing one needs no read before the write.
    sandbox.bigcommerce.log.clear()
    chosen = post(
        client,
        page,
        "/checkout/shipping-option",
        {"shipping-option-option_id": "sandbox-express"},
        True,
    )
    assert chosen.status_code == 200
    assert next(call.split(" ")[0] for call in bigcommerce_calls(sandbox)) == "PUT"
    options = parse(chosen).select("#checkout-shipping [data-shipping-option-id]")
    assert [o["data-shipping-option-id"] for o in options] == [
        "sandbox-standard",
        "sandbox-express",
    ]
