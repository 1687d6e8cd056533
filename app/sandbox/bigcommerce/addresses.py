"""Checkout addresses (``AddressProperties``): validation and what an order needs."""

from __future__ import annotations

import re
from typing import Any

from . import seed
from .errors import invalid
from .state import Address
from .validation import Schema
from .validation import array
from .validation import obj
from .validation import string

# checkouts.v3.yml AddressProperties; the phone pattern is copied as written (including its
# `{1-5}` typo) so the sandbox accepts exactly what a spec validator accepts.
PHONE_PATTERN = r"^\+?[1-9]\d{1,14}(x\d{1-5})?$"
TEXT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "company",
    "address1",
    "address2",
    "city",
    "state_or_province",
    "state_or_province_code",
    "country_code",
    "postal_code",
)
ADDRESS_PROPERTIES: dict[str, Schema] = {
    **{name: string() for name in TEXT_FIELDS},
    "phone": string(pattern=PHONE_PATTERN),
    "custom_fields": array(obj({"field_id": string(), "field_value": string()})),
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAL_CODE_COUNTRIES = frozenset({"US", "CA", "AU", "DE", "FR", "JP", "GB"})


def address_schema(required: tuple[str, ...] = ("email", "country_code")) -> Schema:
    """The address object schema, with the fields a given call requires."""
    return obj(ADDRESS_PROPERTIES, required=required)


def normalize(raw: dict[str, Any], prefix: str = "") -> Address:
    """Check an address's email and country, and fill BigCommerce's empty defaults."""
    where = f"{prefix}." if prefix else ""
    address: Address = {name: str(raw.get(name, "")) for name in TEXT_FIELDS}
    address["country_code"] = address["country_code"].upper()
    if not EMAIL.match(address["email"]):
        raise invalid({f"{where}email": "must be a valid email address"})
    if not re.fullmatch(r"[A-Z]{2}", address["country_code"]):
        raise invalid({f"{where}country_code": "must be an ISO 3166-1 alpha-2 country code"})
    # The response schema checks `phone` against the pattern, so an absent phone stays absent.
    if raw.get("phone"):
        address["phone"] = raw["phone"]
    address["custom_fields"] = list(raw.get("custom_fields", []))
    return address


def needs_state(address: Address) -> bool:
    """Whether the address's country requires a state or province."""
    return address.get("country_code") in seed.STATE_REQUIRED_COUNTRIES


def missing_for_order(address: Address) -> list[str]:
    """The fields a shipping address still lacks before an order can be created."""
    required = ["first_name", "last_name", "address1", "city", "country_code", "email"]
    if address.get("country_code") in POSTAL_CODE_COUNTRIES:
        required.append("postal_code")
    if needs_state(address):
        required.append("state_or_province")
    return [name for name in required if not address.get(name)]
