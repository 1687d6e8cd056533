"""Jinja filters, so templates format money without logic of their own."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_decimal
from flask import Flask
from flask_babel import gettext
from markupsafe import Markup
from markupsafe import escape

from app.checkout.address_formats import POSTAL_CODE
from app.checkout.address_formats import REGION
from app.checkout.address_formats import address_format
from app.checkout.address_formats import region_shown
from app.checkout.delivery import ADDRESS_FIELDS
from app.checkout.step_models import ShippingStep
from app.clients.bigcommerce import Address
from app.locales import country_name
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
    """Write an address on one line in its country's order, as a folded step shows it, its
    country in the shopper's language: ``Jane Doe, 1 Main St, Columbus, OH 43004, United
    States``; ``154-0023 東京都, 世田谷区, 若林1-2-3, 山田 花子, 日本``."""
    if address is None:
        return ""
    region = region_shown(
        address.country_code,
        address.state_or_province_code,
        address.state_or_province,
        page_language(),
    )
    values = {name: getattr(address, name) for name in ADDRESS_FIELDS}
    values[REGION] = region
    parts: list[str] = []
    joined = ("first_name", "last_name", REGION, POSTAL_CODE)
    previous = ""
    for name in address_format(address.country_code or "ZZ").fields:
        value = values.get(name, "")
        if not value:
            continue
        # A name's two parts, and a region beside its postal code, read as one part.
        if parts and {previous, name} in ({"first_name", "last_name"}, {REGION, POSTAL_CODE}):
            parts[-1] = f"{parts[-1]} {value}"
        else:
            parts.append(value)
        previous = name if name in joined else ""
    parts.append(country_name(address.country_code))
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


@lru_cache(maxsize=64)
def _options_markup(choices: tuple[tuple[str, str], ...]) -> str:
    return "".join(
        f'<option value="{escape(value)}">{escape(name)}</option>' for value, name in choices
    )


def options(choices: Iterable[tuple[str, str]], selected: str | None) -> Markup:
    """Write a list's ``<option>``s, the chosen one selected:
    ``{{ field.choices|options(field.data) }}``. Made once per list (a country list has 250)."""
    html = _options_markup(tuple(choices))
    if selected:
        plain = f'<option value="{escape(selected)}">'
        html = html.replace(plain, f"{plain[:-1]} selected>", 1)
    return Markup(html)  # noqa: S704 - every value and name is escaped above


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
    app.add_template_filter(country_name)
    app.add_template_filter(options)
    app.add_template_filter(delivery_summary)
