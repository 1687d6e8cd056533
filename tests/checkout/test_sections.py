"""The sections table: the page, the step views, the styleguide and the contract all read it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.checkout.sections import ASIDE
from app.checkout.sections import MAIN
from app.checkout.sections import PAYMENT_FORM
from app.checkout.sections import SECTIONS
from app.checkout.sections import layout
from app.rate_limits import CART_CHANGES
from app.rate_limits import scope_of
from tests.support.catalog import SNEAKERS
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.paths import PROJECT
from tests.support.steps import given_email


def test_the_page_shows_each_column_in_the_tables_order(client, store):
    cart_id = store.create_cart([(SNEAKERS, 1)])
    given_email(store, cart_id)
    page = parse(open_checkout(client, cart_id))
    for column, sections in (
        (".checkout__main", layout().main),
        (".checkout__aside", layout().aside),
    ):
        roots = [element["id"] for element in page.select(f"{column} > [id]")]
        shown = [root for root in roots if not root.endswith("-status")]  # the offer's live region
        assert shown == [section.root for section in sections]
    assert {section.column for section in SECTIONS} == {MAIN, ASIDE, PAYMENT_FORM}
    form = page.select_one("#checkout-payment form#payment-form")
    inside = [element["id"] for element in form.select(":scope > [id]")]
    assert inside[-len(layout().payment_form) :] == [s.root for s in layout().payment_form]


def test_every_step_form_of_the_table_is_a_post_route_counted_as_a_cart_change(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    step_forms = [form for section in SECTIONS for form in section.forms if form.save]
    assert len(step_forms) == 7
    for form in step_forms:
        rule = rules[f"checkout.{form.endpoint}"]
        assert rule.rule == form.path
        assert "POST" in rule.methods
        assert scope_of(app.view_functions[rule.endpoint]) == CART_CHANGES


def test_every_form_of_the_table_has_its_view(app):
    endpoints = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    for section in SECTIONS:
        for form in section.forms:
            assert endpoints[f"checkout.{form.endpoint}"] == form.path


# A new section, written as a developer would: one entry in the table...
ENTRY = """
    Section(
        "help",
        "Need help?",
        "components/checkout_help.html",
        ASIDE,
        "checkout-help",
        read=lambda inputs: inputs.checkout.item_count,
        shows=lambda checkout: checkout.item_count,
    ),
"""
# ...and one template.
TEMPLATE = """{#- Need help: who to ask about this order.
    Inputs: steps.help (how many items the cart holds). Root: #checkout-help. -#}
<section id="checkout-help" class="checkout-section step" aria-labelledby="checkout-help-title">
  <h2 id="checkout-help-title" class="step__title">{{ _("Need help?") }}</h2>
  <p data-help-items="{{ steps.help }}">{{ ngettext(
    "Questions about your %(num)d item? Ask us.",
    "Questions about your %(num)d items? Ask us.",
    steps.help) }}</p>
</section>
"""
# What a translator does after `python -m app.translations update`: says each new message.
TRANSLATE = """
from app.translations import LANGUAGES, read_catalog, write_catalog
for language in LANGUAGES:
    catalog = read_catalog(language)
    for message in catalog:
        if message.pluralizable and not all(message.string):
            message.string = (f"[{language}] {message.id[1]}",) * catalog.num_plurals
        elif message.id and not message.string:
            message.string = f"[{language}] {message.id}"
    write_catalog(language, catalog)
"""
CHECK = """
import sys
from app import create_app
from app.sandbox import Sandbox
from app.styleguide.check import check_every_entry
from app.styleguide.entries import BY_SLUG
from bs4 import BeautifulSoup
import requests

sandbox = Sandbox.start()
try:
    app = create_app({"CHECKOUT_SANDBOX": "1", "SECRET_KEY": "k" * 40, "TESTING": True,
        "INSTANCE_PATH": sys.argv[1],
        "BIGCOMMERCE_API_URL": sandbox.bigcommerce.url,
        "BIGCOMMERCE_PAYMENTS_URL": sandbox.bigcommerce.url,
        "LOOP_CHECKOUT_PLUS_URL": sandbox.loop.url,
        "LOOP_ORDERS_API_URL": sandbox.loop.url + "/api/v1"})
    store = sandbox.bigcommerce.url + "/stores/sandbox/v3"
    token = {"X-Auth-Token": "sandbox-bc-access-token-3f9c2a7d"}
    cart = requests.post(store + "/carts", headers=token, timeout=10, json={
        "channel_id": 1, "line_items": [{"product_id": 101, "quantity": 3}]}).json()["data"]
    client = app.test_client()
    client.get("/checkout?cart_id=" + cart["id"])
    page = BeautifulSoup(client.get("/checkout").get_data(as_text=True), "html.parser")
    aside = [element["id"] for element in page.select(".checkout__aside > section[id]")]
    print("aside", " ".join(aside))
    print("items", page.select_one("#checkout-help [data-help-items]")["data-help-items"])
    print("styleguide", client.get("/styleguide/help").status_code, BY_SLUG["help"].states)
    print("problems", len(check_every_entry(app)))
finally:
    sandbox.stop()
"""


def copy_of_the_project(folder: Path) -> Path:
    """Return a copy of app/, templates/ and static/: a developer's working tree."""
    for part in ("app", "templates", "static"):
        shutil.copytree(PROJECT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python`` in the copy, with only the copy on the path."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=project,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_adding_a_section_is_one_table_entry_and_one_template(tmp_path):
    project = copy_of_the_project(tmp_path / "project")
    table = project / "app" / "checkout" / "sections.py"
    text = table.read_text()
    end = text.index("\n)\n", text.index("SECTIONS: tuple[Section, ...] = ("))
    table.write_text(text[:end] + ENTRY.rstrip() + text[end:])
    (project / "templates" / "components" / "checkout_help.html").write_text(TEMPLATE)

    shown = run(project, "-c", CHECK, str(tmp_path / "instance"))
    assert shown.returncode == 0, shown.stderr
    lines = dict(line.split(" ", 1) for line in shown.stdout.splitlines())
    # The page shows it in its column, after the sections the table lists before it.
    assert lines["aside"].split() == ["order-summary", "checkout-coupon", "checkout-help"]
    assert lines["items"] == "3"  # its read model, from the checkout
    # The styleguide shows it as a shopper first sees it, and the contract checks it.
    assert lines["styleguide"].startswith("200")
    assert lines["problems"] == "0"
    # Its words are new: every language lacks them until someone translates them.
    untranslated = run(project, "-m", "app.styleguide")
    assert untranslated.returncode == 1
    assert "ja: missing: 'Need help?'" in untranslated.stdout
    assert run(project, "-m", "app.translations", "update").returncode == 0
    translated = run(project, "-c", TRANSLATE)
    assert translated.returncode == 0, translated.stderr
    assert run(project, "-m", "app.translations", "check").returncode == 0
    checked = run(project, "-m", "app.styleguide")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # A template that loses the root the entry names fails the designers' check, naming it.
    broken = TEMPLATE.replace('id="checkout-help"', 'id="help"')
    (project / "templates" / "components" / "checkout_help.html").write_text(broken)
    refused = run(project, "-m", "app.styleguide")
    assert refused.returncode == 1
    assert "components/checkout_help.html is missing the hook '#checkout-help'" in refused.stdout
