"""Offer sessions: re-use by cartId and sessionId, merchant scope, and GET /v1/session."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.support.loop_requests import OTHER_CART_KEY
from tests.support.loop_requests import RFC3339_SECONDS
from tests.support.loop_requests import SESSION_ID
from tests.support.loop_requests import analyze_body
from tests.support.loop_requests import default_rules
from tests.support.loop_requests import line
from tests.support.loop_requests import with_keys

UNKNOWN_SESSION = "lop_" + "A1b2C3d4E5f6G7h8I9j0"


def test_a_request_without_ids_creates_a_new_session_each_time(loop_api):
    first = loop_api.analyze(analyze_body(line("101"))).json()
    second = loop_api.analyze(analyze_body(line("101"))).json()

    assert SESSION_ID.fullmatch(first["sessionId"])
    assert first["metadata"]["sessionCreated"] is True
    assert first["metadata"]["analysisCount"] == 1
    assert second["sessionId"] != first["sessionId"]
    assert second["metadata"]["sessionCreated"] is True


def test_cart_id_reuses_the_session_and_counts_analyses(loop_api):
    first = loop_api.analyze(analyze_body(line("101"), cartId="cart-1")).json()
    second = loop_api.analyze(analyze_body(line("101"), line("102"), cartId="cart-1")).json()
    other = loop_api.analyze(analyze_body(line("101"), cartId="cart-2")).json()

    assert second["sessionId"] == first["sessionId"]
    assert second["metadata"]["sessionCreated"] is False
    assert second["metadata"]["analysisCount"] == 2
    assert second["chargeInstructions"]["amount"] == 598  # re-priced: $113.50 is tier 2
    assert other["sessionId"] != first["sessionId"]
    assert other["metadata"]["analysisCount"] == 1


def test_session_id_reuses_the_session(loop_api):
    first = loop_api.analyze(analyze_body(line("101"))).json()
    second = loop_api.analyze(analyze_body(line("102"), sessionId=first["sessionId"])).json()

    assert second["sessionId"] == first["sessionId"]
    assert second["metadata"]["sessionCreated"] is False
    assert second["metadata"]["analysisCount"] == 2


def test_session_id_wins_over_cart_id(loop_api):
    a = loop_api.analyze(analyze_body(line("101"), cartId="cart-a")).json()
    b = loop_api.analyze(analyze_body(line("101"), cartId="cart-b")).json()

    both = loop_api.analyze(
        analyze_body(line("101"), sessionId=a["sessionId"], cartId="cart-b")
    ).json()
    by_cart = loop_api.analyze(analyze_body(line("101"), cartId="cart-b")).json()

    assert both["sessionId"] == a["sessionId"]
    assert both["metadata"]["analysisCount"] == 2
    assert both["metadata"]["sessionCreated"] is False
    assert by_cart["sessionId"] == b["sessionId"]
    assert by_cart["metadata"]["analysisCount"] == 2


def test_cart_dot_id_alone_does_not_reuse_a_session(loop_api):
    body = analyze_body(line("101"))
    body["cart"]["id"] = "bc-cart-1"

    first = loop_api.analyze(body).json()
    second = loop_api.analyze(body).json()

    assert second["sessionId"] != first["sessionId"]
    assert second["metadata"]["sessionCreated"] is True


def test_cart_ids_are_merchant_scoped(loop_api, loop_state):
    loop_state.replace_rules(with_keys(default_rules()))
    demo = loop_api.analyze(analyze_body(line("101"), cartId="shared")).json()
    other = loop_api.analyze(analyze_body(line("101"), cartId="shared"), key=OTHER_CART_KEY).json()

    assert other["sessionId"] != demo["sessionId"]
    assert other["metadata"]["sessionCreated"] is True


def test_unknown_session_id_is_404(loop_api):
    response = loop_api.analyze(analyze_body(line("101"), sessionId=UNKNOWN_SESSION))

    assert response.status_code == 404
    assert response.json()["error"] == "session_not_found"
    assert response.json()["message"]


def test_another_merchants_session_is_404_on_analyze_and_get(loop_api, loop_state):
    loop_state.replace_rules(with_keys(default_rules()))
    session_id = loop_api.analyze(analyze_body(line("101"))).json()["sessionId"]

    analyzed = loop_api.analyze(analyze_body(line("101"), sessionId=session_id), key=OTHER_CART_KEY)
    fetched = loop_api.session(session_id, key=OTHER_CART_KEY)

    assert analyzed.status_code == 404
    assert analyzed.json()["error"] == "session_not_found"
    assert fetched.status_code == 404
    assert fetched.json()["error"] == "session_not_found"
    assert loop_api.session(session_id).status_code == 200


@pytest.mark.parametrize(
    "session_id",
    [
        "lop_short",
        "lop_A1b2C3d4E5f6G7h8I9j0X",  # 21 characters
        "pol_A1b2C3d4E5f6G7h8I9j0",
        "lop_A1b2C3d4E5f6G7h8I9-0",
        "LOP_A1b2C3d4E5f6G7h8I9j0",
        12345,
        "",
    ],
)
def test_malformed_session_id_is_400(loop_api, session_id):
    response = loop_api.analyze(analyze_body(line("101"), sessionId=session_id))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert "sessionId" in response.json()["message"]


def test_get_session_returns_the_latest_analysis(loop_api):
    analyzed = loop_api.analyze(analyze_body(line("101"), cartId="c")).json()

    response = loop_api.session(analyzed["sessionId"])

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=45"
    body = response.json()
    for field in ("sessionId", "eligible", "reason", "mode", "chargeInstructions"):
        assert body[field] == analyzed[field]
    assert "sessionCreated" not in body["metadata"]
    assert body["metadata"]["analysisCount"] == 1
    assert body["metadata"]["priceBreakdown"] == analyzed["metadata"]["priceBreakdown"]
    assert RFC3339_SECONDS.fullmatch(body["createdAt"])
    assert RFC3339_SECONDS.fullmatch(body["updatedAt"])
    created = datetime.fromisoformat(body["createdAt"])
    assert created <= datetime.fromisoformat(body["updatedAt"])
    assert "createdAt" not in analyzed


def test_get_session_follows_a_cart_that_became_ineligible(loop_api):
    session_id = loop_api.analyze(analyze_body(line("101"), cartId="c")).json()["sessionId"]
    loop_api.analyze(analyze_body(line("106", quantity=2), cartId="c"))

    body = loop_api.session(session_id).json()

    assert body["reason"] == "cart_too_valuable"
    assert body["eligible"] is False
    assert body["chargeInstructions"] is None
    assert "mode" not in body
    assert body["metadata"]["analysisCount"] == 2


@pytest.mark.parametrize(
    ("session_id", "status", "error"),
    [("lop_short", 400, "invalid_request"), (UNKNOWN_SESSION, 404, "session_not_found")],
)
def test_get_session_errors(loop_api, session_id, status, error):
    response = loop_api.session(session_id)

    assert response.status_code == status
    assert response.json()["error"] == error
    assert "Cache-Control" not in response.headers or "45" not in response.headers["Cache-Control"]


def test_session_records_the_analytics_fields(loop_api, loop_state):
    body = analyze_body(
        line("101"),
        offerOrigin="checkout",
        mountTarget="order_summary",
        locale="en-US",
        experimentationConsent=True,
    )
    body["cart"]["id"] = "bc-cart-9"
    plain = loop_api.analyze(analyze_body(line("101"))).json()["sessionId"]

    session_id = loop_api.analyze(body).json()["sessionId"]

    analytics = loop_state.sessions.get("demo", session_id).analytics
    assert analytics["offerOrigin"] == "checkout"
    assert analytics["mountTarget"] == "order_summary"
    assert analytics["cartExperience"] == "api"
    assert analytics["platformCartId"] == "bc-cart-9"
    assert analytics["locale"] == "en-US"
    assert analytics["region"] == "US-OH"
    defaults = loop_state.sessions.get("demo", plain).analytics
    assert (defaults["offerOrigin"], defaults["mountTarget"]) == ("custom", "custom")


def test_debug_block_only_when_asked(loop_api):
    plain = loop_api.analyze(analyze_body(line("101"))).json()
    debugged = loop_api.analyze(analyze_body(line("101"), debug=True)).json()

    assert "debug" not in plain
    assert debugged["debug"]["merchant"] == "demo"
    assert debugged["debug"]["evaluation"]["tier"] == {"from": 0, "upTo": 10000}


def test_sessions_are_listed_on_the_control_api(loop_api):
    session_id = loop_api.analyze(analyze_body(line("101"), cartId="c")).json()["sessionId"]

    listed = loop_api.control("GET", "/sessions").json()["data"]

    assert [(s["id"], s["cartId"], s["reason"]) for s in listed] == [(session_id, "c", "eligible")]
