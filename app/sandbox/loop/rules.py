"""Merchant rules: the document shape (TOML file or JSON), its validation, and the parsed form.

The document is checked for shape and types when it is loaded. Title patterns are deliberately
*not* compiled here: an invalid pattern throws during evaluation, which is what Loop reports as
``rule_evaluation_error``. Likewise a tier table may leave gaps; an unpriced subtotal is a
``system_error`` at evaluation time, not a load error.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.sandbox.loop.money import is_currency_code
from app.sandbox.loop.money import is_minor_amount
from app.sandbox.loop.settings import KNOWN_SCOPES
from app.sandbox.loop.settings import ApiKey

MODES = ("returnCoverage", "shippingProtection")
EXCLUDED_LINES_POLICIES = ("not_priced", "disqualify")
PICKUP_POLICIES = ("ineligible", "return_coverage_only")

MERCHANT_KEYS = frozenset(
    {
        "enabled",
        "modes",
        "currencies",
        "locales",
        "pricing",
        "excluded_product_ids",
        "excluded_title_patterns",
        "excluded_lines",
        "coverage_product_ids",
        "exclude_b2b",
        "pickup",
        "ab_control_share",
    }
)
PRICING_KEYS = frozenset({"min_subtotal", "max_subtotal", "tiers"})
TIER_KEYS = frozenset({"from", "up_to", "price"})
API_KEY_KEYS = frozenset({"key", "merchant", "scopes"})


class RulesError(ValueError):
    """The rules document has a wrong shape; the message names the offending path."""


@dataclass(frozen=True)
class Tier:
    """Prices per mode for a protected subtotal within ``lowest..highest`` (both inclusive)."""

    lowest: int
    highest: int
    prices: dict[str, int]


@dataclass(frozen=True)
class CurrencyPricing:
    """Limits and tiers for one currency, all in that currency's minor units."""

    min_subtotal: int | None
    max_subtotal: int | None
    tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class MerchantRules:
    """One merchant's Checkout+ configuration."""

    enabled: bool
    modes: tuple[str, ...]
    currencies: tuple[str, ...]
    locales: tuple[str, ...] | None
    pricing: dict[str, CurrencyPricing]
    excluded_product_ids: frozenset[str]
    excluded_title_patterns: tuple[str, ...]
    excluded_lines: str
    coverage_product_ids: frozenset[str]
    exclude_b2b: bool
    pickup: str
    ab_control_share: float


@dataclass(frozen=True)
class Rules:
    """Every merchant's rules plus the extra API keys the document declares."""

    merchants: dict[str, MerchantRules]
    api_keys: tuple[ApiKey, ...]
    document: dict[str, Any]


def load_rules_file(path: Path) -> Rules:
    """Read and parse a rules TOML file."""
    with path.open("rb") as handle:
        try:
            document = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise RulesError(f"{path}: {error}") from error
    return parse_rules(document)


def parse_rules(document: Any) -> Rules:
    """Validate a rules document (parsed TOML or JSON) and return its parsed form."""
    doc = _table(document, "rules")
    unknown = set(doc) - {"api_keys", "merchants"}
    if unknown:
        raise RulesError(f"unknown top-level key {sorted(unknown)[0]!r}")
    keys = tuple(
        _api_key(entry, f"api_keys[{index}]")
        for index, entry in enumerate(_list(doc.get("api_keys", []), "api_keys"))
    )
    merchants_doc = _table(doc.get("merchants", {}), "merchants")
    merchants = {
        name: _merchant(table, f"merchants.{name}") for name, table in merchants_doc.items()
    }
    return Rules(merchants=merchants, api_keys=keys, document=document)


def _api_key(value: Any, path: str) -> ApiKey:
    table = _table(value, path)
    _no_unknown(table, API_KEY_KEYS, path)
    key = _string(table.get("key"), f"{path}.key")
    merchant = _string(table.get("merchant"), f"{path}.merchant")
    scopes = _strings(table.get("scopes"), f"{path}.scopes")
    for scope in scopes:
        if scope not in KNOWN_SCOPES:
            raise RulesError(f"{path}.scopes: unknown scope {scope!r}; use {sorted(KNOWN_SCOPES)}")
    return ApiKey(key=key, merchant=merchant, scopes=frozenset(scopes))


def _merchant(value: Any, path: str) -> MerchantRules:
    table = _table(value, path)
    _no_unknown(table, MERCHANT_KEYS, path)
    modes = _strings(table.get("modes"), f"{path}.modes")
    if not modes:
        raise RulesError(f"{path}.modes: offer at least one mode")
    for mode in modes:
        if mode not in MODES:
            raise RulesError(f"{path}.modes: unknown mode {mode!r}; use {list(MODES)}")
    if len(set(modes)) != len(modes):
        raise RulesError(f"{path}.modes: a mode is listed twice")
    currencies = _strings(table.get("currencies"), f"{path}.currencies")
    for code in currencies:
        if not is_currency_code(code):
            raise RulesError(f"{path}.currencies: {code!r} is not an ISO 4217 code")
    locales = None
    if "locales" in table:
        locales = tuple(normalize_locale(x) for x in _strings(table["locales"], f"{path}.locales"))
    pricing_doc = _table(table.get("pricing", {}), f"{path}.pricing")
    pricing = {
        code: _pricing(entry, f"{path}.pricing.{code}") for code, entry in pricing_doc.items()
    }
    share = table.get("ab_control_share", 0)
    if (
        isinstance(share, bool)
        or not isinstance(share, int | float | Decimal)
        or not 0 <= share <= 1
    ):
        raise RulesError(f"{path}.ab_control_share: expected a number between 0 and 1")
    return MerchantRules(
        enabled=_bool(table.get("enabled", True), f"{path}.enabled"),
        modes=tuple(modes),
        currencies=tuple(currencies),
        locales=locales,
        pricing=pricing,
        excluded_product_ids=frozenset(
            _strings(table.get("excluded_product_ids", []), f"{path}.excluded_product_ids")
        ),
        excluded_title_patterns=tuple(
            _strings(table.get("excluded_title_patterns", []), f"{path}.excluded_title_patterns")
        ),
        excluded_lines=_choice(
            table.get("excluded_lines", "not_priced"),
            EXCLUDED_LINES_POLICIES,
            f"{path}.excluded_lines",
        ),
        coverage_product_ids=frozenset(
            _strings(table.get("coverage_product_ids", []), f"{path}.coverage_product_ids")
        ),
        exclude_b2b=_bool(table.get("exclude_b2b", False), f"{path}.exclude_b2b"),
        pickup=_choice(table.get("pickup", "ineligible"), PICKUP_POLICIES, f"{path}.pickup"),
        ab_control_share=float(share),
    )


def _pricing(value: Any, path: str) -> CurrencyPricing:
    table = _table(value, path)
    _no_unknown(table, PRICING_KEYS, path)
    tiers: list[Tier] = []
    next_lowest = 0
    for index, entry in enumerate(_list(table.get("tiers", []), f"{path}.tiers")):
        tier = _tier(entry, next_lowest, f"{path}.tiers[{index}]")
        tiers.append(tier)
        next_lowest = tier.highest + 1
    return CurrencyPricing(
        min_subtotal=_optional_amount(table.get("min_subtotal"), f"{path}.min_subtotal"),
        max_subtotal=_optional_amount(table.get("max_subtotal"), f"{path}.max_subtotal"),
        tiers=tuple(tiers),
    )


def _tier(value: Any, default_lowest: int, path: str) -> Tier:
    table = _table(value, path)
    _no_unknown(table, TIER_KEYS, path)
    highest = _optional_amount(table.get("up_to"), f"{path}.up_to")
    if highest is None:
        raise RulesError(f"{path}.up_to: required")
    lowest = _optional_amount(table.get("from"), f"{path}.from")
    lowest = default_lowest if lowest is None else lowest
    if lowest > highest:
        raise RulesError(f"{path}: from {lowest} is above up_to {highest}")
    prices = _table(table.get("price"), f"{path}.price")
    for mode, price in prices.items():
        if mode not in MODES:
            raise RulesError(f"{path}.price: unknown mode {mode!r}")
        # A free protection is never offered: every listed price must be a positive integer.
        if not is_minor_amount(price) or price <= 0:
            raise RulesError(f"{path}.price.{mode}: expected a positive integer in minor units")
    return Tier(lowest=lowest, highest=highest, prices=dict(prices))


def normalize_locale(value: str) -> str:
    """Return a locale in one comparable form: ``en_us`` and ``en-US`` both become ``en-us``."""
    return value.replace("_", "-").lower()


def _table(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RulesError(f"{path}: expected a table")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise RulesError(f"{path}: expected an array")
    return value


def _strings(value: Any, path: str) -> list[str]:
    items = _list(value, path)
    if not all(isinstance(item, str) for item in items):
        raise RulesError(f"{path}: expected an array of strings")
    return items


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise RulesError(f"{path}: expected a non-empty string")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise RulesError(f"{path}: expected true or false")
    return value


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    if value not in choices:
        raise RulesError(f"{path}: expected one of {list(choices)}")
    return value


def _optional_amount(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if not is_minor_amount(value) or value < 0:
        raise RulesError(f"{path}: expected a non-negative integer in minor units")
    return value


def _no_unknown(table: dict[str, Any], known: frozenset[str], path: str) -> None:
    unknown = set(table) - known
    if unknown:
        raise RulesError(f"{path}: unknown key {sorted(unknown)[0]!r}")
