"""Property tests of every form handler: hostile input never gets a 500, a float or a call storm.

Every POST rule of the URL map has a strategy here (a new route without one fails the first
test). Each example is a shopper whose session is bound to a real sandbox cart in a drawn
state (none, gone, fresh, with an email, ready to pay; a coupon; opted in), who posts the
route's form with a valid CSRF token and drawn fields: any text, control characters, very
long values, numbers out of range, fields missing, repeated or unknown, with and without htmx.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.money import quantum
from tests.support.addresses import CA_ADDRESS
from tests.support.addresses import OHIO_FORM
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.ordering import shown_total
from tests.support.pages import HTMX
from tests.support.pages import parse
from tests.support.rig import Rig
from tests.support.rig import marks
from tests.support.rig import upstream_since
from tests.support.steps import prefixed

# The most upstream calls one form post may make, whatever it holds. A change reads the
# checkout (unless this session just saw it), makes the change, and may read back what the
# change leaves out (shipping options, pickup methods): 4. Placing is the longest path: read
# the checkout, analyze afresh, set the fee (one call: add, update or delete), create the
# order, read the payment methods, get a payment token, pay (7); a declined card shows the
# page again, which reads the checkout and may analyze once more (9). A shipping address also
# chooses the shipping method again if the new address offers it, and takes the billing
# address along when billing follows shipping: two more writes (6). None loops over lines.
MAX_UPSTREAM_CALLS = {"checkout.place": 9, "checkout.shipping_address": 6}
MAX_CHANGE_CALLS = 4
PRODUCTS = (101, 102, 103, 104, 105, 106)  # 104 is digital
# The storefront's address: the contract tests' Californian, without a phone.
ADDRESS = {key: value for key, value in CA_ADDRESS.items() if key != "phone"}

# --- what a hostile or careless client posts --------------------------------------------

long_text = st.builds(
    lambda chunk, times: chunk * times,
    st.text(min_size=1, max_size=3),
    st.integers(min_value=100, max_value=25_000),  # up to 75,000 characters: past the body cap
)
odd_text = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\r\n",
        "-1",
        "0",
        "1.5",
        "1e309",
        "NaN",
        "-Infinity",
        "99999999999999999999999",
        "٣",  # an Arabic-Indic digit
        "0x1F",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "{{ 7 * 7 }}",
        "../../etc/passwd",
        "%00",
        "\u202eevil",
    ]
)
control_text = st.text(
    alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Co")), max_size=10
)
hostile = st.one_of(st.text(max_size=40), odd_text, control_text, long_text)
# A field posted once, or more than once with different values.
values = st.one_of(hostile, st.lists(hostile, min_size=2, max_size=3))


@st.composite
def form(draw, valid: st.SearchStrategy[dict], odd: dict[str, list[str]] | None = None) -> dict:
    """A form as the page posts it, or with one field or every field odd, hostile or missing."""
    # Unknown fields ride along with the last two kinds.
    posted = dict(draw(valid))
    odd = odd or {}

    def bad(name: str) -> st.SearchStrategy:
        """Any hostile value, or one this field is known to get wrong."""
        return values | st.sampled_from(odd[name]) if name in odd else values

    kind = draw(st.sampled_from(["as sent", "one field off", "anything"]))
    if kind == "as sent":
        return posted
    names = sorted(posted) if kind == "anything" else [draw(st.sampled_from(sorted(posted)))]
    for name in names:
        value = draw(st.none() | bad(name))
        if value is None:
            del posted[name]
        else:
            posted[name] = value
    return {**draw(st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=2)), **posted}


def fields(**strategies: st.SearchStrategy) -> st.SearchStrategy[dict]:
    """Each field as the page would send it."""
    return st.fixed_dictionaries(strategies)


# Complete addresses as a shopper types them, one per kind of country the form handles.
ADDRESSES = [
    {"country_code": "US", "state_or_province": "ohio", "postal_code": "43004"},
    {"country_code": "CA", "state_or_province": "ON", "postal_code": "M5V 2T6"},
    {"country_code": "DE", "state_or_province": "", "postal_code": "10117"},
    {
        "country_code": "JP",
        "state_or_province": "Tokyo",
        "postal_code": "100-0001",
        "phone": "090-1234-5678",
    },
    {"country_code": "KW", "state_or_province": "", "postal_code": "", "phone": "500 12345"},
    {"country_code": "AE", "state_or_province": "DU", "postal_code": "", "phone": "050 123 4567"},
]
# The Ohio shopper of the step tests, whose place each example draws afresh.
PERSON = {
    key: value
    for key, value in OHIO_FORM.items()
    if key not in ("country_code", "state_or_province", "postal_code")
}
ADDRESS_ODD = {
    "country_code": ["ZZ", "EU", "us", "USA", ""],
    "state_or_province": ["Atlantis", "OHIO_FORM!", "x" * 256],
    "postal_code": ["x" * 51, ""],
    "phone": ["0", "phone", "+" + "1" * 16, "(" * 33, "+81 90-1234-5678", "090-1234-5678"],
}


def address_form(prefix: str) -> st.SearchStrategy[dict]:
    """An address section's form, named the way the section posts it."""
    addresses = st.sampled_from(ADDRESSES).map(lambda place: prefixed(prefix, PERSON | place))
    return form(addresses, {f"{prefix}-{name}": odd for name, odd in ADDRESS_ODD.items()})


@dataclass(frozen=True)
class Shopper:
    """One example's shopper: the cart its session checks out, and what its page showed."""

    cart_id: str | None
    currency: str
    line_ids: tuple[str, ...] = ()
    quote: str | None = None
    total: str = ""  # the signed total its page showed, which Place order sends
    real: bool = False  # the store has the cart (not none, not gone)
    physical: bool = False  # something in it ships


def line_path(shopper: Shopper) -> st.SearchStrategy[str]:
    """The URL of a line: one of the cart's, or any text as the id."""
    ids = st.sampled_from(shopper.line_ids) if shopper.line_ids else st.nothing()
    return st.one_of(ids, hostile.map(lambda text: quote(text[:200], safe=""))).map(
        lambda line_id: f"/checkout/lines/{line_id}"
    )


codes = st.sampled_from(["SAVE10", "FIVEOFF", "EXPIRED2024"])
CODE_ODD = ["save10", "NOPE", "x" * 51]
# endpoint -> (the URL to post to, the form) for a shopper; one entry per POST rule.
STRATEGIES = {
    "checkout.protection": lambda shopper: st.tuples(
        st.just("/checkout/protection"),
        form(fields(checkout_plus=st.sampled_from(["y", ""]), quote=st.just(shopper.quote or ""))),
    ),
    "checkout.change_line": lambda shopper: st.tuples(
        line_path(shopper),
        form(
            fields(quantity=st.integers(min_value=0, max_value=20).map(str)),
            {"quantity": ["-1", "10000", "1.5", "1e3", "٣", "18446744073709551616"]},
        ),
    ),
    "checkout.place": lambda shopper: st.tuples(
        st.just("/checkout/place"),
        form(
            fields(
                cardholder_name=st.just("Jane Doe"),
                card_number=st.sampled_from(["4111 1111 1111 1111", "4000 0000 0000 0002"]),
                expiry=st.sampled_from(["12/29", "12/2029", " 04 / 30 "]),
                security_code=st.sampled_from(["123", "1234"]),
                **{"comment-message": st.text(max_size=100)},
                # The total the page showed; or one forged, or none: nothing may be charged.
                shown_total=st.sampled_from([shopper.total, shopper.total[:-2] + "xx", ""]),
            ),
            {
                "card_number": ["4111", "4111-1111-1111-1112", "0" * 24],
                "expiry": ["13/29", "00/00", "01/20", "12/1"],
                "security_code": ["12", "12345"],
                "comment-message": ["x" * 2001, "\r\n" * 1000, "\r\n" * 1001 + "x"],
            },
        ),
    ),
    "locales.choose_language": lambda shopper: st.tuples(
        st.just("/language"),
        form(
            fields(
                language=st.sampled_from(["en", "de", "fr", "ja", "ar"]),
                next=st.sampled_from(["/checkout", "/", "//evil.example", "https://evil.example"]),
            ),
            {"language": ["xx", "", "en-US", "AR"], "next": ["javascript:alert(1)", "/\\x"]},
        ),
    ),
    "checkout.contact": lambda shopper: st.tuples(
        st.just("/checkout/contact"),
        form(
            fields(**{"contact-email": st.just("ada@example.com") | st.emails()}),
            {"contact-email": ["a@b", "@example.com", "a b@example.com", "x" * 250 + "@x.io"]},
        ),
    ),
    "checkout.shipping_address": lambda shopper: st.tuples(
        st.just("/checkout/shipping-address"), address_form("shipping")
    ),
    "checkout.delivery_method": lambda shopper: st.tuples(
        st.just("/checkout/delivery-method"),
        form(
            fields(**{"delivery-method": st.sampled_from(["ship", "pickup-1"])}),
            {"delivery-method": ["pickup-0", "pickup-999999999", "pickup-", "pickup-1e3"]},
        ),
    ),
    "checkout.shipping_option": lambda shopper: st.tuples(
        st.just("/checkout/shipping-option"),
        form(
            fields(
                **{
                    "shipping-option-option_id": st.sampled_from(
                        ["sandbox-standard", "sandbox-express"]
                    )
                }
            ),
            {"shipping-option-option_id": ["sandbox-overnight", "x" * 101]},
        ),
    ),
    "checkout.billing_address": lambda shopper: st.tuples(
        st.just("/checkout/billing-address"),
        st.one_of(
            address_form("billing"),
            form(st.just({"billing-same_as_shipping": "y"}), {"billing-same_as_shipping": ["n"]}),
        ),
    ),
    # The country re-render: either section's address form, as typed so far.
    "checkout.address_fields": lambda shopper: st.sampled_from(["shipping", "billing"]).flatmap(
        lambda section: st.tuples(
            st.just(f"/checkout/address-fields/{section}"), address_form(section)
        )
    ),
    "checkout.apply_coupon": lambda shopper: st.tuples(
        st.just("/checkout/coupons"),
        form(fields(**{"coupon-code": codes}), {"coupon-code": CODE_ODD}),
    ),
    "checkout.remove_coupon": lambda shopper: st.tuples(
        st.just("/checkout/coupons/remove"),
        form(fields(**{"coupon-remove-code": codes}), {"coupon-remove-code": CODE_ODD}),
    ),
    "storefront.add_item": lambda shopper: st.tuples(
        st.just("/cart/items"),
        form(
            fields(
                product_id=st.sampled_from([str(product) for product in PRODUCTS]),
                quantity=st.integers(min_value=1, max_value=99).map(str),
            ),
            {"product_id": ["0", "-1", "999"], "quantity": ["0", "100", "-1", "1" + "0" * 400]},
        ),
    ),
    "storefront.choose_currency": lambda shopper: st.tuples(
        st.just("/cart/currency"),
        form(
            fields(currency=st.sampled_from(["USD", "EUR", "JPY", "KWD"])),
            {"currency": ["GBP", "usd", "XXX"]},
        ),
    ),
}
# Where a refused post's problem shows on the checkout page (an htmx answer is that part).
SECTIONS = {
    "checkout.contact": "checkout-contact",
    "checkout.shipping_address": "checkout-shipping",
    "checkout.delivery_method": "checkout-shipping",
    "checkout.shipping_option": "checkout-shipping",
    "checkout.billing_address": "checkout-billing",
    "checkout.address_fields": "checkout-shipping",
    "checkout.apply_coupon": "checkout-coupon",
    "checkout.remove_coupon": "checkout-coupon",
    "checkout.change_line": "order-summary",
    "checkout.place": "checkout-payment",
}


# POST rules that take no form, each with the file that covers it.
NOT_FORMS = {
    "webhooks.bigcommerce_webhook": "tests/webhooks/test_property_webhook.py",
    # Its only field is the CSRF token; the job id is in the path.
    "admin.retry_job": (
        "tests/admin/test_admin.py::test_retrying_an_unknown_or_malformed_job_is_404_and_changes_nothing"
    ),
}

# Opting in costs a page and a post before the example; it matters where the fee does.
OPT_IN_MATTERS = {"checkout.protection", "checkout.change_line", "checkout.place"}


def setups(endpoint: str) -> st.SearchStrategy[dict[str, Any]]:
    """The cart's state before the post, and how the post is sent."""
    return st.fixed_dictionaries(
        {
            "state": st.sampled_from(["none", "gone", "fresh", "email", "ready", "ready"]),
            "currency": st.sampled_from(["USD", "EUR", "JPY", "KWD"]),
            "items": st.lists(
                st.tuples(st.sampled_from(PRODUCTS), st.integers(min_value=1, max_value=3)),
                min_size=1,
                max_size=3,
                unique_by=lambda item: item[0],
            ),
            "coupon": st.sampled_from([None, None, "SAVE10", "FIVEOFF"]),
            "opt_in": st.booleans() if endpoint in OPT_IN_MATTERS else st.just(False),
            "htmx": st.booleans(),
        }
    )


# --- the rig: an app on the sandbox, with quotas out of the way --------------------------


def prepare(rig: Rig, setup: dict[str, Any], needs_page: bool) -> Shopper:
    """Put a cart in the drawn state through the store's API and bind it to the session."""
    state, currency = setup["state"], setup["currency"]
    if state == "none":
        with rig.client.session_transaction() as session:
            session.pop("checkout", None)
        return Shopper(None, currency)
    if state == "gone":
        cart_id = str(uuid.uuid4())
        assert rig.client.get(f"/checkout?cart_id={cart_id}").status_code == 303
        return Shopper(cart_id, currency)
    store = rig.store
    cart_id = store.create_cart(setup["items"], currency)
    checkout = store.checkout(cart_id)
    if state in ("email", "ready"):
        store.data("POST", f"/v3/checkouts/{cart_id}/billing-address", json=ADDRESS)
    physical = checkout["cart"]["line_items"]["physical_items"]
    if state == "ready" and physical:
        lines = [{"item_id": item["id"], "quantity": item["quantity"]} for item in physical]
        body = [{"address": ADDRESS, "line_items": lines}]
        [consignment] = store.data("POST", f"/v3/checkouts/{cart_id}/consignments", json=body)[
            "consignments"
        ]
        option = {"shipping_option_id": "sandbox-standard"}
        path = f"/v3/checkouts/{cart_id}/consignments/{consignment['id']}"
        store.data("PUT", path, json=option)
    if setup["coupon"]:
        store.request(
            "POST", f"/v3/checkouts/{cart_id}/coupons", json={"coupon_code": setup["coupon"]}
        )
    assert rig.client.get(f"/checkout?cart_id={cart_id}").status_code == 303
    items = checkout["cart"]["line_items"]
    line_ids = tuple(
        item["id"] for kind in ("physical_items", "digital_items") for item in items[kind]
    )
    shown, total = None, ""
    if needs_page or setup["opt_in"]:
        page = rig.client.get("/checkout")
        assert page.status_code == 200
        offer = offer_of(page)
        if offer["data-state"] == "offered":
            shown = offer.select_one("input[name=quote]")["value"]
            if setup["opt_in"]:
                assert choose(rig.client, page, opt_in=True).status_code == 303
        total = shown_total(rig.client.get("/checkout"))
    return Shopper(cart_id, currency, line_ids, shown, total, real=True, physical=bool(physical))


# --- what every answer and every upstream call must be ------------------------------------


def assert_human_message(client, response, endpoint: str) -> None:
    """Check a 4xx tells the shopper what went wrong, on the page or next to the form posted."""
    # htmx swaps no 4xx but 422: the others reload, and the page carries the message on top.
    if response.headers.get("HX-Refresh") == "true":
        notice = parse(client.get("/checkout")).select_one(".flash")
        assert notice is not None, "a reload with no message"
        assert notice.get_text(strip=True)
        return
    page = parse(response)
    notice = page.select_one(".notice--error[data-status]")
    if notice is not None:
        assert notice.select_one("h1").get_text(strip=True)
        assert notice.select_one("p").get_text(strip=True)
        return
    section = page.find(id=SECTIONS[endpoint])
    assert section is not None, f"{response.status_code} without #{SECTIONS[endpoint]}"
    for field in section.select("[aria-invalid=true]"):
        described = field["aria-describedby"].split()
        assert any(section.find(id=name) for name in described), f"#{field['id']}: no message"
    # A field's error, the form's alert, or the note that the section opens after the email.
    messages = section.select(".field-error, [role=alert], .step__locked")
    shown = [message.get_text(strip=True) for message in messages]
    assert any(shown), f"{response.status_code} without a message in #{SECTIONS[endpoint]}"


def assert_placed_or_told(client, response) -> None:
    """Check Place order went on to the confirmation, or back to a checkout that says why."""
    where = urlsplit(response.headers["Location"]).path
    assert where in ("/checkout", "/checkout/confirmation"), where
    if where == "/checkout":
        page = parse(client.get("/checkout"))
        message = page.select_one("#payment-message, .flash, .notice--error[data-status]")
        assert message is not None, "sent back without a word"
        assert message.get_text(strip=True), "sent back with an empty message"


def no_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which json.loads would otherwise read."""
    raise AssertionError(f"{name} is not JSON a service accepts")


def exact_amounts(entry, currency: str) -> int:
    """Check a call's amounts are exact in minor units; return how many decimals it carried."""
    # Loop takes integers only; BigCommerce takes major units, never past the minor unit.
    if not entry.body:
        return 0
    checked = 0
    # Parsed with Decimal for every number with a fraction, so nothing is rounded on the way.
    body = json.loads(entry.body, parse_float=Decimal, parse_constant=no_constant)
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, Decimal):
            where = f"{entry.method} {entry.path}: {value}"
            assert entry.path.startswith("/stores/"), f"{where}: Loop takes integers only"
            # 2.98 USD, never 2.9799999999999995 or 2.985: a float's tail or a sub-cent.
            assert value == value.quantize(quantum(currency)), where
            checked += 1
    return checked


# --- the tests ----------------------------------------------------------------------------


def test_every_post_route_has_a_strategy(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    covered = set(STRATEGIES) | set(NOT_FORMS)
    assert posts - covered == set(), "a POST route without a property test"
    assert covered - posts == set(), "a strategy for a route that no longer exists"


@pytest.mark.parametrize("endpoint", sorted(STRATEGIES))
@settings(
    deadline=None,
    max_examples=40,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_form_post_fails_floats_or_storms_upstream(rig, endpoint, data):
    setup = data.draw(setups(endpoint), label="setup")
    needs_page = endpoint in ("checkout.protection", "checkout.place")
    shopper = prepare(rig, setup, needs_page=needs_page)
    url, fields = data.draw(STRATEGIES[endpoint](shopper), label="post")
    before = marks(rig)
    response = rig.client.post(
        url, data={**fields, "csrf_token": rig.token}, headers=HTMX if setup["htmx"] else {}
    )
    assert response.status_code < 500, response.data[:300]
    calls = upstream_since(rig, before)  # before a reload below adds calls of its own
    bound = MAX_UPSTREAM_CALLS.get(endpoint, MAX_CHANGE_CALLS)
    assert len(calls) <= bound, [f"{call.method} {call.path}" for call in calls]
    amounts = sum(exact_amounts(call, shopper.currency) for call in calls)
    event(f"{setup['state']}: {response.status_code}, {len(calls)} calls, {amounts} amounts")
    if 400 <= response.status_code < 500:
        assert response.mimetype == "text/html"
        assert_human_message(rig.client, response, endpoint)
    if endpoint == "checkout.place" and response.status_code == 303:
        assert_placed_or_told(rig.client, response)
