"""Property tests of the analyze mapping: any BigCommerce checkout, any currency Babel knows.

Checkouts are generated as the JSON BigCommerce sends (amounts as exact decimals in major
units, built from whole minor units plus, at times, sub-minor digits) and read with the same
``Checkout.parse`` the client uses. Each request must be free of floats, priced in whole minor
units at the currency's ISO 4217 exponent, and accepted by the sandbox Loop's own validator.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import requests
import simplejson
from babel.numbers import list_currencies
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.checkout_plus.analyze_request import build_analyze_request
from app.checkout_plus.analyze_request import cart_fingerprint
from app.checkout_plus.fee import FEE_SOURCE
from app.clients.bigcommerce import Checkout
from app.money import exponent
from app.sandbox import credentials
from app.sandbox.loop.analyze_request import is_session_id
from app.sandbox.loop.analyze_request import parse_analyze_request

CURRENCIES = sorted(list_currencies())
# One of each exponent is drawn often; the rest of Babel's list stays in play.
PINNED = ["JPY", "USD", "EUR", "KWD", "BHD", "IQD", "CLF", "KRW"]
REGION = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")
SETTINGS = {"mount_target": "order_summary", "cart_experience": "widget"}
currencies = st.one_of(st.sampled_from(PINNED), st.sampled_from(CURRENCIES))
minors = st.integers(min_value=0, max_value=10**12)
# Some BigCommerce amounts carry digits below the minor unit (taxes, percentage coupons):
# ten-thousandths of one, up to half of it either way.
noise = st.one_of(st.just(0), st.integers(min_value=-5000, max_value=5000))
session_ids = st.one_of(
    st.none(),
    st.from_regex(r"lop_[A-Za-z0-9]{20}", fullmatch=True),
    st.from_regex(r"lop_[A-Za-z0-9]{20}", fullmatch=True).map(lambda good: good + "\n"),
    st.from_regex(r"(?i)lop_\w{18,22}", fullmatch=True),  # unicode letters, wrong lengths
    st.text(max_size=30),
)
codes = st.one_of(
    st.sampled_from(["OH", "oh", " ny ", "US-OH", "CA-ON", "BE", "13", "NSW", "OHIO", "", "ß"]),
    st.text(max_size=6),
    st.none(),
)
countries = st.one_of(
    st.sampled_from(["US", "DE", "JP", "KW", "CA", "AU"]),
    st.sampled_from(["us", "USA", "", "U", "1A", "ÄÖ"]),
    st.text(max_size=3),
    st.none(),
)


def amount(minor: int, places: int, extra: int = 0) -> Decimal:
    """An exact major-unit Decimal: whole minor units, plus ``extra`` ten-thousandths of one."""
    if not extra:
        return Decimal(minor).scaleb(-places)
    return Decimal(minor * 10**4 + extra).scaleb(-places - 4)


def rounded(value: Decimal, places: int) -> int:
    """Minor units, half away from zero, worked out with fractions (independent of app.money)."""
    scaled = Fraction(value) * 10**places
    magnitude = int(abs(scaled) + Fraction(1, 2))
    return magnitude if scaled >= 0 else -magnitude


@st.composite
def addresses(draw) -> dict[str, Any]:
    """An address whose country and state code may be anything BigCommerce could hold."""
    address = {"first_name": draw(st.text(max_size=10)), "city": "Somewhere"}
    if (country := draw(countries)) is not None:
        address["country_code"] = country
    if (code := draw(codes)) is not None:
        address["state_or_province_code"] = code
    return address


@st.composite
def line_items(draw, places: int, index: int) -> dict[str, Any]:
    """A line: any quantity, prices in whole minor units, coupons even beyond the line."""
    quantity = draw(st.integers(min_value=1, max_value=10**4))
    unit = draw(minors)
    listed = unit + draw(st.integers(min_value=0, max_value=10**6))
    coupon = draw(st.one_of(st.just(0), st.integers(min_value=0, max_value=2 * unit * quantity)))
    name = draw(st.one_of(st.text(max_size=20), st.sampled_from(["", " ", "\t\n"])))
    item = {
        "id": f"line-{index}",
        "product_id": draw(st.integers(min_value=1, max_value=10**9)),
        "name": name,
        "sku": draw(st.one_of(st.text(max_size=8), st.sampled_from(["", " ", "SKU-1"]))),
        "quantity": quantity,
        "list_price": amount(listed, places),
        "sale_price": amount(unit, places, draw(noise)),
        "extended_list_price": amount(listed * quantity, places),
        "extended_sale_price": amount(unit * quantity, places, draw(noise)),
        "coupon_amount": amount(coupon, places, draw(noise)),
        "discount_amount": amount(draw(minors), places),
    }
    if draw(st.booleans()):
        del item["coupon_amount"]
    return item


@st.composite
def fees(draw, places: int) -> dict[str, Any]:
    """A checkout fee: ours (Checkout+) or another app's."""
    ex_tax = draw(minors)
    return {
        "id": draw(st.uuids()).hex,
        "name": "fee",
        "display_name": draw(st.text(max_size=10)),
        "source": draw(st.sampled_from([FEE_SOURCE, "another-app", ""])),
        "cost_ex_tax": amount(ex_tax, places),
        "cost_inc_tax": amount(ex_tax + draw(st.integers(0, 10**4)), places, draw(noise)),
    }


@st.composite
def consignments(draw) -> dict[str, Any]:
    """A consignment with or without an address, for shipping or store pickup."""
    consignment: dict[str, Any] = {"id": draw(st.text(min_size=1, max_size=8))}
    if draw(st.booleans()):
        consignment["address"] = draw(addresses())
    pickup = draw(st.sampled_from([None, "selected_pickup_option", "pickup_option"]))
    if pickup:
        consignment[pickup] = draw(st.sampled_from([{"pickup_method_id": 1}, {}, None]))
    return consignment


@st.composite
def checkout_json(draw) -> dict[str, Any]:
    """The ``data`` of GET /v3/checkouts/{id}, as BigCommerce could send it."""
    currency = draw(currencies)
    places = exponent(currency)
    physical = draw(st.lists(line_items(places, 0), max_size=4))
    digital = draw(st.lists(line_items(places, 100), max_size=2))
    for index, item in enumerate(physical + digital):
        item["id"] = f"line-{index}"  # ids are unique within a cart

    def total() -> Decimal:
        """A checkout total, at times with digits below the minor unit."""
        return amount(draw(minors), places, draw(noise))

    cart_id = str(draw(st.uuids()))
    return {
        "id": cart_id,
        "cart": {
            "id": cart_id,
            "currency": {"code": currency},
            "tax_included": draw(st.booleans()),
            "line_items": {"physical_items": physical, "digital_items": digital},
            "cart_amount_ex_tax": total(),
            "cart_amount_inc_tax": total(),
        },
        "subtotal_ex_tax": total(),
        "subtotal_inc_tax": total(),
        "tax_total": total(),
        "grand_total": total(),
        "coupons": draw(st.lists(st.builds(dict, code=st.text(max_size=10)), max_size=2)),
        "fees": draw(st.lists(fees(places), max_size=3)),
        "consignments": draw(st.lists(consignments(), max_size=3)),
        "billing_address": draw(st.one_of(st.none(), addresses())),
    }


def build(data: dict[str, Any], session_id: str | None = None, **overrides: Any) -> dict:
    """Read the JSON as the client does and map it; check the sandbox Loop accepts it."""
    options = {"default_region": "US", "locale": "en-US", **SETTINGS, **overrides}
    request = build_analyze_request(Checkout.parse(data), session_id=session_id, **options)
    parse_analyze_request(request)  # raises InvalidRequest naming the first bad field
    return request


def numbers(value: Any) -> list[Any]:
    """Every number, bool and float anywhere in a JSON-like value."""
    if isinstance(value, dict):
        return [n for item in value.values() for n in numbers(item)]
    if isinstance(value, list | tuple):
        return [n for item in value for n in numbers(item)]
    return [value] if isinstance(value, int | float | Decimal) else []


def expected_region(data: dict[str, Any], default: str) -> str:
    """The first shipping address, else billing: ``US-OH``, else the country, else default."""
    shipping = [c["address"] for c in data["consignments"] if isinstance(c.get("address"), dict)]
    for address in [*shipping[:1], data["billing_address"]]:
        country = (address or {}).get("country_code")
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            continue
        code = address.get("state_or_province_code")
        code = code.strip().upper().removeprefix(f"{country}-") if isinstance(code, str) else ""
        return f"{country}-{code}" if re.fullmatch(r"[A-Z0-9]{1,3}", code) else country
    return default


def expected_groups(data: dict[str, Any]) -> list[str]:
    """One group per consignment (pickup or shipping), shipping by default, digital apart."""
    items = data["cart"]["line_items"]
    groups = [
        "PICKUP" if c.get("selected_pickup_option") or c.get("pickup_option") else "SHIPPING"
        for c in data["consignments"]
    ]
    if not groups and items["physical_items"]:
        groups.append("SHIPPING")
    if items["digital_items"]:
        groups.append("DIGITAL")
    return groups


def own_fee_minor(data: dict[str, Any], field: str, places: int) -> int:
    """The sum of one amount of our own fees, in minor units."""
    return sum(rounded(f[field], places) for f in data["fees"] if f["source"] == FEE_SOURCE)


def assert_totals(data: dict[str, Any], cart: dict[str, Any], places: int) -> None:
    """Totals follow the store's tax display and leave our own Checkout+ fee (and its tax) out."""
    kind = "inc_tax" if data["cart"]["tax_included"] else "ex_tax"
    # Loop takes no negative amount: one a rounding takes below zero is sent as 0.
    subtotal = max(0, rounded(data[f"subtotal_{kind}"], places))
    discounted = max(0, rounded(data["cart"][f"cart_amount_{kind}"], places))
    assert cart["subtotalAmount"] == subtotal
    assert cart["discountedSubtotalAmount"] == discounted
    assert cart["totalDiscountAmount"] == max(0, subtotal - discounted)
    own_total = own_fee_minor(data, "cost_inc_tax", places)
    own_tax = own_total - own_fee_minor(data, "cost_ex_tax", places)
    assert cart["totalAmount"] == max(0, rounded(data["grand_total"], places) - own_total)
    assert cart["totalTaxAmount"] == max(0, rounded(data["tax_total"], places) - own_tax)


@settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=checkout_json(),
    session_id=session_ids,
    default_region=st.sampled_from(["US", "DE", "US-OH", "GB-LND"]),
    locale=st.one_of(st.none(), st.just(""), st.sampled_from(["en-US", "de-DE", "ja"])),
)
def test_any_checkout_maps_to_a_request_loop_accepts(data, session_id, default_region, locale):
    request = build(data, session_id, default_region=default_region, locale=locale)
    found = numbers(request)
    assert all(type(number) is int for number in found), request  # no float, Decimal or bool
    # sessionId is sent exactly when it is well-formed, never a malformed one.
    assert ("sessionId" in request) == is_session_id(session_id)
    assert ("locale" in request) == bool(locale)
    assert REGION.fullmatch(request["region"])
    assert request["region"] == expected_region(data, default_region)
    assert [g["deliveryMethod"] for g in request["deliveryGroups"]] == expected_groups(data)

    places = exponent(data["cart"]["currency"]["code"])
    cart = request["cart"]
    items = (
        data["cart"]["line_items"]["physical_items"] + data["cart"]["line_items"]["digital_items"]
    )
    assert [line["id"] for line in cart["lines"]] == [item["id"] for item in items]
    for line, item in zip(cart["lines"], items, strict=True):
        # Whole minor units at the ISO 4217 exponent: 3600 JPY is 3600, 7.525 KWD is 7525.
        assert line["unitPrice"] == rounded(item["sale_price"], places)
        assert line["originalTotalPrice"] == rounded(item["extended_list_price"], places)
        coupon = rounded(item.get("coupon_amount", Decimal(0)), places)
        assert line["totalPrice"] == max(0, rounded(item["extended_sale_price"], places) - coupon)
        assert line["quantity"] == item["quantity"]
        assert line["title"].strip()  # Loop refuses an empty title
    assert cart["itemCount"] == sum(item["quantity"] for item in items)
    assert_totals(data, cart, places)
    assert all(value >= 0 for value in found)


def reordered(value: Any) -> Any:
    """The same JSON with every object's keys in reverse order (as another encoder may send)."""
    if isinstance(value, dict):
        return {key: reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


@settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=checkout_json().filter(lambda d: any(d["cart"]["line_items"].values())),
    session_id=session_ids,
    change=st.sampled_from(["quantity", "price"]),
    step=st.integers(min_value=1, max_value=1000),
    pick=st.integers(min_value=0),
)
def test_the_fingerprint_is_stable_for_equal_carts_and_moves_with_a_line(
    data, session_id, change, step, pick
):
    fingerprint = cart_fingerprint(build(data))
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    # Equal carts: read again, keys in another order, with or without a session id.
    assert cart_fingerprint(build(copy.deepcopy(data))) == fingerprint
    assert cart_fingerprint(build(reordered(data), session_id)) == fingerprint

    changed = copy.deepcopy(data)
    items = (
        changed["cart"]["line_items"]["physical_items"]
        + changed["cart"]["line_items"]["digital_items"]
    )
    item = items[pick % len(items)]
    places = exponent(changed["cart"]["currency"]["code"])
    if change == "quantity":
        item["quantity"] += step
    else:  # one minor unit or more on the unit price
        item["sale_price"] += Decimal(step).scaleb(-places)
    assert cart_fingerprint(build(changed)) != fingerprint


@pytest.fixture
def loop_without_quota(sandbox, monkeypatch):
    """The sandbox Loop with its per-key rate limit out of the way (restored afterwards)."""
    limiter = sandbox.loop.service.app.extensions["loop_state"].rate_limiter
    monkeypatch.setattr(limiter, "limit", 10**6)
    return sandbox


@settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=checkout_json(), session_id=session_ids)
def test_the_sandbox_loop_answers_200_to_every_request_over_http(
    loop_without_quota, data, session_id
):
    request = build(data, session_id)
    if "sessionId" in request:
        del request["sessionId"]  # an id Loop never issued is a 404, not the mapping's fault
    response = requests.post(
        f"{loop_without_quota.loop.url}/v1/analyze",
        data=simplejson.dumps(request, use_decimal=True).encode(),
        headers={
            "X-Authorization": credentials.LOOP_CART_API_KEY,
            "Content-Type": "application/json",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert is_session_id(response.json()["sessionId"])
