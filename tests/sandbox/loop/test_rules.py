"""The rules file: the bundled defaults, replacing rules over HTTP, and shape validation."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from app.sandbox.loop import LoopSandboxSettings
from app.sandbox.loop import create_service
from app.sandbox.loop.rules import RulesError
from app.sandbox.loop.rules import load_rules_file
from app.sandbox.loop.rules import parse_rules
from app.sandbox.loop.settings import DEFAULT_RULES_PATH
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from tests.support.loop_requests import LoopApi
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import default_rules
from tests.support.loop_requests import line
from tests.support.loop_requests import rules_with


def test_bundled_rules_seed_the_demo_store():
    demo = load_rules_file(DEFAULT_RULES_PATH).merchants["demo"]

    assert demo.enabled is True
    assert demo.modes == ("returnCoverage", "shippingProtection")
    assert demo.currencies == ("USD", "EUR", "JPY", "KWD")
    assert demo.excluded_product_ids == frozenset({"105"})
    assert demo.excluded_lines == "not_priced"
    assert demo.pickup == "return_coverage_only"
    assert demo.locales is None
    assert demo.pricing["USD"].min_subtotal == 1000
    assert demo.pricing["USD"].max_subtotal == 200000
    assert [(t.highest, t.prices) for t in demo.pricing["USD"].tiers] == [
        (10000, {"returnCoverage": 198, "shippingProtection": 100}),
        (50000, {"returnCoverage": 398, "shippingProtection": 200}),
        (200000, {"returnCoverage": 998, "shippingProtection": 500}),
    ]


@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY", "KWD"])
def test_bundled_tiers_leave_no_gap_between_min_and_max(currency):
    # A gap would turn a real demo cart into a system_error.
    pricing = load_rules_file(DEFAULT_RULES_PATH).merchants["demo"].pricing[currency]
    tiers = pricing.tiers

    assert tiers[0].lowest <= pricing.min_subtotal
    assert all(b.lowest == a.highest + 1 for a, b in itertools.pairwise(tiers))
    assert tiers[-1].highest >= pricing.max_subtotal
    assert all(set(t.prices) == {"returnCoverage", "shippingProtection"} for t in tiers)


def test_put_rules_replaces_them_and_reset_restores_the_file(loop, loop_api):
    document = rules_with(modes=["returnCoverage"])

    put = loop_api.control("PUT", "/rules", json=document)
    during = loop_api.analyze(analyze_body(line("101"))).json()
    got = loop_api.control("GET", "/rules").json()
    loop.reset()
    after = loop_api.analyze(analyze_body(line("101"))).json()

    assert put.status_code == 200
    assert got["merchants"]["demo"]["modes"] == ["returnCoverage"]
    assert during["mode"] == ["returnCoverage"]
    assert during["chargeInstructions"]["amount"] == 198
    assert after["mode"] == ["returnCoverage", "shippingProtection"]
    assert loop_api.control("GET", "/rules").json() == default_rules()


def bad(path: str, value: Any) -> dict[str, Any]:
    """The bundled rules with one dotted path under merchants.demo set."""
    document = copy.deepcopy(default_rules())
    *parents, last = path.split(".")
    target: Any = document["merchants"]["demo"]
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return document


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (bad("modes", ["returns"]), "merchants.demo.modes"),
        (bad("modes", []), "merchants.demo.modes"),
        (bad("modes", ["returnCoverage", "returnCoverage"]), "merchants.demo.modes"),
        (bad("currencies", ["usd"]), "merchants.demo.currencies"),
        (bad("exclude_b2c", True), "exclude_b2c"),
        (bad("ab_control_share", 1.5), "ab_control_share"),
        (bad("pickup", "never"), "merchants.demo.pickup"),
        (bad("excluded_lines", "drop"), "merchants.demo.excluded_lines"),
        (bad("pricing.USD.min_subtotal", 10.0), "pricing.USD.min_subtotal"),
        (bad("pricing.USD.tiers.0.up_to", -1), "pricing.USD.tiers[0].up_to"),
        (bad("pricing.USD.tiers.0.price", {"returnCoverage": 0}), "tiers[0].price.returnCoverage"),
        (bad("pricing.USD.tiers.1.from", 999999), "pricing.USD.tiers[1]"),
        (
            {"merchants": {}, "api_keys": [{"key": "k", "merchant": "m", "scopes": ["admin"]}]},
            "api_keys[0].scopes",
        ),
        ({"merchant": {}}, "merchant"),
        ([], "rules"),
    ],
)
def test_invalid_rules_are_refused_naming_the_path(loop_api, document, named):
    response = loop_api.control("PUT", "/rules", json=document)

    assert response.status_code == 422
    assert named in response.json()["message"]
    with pytest.raises(RulesError, match=named.replace("[", r"\[").replace("]", r"\]")):
        parse_rules(document)


def test_invalid_patterns_load_so_that_evaluation_can_throw():
    rules = parse_rules(rules_with(excluded_title_patterns=["(unclosed", "[z-a]"]))

    assert rules.merchants["demo"].excluded_title_patterns == ("(unclosed", "[z-a]")


def test_a_rules_file_can_declare_keys_and_merchants(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(
        """
[[api_keys]]
key = "acme-cart-key"
merchant = "acme"
scopes = ["cart"]

[merchants.acme]
modes = ["shippingProtection"]
currencies = ["EUR"]

[merchants.acme.pricing.EUR]
[[merchants.acme.pricing.EUR.tiers]]
up_to = 100000
price = { shippingProtection = 250 }
""",
        encoding="utf-8",
    )
    service = create_service(LoopSandboxSettings(rules_path=path))
    running = RunningService(service, LoopbackServer(service.app).start())
    try:
        api = LoopApi(running.url)
        acme = api.analyze(analyze_body(line("101"), currency="EUR"), key="acme-cart-key").json()
        demo = api.analyze(analyze_body(line("101")))
    finally:
        running.stop()

    assert acme["mode"] == ["shippingProtection"]
    assert acme["chargeInstructions"] == {"amount": 250, "currencyCode": "EUR", "method": "fee"}
    # The demo key still authenticates; demo just has no configuration in this file.
    assert demo.status_code == 200
    assert demo.json()["reason"] == "configuration_missing"
