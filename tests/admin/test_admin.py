"""The admin page answers the merchant's two questions, behind the admin credential.

"Why didn't this shopper see the offer?" (the analysis log, Loop's session) and "did this
order's protection reach Loop?" (the order's metafields, its decision and its sync job), with
the attach rate and the sync jobs beside them. Driven over a real sandbox checkout.
"""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from app import create_app
from app.checkout_plus.analyses import AnalysisLog
from app.checkout_plus.offer import OfferState
from app.checkout_plus.service import OfferService
from app.clients.bigcommerce import BigCommerceClient
from app.clients.loop import LoopClient
from app.sandbox import credentials
from app.sync.jobs import DONE
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from tests.support.admin import ADMIN
from tests.support.admin import NO_SUCH_JOB
from tests.support.admin import PAGE
from tests.support.admin import admin
from tests.support.admin import basic
from tests.support.admin import exercise_the_admin
from tests.support.admin import failed_order
from tests.support.admin import retry_form
from tests.support.app_config import TEST_ADMIN_PASSWORD
from tests.support.app_config import sandbox_config
from tests.support.catalog import TENT
from tests.support.contract_client import LOOP_TOKEN
from tests.support.contract_client import BigCommerceClient as RawClient
from tests.support.metafields import add_metafield
from tests.support.offer import OFFER_SETTINGS as OFFER_SETTINGS
from tests.support.offer import analyses
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_quantity
from tests.support.ordering import opted_in_order
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.pages import csrf_token
from tests.support.pages import open_checkout
from tests.support.pages import parse
from tests.support.queue import drain

CHALLENGE = 'Basic realm="Checkout+ admin", charset="UTF-8"'


def assert_private(response) -> None:
    """Check that an admin answer stays out of caches and search engines."""
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"


def assert_refused(response) -> None:
    """Check a 401 that asks for the credential and shows nothing of the report."""
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    assert_private(response)
    page = parse(response)
    assert page.select_one("h1").get_text(strip=True) == "Sign in to see the Checkout+ admin page"
    assert not page.select("#checkout-plus-admin, [id^=admin-], table")


# --- the credential -----------------------------------------------------------------------


def test_without_the_credential_nothing_of_the_page_is_shown(app, client):
    assert_refused(client.get(PAGE))
    assert_refused(client.get(PAGE, query_string={"order_id": "100"}))
    # With a valid CSRF token (any page gives one) the post still needs the credential.
    token = csrf_token(parse(client.get("/")))
    assert_refused(client.post(f"{PAGE}/jobs/{NO_SUCH_JOB}/retry", data={"csrf_token": token}))


@pytest.mark.parametrize(
    "headers",
    [
        basic(password="wrong-" + TEST_ADMIN_PASSWORD),
        basic(password=TEST_ADMIN_PASSWORD[:-1]),
        basic(user="Admin"),
        basic(user="root"),
        basic(user="", password=""),
        {"Authorization": f"Bearer {TEST_ADMIN_PASSWORD}"},
        {"Authorization": "Basic not-base64!"},
        {"Authorization": "Basic " + base64.b64encode(b"admin:\xff\xfe").decode()},
    ],
    ids=[
        "wrong password",
        "password cut short",
        "user in another case",
        "another user",
        "empty",
        "bearer",
        "malformed",
        "not utf-8",
    ],
)
def test_a_wrong_credential_is_refused(client, headers):
    assert_refused(client.get(PAGE, headers=headers))


def test_the_right_credential_opens_the_page_with_every_panel(client):
    response = admin(client)
    assert response.status_code == 200
    assert_private(response)
    page = parse(response)
    for panel in ("session", "analyses", "attach-rate", "jobs", "order"):
        section = page.select_one(f"#checkout-plus-admin section#admin-{panel}")
        assert section is not None, panel
        assert section.select_one("h2")
    for table in page.select("table"):
        assert table.select_one("caption").get_text(strip=True)
        assert all(th.get("scope") in ("col", "row") for th in table.select("th"))
    for field in page.select("input:not([type=hidden])"):
        assert page.select_one(f"label[for='{field['id']}']"), field["name"]
    for form in page.select("form"):
        assert form["method"] in ("get", "post")


def test_without_an_admin_password_there_is_no_admin_page(sandbox, tmp_path):
    config = sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path / "instance"))
    del config["CHECKOUT_ADMIN_PASSWORD"]
    app = create_app(config)
    client = app.test_client()
    assert client.get(PAGE, headers=ADMIN).status_code == 404
    token = csrf_token(parse(client.get("/")))
    retry = f"{PAGE}/jobs/{NO_SUCH_JOB}/retry"
    assert client.post(retry, data={"csrf_token": token}, headers=ADMIN).status_code == 404
    assert not [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]
    assert "admin_report" not in app.extensions


# --- why didn't this shopper see the offer? -----------------------------------------------


def test_an_ineligible_cart_shows_its_reason_in_the_analyses_and_loops_session(
    client, store, sandbox
):
    cart_id = store.create_cart([(TENT, 1)])
    page = open_checkout(client, cart_id)
    assert offer_of(page)["data-state"] == "offered"
    # Two tents pass Loop's $2,000 maximum: the offer is withdrawn.
    set_quantity(client, page, TENT, 2)
    assert offer_of(client.get("/checkout"))["data-state"] == "hidden"
    session_id = analyses(sandbox)[-1].response_json["sessionId"]
    other = store.create_cart([(101, 1)])
    open_checkout(client.application.test_client(), other)  # another shopper, eligible

    response = admin(client, search=cart_id.upper())  # as a merchant may paste it
    assert response.status_code == 200
    panel = parse(response).select_one("#admin-analyses")
    rows = panel.select("#admin-analyses-table tr[data-analysis]")
    assert [row["data-reason"] for row in rows] == ["cart_too_valuable", "eligible"]
    assert {row["data-cart-id"] for row in rows} == {cart_id}
    assert {row["data-session-id"] for row in rows} == {session_id}
    assert [row["data-eligible"] for row in rows] == ["false", "true"]
    assert cart_id in panel.select_one("#admin-analyses-table caption").get_text()
    counts = {
        row["data-reason"]: int(row["data-count"]) for row in panel.select("tr[data-reason-count]")
    }
    assert counts == {"eligible": 2, "cart_too_valuable": 1}
    assert panel.select_one("[data-window]")["data-window"] == "1000"
    assert "Counts over the last 1,000 analyses" in panel.get_text(" ", strip=True)

    by_session = parse(admin(client, search=session_id))
    assert len(by_session.select("#admin-analyses-table tr[data-analysis]")) == 2

    looked_up = admin(client, session_id=session_id)
    assert looked_up.status_code == 200
    session = parse(looked_up).select_one("#admin-session")
    assert session.select_one("[data-session-eligible]")["data-session-eligible"] == "false"
    assert session.select_one("[data-session-reason]")["data-session-reason"] == "cart_too_valuable"
    assert session.select_one("[data-analysis-count]")["data-analysis-count"] == "2"
    assert "UTC" in session.get_text()


def test_loop_failures_are_logged_with_the_shoppers_session(client, store, sandbox):
    cart_id = store.create_cart([(101, 1)])
    page = open_checkout(client, cart_id)
    session_id = analyses(sandbox)[-1].response_json["sessionId"]
    sandbox.set_faults("loop POST /v1/analyze status=503 times=1")
    set_quantity(client, page, 101, 2)
    page = client.get("/checkout")
    assert offer_of(page)["data-state"] == "hidden"
    sandbox.set_faults("loop POST /v1/analyze malformed times=1")
    set_quantity(client, page, 101, 3)
    assert offer_of(client.get("/checkout"))["data-state"] == "hidden"
    rows = parse(admin(client, search=cart_id)).select("#admin-analyses-table tr[data-analysis]")
    assert [row["data-reason"] for row in rows] == ["invalid_response", "unavailable", "eligible"]
    # A failed call keeps the session the shopper had, so the two can be tied together.
    assert {row["data-session-id"] for row in rows} == {session_id}
    assert [row["data-eligible"] for row in rows] == ["false", "false", "true"]


def test_the_offer_service_logs_an_empty_cart_without_asking_loop(sandbox, store, tmp_path):
    log = AnalysisLog(tmp_path / "analyses.sqlite3")
    loop = LoopClient(sandbox.loop.url, credentials.LOOP_CART_API_KEY, 1.0)
    service = OfferService(loop, OFFER_SETTINGS, analyses=log)
    bigcommerce = BigCommerceClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
    )
    checkout = bigcommerce.get_checkout(store.create_cart([(101, 1)]))
    state = service.refresh(replace(checkout, line_items=()), OfferState(), "en-US")
    assert state.analysis.reason == "empty_cart"
    assert analyses(sandbox) == []
    [entry] = log.recent()
    assert (entry.cart_id, entry.reason, entry.eligible, entry.session_id) == (
        checkout.cart_id,
        "empty_cart",
        False,
        None,
    )
    service.refresh(checkout, state, "en-US")
    newest = log.recent(1)[0]
    assert (newest.reason, newest.amount, newest.currency) == ("eligible", 298, "USD")
    assert newest.mode == ("returnCoverage", "shippingProtection")


def test_a_broken_analysis_log_never_breaks_the_offer(app, client, store, caplog, tmp_path):
    # The log's file is replaced by a folder: SQLite cannot open it, for real.
    log_file = tmp_path / "instance" / "analyses.sqlite3"
    for leftover in log_file.parent.glob("analyses.sqlite3*"):
        leftover.unlink()
    log_file.mkdir()
    cart_id = store.create_cart([(101, 1)])
    assert offer_of(open_checkout(client, cart_id))["data-state"] == "offered"
    assert f"Analysis of cart {cart_id} not logged: OperationalError" in caplog.text


# --- did this order's protection reach Loop? ----------------------------------------------


def test_an_order_whose_job_ran_shows_the_four_metafields_complete(app, client, raw, sandbox):
    order_id = opted_in_order(client, raw)
    drain(app.extensions["sync_queue"])
    decision = app.extensions["decisions"].for_order(order_id)
    response = admin(client, order_id=str(order_id))
    assert response.status_code == 200
    panel = parse(response).select_one("#admin-order")
    assert panel.select_one("[data-block-state]")["data-block-state"] == "complete"
    keys = [row["data-key"] for row in panel.select("tr[data-metafield]")]
    assert sorted(keys) == ["accepted_offer_mode", "fee_amount", "fee_currency", "session_id"]
    assert not panel.select("[data-missing], [data-repeated]")
    assert panel.select_one("[data-decision]")["data-accepted"] == "true"
    assert decision.session_id in panel.get_text()
    assert "$2.98" in panel.get_text()
    assert panel.select_one("[data-job-state]")["data-job-state"] == DONE


def test_a_missing_or_repeated_key_makes_the_block_incomplete(app, client, raw, sandbox):
    order_id = opted_in_order(client, raw)
    drain(app.extensions["sync_queue"])
    fields = raw.call("GET", f"/v3/orders/{order_id}/metafields").json()["data"]
    fee = next(field for field in fields if field["key"] == "fee_currency")
    raw.call("DELETE", f"/v3/orders/{order_id}/metafields/{fee['id']}")
    panel = parse(admin(client, order_id=str(order_id))).select_one("#admin-order")
    assert panel.select_one("[data-block-state]")["data-block-state"] == "incomplete"
    assert panel.select_one("[data-missing]")["data-missing"] == "fee_currency"

    # BigCommerce keeps one copy per key and API account: a second comes from another app.
    other = RawClient(sandbox.bigcommerce.url, LOOP_TOKEN)
    add_metafield(other, order_id, "fee_currency", "USD")
    add_metafield(other, order_id, "session_id", "lop_" + "W" * 20)
    panel = parse(admin(client, order_id=str(order_id))).select_one("#admin-order")
    assert panel.select_one("[data-block-state]")["data-block-state"] == "incomplete"
    assert panel.select_one("[data-repeated]")["data-repeated"] == "session_id"
    assert not panel.select("[data-missing]")


def test_a_failed_job_shows_its_error_and_retry_queues_it_again(app, client, raw, sandbox):
    queue = app.extensions["sync_queue"]
    order_id = failed_order(app, raw, sandbox)
    response = admin(client, order_id=str(order_id))
    page = parse(response)
    counts = {row["data-state"]: row["data-count"] for row in page.select("tr[data-job-count]")}
    assert counts == {PENDING: "0", DONE: "0", FAILED: "1"}
    row = page.select_one(f"#admin-jobs-failed tr[data-order-id='{order_id}']")
    assert row["data-state"] == FAILED
    error = queue.jobs.for_order(order_id).last_error
    assert "refused" in error
    assert error in row.get_text()
    order = page.select_one("#admin-order")
    assert order.select_one("[data-job-state]")["data-job-state"] == FAILED
    assert order.select_one("[data-block-state]")["data-block-state"] == "incomplete"
    assert error in order.get_text()

    form = retry_form(page, order_id)
    assert form["method"] == "post"
    refused = client.post(form["action"], data={}, headers=ADMIN)  # no CSRF token
    assert refused.status_code == 400
    assert parse(refused).select_one("h1").get_text(strip=True) == "This page has expired"
    assert queue.jobs.for_order(order_id).state == FAILED

    token = form.select_one("input[name=csrf_token]")["value"]
    retried = client.post(form["action"], data={"csrf_token": token}, headers=ADMIN)
    assert retried.status_code == 303
    assert retried.headers["Location"] == f"{PAGE}#admin-jobs"
    assert_private(retried)
    assert queue.jobs.for_order(order_id).state == PENDING
    after = parse(admin(client))
    assert f"The sync job of order {order_id} is queued again." in after.select_one(
        ".flash[role=status]"
    ).get_text(" ", strip=True)
    assert after.select_one(f"#admin-jobs-pending tr[data-order-id='{order_id}']")
    drain(queue)
    assert queue.jobs.for_order(order_id).state == DONE
    order = parse(admin(client, order_id=str(order_id))).select_one("#admin-order")
    assert order.select_one("[data-block-state]")["data-block-state"] == "complete"

    again = client.post(form["action"], data={"csrf_token": token}, headers=ADMIN)
    assert again.status_code == 409
    assert parse(again).select_one("h1").get_text(strip=True) == "That sync job is done, not failed"


def test_attach_rate_counts_accepted_and_declined_orders(app, client, raw):
    attach = parse(admin(client)).select_one("#admin-attach-rate")
    assert attach.select_one("[data-shown]")["data-shown"] == "0"
    assert attach.select_one("[data-rate]")["data-rate"] == ""
    opted_in_order(client, raw)
    declining = app.test_client()
    _, page = start(declining, raw)
    choose(declining, page, opt_in=False)
    assert placed(place(declining, declining.get("/checkout")))
    assert len(orders(raw)) == 2
    attach = parse(admin(client)).select_one("#admin-attach-rate")
    shown = {name: attach.select_one(f"[data-{name}]")[f"data-{name}"] for name in NUMBERS}
    assert shown == {"shown": "2", "accepted": "1", "declined": "1", "rate": "50.0"}
    assert "50.0%" in attach.get_text()


NUMBERS = ("shown", "accepted", "declined", "rate")


def test_on_the_direct_path_the_job_state_is_the_answer(sandbox, raw, tmp_path):
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_PLUS_SYNC="direct"
    )
    sandbox.disconnect_connector()  # one sync path at a time
    app = create_app(config)
    client = app.test_client()
    order_id = opted_in_order(client, raw)
    drain(app.extensions["sync_queue"])
    panel = parse(admin(client, order_id=str(order_id))).select_one("#admin-order")
    assert "push to Loop's Orders API" in panel.get_text()
    assert not panel.select("[data-block-state], tr[data-metafield]")
    assert panel.select_one("[data-job-state]")["data-job-state"] == DONE


# --- bad input and failing upstreams ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "status", "problem", "words"),
    [
        ({"session_id": "lop_short"}, 400, "#admin-session-problem", "not a session id"),
        ({"session_id": "sess_" + "a" * 20}, 400, "#admin-session-problem", "lop_ followed"),
        ({"session_id": "lop_" + "Z" * 20}, 404, "#admin-session-problem", "no session"),
        ({"search": "not a cart"}, 400, "#admin-analyses-problem", "neither a cart id"),
        ({"order_id": "abc"}, 400, "#admin-order-problem", "whole number"),
        ({"order_id": "0"}, 400, "#admin-order-problem", "whole number"),
        ({"order_id": "-5"}, 400, "#admin-order-problem", "whole number"),
        ({"order_id": "1e3"}, 400, "#admin-order-problem", "whole number"),
        ({"order_id": "9" * 30}, 400, "#admin-order-problem", "whole number"),
        ({"order_id": "99999"}, 404, "#admin-order-problem", "has no order 99999"),
    ],
)
def test_a_bad_or_unknown_id_gets_a_message_next_to_its_field(
    client, query, status, problem, words
):
    response = admin(client, **query)
    assert response.status_code == status
    assert_private(response)
    page = parse(response)
    assert words in page.select_one(problem).get_text()
    assert page.select_one("#admin-jobs")  # the rest of the page is there


@pytest.mark.parametrize(
    ("fault", "query", "problem", "words"),
    [
        ("loop GET /v1/session/* status=503", "session_id", "#admin-session-problem", "Loop did"),
        ("loop GET /v1/session/* timeout=3", "session_id", "#admin-session-problem", "Loop did"),
        ("loop GET /v1/session/* malformed", "session_id", "#admin-session-problem", "cannot read"),
        ("loop GET /v1/session/* status=429", "session_id", "#admin-session-problem", "limiting"),
        (
            "bigcommerce GET /stores/*/v3/orders/*/metafields status=503",
            "order_id",
            "#admin-order-problem",
            "BigCommerce did not answer",
        ),
    ],
)
def test_a_failing_upstream_gets_a_message_not_a_500(
    app, client, raw, sandbox, fault, query, problem, words
):
    order_id = opted_in_order(client, raw)
    session_id = app.extensions["decisions"].for_order(order_id).session_id
    sandbox.set_faults(fault)
    value = session_id if query == "session_id" else str(order_id)
    response = admin(client, **{query: value})
    assert response.status_code == 503
    assert words in parse(response).select_one(problem).get_text()


@pytest.mark.parametrize(
    "job_id",
    [NO_SUCH_JOB, "x", "not-hex-" * 4, "A" * 32, "%00", "..%2F..%2Fetc", "é" * 32, "1" * 500],
)
def test_retrying_an_unknown_or_malformed_job_is_404_and_changes_nothing(app, client, job_id):
    """The hostile-input test of the retry route (see NOT_FORMS in test_property_forms.py)."""
    token = csrf_token(parse(client.get("/")))  # any form of the session gives one
    before = app.extensions["sync_queue"].jobs.count_by_state()
    response = client.post(f"{PAGE}/jobs/{job_id}/retry", data={"csrf_token": token}, headers=ADMIN)
    assert response.status_code == 404
    assert_private(response)
    title = parse(response).select_one("h1").get_text(strip=True)
    # An id with a slash in it is another path, which no route answers.
    assert title == (
        "We couldn't find that page" if "%2F" in job_id else "There is no such sync job"
    )
    assert app.extensions["sync_queue"].jobs.count_by_state() == before


def test_a_pending_job_is_not_retried(app, client, raw):
    order_id = opted_in_order(client, raw)
    job = app.extensions["sync_queue"].jobs.for_order(order_id)
    token = csrf_token(parse(client.get("/")))  # any form of the session gives one
    response = client.post(f"{PAGE}/jobs/{job.id}/retry", data={"csrf_token": token}, headers=ADMIN)
    assert response.status_code == 409
    assert "Only a failed job can be retried" in parse(response).get_text()
    assert app.extensions["sync_queue"].jobs.get(job.id) == job


# --- secrets --------------------------------------------------------------------------------


def test_no_secret_reaches_any_admin_response(app, client, raw, sandbox, caplog):
    caplog.set_level("DEBUG")
    responses = []

    def keep(response):
        responses.append(response)
        return response

    exercise_the_admin(client, keep, raw, sandbox)
    statuses = {response.status_code for response in responses}
    assert {200, 303, 400, 401, 404, 409, 503} <= statuses
    secrets = {*app.config["SETTINGS"].secrets, app.secret_key, TEST_ADMIN_PASSWORD}
    secrets.add(app.extensions["webhook_secret"])
    for response in responses:
        exposed = [response.get_data(as_text=True)]
        exposed += [f"{name}: {value}" for name, value in response.headers.items()]
        for text in exposed:
            for secret in secrets:
                assert secret not in text, f"a secret leaked from {response.request.path}"
        if response.request.path.startswith(PAGE):
            assert_private(response)
    for secret in secrets:
        assert secret not in caplog.text
