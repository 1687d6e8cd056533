"""The styleguide: every entry renders from fixtures and keeps the template contract."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from app import create_app
from app.styleguide.check import check_every_entry
from app.styleguide.check import entry_url
from app.styleguide.contract import CONTRACT
from app.styleguide.contract import check
from app.styleguide.entries import ENTRIES
from tests.support.app_config import sandbox_config
from tests.support.pages import parse
from tests.support.paths import PROJECT

TEMPLATES = PROJECT / "templates"
OFFER = "components/checkout_plus_offer.html"
# Templates the styleguide does not show: the demo store, the no-cart page, the merchant's
# admin pages, the field macros (shown inside every section) and the styleguide's own.
NOT_SHOWN = ("storefront/", "admin/", "styleguide/", "macros/", "checkout/no_cart.html")


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.slug)
def test_every_entry_renders_and_keeps_the_contract(client, entry):
    response = client.get(entry_url(entry))
    assert response.status_code == 200, f"{entry_url(entry)} answered {response.status_code}"
    assert response.headers["X-Robots-Tag"] == "noindex"
    problems = check(response.get_data(as_text=True), entry.templates, entry.slug)
    assert not problems, "\n".join(str(problem) for problem in problems)


def test_the_index_links_every_entry_once(client):
    page = parse(client.get("/styleguide/"))
    links = [a["href"] for a in page.select(".styleguide__entry a")]
    assert sorted(links) == sorted(entry_url(entry) for entry in ENTRIES)


def test_every_state_the_designers_asked_for_is_there(client):
    slugs = {entry.slug for entry in ENTRIES}
    wanted = {
        "offer-returns", "offer-shipping", "offer-both", "offer-eur", "offer-jpy", "offer-kwd",
        "offer-hidden", "offer-loading", "offer-opted-in", "offer-reconfirm",
        "summary-with-fee", "summary-without-fee", "confirmation-protected", "page-checkout",
    }  # fmt: skip
    assert wanted <= slugs, f"missing: {sorted(wanted - slugs)}"
    modes = {
        parse(client.get(f"/styleguide/{slug}")).select_one("[data-checkout-plus-description]")[
            "data-mode"
        ]
        for slug in ("offer-returns", "offer-shipping", "offer-both")
    }
    assert modes == {"returnCoverage", "shippingProtection", "returnCoverage shippingProtection"}
    for template in ("checkout_contact", "checkout_shipping", "checkout_billing",
                     "checkout_coupon", "checkout_comment", "checkout_payment"):  # fmt: skip
        shown = [e for e in ENTRIES if e.template == f"components/{template}.html"]
        assert any("errors" in e.states for e in shown), f"{template}.html has no error state"
    errors = {int(slug.removeprefix("error-")) for slug in slugs if slug.startswith("error-")}
    assert {400, 404, 413, 429, 500, 503} <= errors


def test_every_hook_is_checked_by_some_entry():
    for template, hooks in CONTRACT.items():
        for required in hooks:
            checked = [e for e in ENTRIES if template in e.templates and required.applies_to(
                e.templates[template])]  # fmt: skip
            assert checked, f"no styleguide entry shows {template} with {required.selector!r}"


def test_every_template_a_shopper_sees_is_in_the_styleguide():
    shown = {template for entry in ENTRIES for template in entry.templates}
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if not name.startswith(NOT_SHOWN) and name not in NOT_SHOWN:
            assert name in shown, f"templates/{name} has no styleguide entry"


def test_entries_are_made_from_fixtures_without_calling_upstream(app, sandbox):
    before = len(sandbox.bigcommerce.log.entries()), len(sandbox.loop.log.entries())
    assert check_every_entry(app) == []
    after = len(sandbox.bigcommerce.log.entries()), len(sandbox.loop.log.entries())
    assert after == before


def test_prices_follow_the_currency_and_the_entrys_locale(client):
    prices = {}
    for slug in ("offer-both", "offer-eur", "offer-jpy", "offer-kwd"):
        price = parse(client.get(f"/styleguide/{slug}")).select_one("[data-checkout-plus-price]")
        prices[slug] = (price["data-currency"], int(price["data-amount"]), price.get_text())
    assert prices["offer-both"] == ("USD", 298, "for $2.98")
    # A German shopper reads German words, and the price the German way.
    assert prices["offer-eur"] == ("EUR", 275, "für 2,75\xa0€")
    assert prices["offer-jpy"][:2] == ("JPY", 450)
    assert prices["offer-jpy"][2].endswith("450")
    assert prices["offer-kwd"][:2] == ("KWD", 925)
    assert prices["offer-kwd"][2].endswith("0.925")


def test_on_in_the_sandbox_off_in_live_mode_unless_enabled(sandbox, tmp_path):
    live = {
        "BIGCOMMERCE_STORE_HASH": "abc123",
        "BIGCOMMERCE_ACCESS_TOKEN": "token-" + "x" * 20,
        "LOOP_CHECKOUT_PLUS_URL": "https://loop.example",
        "LOOP_CART_API_KEY": "cart-key-" + "y" * 20,
        "SECRET_KEY": "s" * 40,
        "INSTANCE_PATH": str(tmp_path / "live"),
    }
    assert create_app(live).test_client().get("/styleguide/").status_code == 404
    enabled = create_app({**live, "CHECKOUT_STYLEGUIDE": "1"}).test_client()
    assert enabled.get("/styleguide/offer-both").status_code == 200
    debug = create_app({**live, "DEBUG": True}).test_client()
    assert debug.get("/styleguide/").status_code == 200
    off = sandbox_config(sandbox, CHECKOUT_STYLEGUIDE="0", INSTANCE_PATH=str(tmp_path / "sb"))
    assert create_app(off).test_client().get("/styleguide/").status_code == 404


def test_an_unknown_entry_is_a_404_page(client):
    response = client.get("/styleguide/no-such-state")
    assert response.status_code == 404
    assert parse(response).select_one("[data-status='404'] h1")


def designer_copy(tmp_path: Path, edit) -> Path:
    """Copy the templates, let ``edit`` change the offer's template, and return the copy."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    offer = folder / OFFER
    offer.write_text(edit(offer.read_text()))
    return folder


def test_a_copy_that_renames_a_hook_fails_naming_the_hook_and_the_file(sandbox, tmp_path):
    def rename(text: str) -> str:
        assert 'name="checkout_plus"' in text
        return text.replace('name="checkout_plus"', 'name="protection"')

    folder = designer_copy(tmp_path, rename)
    config = sandbox_config(sandbox, CHECKOUT_TEMPLATES_DIR=str(folder))
    problems = check_every_entry(create_app({**config, "INSTANCE_PATH": str(tmp_path / "i")}))
    assert problems, "renaming the opt-in field went unnoticed"
    assert {problem.template for problem in problems} == {OFFER}
    assert {problem.hook.selector for problem in problems} >= {
        "#checkout-plus-offer input[type=checkbox][name=checkout_plus]"
    }
    # The command a designer runs says the same and fails.
    run = subprocess.run(
        [sys.executable, "-m", "app.styleguide"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CHECKOUT_TEMPLATES_DIR": str(folder),
             "CHECKOUT_INSTANCE_PATH": str(tmp_path / "cmd"), "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"{OFFER} is missing the hook" in run.stdout
    assert "input[type=checkbox][name=checkout_plus]" in run.stdout


def test_an_offer_ticked_for_the_shopper_breaks_the_contract(sandbox, tmp_path):
    def pre_tick(text: str) -> str:
        old = "{% if offer.opted_in %} checked{% endif %}"
        assert old in text
        return text.replace(old, " checked")

    folder = designer_copy(tmp_path, pre_tick)
    config = sandbox_config(sandbox, CHECKOUT_TEMPLATES_DIR=str(folder))
    problems = check_every_entry(create_app({**config, "INSTANCE_PATH": str(tmp_path / "i")}))
    assert problems
    assert all("must not show" in str(problem) for problem in problems)
    assert {problem.template for problem in problems} == {OFFER}


def test_the_unchanged_templates_pass_the_command(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "app.styleguide"],
        cwd=PROJECT,
        env={"PATH": "/usr/bin:/bin", "CHECKOUT_INSTANCE_PATH": str(tmp_path / "cmd")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(ENTRIES)} entries checked, 0 problem(s)" in run.stdout


def test_the_app_serves_the_folders_it_is_configured_with(app):
    # Under tests/test_designer_copy.py this is the designer's copy; otherwise the project's.
    templates = os.environ.get("CHECKOUT_TEMPLATES_DIR") or TEMPLATES
    static = os.environ.get("CHECKOUT_STATIC_DIR") or PROJECT / "static"
    assert Path(app.template_folder) == Path(templates)
    assert Path(app.static_folder) == Path(static)


def contract_names() -> set[str]:
    """Every id, data-* hook and field name the contract names."""
    names: set[str] = set()
    for hooks in CONTRACT.values():
        for required in hooks:
            names |= set(re.findall(r"#([a-z][a-z0-9-]*)", required.selector))
            names |= set(re.findall(r"\[(data-[a-z-]+)", required.selector))
            names |= set(re.findall(r"name=['\"]?([a-z0-9_-]+)", required.selector))
    return names


def test_the_designers_guide_names_every_hook_of_the_contract():
    guide = (TEMPLATES / "README.md").read_text()
    missing = sorted(name for name in contract_names() if name not in guide)
    assert not missing, f"templates/README.md does not name these contract hooks: {missing}"
    for template in CONTRACT:
        assert f"`{template}`" in guide, f"templates/README.md has no row for {template}"


def test_every_template_opens_with_a_comment_naming_its_inputs_and_root():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text()
        assert text.startswith("{#-"), f"templates/{name} does not open with a {{#- comment #}}"
        comment = text[: text.index("#}")]
        assert re.search(r"\bInputs?\b", comment), f"templates/{name}: name its inputs"
        if not name.startswith("macros/"):  # macros take arguments and have no root
            assert "Root" in comment, f"templates/{name}: name its root element"


def test_the_designers_check_needs_no_test_extra():
    # python -m app.styleguide parses rendered HTML: what it imports is installed with the app.
    requirements = metadata.requires("checkout-plus-bigcommerce") or []
    runtime = [line for line in requirements if "extra ==" not in line]
    assert any(line.startswith("beautifulsoup4") for line in runtime), runtime
