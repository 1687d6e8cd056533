"""The client calls that complete a checkout: fees, the order, payment and order metafields.

Every test talks HTTP to the sandbox store, and every exchange it causes (set-up included) is
checked against BigCommerce's official OpenAPI files when the test ends (when they are there).
"""

from __future__ import annotations

import fnmatch
import logging
import re
from decimal import Decimal

import pytest
import requests
import simplejson

from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommercePayments
from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.bigcommerce import Card
from app.clients.bigcommerce import FeeRequest
from app.clients.bigcommerce import MetafieldsRejected
from app.clients.bigcommerce import PaymentDeclined
from app.clients.bigcommerce import PaymentRejected
from app.clients.http import USER_AGENT
from app.sandbox import credentials
from tests.support.addresses import CA_ADDRESS
from tests.support.openapi import is_documented
from tests.support.openapi import logged_request_parts
from tests.support.openapi import validate_logged_exchange
from tests.support.openapi import validate_request
from tests.support.specs import spec_dir
from tests.support.waiting import wait_until

STORE_HASH = credentials.BIGCOMMERCE_STORE_HASH
ADDRESS = CA_ADDRESS
GOOD_CARD = "4111111111111111"
DECLINED_CARD = "4000000000000002"
CVV = "737"
METHOD = "sandbox.card"
NAMESPACE = "loop_checkout_plus"


class Traffic:
    """The sandbox's request log, checked against the spec when the test ends."""

    def __init__(self, sandbox) -> None:
        self.log = sandbox.bigcommerce.log
        self.undocumented: list[tuple[str, str, int]] = []

    def allow_undocumented(self, method: str, path_glob: str, status: int) -> None:
        """Accept one status the operation does not document (its body is still checked)."""
        self.undocumented.append((method, path_glob, status))

    def entries(self, method: str, path_glob: str) -> list:
        """Return the logged requests to a path glob under the store."""
        return self.log.entries(method, f"/stores/{STORE_HASH}{path_glob}")

    def verify(self) -> None:
        """Validate every logged request and response; undocumented ones must be expected.

        Only with BigCommerce's specs (``tests.support.specs``): without them the tests still
        check the client's behaviour, and the contract tests skip.
        """
        if spec_dir() is None:
            return
        for entry in self.log.entries():
            self._wait_for_response(entry)
            if is_documented(entry.method, entry.path, entry.status):
                validate_logged_exchange(entry)
                continue
            validate_request(*logged_request_parts(entry))
            assert any(
                entry.method == method
                and fnmatch.fnmatchcase(entry.path, f"/stores/{STORE_HASH}{glob}")
                and entry.status == status
                for method, glob, status in self.undocumented
            ), f"unexpected undocumented {entry.status} on {entry.method} {entry.path}"
            error = simplejson.loads(entry.response_body)
            assert error["status"] == entry.status
            assert isinstance(error["title"], str)

    @staticmethod
    def _wait_for_response(entry) -> None:
        """Give a request the client stopped waiting for the time to be answered."""
        wait_until(
            lambda: entry.status is not None,
            message=f"the store answering {entry.method} {entry.path}",
        )


@pytest.fixture(autouse=True)
def traffic(sandbox):
    """Check every exchange of the test against the spec after it ran."""
    checked = Traffic(sandbox)
    yield checked
    checked.verify()


@pytest.fixture
def bc(sandbox) -> BigCommerceClient:
    """The client under test, on the sandbox store."""
    return BigCommerceClient(
        sandbox.bigcommerce.url, STORE_HASH, credentials.BIGCOMMERCE_ACCESS_TOKEN
    )


@pytest.fixture
def payments(sandbox) -> BigCommercePayments:
    """The payments client, on the sandbox's payments endpoint."""
    return BigCommercePayments(sandbox.bigcommerce.url, STORE_HASH)


def ready_checkout(store, items=((101, 1),), currency: str = "USD") -> str:
    """A checkout with a billing address and a shipping option, ready to become an order."""
    cart_id = store.create_cart(list(items), currency)
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=ADDRESS)
    line_items = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    if line_items:
        lines = [{"item_id": item["id"], "quantity": item["quantity"]} for item in line_items]
        data = store.data(
            "POST",
            f"/v3/checkouts/{cart_id}/consignments",
            json=[{"address": ADDRESS, "line_items": lines}],
        )
        consignment_id = data["consignments"][0]["id"]
        store.data(
            "PUT",
            f"/v3/checkouts/{cart_id}/consignments/{consignment_id}",
            json={"shipping_option_id": "sandbox-standard"},
        )
    return cart_id


def card(number: str = GOOD_CARD) -> Card:
    """A test card with a future expiry."""
    return Card("Jane Doe", number, 12, 2099, CVV)


def order_status(store, order_id: int) -> int:
    """Read an order's status id straight from the store."""
    response = store.request("GET", f"/v2/orders/{order_id}")
    assert response.status_code == 200, response.text
    return response.json()["status_id"]


def protection(cost: str, **changes) -> FeeRequest:
    """Our Checkout+ fee."""
    fields = {
        "name": "CPLUS",
        "display_name": "Checkout+ protection",
        "cost": Decimal(cost),
        "source": "checkout-plus",
        **changes,
    }
    return FeeRequest(**fields)


def add_other_apps_fees(store, checkout_id: str, count: int = 1) -> None:
    """Add fees the way another app would, straight through the API."""
    fee = {
        "type": "custom_fee",
        "name": "GIFTWRAP",
        "display_name": "Gift wrap",
        "cost": 4.5,
        "source": "other-app",
    }
    store.data("POST", f"/v3/checkouts/{checkout_id}/fees", json={"fees": [fee] * count})


def sent_body(entry) -> bytes:
    """The raw body of a logged request."""
    assert entry.body is not None
    return entry.body


# Fees


def test_add_fees_puts_the_fee_on_the_checkout(bc, store, traffic):
    checkout_id = store.create_cart([(101, 1)])
    checkout = bc.add_fees(checkout_id, [protection("2.99")])
    (fee,) = checkout.fees
    assert (fee.name, fee.display_name, fee.source) == (
        "CPLUS",
        "Checkout+ protection",
        "checkout-plus",
    )
    assert fee.cost_ex_tax == Decimal("2.99")
    assert checkout.grand_total == Decimal("89.00") + Decimal("2.99")
    (entry,) = traffic.entries("POST", f"/v3/checkouts/{checkout_id}/fees")
    assert entry.json == {
        "fees": [
            {
                "type": "custom_fee",
                "name": "CPLUS",
                "display_name": "Checkout+ protection",
                "cost": Decimal("2.99"),
                "source": "checkout-plus",
            }
        ]
    }
    assert b'"cost": 2.99' in sent_body(entry)


@pytest.mark.parametrize(
    ("currency", "cost", "wire"),
    [("JPY", "500", b'"cost": 500,'), ("KWD", "0.750", b'"cost": 0.750,')],
)
def test_fee_cost_goes_out_exactly_in_the_currencys_exponent(
    bc, store, traffic, currency, cost, wire
):
    checkout_id = store.create_cart([(102, 1)], currency)
    checkout = bc.add_fees(checkout_id, [protection(cost, tax_class_id=None)])
    assert checkout.currency == currency
    assert checkout.fees[0].cost_ex_tax == Decimal(cost)
    (entry,) = traffic.entries("POST", f"/v3/checkouts/{checkout_id}/fees")
    assert wire in sent_body(entry)


def test_update_fees_sends_every_field_and_leaves_another_apps_fee(bc, store, traffic):
    checkout_id = store.create_cart([(101, 1)])
    add_other_apps_fees(store, checkout_id)
    ours = next(f for f in bc.add_fees(checkout_id, [protection("2.99")]).fees if f.name == "CPLUS")
    changed = protection("3.98", display_name="Checkout+ (2 items)", tax_class_id=1, id=ours.id)
    checkout = bc.update_fees(checkout_id, [changed])
    fees = {fee.source: fee for fee in checkout.fees}
    assert fees["checkout-plus"].id == ours.id
    assert fees["checkout-plus"].display_name == "Checkout+ (2 items)"
    assert fees["checkout-plus"].cost_ex_tax == Decimal("3.98")
    assert fees["checkout-plus"].tax_class_id == 1
    assert (fees["other-app"].display_name, fees["other-app"].cost_ex_tax) == (
        "Gift wrap",
        Decimal("4.5"),
    )
    (entry,) = traffic.entries("PUT", f"/v3/checkouts/{checkout_id}/fees")
    assert entry.json == {
        "fees": [
            {
                "type": "custom_fee",
                "name": "CPLUS",
                "display_name": "Checkout+ (2 items)",
                "cost": Decimal("3.98"),
                "source": "checkout-plus",
                "tax_class_id": 1,
                "id": ours.id,
            }
        ]
    }


def test_delete_fees_removes_only_the_named_fee(bc, store, traffic):
    checkout_id = store.create_cart([(101, 1)])
    add_other_apps_fees(store, checkout_id)
    ours = next(f for f in bc.add_fees(checkout_id, [protection("2.99")]).fees if f.name == "CPLUS")
    checkout = bc.delete_fees(checkout_id, [ours.id])
    assert [fee.source for fee in checkout.fees] == ["other-app"]
    assert checkout.grand_total == Decimal("89.00") + Decimal("4.50")
    (entry,) = traffic.entries("DELETE", f"/v3/checkouts/{checkout_id}/fees")
    assert entry.json == {"ids": [ours.id]}
    assert entry.headers["Content-Type"] == "application/json"


def test_a_sixth_fee_is_rejected_and_the_checkout_keeps_five(bc, store, traffic):
    checkout_id = store.create_cart([(101, 1)])
    add_other_apps_fees(store, checkout_id, count=4)
    assert len(bc.add_fees(checkout_id, [protection("2.99")]).fees) == 5
    # The spec states the limit but documents no error status; the sandbox answers 422.
    traffic.allow_undocumented("POST", f"/v3/checkouts/{checkout_id}/fees", 422)
    with pytest.raises(BigCommerceRejected) as refused:
        bc.add_fees(checkout_id, [protection("1.00", name="CPLUS2")])
    assert refused.value.status == 422
    assert "fees" in refused.value.errors
    assert len(bc.get_checkout(checkout_id).fees) == 5


def test_fee_requests_refuse_what_cannot_be_sent(bc, traffic):
    with pytest.raises(TypeError):
        FeeRequest("CPLUS", "Checkout+", 2.99, "checkout-plus")  # a float cost
    with pytest.raises(ValueError, match="no id"):
        bc.update_fees("any-checkout", [protection("2.99")])
    with pytest.raises(ValueError, match="at least one"):
        bc.delete_fees("any-checkout", [])
    assert traffic.log.entries() == []  # refused before anything was sent


# Orders


def test_create_order_returns_the_id_of_an_incomplete_order(bc, store, traffic):
    checkout_id = ready_checkout(store)
    order_id = bc.create_order(checkout_id)
    assert isinstance(order_id, int)
    assert order_status(store, order_id) == 0
    assert store.checkout(checkout_id)["order_id"] == str(order_id)
    (entry,) = traffic.entries("POST", f"/v3/checkouts/{checkout_id}/orders")
    assert entry.headers["Content-Type"] == "application/json"
    assert entry.body_size == 0


def test_create_order_for_a_checkout_without_address_is_rejected(bc, store, traffic):
    checkout_id = store.create_cart([(101, 1)])
    traffic.allow_undocumented("POST", f"/v3/checkouts/{checkout_id}/orders", 422)
    with pytest.raises(BigCommerceRejected) as refused:
        bc.create_order(checkout_id)
    assert refused.value.status == 422
    assert "billing_address.email" in refused.value.errors


def test_get_order_matches_the_checkout_it_came_from(bc, store, traffic):
    checkout_id = ready_checkout(store, [(101, 1), (102, 2), (104, 1)])
    bc.add_fees(checkout_id, [protection("3.98")])
    checkout = bc.get_checkout(checkout_id)
    order_id = bc.create_order(checkout_id)
    before = len(traffic.log.entries())

    order = bc.get_order(order_id)

    assert (order.id, order.status_id, order.status) == (order_id, 0, "Incomplete")
    assert (order.currency, order.email, order.cart_id) == ("USD", "jane@example.com", checkout_id)
    assert [(line.name, line.quantity) for line in order.lines] == [
        ("Trail Runner Sneakers", 1),
        ("Merino Wool Socks (3-pack)", 2),
        ("Trail Map Pack (PDF)", 1),  # digital: in the downloads consignment
    ]
    assert order.lines[1].total_ex_tax == Decimal("49.00")
    assert sum(line.total_ex_tax for line in order.lines) == checkout.subtotal_ex_tax
    assert order.subtotal_ex_tax == checkout.subtotal_ex_tax
    assert order.subtotal_inc_tax == checkout.subtotal_inc_tax
    assert order.shipping_cost_inc_tax == checkout.shipping_cost_total_inc_tax
    assert order.total_tax == checkout.tax_total
    assert order.total_inc_tax == checkout.grand_total
    (fee,) = order.fees
    (checkout_fee,) = checkout.fees
    assert (fee.display_name, fee.source) == ("Checkout+ protection", "checkout-plus")
    assert (fee.cost_ex_tax, fee.cost_inc_tax) == (
        checkout_fee.cost_ex_tax,
        checkout_fee.cost_inc_tax,
    )
    assert order.discount_amount == Decimal(0)
    assert order.payment_status == ""
    # One call: products and fees come with the order. (Loop's sandbox connector, told of the
    # new order by webhook, reads it too: keep only the client's requests.)
    after = traffic.log.entries()[before:]
    (entry,) = [e for e in after if e.headers.get("User-Agent") == USER_AGENT]
    assert entry.path == f"/stores/{STORE_HASH}/v2/orders/{order_id}"
    assert entry.query["include"] == ["consignments.line_items,fees"]


def test_get_order_amounts_are_exact_decimals_in_kwd(bc, store):
    checkout_id = ready_checkout(store, [(102, 3)], "KWD")
    bc.add_fees(checkout_id, [protection("0.750")])
    grand_total = bc.get_checkout(checkout_id).grand_total
    order = bc.get_order(bc.create_order(checkout_id))
    assert order.currency == "KWD"
    assert order.lines[0].total_ex_tax == Decimal("22.575")
    assert order.fees[0].cost_ex_tax == Decimal("0.750")
    assert order.total_inc_tax == grand_total


def test_get_order_reads_shipping_before_tax_coupons_and_where_it_goes(bc, store):
    checkout_id = ready_checkout(store, [(101, 1), (102, 2)])
    store.data("POST", f"/v3/checkouts/{checkout_id}/coupons", json={"coupon_code": "SAVE10"})
    checkout = bc.get_checkout(checkout_id)
    order = bc.get_order(bc.create_order(checkout_id))
    assert order.tax_inclusive is False
    assert order.shipping_cost_ex_tax == checkout.shipping_cost_total_ex_tax == Decimal("5.99")
    assert order.shipping_cost_inc_tax == checkout.shipping_cost_total_inc_tax
    assert (order.handling_cost_ex_tax, order.handling_cost_inc_tax) == (0, 0)
    assert (order.wrapping_cost_ex_tax, order.wrapping_cost_inc_tax) == (0, 0)
    assert order.coupon_discount == checkout.coupons[0].discounted_amount > 0
    assert order.coupon_codes == ("SAVE10",)
    assert order.pickups == ()
    [shipment] = order.shipments
    assert shipment.shipping_method == "Standard"
    address = shipment.address
    assert (address.name, address.street_1, address.city, address.state, address.zip) == (
        "Jane Doe",
        "1 Market St",
        "San Francisco",
        "California",
        "94105",
    )
    assert (address.country, address.country_iso2) == ("United States", "US")
    assert order.billing_address == address  # billed where it is shipped


def test_get_order_reads_the_pickup_store(bc, store):
    cart_id = store.create_cart([(101, 1)])
    store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=ADDRESS)
    [item] = store.checkout(cart_id)["cart"]["line_items"]["physical_items"]
    pickup = {
        "pickup_option": {"pickup_method_id": 1},
        "line_items": [{"item_id": item["id"], "quantity": 1}],
    }
    store.data("POST", f"/v3/checkouts/{cart_id}/consignments", json=[pickup])
    order = bc.get_order(bc.create_order(cart_id))
    assert order.shipments == ()
    [collect] = order.pickups
    assert collect.method_name == "Downtown store pickup"
    assert collect.collection_time_description == "Ready in 2 hours, 9am-6pm"
    assert collect.collection_instructions == "Bring your order number and a photo ID."
    where = collect.location
    assert (where.name, where.address_line_1, where.city, where.state) == (
        "Downtown store",
        "500 Congress Ave",
        "Austin",
        "Texas",
    )
    assert (where.postal_code, where.country_alpha2) == ("78701", "US")
    assert order.shipping_cost_ex_tax == order.shipping_cost_inc_tax == 0
    assert order.billing_address is not None
    assert (order.billing_address.name, order.billing_address.city) == ("Jane Doe", "San Francisco")


def test_get_order_of_a_missing_order_is_not_found(bc):
    with pytest.raises(BigCommerceNotFound):
        bc.get_order(999999)


# Payment


def test_payment_methods_and_access_token_for_an_order(bc, store, traffic):
    order_id = bc.create_order(ready_checkout(store))
    (method,) = bc.get_payment_methods(order_id)
    assert (method.id, method.name, method.test_mode, method.type) == (
        METHOD,
        "Sandbox card gateway",
        True,
        "card",
    )
    token = bc.create_payment_access_token(order_id)
    assert token.count(".") == 2  # a JWT
    (entry,) = traffic.entries("POST", "/v3/payments/access_tokens")
    assert entry.json == {"order": {"id": order_id}}
    assert entry.status == 201


def test_pay_with_the_success_card_moves_the_order_to_awaiting_fulfillment(
    bc, payments, store, traffic
):
    order_id = bc.create_order(ready_checkout(store))
    typed = card("4111 1111-1111 1111")  # the digits go out without the separators
    payment = payments.pay(bc.create_payment_access_token(order_id), METHOD, typed)
    assert (payment.status, payment.transaction_type) == ("success", "purchase")
    assert payment.id
    order = bc.get_order(order_id)
    assert (order.status_id, order.payment_status) == (11, "captured")
    (entry,) = traffic.log.entries("POST", f"/stores/{STORE_HASH}/payments")
    assert entry.headers["Accept"] == "application/vnd.bc.v1+json"
    assert entry.headers["Content-Type"] == "application/json"
    assert entry.json == {
        "payment": {
            "instrument": {
                "type": "card",
                "number": GOOD_CARD,
                "cardholder_name": "Jane Doe",
                "expiry_month": 12,
                "expiry_year": 2099,
                "verification_value": CVV,
            },
            "payment_method_id": METHOD,
        }
    }


def test_a_declined_card_leaves_the_order_incomplete_and_a_new_token_pays_it(bc, payments, store):
    order_id = bc.create_order(ready_checkout(store))
    token = bc.create_payment_access_token(order_id)
    with pytest.raises(PaymentDeclined) as declined:
        payments.pay(token, METHOD, card(DECLINED_CARD))
    assert isinstance(declined.value, BigCommerceRejected)
    assert (declined.value.status, declined.value.code) == (422, 30104)
    assert declined.value.decline_code == "card_declined"
    assert str(declined.value) == declined.value.shopper_message
    assert "contact your card issuer" in declined.value.shopper_message
    assert order_status(store, order_id) == 0
    # The token was spent by the declined attempt: the retry needs a new one.
    with pytest.raises(PaymentRejected) as spent:
        payments.pay(token, METHOD, card())
    assert spent.value.status == 401
    assert not isinstance(spent.value, PaymentDeclined)
    payment = payments.pay(bc.create_payment_access_token(order_id), METHOD, card())
    assert payment.status == "success"
    assert order_status(store, order_id) == 11


@pytest.mark.parametrize(
    ("number", "code", "decline_code"),
    [
        ("4000000000009995", 30106, "insufficient_funds"),
        ("4000000000000069", 30103, "expired_card"),
        ("4000000000000127", 30102, "incorrect_cvc"),
    ],
)
def test_other_declines_carry_their_codes(bc, payments, store, number, code, decline_code):
    order_id = bc.create_order(ready_checkout(store))
    with pytest.raises(PaymentDeclined) as declined:
        payments.pay(bc.create_payment_access_token(order_id), METHOD, card(number))
    assert (declined.value.code, declined.value.decline_code) == (code, decline_code)
    assert order_status(store, order_id) == 0


def test_paying_a_paid_order_is_rejected_not_declined(bc, payments, store):
    order_id = bc.create_order(ready_checkout(store))
    payments.pay(bc.create_payment_access_token(order_id), METHOD, card())
    with pytest.raises(BigCommerceRejected) as refused:
        payments.pay(bc.create_payment_access_token(order_id), METHOD, card())
    assert isinstance(refused.value, PaymentRejected)
    assert not isinstance(refused.value, PaymentDeclined)
    assert (refused.value.status, refused.value.code) == (422, 30101)
    assert order_status(store, order_id) == 11


def test_a_gateway_error_is_unavailable_and_not_retried(bc, payments, store, traffic):
    order_id = bc.create_order(ready_checkout(store))
    with pytest.raises(BigCommerceUnavailable) as failed:
        payments.pay(bc.create_payment_access_token(order_id), METHOD, card("4000000000000119"))
    assert failed.value.status == 500
    assert len(traffic.log.entries("POST", f"/stores/{STORE_HASH}/payments")) == 1
    assert order_status(store, order_id) == 0


def test_a_timed_out_payment_is_not_retried_and_may_still_complete(bc, store, sandbox, traffic):
    order_id = bc.create_order(ready_checkout(store))
    token = bc.create_payment_access_token(order_id)
    sandbox.bigcommerce.faults.add("POST", "/stores/*/payments", "delay", 0.6, times=1)
    impatient = BigCommercePayments(sandbox.bigcommerce.url, STORE_HASH, timeout=(1.0, 0.2))
    with pytest.raises(BigCommerceUnavailable):
        impatient.pay(token, METHOD, card())
    (entry,) = traffic.log.entries("POST", f"/stores/{STORE_HASH}/payments")
    traffic._wait_for_response(entry)
    # The charge went through after the client gave up: only the order can tell.
    assert entry.status == 201
    assert order_status(store, order_id) == 11
    assert len(traffic.log.entries("POST", f"/stores/{STORE_HASH}/payments")) == 1


def test_card_data_and_token_never_reach_logs_or_errors(bc, payments, store, sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    number = "4000 0000 0000 0002"  # declined; spaced as a shopper types it
    order_id = bc.create_order(ready_checkout(store))
    token = bc.create_payment_access_token(order_id)
    raised: list[Exception] = []
    with pytest.raises(PaymentDeclined) as declined:
        payments.pay(token, METHOD, card(number))
    raised.append(declined.value)
    with pytest.raises(PaymentRejected) as spent:
        payments.pay(token, METHOD, card(number))
    raised.append(spent.value)
    sandbox.bigcommerce.faults.add("POST", "/stores/*/payments", "status", 503, times=1)
    second = bc.create_payment_access_token(order_id)
    with pytest.raises(BigCommerceUnavailable) as unavailable:
        payments.pay(second, METHOD, card(number))
    raised.append(unavailable.value)
    # The secrets did travel to BigCommerce, so their absence below means something.
    sent = sandbox.bigcommerce.log.entries("POST", "/stores/*/payments")[-1]
    assert b'"number": "4000000000000002"' in sent_body(sent)
    assert f'"verification_value": "{CVV}"'.encode() in sent_body(sent)

    secrets = ("4000000000000002", number, CVV, token, second)
    text = [record.getMessage() for record in caplog.records]
    text += [str(error) for error in raised]
    text += [repr(getattr(error, "errors", {})) for error in raised]
    text += [repr(card(number))]
    assert caplog.records  # the refusals were logged, without their details
    for secret in secrets:
        # As a value of its own: a 3-digit CVV also turns up inside random cart ids ("737971f6").
        leaked = re.compile(rf"(?<![0-9A-Za-z.-]){re.escape(secret)}(?![0-9A-Za-z.-])")
        assert not any(leaked.search(line) for line in text), secret


class EchoingGateway(requests.adapters.BaseAdapter):
    """A gateway that echoes the card number and CVV back in its refusal."""

    def send(self, request, **kwargs):
        body = simplejson.loads(request.body)["payment"]["instrument"]
        response = requests.Response()
        response.status_code = 422
        response.headers["Content-Type"] = "application/json"
        response._content = simplejson.dumps(
            {
                "status": 422,
                "title": f"Invalid card {body['number']}",
                "type": "about:blank",
                "code": 10001,
                "errors": {"number": f"{body['number']} / {body['verification_value']}"},
            }
        ).encode()
        response.request = request
        return response

    def close(self):
        """Nothing to release."""


def test_an_echoed_card_number_is_scrubbed_from_the_error():
    session = requests.Session()
    session.mount("https://", EchoingGateway())
    gateway = BigCommercePayments("https://payments.example", STORE_HASH, session=session)
    with pytest.raises(PaymentRejected) as refused:
        gateway.pay("a-token", METHOD, card())
    assert refused.value.code == 10001
    assert GOOD_CARD not in str(refused.value)
    assert refused.value.errors == {"number": "[redacted] / [redacted]"}


# Order metafields


def test_metafields_are_created_in_one_batch_and_read_back(bc, store, traffic):
    order_id = bc.create_order(ready_checkout(store))
    values = {
        "session_id": "lop_AAAAAAAAAAAAAAAAAAAA",
        "offer_id": "off_123",
        "premium": "2.99",
        "currency": "USD",
    }
    created = bc.create_order_metafields(order_id, NAMESPACE, values)
    assert {field.key: field.value for field in created} == values
    assert {field.namespace for field in created} == {NAMESPACE}
    assert {field.permission_set for field in created} == {"read_and_sf_access"}
    (entry,) = traffic.entries("POST", "/v3/orders/metafields")
    assert [item["resource_id"] for item in entry.json] == [order_id] * 4

    bc.create_order_metafields(order_id, "someone_else", {"note": "x"}, "app_only")
    read = bc.get_order_metafields(order_id, NAMESPACE)
    assert {field.key: field.value for field in read} == values
    assert {field.id for field in read} == {field.id for field in created}
    # Loop's sandbox connector reads the order's metafields too; keep only the client's read.
    listings = traffic.entries("GET", f"/v3/orders/{order_id}/metafields")
    (listing,) = [entry for entry in listings if entry.headers.get("User-Agent") == USER_AGENT]
    assert listing.query["namespace"] == [NAMESPACE]


def test_a_partly_failed_batch_names_the_keys_that_failed(bc, store):
    order_id = bc.create_order(ready_checkout(store))
    bc.create_order_metafields(order_id, NAMESPACE, {"session_id": "lop_1"})
    with pytest.raises(MetafieldsRejected) as refused:
        bc.create_order_metafields(order_id, NAMESPACE, {"session_id": "lop_2", "premium": "2.99"})
    assert isinstance(refused.value, BigCommerceRejected)
    assert refused.value.status == 422
    assert set(refused.value.errors) == {"session_id"}
    assert "already exist" in refused.value.errors["session_id"]
    assert refused.value.conflicts == frozenset({"session_id"})
    assert [field.key for field in refused.value.created] == ["premium"]
    read = {field.key: field.value for field in bc.get_order_metafields(order_id, NAMESPACE)}
    assert read == {"session_id": "lop_1", "premium": "2.99"}


def test_metafields_for_a_missing_order_all_fail_without_a_conflict(bc):
    with pytest.raises(MetafieldsRejected) as refused:
        bc.create_order_metafields(999999, NAMESPACE, {"session_id": "lop_1", "premium": "2.99"})
    assert set(refused.value.errors) == {"session_id", "premium"}
    assert "999999" in refused.value.errors["premium"]
    assert refused.value.conflicts == frozenset()
    assert refused.value.created == ()


def test_metafields_of_a_missing_order_are_not_found(bc, traffic):
    traffic.allow_undocumented("GET", "/v3/orders/999999/metafields", 404)
    with pytest.raises(BigCommerceNotFound):
        bc.get_order_metafields(999999, NAMESPACE)
