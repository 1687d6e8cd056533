"""Jinja filters, so templates format money without logic of their own."""

from __future__ import annotations

import re
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import gettext

from app.checkout.address_formats import region_shown
from app.checkout.step_models import ShippingStep
from app.clients.bigcommerce import Address
from app.locales import page_language
from app.locales import shopper_locale
from app.locales import translate
from app.money import format_amount
from app.money import format_minor
from app.money import to_minor

# A valid floating-point number in HTML's sense (what a number field's value may be).
NUMBER_FIELD_VALUE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def money(amount: Decimal | int, currency: str) -> str:
    """Format an amount in major units, e.g. ``{{ total|money(currency) }}`` -> ``$24.50``."""
    return format_amount(amount, currency, shopper_locale())


def minor_money(minor: int, currency: str) -> str:
    """Format an integer of minor units, e.g. ``{{ 498|minor_money("USD") }}`` -> ``$4.98``."""
    return format_minor(minor, currency, shopper_locale())


def minor_units(amount: Decimal | int, currency: str) -> int:
    """Give an amount in minor units for ``data-amount`` hooks (24.50 USD -> 2450)."""
    return to_minor(amount, currency)


def one_line_address(address: Address | None) -> str:
    """Write an address on one line, as a folded step shows it, its country in the shopper's
    language: ``Jane Doe, 1 Main St, Columbus, OH 43004, United States``."""
    if address is None:
        return ""
    region = region_shown(
        address.country_code,
        address.state_or_province_code,
        address.state_or_province,
        page_language(),
    )
    country = Locale.parse(shopper_locale()).territories.get(address.country_code, "")
    parts = (
        " ".join(part for part in (address.first_name, address.last_name) if part),
        address.company,
        address.address1,
        address.address2,
        address.city,
        " ".join(part for part in (region, address.postal_code) if part),
        country or address.country_code,
    )
    return ", ".join(part for part in parts if part)


def delivery_summary(shipping: ShippingStep, currency: str) -> list[str]:
    """Sum a delivery up in a folded step's lines: the pickup and when, or the address and
    the method with its price (``Standard · $5.99``)."""
    if shipping.pickup_chosen:
        method = shipping.pickup_method
        if method is None:
            return [gettext("Pick up in store")]
        lines = [
            gettext("Pick up in store: %(method)s", method=method.display_name),
            method.collection_time_description,
        ]
        return [line for line in lines if line]
    lines = [one_line_address(shipping.delivery.address)]
    option = shipping.selected_option
    if option is not None:
        lines.append(f"{option.description} · {money(option.cost, currency)}")
    return [line for line in lines if line]


def quantity(count: int) -> str:
    """Write a count in the shopper's locale, e.g. ``{{ 1200|quantity }}`` -> ``1,200``."""
    return format_decimal(count, locale=shopper_locale())


def price_each(unit: Decimal | int, count: int, currency: str) -> str:
    """Write a unit price times a quantity: ``{{ 89|price_each(2, "USD") }}`` -> ``$89.00 × 2``."""
    return f"{money(unit, currency)} × {quantity(count)}"


def fits_number_field(text: str) -> bool:
    """Tell whether an ``<input type=number>`` may hold this text (empty, or a decimal number)."""
    return text == "" or NUMBER_FIELD_VALUE.fullmatch(text) is not None


def register_filters(app: Flask) -> None:
    """Make the filters available to every template."""
    app.add_template_filter(translate, "t")
    app.add_template_filter(money)
    app.add_template_filter(minor_money)
    app.add_template_filter(minor_units)
    app.add_template_filter(quantity)
    app.add_template_filter(price_each)
    app.add_template_filter(fits_number_field)
    app.add_template_filter(one_line_address)
    app.add_template_filter(delivery_summary)
