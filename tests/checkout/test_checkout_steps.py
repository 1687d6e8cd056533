"""The checkout's step sections: contact, delivery, billing, coupons and the order note."""

from __future__ import annotations

import pytest

from app.money import to_minor
from tests.support.addresses import OHIO_FORM
from tests.support.catalog import SNEAKERS
from tests.support.catalog import SOCKS
from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import ready_checkout
from tests.support.offer import analyses
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import summary_totals
from tests.support.openapi import validate_traffic
from tests.support.ordering import DECLINED_CARD
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import sent_back
from tests.support.ordering import start
from tests.support.pages import HTMX
from tests.support.pages import csrf_token
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import consignment
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed
from tests.support.steps import ready_to_ship
from tests.support.steps import top_level

MAP_PDF = 104
TEXAS = {**OHIO_FORM, "address1": "9 Elm St", "city": "Austin", "state_or_province": "TX"}
STEP_SECTIONS = [
    "checkout-contact",
    "checkout-shipping",
    "checkout-billing",
    "checkout-comment",  # in the payment form: the note is sent with Place order
    "order-summary",
    "checkout-coupon",
    "checkout-plus-offer",
]


def assert_field_error(root, field_id: str, words: str, typed: str | None = None) -> None:
    """Check a field shows its problem: aria-invalid, described by a message with these words."""
    field = root.select_one(f"#{field_id}")
    assert field is not None, f"#{field_id} is missing"
    assert field["aria-invalid"] == "true"
    described = field["aria-describedby"].split()
    message = root.select_one(f"#{field_id}-error")
    assert message is not None
    assert f"{field_id}-error" in described
    assert words in message.get_text()
    if typed is not None:
        value = field.get_text() if field.name == "textarea" else field.get("value")
        assert value.strip() == typed


# The page and its forms


def test_the_steps_are_laid_out_in_checkout_order_as_real_forms(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = parse(open_checkout(client, cart_id))
    ids = [element["id"] for element in page.select(",".join(f"#{i}" for i in STEP_SECTIONS))]
    assert ids == STEP_SECTIONS
    main = page.select_one(".checkout__main")
    assert [s["id"] for s in main.select(":scope > section")][:3] == STEP_SECTIONS[:3]
    mine = {"checkout-contact", "checkout-shipping", "checkout-billing"}
    mine |= {"checkout-coupon"}
    step_forms = [
        form
        for form in page.select("form")
        if any(parent.get("id") in mine for parent in form.find_parents("section"))
    ]
    # Billing waits for delivery: a shipped order's billing address is written from it.
    assert [form["id"] for form in step_forms] == [
        "contact-form",
        "delivery-form",
        "shipping-address-form",
        "coupon-form",
    ]
    states = [page.select_one(f"#{i}")["data-step-state"] for i in STEP_SECTIONS[:3]]
    assert states == ["done", "open", "locked"]
    assert page.select_one("form#payment-form #checkout-comment textarea[name=comment-message]")
    for form in step_forms:
        section = form.find_parent("section")
        assert form["hx-post"] == form["action"]
        assert form["hx-target"] == f"#{section['id']}"
        assert form["hx-swap"] == "outerHTML"
        assert form["hx-sync"] == "#checkout:drop"
        assert form.select_one("input[name=csrf_token]")["value"]
        for field in form.select("input:not([type=hidden]), select, textarea"):
            assert page.select_one(f"label[for='{field['id']}']"), f"#{field['id']} has no label"
    autocomplete = {
        field["id"]: field["autocomplete"].split()[-1]
        for field in page.select("[autocomplete]")
        if field["id"].startswith(("contact-", "shipping-"))
    }
    assert autocomplete == {
        "contact-email": "email",
        "shipping-first_name": "given-name",
        "shipping-last_name": "family-name",
        "shipping-company": "organization",
        "shipping-address1": "address-line1",
        "shipping-address2": "address-line2",
        "shipping-city": "address-level2",
        "shipping-country_code": "country",
        "shipping-state_or_province": "address-level1",
        "shipping-postal_code": "postal-code",
        "shipping-phone": "tel",
    }
    assert page.select_one("#shipping-country_code option[selected]")["value"] == "US"


def test_payment_ends_the_main_column_and_place_order_ends_the_order_column(client, store, sandbox):
    cart_id = ready_checkout(BigCommerceClient(sandbox.bigcommerce.url), [(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id))
    main = page.select_one(".checkout__main")
    assert [section["id"] for section in main.select(":scope > section")][-1] == "checkout-payment"
    form = main.select_one("#checkout-payment form#payment-form")
    assert form.select(":scope > [id]")[-1]["id"] == "checkout-comment"
    # The order column: lines, coupon, the offer, the totals it changes, then Place order,
    # whose button submits the card fields' form from there.
    aside = page.select_one(".checkout__aside")
    assert [part["id"] for part in aside.select(":scope > [id]")] == [
        "order-summary",
        "checkout-coupon",
        "checkout-plus-offer",
        "checkout-plus-status",  # the offer's live region (announcements only)
        "order-totals",
        "checkout-place",
    ]
    assert aside.select_one("#checkout-place #place-order")["form"] == "payment-form"


def test_delivery_and_billing_wait_for_the_email_and_cost_no_extra_call(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = parse(open_checkout(client, cart_id))
    for section in ("#checkout-shipping", "#checkout-billing"):
        assert not page.select(f"{section} form"), f"{section} is open without an email"
        assert page.select_one(section)["data-step-state"] == "locked"
    assert "email" in page.select_one("#checkout-shipping .step__locked").get_text()
    billing = page.select_one("#checkout-billing .step__locked").get_text()
    assert "shipping address unless you change it" in billing
    assert sandbox.bigcommerce.log.count("GET", "/stores/*/v3/pickup/methods") == 0


def test_a_digital_only_cart_has_no_delivery_section(client, store, sandbox):
    cart_id = store.create_cart([(MAP_PDF, 1)])
    given_email(store, cart_id)
    page = parse(open_checkout(client, cart_id))
    assert page.select_one("#checkout-shipping") is None
    assert page.select_one("#checkout-billing form")
    # With nothing to ship, there is no shipping address to copy: the billing fields show.
    assert page.select_one("#billing-same_as_shipping") is None
    assert page.select_one("#billing-address1")


# Contact


def test_the_email_is_saved_without_javascript(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/contact", {"contact-email": " ada@example.com "})
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    checkout = store.checkout(cart_id)
    assert checkout["cart"]["email"] == "ada@example.com"
    assert checkout["billing_address"]["email"] == "ada@example.com"
    assert checkout["billing_address"]["country_code"] == "US"
    page = parse(client.get("/checkout"))
    assert page.select_one("#contact-email")["value"] == "ada@example.com"
    assert page.select_one("#shipping-address-form")


def test_the_email_with_htmx_opens_delivery_and_billing_out_of_band(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/contact", {"contact-email": "ada@example.com"}, True)
    assert response.status_code == 200
    assert top_level(response) == [
        ("checkout-contact", None),
        ("checkout-shipping", "outerHTML"),
        ("checkout-billing", "outerHTML"),
        ("checkout-place", "outerHTML"),  # what Place order still waits for: delivery only
    ]
    fragment = parse(response)
    assert fragment.select_one("#place-order-missing")["data-missing"] == "delivery"
    assert fragment.select_one("#contact-saved").get_text(strip=True) == "Saved."
    assert fragment.select_one("#checkout-shipping #shipping-address-form")
    # An email changes nothing Loop prices, so the offer is left alone.
    assert "HX-Trigger" not in response.headers
    assert "HX-Request" in response.headers["Vary"]
    assert store.checkout(cart_id)["cart"]["email"] == "ada@example.com"


def test_changing_the_email_keeps_the_billing_address(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    response = post(client, page, "/checkout/contact", {"contact-email": "grace@example.com"})
    assert response.status_code == 303
    billing = store.checkout(cart_id)["billing_address"]
    assert billing["email"] == "grace@example.com"
    assert (billing["address1"], billing["state_or_province_code"]) == ("1 Main St", "OH")


@pytest.mark.parametrize(
    ("typed", "words"),
    [("not-an-email", "like name@example.com"), ("", "Enter your email"), ("a@b.c" * 60, "254")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_bad_email_is_explained_next_to_the_field(client, store, sandbox, typed, words, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/contact", {"contact-email": typed}, htmx)
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    root = parse(response)
    assert (root.select_one("html") is None) == htmx
    assert_field_error(root.select_one("#checkout-contact"), "contact-email", words, typed)
    assert store.checkout(cart_id)["cart"]["email"] == ""


# Shipping address


def test_a_shipping_address_without_javascript_ships_every_item_and_prices_ohio(
    client, store, sandbox
):
    cart_id = store.create_cart([(SNEAKERS, 1), (SOCKS, 2), (MAP_PDF, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM))
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    checkout = store.checkout(cart_id)
    [saved] = checkout["consignments"]
    physical = [item["id"] for item in checkout["cart"]["line_items"]["physical_items"]]
    assert sorted(saved["line_item_ids"]) == sorted(physical)
    address = saved["address"]
    assert (address["state_or_province"], address["state_or_province_code"]) == ("Ohio", "OH")
    assert (address["first_name"], address["city"], address["postal_code"]) == (
        "Ada",
        "Columbus",
        "43004",
    )
    assert address["email"] == "ada@example.com"
    assert address["phone"] == "+16145550100"
    # The billing address was only the email, so it follows the shipping address.
    assert checkout["billing_address"]["address1"] == "1 Main St"
    page = client.get("/checkout")
    assert analyses(sandbox)[-1].json["region"] == "US-OH"
    shown = parse(page)
    assert shown.select_one("#shipping-address1")["value"] == "1 Main St"
    # The state is chosen in the list of US states, by its ISO 3166-2 code.
    chosen = shown.select_one("#shipping-state_or_province option[selected]")
    assert (chosen["value"], chosen.get_text(strip=True)) == ("OH", "Ohio")
    options = shown.select("#shipping-option-form [data-shipping-option-id]")
    assert [o["data-shipping-option-id"] for o in options] == [
        "sandbox-standard",
        "sandbox-express",
    ]
    assert shown.select_one("#billing-same_as_shipping").has_attr("checked")


def test_a_shipping_address_with_htmx_answers_the_section_and_the_totals(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    before = summary_totals(page)
    response = post(
        client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM), True
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert top_level(response) == [
        ("checkout-shipping", None),
        ("checkout-billing", "outerHTML"),
        ("order-totals", "outerHTML"),
        ("summary-bar-total", "outerHTML"),
        ("summary-bar-lines", "outerHTML"),
    ]
    fragment = parse(response)
    assert len(fragment.select("#shipping-option-form input[type=radio]")) == 2
    assert fragment.select_one("#checkout-billing #billing-same_as_shipping").has_attr("checked")
    # Ohio taxes the order, so the totals change with the address.
    after = summary_totals(response)
    assert after["tax"] > before["tax"] == 0
    assert after["total"] == to_minor(store.checkout(cart_id)["grand_total"], "USD")


def test_a_new_address_keeps_the_shipping_method_it_still_offers(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    post(
        client, page, "/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"}
    )
    page = client.get("/checkout")
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", TEXAS))
    assert response.status_code == 303
    saved = consignment(store, cart_id)
    assert saved["address"]["state_or_province_code"] == "TX"
    assert saved["selected_shipping_option"]["id"] == "sandbox-express"


@pytest.mark.parametrize("htmx", [False, True])
def test_a_missing_required_field_is_explained_and_what_was_typed_kept(
    client, store, sandbox, htmx
):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    data = prefixed("shipping", {**OHIO_FORM, "address1": "", "city": "Columbus East"})
    response = post(client, page, "/checkout/shipping-address", data, htmx)
    assert response.status_code == 422
    root = parse(response).select_one("#checkout-shipping")
    assert_field_error(root, "shipping-address1", "street address", "")
    assert root.select_one("#shipping-city")["value"] == "Columbus East"
    assert root.select_one("#shipping-first_name")["value"] == "Ada"
    assert not root.select_one("#shipping-city").has_attr("aria-invalid")
    assert store.checkout(cart_id)["consignments"] == []


@pytest.mark.parametrize("htmx", [False, True])
def test_the_state_of_a_us_address_is_asked_for_before_bigcommerce(client, store, sandbox, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    data = prefixed("shipping", {**OHIO_FORM, "state_or_province": ""})
    response = post(client, page, "/checkout/shipping-address", data, htmx)
    assert response.status_code == 422
    # Google's address data says a US address needs its state: BigCommerce is not asked.
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/consignments") == 0
    root = parse(response).select_one("#checkout-shipping")
    assert_field_error(root, "shipping-state_or_province", "Choose your state.")
    assert root.select_one("#shipping-state_or_province option[selected]") is None
    assert root.select_one("#shipping-address1")["value"] == "1 Main St"
    assert root.select_one("#shipping-country_code option[selected]")["value"] == "US"
    assert store.checkout(cart_id)["consignments"] == []


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("state_or_province", "Atlantis", "state from the list"),
        ("country_code", "QQ", "country"),
        ("postal_code", "", "ZIP code"),
        ("phone", "call me", "valid phone number"),
        ("address1", "x" * 256, "255"),
    ],
)
def test_address_fields_are_checked_before_bigcommerce(client, store, sandbox, field, typed, words):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    data = prefixed("shipping", {**OHIO_FORM, field: typed})
    response = post(client, page, "/checkout/shipping-address", data, htmx=True)
    assert response.status_code == 422
    root = parse(response)
    assert_field_error(root, f"shipping-{field}", words)
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/consignments") == 0


def test_a_postal_code_is_not_asked_where_the_country_has_none(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    hong_kong = {
        **OHIO_FORM,
        "country_code": "HK",
        "state_or_province": "Kowloon",
        "postal_code": "",
        "phone": "2123 4567",
    }
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", hong_kong))
    assert response.status_code == 303
    assert consignment(store, cart_id)["address"]["country_code"] == "HK"


def test_a_shipping_address_needs_the_email_first(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM))
    assert response.status_code == 422
    # Every BigCommerce address carries the email, so the section waits for it.
    locked = parse(response).select_one("#checkout-shipping .step__locked")
    assert "Enter your email first" in locked.get_text()
    assert parse(response).select_one("#contact-email")["required"] is not None
    assert store.checkout(cart_id)["consignments"] == []


# Shipping option


def test_a_shipping_option_without_javascript_is_chosen_in_its_own_request(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    sandbox.bigcommerce.log.clear()
    response = post(
        client, page, "/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"}
    )
    assert response.status_code == 303
    [put] = sandbox.bigcommerce.log.entries("PUT", "/stores/*/v3/checkouts/*/consignments/*")
    assert put.json == {"shipping_option_id": "sandbox-express"}
    assert consignment(store, cart_id)["selected_shipping_option"]["id"] == "sandbox-express"
    page = client.get("/checkout")
    assert summary_totals(page)["shipping"] == 1499
    assert parse(page).select_one("#shipping-option-2").has_attr("checked")


def test_a_shipping_option_with_htmx_updates_the_totals_and_the_offer(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    choose(client, page, opt_in=True)
    page = client.get("/checkout")
    data = {"shipping-option-option_id": "sandbox-standard"}
    response = post(client, page, "/checkout/shipping-option", data, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    # Delivery is chosen: the order can be placed, so Place order comes in too.
    assert top_level(response) == [
        ("checkout-shipping", None),
        ("checkout-place", "outerHTML"),
        ("order-totals", "outerHTML"),
        ("summary-bar-total", "outerHTML"),
        ("summary-bar-lines", "outerHTML"),
    ]
    assert summary_totals(response)["shipping"] == 599
    # The protection fee follows the new quote, which the offer fetches on cart-changed.
    fee = parse(response).select_one("[data-checkout-plus-fee]")
    assert fee.has_attr("data-pending")
    assert parse(response).select_one("#shipping-option-1").has_attr("checked")


@pytest.mark.parametrize("htmx", [False, True])
def test_an_option_that_is_not_offered_is_refused_next_to_the_options(client, store, sandbox, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    sandbox.bigcommerce.log.clear()
    data = {"shipping-option-option_id": "sandbox-teleport"}
    response = post(client, page, "/checkout/shipping-option", data, htmx)
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    root = parse(response).select_one("#checkout-shipping")
    message = root.select_one("#shipping-option-option_id-error")
    assert "Choose one of the shipping methods shown" in message.get_text()
    for radio in root.select("#shipping-option-form input[type=radio]"):
        assert radio["aria-invalid"] == "true"
        assert radio["aria-describedby"] == "shipping-option-option_id-error"
        assert not radio.has_attr("checked")
    assert sandbox.bigcommerce.log.count("PUT") == 0
    assert "selected_shipping_option" not in consignment(store, cart_id)


# Store pickup


def test_pickup_with_htmx_collects_in_store_and_loop_hears_of_it(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    choices = parse(page).select("#delivery-form input[type=radio]")
    assert [c["value"] for c in choices] == ["ship", "pickup-1"]
    assert choices[0].has_attr("checked")
    assert "Pick up in store" in parse(page).select_one("label[for=delivery-method-pickup-1]").text
    response = post(
        client, page, "/checkout/delivery-method", {"delivery-method": "pickup-1"}, True
    )
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert ("order-totals", "outerHTML") in top_level(response)
    section = parse(response).select_one("#checkout-shipping")
    assert section.select_one("[data-pickup-method-id='1']")
    assert "Downtown store pickup" in section.get_text()
    assert section.select_one("#shipping-address-form") is None
    saved = consignment(store, cart_id)
    assert saved["selected_pickup_option"] == {"pickup_method_id": 1}
    assert "address" not in saved
    offer = client.get("/checkout/offer", headers=HTMX)
    groups = analyses(sandbox)[-1].json["deliveryGroups"]
    assert {"deliveryMethod": "PICKUP"} in groups
    # The sandbox merchant covers returns only for pickup orders.
    assert offer_of(offer).select_one("[data-checkout-plus-description]")["data-mode"] == (
        "returnCoverage"
    )


def test_pickup_without_javascript_then_back_to_shipping(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    response = post(client, page, "/checkout/delivery-method", {"delivery-method": "pickup-1"})
    assert response.status_code == 303
    assert consignment(store, cart_id)["selected_pickup_option"] == {"pickup_method_id": 1}
    page = client.get("/checkout")
    assert analyses(sandbox)[-1].json["deliveryGroups"] == [{"deliveryMethod": "PICKUP"}]
    shown = parse(page)
    assert shown.select_one("#delivery-method-pickup-1").has_attr("checked")
    assert shown.select_one("#delivery-save")  # the no-JavaScript button, inside <noscript>
    # Nothing to copy from: the billing address shows its own fields.
    assert shown.select_one("#billing-same_as_shipping") is None
    response = post(client, page, "/checkout/delivery-method", {"delivery-method": "ship"})
    assert response.status_code == 303
    # Shipping again ships to the address given before pickup (tests/checkout/test_pickup_*).
    assert consignment(store, cart_id)["address"]["address1"] == "1 Main St"
    shown = parse(client.get("/checkout"))
    assert shown.select_one("#delivery-method-ship").has_attr("checked")
    assert shown.select_one("#shipping-address1")["value"] == "1 Main St"
    assert shown.select("#shipping-option-form [data-shipping-option-id]")


def test_an_unknown_pickup_method_is_refused(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    response = post(
        client, page, "/checkout/delivery-method", {"delivery-method": "pickup-9"}, True
    )
    assert response.status_code == 422
    root = parse(response)
    message = root.select_one("#delivery-method-error")
    assert "Choose one of the delivery methods shown" in message.get_text()
    assert root.select_one("#delivery-method-ship")["aria-describedby"] == "delivery-method-error"
    assert store.checkout(cart_id)["consignments"] == []


def test_a_store_without_pickup_methods_only_ships(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    sandbox.set_faults("bigcommerce GET /stores/*/v3/pickup/methods status=503")
    page = parse(open_checkout(client, cart_id))
    assert page.select_one("#delivery-form") is None
    assert page.select_one("#shipping-address-form")


# Billing address


def test_a_billing_address_of_its_own_with_htmx(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    form = parse(page).select_one("#billing-form")
    assert form.select_one("#billing-same_as_shipping").has_attr("checked")
    assert form.select_one("#billing-fields")
    data = prefixed("billing", {**TEXAS, "first_name": "Grace", "phone": ""})
    response = post(client, page, "/checkout/billing-address", data, htmx=True)
    assert response.status_code == 200
    assert top_level(response)[0] == ("checkout-billing", None)
    section = parse(response).select_one("#checkout-billing")
    assert not section.select_one("#billing-same_as_shipping").has_attr("checked")
    assert section.select_one("#billing-first_name")["value"] == "Grace"
    assert section.select_one("#billing-saved")
    billing = store.checkout(cart_id)["billing_address"]
    assert (billing["first_name"], billing["state_or_province_code"]) == ("Grace", "TX")
    assert billing["email"] == "ada@example.com"
    assert consignment(store, cart_id)["address"]["state_or_province_code"] == "OH"


def test_same_as_shipping_without_javascript_copies_the_shipping_address(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    post(client, page, "/checkout/billing-address", prefixed("billing", TEXAS))
    page = client.get("/checkout")
    assert store.checkout(cart_id)["billing_address"]["state_or_province_code"] == "TX"
    # The box ticked: the (hidden) fields are ignored, the shipping address is copied.
    data = {"billing-same_as_shipping": "y", **prefixed("billing", {"address1": ""})}
    response = post(client, page, "/checkout/billing-address", data)
    assert response.status_code == 303
    billing = store.checkout(cart_id)["billing_address"]
    assert (billing["address1"], billing["state_or_province_code"]) == ("1 Main St", "OH")


@pytest.mark.parametrize("htmx", [False, True])
def test_an_incomplete_billing_address_is_explained(client, store, sandbox, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    data = prefixed("billing", {**TEXAS, "last_name": "", "city": "Dallas"})
    response = post(client, page, "/checkout/billing-address", data, htmx)
    assert response.status_code == 422
    root = parse(response).select_one("#checkout-billing")
    assert_field_error(root, "billing-last_name", "last name", "")
    assert root.select_one("#billing-city")["value"] == "Dallas"
    assert not root.select_one("#billing-same_as_shipping").has_attr("checked")
    assert store.checkout(cart_id)["billing_address"]["city"] == "Columbus"


def test_same_as_shipping_needs_a_shipping_address(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    data = {"billing-same_as_shipping": "y"}
    response = post(client, page, "/checkout/billing-address", data, htmx=True)
    assert response.status_code == 422
    assert (
        "shipping address first"
        in parse(response).select_one("#billing-same_as_shipping-error").get_text()
    )


# Coupons


def test_a_coupon_without_javascript_is_applied_and_shown(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/coupons", {"coupon-code": "save10"})
    assert response.status_code == 303
    assert [c["code"] for c in store.checkout(cart_id)["coupons"]] == ["SAVE10"]
    page = client.get("/checkout")
    assert summary_totals(page)["discount"] == 890
    applied = parse(page).select_one("#checkout-coupon [data-coupon-code='SAVE10']")
    assert int(applied.select_one("[data-amount]")["data-amount"]) == 890
    assert applied.select_one("button[aria-label='Remove coupon SAVE10']")
    assert analyses(sandbox)[-1].json["cart"]["totalDiscountAmount"] == 890


def test_a_coupon_with_htmx_then_removed(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/coupons", {"coupon-code": "FIVEOFF"}, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert top_level(response) == [
        ("checkout-coupon", None),
        ("order-totals", "outerHTML"),
        ("summary-bar-total", "outerHTML"),
        ("summary-bar-lines", "outerHTML"),
    ]
    assert summary_totals(response)["discount"] == 500
    assert parse(response).select_one("[data-coupon-code='FIVEOFF']")
    removal = {"coupon-remove-code": "FIVEOFF"}
    response = post(client, page, "/checkout/coupons/remove", removal, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "cart-changed"
    assert "discount" not in summary_totals(response)
    assert not parse(response).select("[data-coupon-code]")
    assert store.checkout(cart_id)["coupons"] == []
    # Removing it again (another tab, a double click) changes nothing and is no error.
    response = post(client, page, "/checkout/coupons/remove", removal)
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("code", "words"),
    [("EXPIRED2024", "has expired"), ("NOSUCHCODE", "is invalid"), ("X" * 51, "at most 50")],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_coupon_is_explained_next_to_the_field(client, store, sandbox, code, words, htmx):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/coupons", {"coupon-code": code}, htmx)
    assert response.status_code == 422
    assert "HX-Trigger" not in response.headers
    root = parse(response).select_one("#checkout-coupon")
    assert_field_error(root, "coupon-code", words, code)
    assert store.checkout(cart_id)["coupons"] == []


# Order note


def test_an_order_note_typed_and_never_saved_reaches_the_order(client, raw, sandbox):
    _, page = start(client, raw)
    note = "Please leave it\r\nwith the neighbour."
    assert placed(place(client, page, **{"comment-message": note}))
    [order] = orders(raw)
    assert order["customer_message"] == "Please leave it\nwith the neighbour."
    confirmation = parse(client.get("/checkout/confirmation"))
    note = confirmation.select_one("[data-order-note]").get_text()
    assert note == "Please leave it\nwith the neighbour."


def test_an_order_note_survives_a_declined_card(client, raw, sandbox):
    cart_id, page = start(client, raw)
    answer = place(client, page, number=DECLINED_CARD, **{"comment-message": "Gift"})
    page = sent_back(client, answer)
    assert parse(page).select_one("#comment-message").get_text().strip() == "Gift"
    assert raw.call("GET", f"/v3/checkouts/{cart_id}").json()["data"]["customer_message"] == "Gift"


def test_an_order_note_changes_no_price_and_needs_no_form_of_its_own(client, store, sandbox):
    page = parse(open_checkout(client, store.create_cart([(SNEAKERS, 1)])))
    note = page.select_one("#checkout-comment")
    assert note.find_parent("form")["id"] == "payment-form"
    assert note.select("form, button") == []
    assert client.post("/checkout/comment", data={}).status_code in (400, 404, 405)


def test_an_order_note_too_long_is_refused_beside_it_and_kept(client, raw, sandbox):
    cart_id, page = start(client, raw)
    note = "n" * 2001
    page = sent_back(client, place(client, page, **{"comment-message": note}))
    root = parse(page).select_one("#checkout-comment")
    assert_field_error(root, "comment-message", "2,000 characters", note)
    assert root.select_one("#comment-message")["maxlength"] == "2000"
    assert parse(page).select_one("#payment-message[autofocus]")
    assert orders(raw) == []
    assert raw.call("GET", f"/v3/checkouts/{cart_id}").json()["data"]["customer_message"] == ""


# Sessions and tokens


def test_a_step_without_a_bound_cart_reloads_the_checkout(client, sandbox):
    token = csrf_token(parse(client.get("/")))
    response = client.post(
        "/checkout/contact", data={"csrf_token": token, "contact-email": "a@b.co"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/checkout"
    assert sandbox.bigcommerce.log.count("POST") == 0


def test_a_step_without_its_csrf_token_is_refused(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    open_checkout(client, cart_id)
    response = client.post("/checkout/contact", data={"contact-email": "a@b.co"})
    assert response.status_code == 400
    assert store.checkout(cart_id)["cart"]["email"] == ""


def test_a_cart_gone_meanwhile_is_reported_not_a_crash(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    store.request("DELETE", f"/v3/carts/{cart_id}")
    response = post(client, page, "/checkout/coupons", {"coupon-code": "SAVE10"})
    assert response.status_code == 404
    assert parse(response).select_one("h1").get_text() == "This cart is no longer available"


def test_the_pickup_methods_are_read_once_not_on_every_page(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    for _ in range(3):
        assert parse(open_checkout(client, cart_id)).select_one("#delivery-method-pickup-1")
    assert sandbox.bigcommerce.log.count("GET", "/stores/*/v3/pickup/methods") == 1


JUNK = ["", " ", "x" * 5000, "\x00", "<script>", "pickup-", "pickup-1e3", "../../v3/orders"]
STEP_FIELDS = {
    "/checkout/contact": ["contact-email"],
    "/checkout/shipping-address": [f"shipping-{name}" for name in OHIO_FORM],
    "/checkout/delivery-method": ["delivery-method"],
    "/checkout/shipping-option": ["shipping-option-option_id"],
    "/checkout/billing-address": ["billing-same_as_shipping", "billing-country_code"],
    "/checkout/coupons": ["coupon-code"],
    "/checkout/coupons/remove": ["coupon-remove-code"],
}


@pytest.mark.parametrize("path", sorted(STEP_FIELDS))
def test_no_input_makes_a_step_fail_on_the_server(client, store, sandbox, path):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    for junk in JUNK:
        data = dict.fromkeys(STEP_FIELDS[path], junk)
        for htmx in (False, True):
            response = post(client, page, path, data, htmx)
            assert response.status_code in (200, 303, 422), (path, junk, response.status_code)
    assert client.get("/checkout").status_code == 200


def test_bigcommerce_failing_during_a_step_gives_the_503_page(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    sandbox.set_faults("bigcommerce POST /stores/*/v3/checkouts/*/coupons status=503 times=1")
    response = post(client, page, "/checkout/coupons", {"coupon-code": "SAVE10"})
    assert response.status_code == 503
    assert parse(response).select_one("h1").get_text() == "Checkout is briefly unavailable"


@pytest.mark.usefixtures("bigcommerce_specs")
def test_the_steps_bigcommerce_traffic_follows_the_spec(client, store, sandbox):

    cart_id = store.create_cart([(SNEAKERS, 1), (MAP_PDF, 1)])
    page = open_checkout(client, cart_id)
    sandbox.bigcommerce.log.clear()
    post(client, page, "/checkout/contact", {"contact-email": "ada@example.com"})
    post(client, page, "/checkout/shipping-address", prefixed("shipping", OHIO_FORM))
    post(
        client, page, "/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"}
    )
    post(client, page, "/checkout/shipping-address", prefixed("shipping", TEXAS))
    post(client, page, "/checkout/billing-address", prefixed("billing", OHIO_FORM))
    post(client, page, "/checkout/coupons", {"coupon-code": "EXPIRED2024"})
    post(client, page, "/checkout/coupons", {"coupon-code": "SAVE10"})
    post(client, page, "/checkout/coupons/remove", {"coupon-remove-code": "SAVE10"})
    post(client, page, "/checkout/delivery-method", {"delivery-method": "pickup-1"})
    post(client, page, "/checkout/delivery-method", {"delivery-method": "ship"})
    # The note goes with Place order, saved before anything else is asked of the order.
    place(client, client.get("/checkout"), **{"comment-message": "Leave it at the door."})
    exchanges = sandbox.bigcommerce.log.entries()
    writes = {(e.method, e.path.split(f"/{cart_id}")[-1].rstrip("/")) for e in exchanges}
    assert writes >= {
        ("POST", "/billing-address"),
        ("PUT", "/billing-address/1"),
        ("POST", "/consignments"),
        ("POST", "/coupons"),
        ("DELETE", "/coupons/SAVE10"),
        ("PUT", ""),
        ("GET", "/stores/sandbox/v3/pickup/methods"),
    }
    refused = [(e.method, e.status, e.json) for e in validate_traffic(exchanges)]
    assert refused == [("POST", 400, {"coupon_code": "EXPIRED2024"})]
