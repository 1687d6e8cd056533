"""The steps as a flow: which one is open, which are done, and a done step undone by a change.

Contact, delivery and billing are each open (the first not done), done (folded, with Edit) or
locked (not reached). Saving the shipping address writes the billing address too; a shipping
method the new address does not offer (the sandbox's Express, to a PO box) reopens delivery
with the reason, with htmx and without.
"""

from __future__ import annotations

from tests.support.addresses import OHIO_FORM
from tests.support.catalog import MAP_PDF
from tests.support.catalog import SNEAKERS
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import consignment
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed
from tests.support.steps import ready_to_ship

STEPS = ("checkout-contact", "checkout-shipping", "checkout-billing")
PO_BOX = {**OHIO_FORM, "address1": "PO Box 12"}


def states(response) -> list[str]:
    """Each step section's state on a page, in order."""
    page = parse(response)
    return [page.select_one(f"#{step}")["data-step-state"] for step in STEPS]


def summary_of(response, step: str) -> str:
    """A done step's one-line summary, as text."""
    return parse(response).select_one(f"#{step} [data-step-summary]").get_text(" ", strip=True)


def test_a_new_checkout_opens_at_contact_and_each_step_folds_when_done(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = open_checkout(client, cart_id)
    assert states(page) == ["open", "locked", "locked"]
    assert parse(page).select("#checkout-shipping form") == []
    response = post(client, page, "/checkout/contact", {"contact-email": "ada@example.com"})
    assert response.status_code == 303
    page = client.get("/checkout")
    assert states(page) == ["done", "open", "locked"]
    assert summary_of(page, "checkout-contact") == "ada@example.com"
    # The done step keeps its form, inside the Edit disclosure (closed).
    fold = parse(page).select_one("#checkout-contact details")
    assert fold.select_one("summary").get_text(" ", strip=True).startswith("Edit")
    assert fold.select_one("form#contact-form #contact-email")["value"] == "ada@example.com"
    assert not fold.has_attr("open")


def test_the_shipping_address_writes_billing_so_billing_needs_no_press(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = ready_to_ship(client, store, cart_id)
    assert store.checkout(cart_id)["billing_address"]["address1"] == "1 Main St"
    assert states(page) == ["done", "open", "done"]
    assert summary_of(page, "checkout-billing") == "Same as shipping address"
    billing_box = parse(page).select_one("#billing-same_as_shipping")
    assert billing_box.has_attr("checked"), "billing is the shipping address by default"
    # Place order waits for the shipping method only.
    assert parse(page).select_one("#place-order-missing")["data-missing"] == "delivery"
    choice = {"shipping-option-option_id": "sandbox-standard"}
    response = post(client, page, "/checkout/shipping-option", choice)
    assert response.status_code == 303
    page = client.get("/checkout")
    assert states(page) == ["done", "done", "done"]
    delivery = summary_of(page, "checkout-shipping")
    assert "Ada Lovelace, 1 Main St, Columbus, OH 43004, United States" in delivery
    assert "Standard · $5.99" in delivery
    assert parse(page).select_one("#place-order")["form"] == "payment-form"


def test_a_pickup_opens_billing_after_delivery(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = open_checkout(client, cart_id)
    response = post(client, page, "/checkout/delivery-method", {"delivery-method": "pickup-1"})
    assert response.status_code == 303
    page = client.get("/checkout")
    assert states(page) == ["done", "done", "open"]
    assert "Downtown store pickup" in summary_of(page, "checkout-shipping")
    assert parse(page).select_one("#place-order-missing")["data-missing"] == "billing"


def test_a_download_goes_from_contact_to_billing(client, store, sandbox):
    cart_id = store.create_cart([(MAP_PDF, 1)])
    given_email(store, cart_id)
    page = parse(open_checkout(client, cart_id))
    assert page.select_one("#checkout-shipping") is None
    assert page.select_one("#checkout-contact")["data-step-state"] == "done"
    assert page.select_one("#checkout-billing")["data-step-state"] == "open"


def express_to_ohio(client, store, cart_id: str):
    """Ship to Ohio by Express; return the page."""
    page = ready_to_ship(client, store, cart_id)
    response = post(
        client, page, "/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"}
    )
    assert response.status_code == 303
    page = client.get("/checkout")
    assert states(page) == ["done", "done", "done"]
    return page


def test_an_address_without_the_method_chosen_reopens_delivery_saying_why(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = express_to_ohio(client, store, cart_id)
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", PO_BOX), True)
    assert response.status_code == 200
    section = parse(response).select_one("#checkout-shipping")
    assert section["data-step-state"] == "open"
    reason = section.select_one("#checkout-shipping-reopened").get_text()
    assert "isn't offered for this address" in reason
    offered = [o["data-shipping-option-id"] for o in section.select("[data-shipping-option-id]")]
    assert offered == ["sandbox-standard"], "couriers do not deliver to a PO box"
    assert "selected_shipping_option" not in consignment(store, cart_id)
    # The section swapped on its own says so; the next look shows the step open, without it.
    assert states(client.get("/checkout"))[1] == "open"


def test_without_javascript_the_reopened_step_says_why_once(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = express_to_ohio(client, store, cart_id)
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", PO_BOX))
    assert response.status_code == 303
    page = client.get("/checkout")
    assert parse(page).select_one("#checkout-shipping #checkout-shipping-reopened")
    again = client.get("/checkout")
    assert parse(again).select_one("#checkout-shipping-reopened") is None


def test_an_address_that_keeps_the_method_stays_done(client, store, sandbox):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    page = express_to_ohio(client, store, cart_id)
    moved = {**OHIO_FORM, "address1": "2 High St"}
    response = post(client, page, "/checkout/shipping-address", prefixed("shipping", moved), True)
    section = parse(response).select_one("#checkout-shipping")
    assert section["data-step-state"] == "done"
    assert section.select_one("#checkout-shipping-reopened") is None
    assert consignment(store, cart_id)["selected_shipping_option"]["id"] == "sandbox-express"
