"""Consent evidence: each placed order's decision keeps the offer's words as the shopper's page
rendered them (from the designer's template, in their language), the template's version, the
price, currency and modes, the shopper's own click with its time, and Loop's session; the
admin page shows it, and it is exported as JSON lines by the worker and by the admin page."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

from app import create_app
from tests.support.admin import ADMIN
from tests.support.admin import admin
from tests.support.app_config import sandbox_config
from tests.support.offer import analyses
from tests.support.offer import choose
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.pages import parse
from tests.support.paths import PROJECT

OFFER_TEMPLATE = PROJECT / "templates" / "components" / "checkout_plus_offer.html"
EXPORT = "/admin/checkout-plus/decisions.jsonl"


def place_order(app, raw, *clicks: bool) -> tuple[int, float]:
    """Check out with these clicks on the offer's box; return the order id and the last click's
    time as the server saw it (between the request's start and its end)."""
    client = app.test_client()
    _, page = start(client, raw)
    for ticked in clicks:
        choose(client, page, opt_in=ticked)
        page = client.get("/checkout")
    assert placed(place(client, page))
    return orders(raw)[-1]["id"]


def test_an_accepted_order_keeps_the_words_the_price_the_click_and_the_session(app, raw, sandbox):
    order_id = place_order(app, raw, True)
    decision = app.extensions["decisions"].for_order(order_id)
    evidence = decision.evidence
    offered = analyses(sandbox)[-1].response_json
    assert decision.session_id == offered["sessionId"]
    assert (decision.amount, decision.currency) == (298, "USD")
    assert decision.mode == tuple(offered["mode"])
    words = evidence.words.text
    # The very words the offer showed: title, price, description and what is covered.
    assert words.startswith("Add return coverage and shipping protection for $2.98 ")
    assert "Optional: the fee is added to your order only if you tick the box." in words
    assert "Save my choice" not in words  # the script-free button is not on a shopper's page
    assert evidence.words.sha256 == hashlib.sha256(words.encode()).hexdigest()
    source = OFFER_TEMPLATE.read_text()
    assert evidence.words.template_version == hashlib.sha256(source.encode()).hexdigest()[:12]
    assert evidence.words.language == "en"
    assert evidence.ticked_by_shopper is True
    choice = evidence.choice
    assert (choice.ticked, choice.amount, choice.currency) == (True, 298, "USD")
    assert choice.words_sha256 == evidence.words.sha256
    assert choice.at <= decision.decided_at


def test_an_untouched_box_and_an_unticked_one_are_told_apart(app, raw, sandbox):
    never = app.extensions["decisions"].for_order(place_order(app, raw))
    assert (never.accepted, never.evidence.ticked_by_shopper, never.evidence.choice) == (
        False,
        False,
        None,
    )
    unticked = app.extensions["decisions"].for_order(place_order(app, raw, True, False))
    assert unticked.accepted is False
    assert unticked.evidence.ticked_by_shopper is False
    assert unticked.evidence.choice.ticked is False


def test_the_recorded_words_follow_the_designers_copy(sandbox, raw, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    offer = templates / "components" / "checkout_plus_offer.html"
    original = '_("Cover your order for easy returns and shipping protection.")'
    source = offer.read_text()
    assert original in source
    offer.write_text(source.replace(original, '"Returns on us, and your parcel insured."'))
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_TEMPLATES_DIR=str(templates)
    )
    app = create_app(config)
    evidence = app.extensions["decisions"].for_order(place_order(app, raw, True)).evidence
    assert "Returns on us, and your parcel insured." in evidence.words.text
    assert "Cover your order for easy returns" not in evidence.words.text
    version = hashlib.sha256(offer.read_text().encode()).hexdigest()[:12]
    assert evidence.words.template_version == version


def test_the_words_are_recorded_in_the_shoppers_language(app, raw, sandbox):
    client = app.test_client()
    _, page = start(client, raw)
    client.post("/language", data={"language": "de", "csrf_token": _token(page)})
    page = client.get("/checkout")
    choose(client, page, opt_in=True)
    assert placed(place(client, client.get("/checkout")))
    evidence = app.extensions["decisions"].for_order(orders(raw)[-1]["id"]).evidence
    assert evidence.words.language == "de"
    assert "Rückgabe" in evidence.words.text or "Versand" in evidence.words.text
    assert "Add return coverage" not in evidence.words.text


def _token(page) -> str:
    return parse(page).select_one("input[name=csrf_token]")["value"]


def test_the_admin_lookup_shows_the_evidence(app, client, raw, sandbox):
    order_id = place_order(app, raw, True)
    decision = app.extensions["decisions"].for_order(order_id)
    shown = parse(admin(client, order_id=str(order_id))).select_one("#admin-order [data-evidence]")
    assert shown["data-ticked-by-shopper"] == "true"
    assert shown.select_one("[data-offer-words]").get_text() == decision.evidence.words.text
    version = shown.select_one("[data-template-version]")["data-template-version"]
    assert version == decision.evidence.words.template_version
    assert (
        float(shown.select_one("[data-choice-at]")["data-choice-at"]) == decision.evidence.choice.at
    )


def test_the_decisions_are_exported_as_json_lines_by_the_admin_and_the_worker(
    app, client, raw, sandbox, tmp_path
):
    first = place_order(app, raw, True)
    second = place_order(app, raw)
    assert client.get(EXPORT).status_code == 401  # the admin credential, as for the page
    response = client.get(EXPORT, headers=ADMIN)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert "attachment" in response.headers["Content-Disposition"]
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert [line["order_id"] for line in lines] == [first, second]  # oldest first
    log = app.extensions["decisions"]
    assert lines == [log.for_order(first).as_dict(), log.for_order(second).as_dict()]
    assert lines[0]["evidence"]["words"].startswith("Add return coverage")
    assert lines[0]["evidence"]["ticked_by_shopper"] is True
    worker = subprocess.run(
        [sys.executable, "-m", "app.worker", "--decisions", "--json"],
        cwd=tmp_path,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PROJECT),
            "CHECKOUT_SANDBOX": "1",
            "CHECKOUT_INSTANCE_PATH": app.instance_path,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert worker.returncode == 0, worker.stderr
    assert [json.loads(line) for line in worker.stdout.splitlines()] == lines
