"""Addresses in tests: what a shopper types into the forms, and what the store API is sent."""

from __future__ import annotations

# What a shopper types into the address forms: an Ohio address (6 % tax).
OHIO = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address1": "1 Main St",
    "city": "Columbus",
    "state_or_province": "OH",
    "postal_code": "43004",
}

# Every field of the address forms, the state as people type it (a test posts them with
# ``steps.prefixed``).
OHIO_FORM = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "company": "",
    "address1": "1 Main St",
    "address2": "",
    "city": "Columbus",
    "country_code": "US",
    "state_or_province": "ohio",
    "postal_code": "43004",
    "phone": "(614) 555-0100",
}

# Addresses as the store API is sent them (billing addresses carry an email).
CA_ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "email": "jane@example.com",
    "address1": "1 Market St",
    "city": "San Francisco",
    "state_or_province": "California",
    "state_or_province_code": "CA",
    "country_code": "US",
    "postal_code": "94105",
    "phone": "+14155550100",
}

OH_ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "address1": "1 Main St",
    "city": "Columbus",
    "state_or_province": "Ohio",
    "state_or_province_code": "OH",
    "country_code": "US",
    "postal_code": "43004",
}
NY_ADDRESS = {
    **CA_ADDRESS,
    "city": "New York",
    "state_or_province": "New York",
    "state_or_province_code": "NY",
    "postal_code": "10001",
}

KW_ADDRESS = {
    "first_name": "Sara",
    "last_name": "Ali",
    "email": "sara@example.com",
    "address1": "Gulf Road 1",
    "city": "Kuwait City",
    "country_code": "KW",
    "state_or_province": "",
    "postal_code": "15000",
}

JP_ADDRESS = {
    "first_name": "Aiko",
    "last_name": "Sato",
    "email": "aiko@example.com",
    "address1": "1-1 Chiyoda",
    "city": "Tokyo",
    "country_code": "JP",
    "state_or_province": "Tokyo",
    "postal_code": "100-0001",
}

DE_ADDRESS = {
    "first_name": "Jonas",
    "last_name": "Weber",
    "email": "jonas@example.com",
    "address1": "Unter den Linden 1",
    "city": "Berlin",
    "country_code": "DE",
    "state_or_province": "",
    "postal_code": "10117",
}
