"""The Loop Checkout+ client against the sandbox Loop over real loopback HTTP.

Response shapes the sandbox never sends (extra fields, broken fields, other error bodies) come
from ``Canned``, a tiny loopback server that answers whatever a test tells it to.
"""

from __future__ import annotations

import copy
import logging
import re
import socket
import time
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from app.clients.http import encode_json
from app.clients.loop import MAX_ANALYZE_BODY_BYTES
from app.clients.loop import LoopClient
from app.clients.loop import LoopInvalidResponse
from app.clients.loop import LoopRateLimited
from app.clients.loop import LoopRejected
from app.clients.loop import LoopRequestTooLarge
from app.clients.loop import LoopSessionNotFound
from app.clients.loop import LoopUnauthorized
from app.clients.loop import LoopUnavailable
from app.clients.loop import Offer
from app.sandbox.credentials import LOOP_CART_API_KEY
from app.sandbox.service import LoopbackServer
from tests.support import loop_requests
from tests.support.loop_requests import rules_with

SESSION_ID = re.compile(r"^lop_[A-Za-z0-9]{20}$")
UNKNOWN_SESSION = "lop_" + "Z" * 20
WRONG_KEY = "wrong-loop-key-0d9e"
LOGGER = "app.clients.loop"


def line(product_id: str = "101", price: int | None = None, title: str | None = None):
    """Return one cart line of quantity 1, amounts in minor units (the catalog's by default)."""
    return loop_requests.line(product_id, 1, price, title)


def analyze_body(*lines: dict[str, Any], **top: Any) -> dict[str, Any]:
    """Return a valid analyze request for these lines (one $89.00 line by default)."""
    return loop_requests.analyze_body(*(lines or (line(),)), **{"cartId": str(uuid.uuid4()), **top})


def offer_body(**changes: Any) -> dict[str, Any]:
    """Return an eligible analyze response as Loop documents it, with some fields changed."""
    body: dict[str, Any] = {
        "sessionId": "lop_a1b2c3d4e5f6g7h8i9j0",
        "eligible": True,
        "reason": "eligible",
        "mode": ["returnCoverage", "shippingProtection"],
        "chargeInstructions": {"amount": 498, "currencyCode": "USD", "method": "fee"},
        "metadata": {"analysisCount": 1, "sessionCreated": True},
    }
    body.update(changes)
    return body


class Canned:
    """A loopback HTTP server that answers every request with one canned response."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.answer(offer_body())
        self._server = LoopbackServer(self._app).start()
        self.url = self._server.url

    def answer(
        self,
        body: Any,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Set the response: a JSON document (or raw bytes), a status, headers and a delay."""
        self.body = body if isinstance(body, bytes) else encode_json(body).encode()
        self.status = status
        self.headers = {"X-Request-Id": "req_canned_1", **(headers or {})}
        self.delay = delay

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def _app(self, environ, start_response):
        request = Request(environ)
        request.get_data(cache=True)
        self.requests.append(request)
        time.sleep(self.delay)  # a slow Loop, on purpose: the answer the client waits for
        response = Response(self.body, self.status, self.headers, mimetype="application/json")
        return response(environ, start_response)


@pytest.fixture
def loop(sandbox, http) -> LoopClient:
    """A client of the sandbox Loop with the demo Cart key and a generous budget."""
    return LoopClient(sandbox.loop.url, LOOP_CART_API_KEY, timeout=5.0, session=http)


@pytest.fixture
def canned():
    """A canned-response server; answers an eligible offer until told otherwise."""
    server = Canned()
    yield server
    server.stop()


@pytest.fixture
def canned_loop(canned, http) -> LoopClient:
    """A client of the canned server."""
    return LoopClient(canned.url, LOOP_CART_API_KEY, timeout=5.0, session=http)


@pytest.fixture
def logs(caplog):
    """Capture the client's log records at every level."""
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    return caplog


def analyze_log(sandbox) -> list:
    """Return the sandbox Loop's analyze requests, oldest first."""
    return sandbox.loop.log.entries("POST", "/v1/analyze")


# Offers from the sandbox


def test_eligible_offer_is_parsed(loop):
    offer = loop.analyze(analyze_body())

    assert SESSION_ID.match(offer.session_id)
    assert offer.eligible is True
    assert offer.reason == "eligible"
    assert offer.mode == ("returnCoverage", "shippingProtection")  # rules.toml's order
    assert offer.amount == 198 + 100  # the tier up to $100.00, both modes
    assert offer.currency == "USD"
    assert offer.method == "fee"
    assert offer.analysis_count == 1
    assert offer.session_created is True


def test_mode_keeps_the_order_loop_gives(sandbox, loop):
    state = sandbox.loop.service.app.extensions["loop_state"]
    state.replace_rules(rules_with(modes=["shippingProtection", "returnCoverage"]))

    offer = loop.analyze(analyze_body())

    assert offer.mode == ("shippingProtection", "returnCoverage")


def test_ineligible_offer_has_no_charge(loop):
    offer = loop.analyze(analyze_body(line("105", 3995, "Final Sale Sunglasses")))

    assert offer.eligible is False
    assert offer.reason == "cart_only_has_excluded_products"
    assert (offer.mode, offer.amount, offer.currency, offer.method) == ((), None, None, None)
    assert SESSION_ID.match(offer.session_id)


def test_analyze_sends_the_key_and_json_headers(sandbox, loop):
    body = analyze_body()

    loop.analyze(body)

    [entry] = analyze_log(sandbox)
    assert entry.status == 200  # the sandbox accepted the key
    assert entry.headers["X-Authorization"] == "<redacted>"  # present; the log hides its value
    assert entry.headers["Content-Type"] == "application/json"
    assert entry.headers["Accept"] == "application/json"
    assert entry.json == body


def test_the_key_goes_in_x_authorization(canned, canned_loop):
    canned_loop.analyze(analyze_body())

    [request] = canned.requests
    assert request.headers["X-Authorization"] == LOOP_CART_API_KEY
    assert "Authorization" not in request.headers


def test_a_returned_session_id_is_reused(sandbox, loop):
    first = loop.analyze(analyze_body())

    again = loop.analyze(analyze_body(sessionId=first.session_id))

    assert again.session_id == first.session_id
    assert again.session_created is False
    assert again.analysis_count == 2
    assert analyze_log(sandbox)[1].json["sessionId"] == first.session_id


# Session ids


def test_an_unknown_session_is_retried_once_without_it(sandbox, loop, logs):
    body = analyze_body(sessionId=UNKNOWN_SESSION)

    offer = loop.analyze(body)

    first, second = analyze_log(sandbox)
    assert (first.status, first.json["sessionId"]) == (404, UNKNOWN_SESSION)
    assert second.status == 200
    assert "sessionId" not in second.json
    assert second.json["cartId"] == body["cartId"]
    assert offer.session_id != UNKNOWN_SESSION
    assert SESSION_ID.match(offer.session_id)
    assert offer.session_created is True
    assert body["sessionId"] == UNKNOWN_SESSION  # the caller's dict is left alone
    assert first.response_headers["X-Request-Id"] in logs.text


def test_a_second_not_found_is_raised(canned, canned_loop):
    canned.answer({"error": "session_not_found", "message": "No session"}, status=404)

    with pytest.raises(LoopSessionNotFound) as caught:
        canned_loop.analyze(analyze_body(sessionId=UNKNOWN_SESSION))

    assert caught.value.status == 404
    assert [r.get_json().get("sessionId") for r in canned.requests] == [UNKNOWN_SESSION, None]


def test_not_found_without_a_session_id_is_not_retried(canned, canned_loop):
    canned.answer({"error": "session_not_found", "message": "No session"}, status=404)

    with pytest.raises(LoopSessionNotFound):
        canned_loop.analyze(analyze_body())

    assert len(canned.requests) == 1


def test_the_retry_stays_within_the_same_budget(canned, http):
    canned.answer({"error": "session_not_found"}, status=404, delay=0.2)
    client = LoopClient(canned.url, LOOP_CART_API_KEY, timeout=0.3, session=http)

    with pytest.raises(LoopUnavailable) as caught:
        client.analyze(analyze_body(sessionId=UNKNOWN_SESSION))

    # With a budget of its own the retry would have had its 404 after 0.2 s: no time-out.
    assert caught.value.timed_out is True
    assert len(canned.requests) == 2


@pytest.mark.parametrize("bad", ["lop_short", "LOP_" + "a" * 20, "lop_" + "a" * 19 + "!", 42])
def test_a_malformed_session_id_is_never_sent(sandbox, loop, bad):
    body = analyze_body(sessionId=bad)

    offer = loop.analyze(body)

    [entry] = analyze_log(sandbox)
    assert "sessionId" not in entry.json
    assert entry.json["cartId"] == body["cartId"]
    assert offer.eligible is True
    assert body["sessionId"] == bad


def test_a_session_id_with_a_trailing_newline_is_dropped(sandbox, loop):
    loop.analyze(analyze_body(sessionId="lop_" + "a" * 20 + "\n"))

    assert "sessionId" not in analyze_log(sandbox)[0].json


# Errors


def test_a_wrong_key_is_unauthorized_and_logged_as_an_error(sandbox, http, logs):
    client = LoopClient(sandbox.loop.url, WRONG_KEY, timeout=5.0, session=http)

    with pytest.raises(LoopUnauthorized) as caught:
        client.analyze(analyze_body())

    assert caught.value.status == 401
    [record] = [r for r in logs.records if r.name == LOGGER]
    assert record.levelno == logging.ERROR
    assert analyze_log(sandbox)[0].response_headers["X-Request-Id"] in record.getMessage()


def test_the_rate_limiter_gives_retry_after(sandbox, loop, monkeypatch):
    state = sandbox.loop.service.app.extensions["loop_state"]
    monkeypatch.setattr(state.rate_limiter, "limit", 1)
    loop.analyze(analyze_body())

    with pytest.raises(LoopRateLimited) as caught:
        loop.analyze(analyze_body())

    assert caught.value.status == 429
    assert 59.0 <= caught.value.retry_after <= 60.0  # what is left of the sandbox's minute


def test_a_429_fault_gives_retry_after(sandbox, loop):
    sandbox.loop.faults.add("POST", "/v1/analyze", "status", 429)

    with pytest.raises(LoopRateLimited) as caught:
        loop.analyze(analyze_body())

    assert caught.value.retry_after == 1.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("2.5", 2.5), ("soon", None), ("-3", None), ("nan", None)],
)
def test_retry_after_is_read_defensively(canned, canned_loop, header, expected):
    headers = {"Retry-After": header} if header is not None else {}
    canned.answer({"error": "rate_limited"}, status=429, headers=headers)

    with pytest.raises(LoopRateLimited) as caught:
        canned_loop.analyze(analyze_body())

    assert caught.value.retry_after == expected


def test_retry_after_may_be_an_http_date(canned, canned_loop):
    later = datetime.now(UTC) + timedelta(seconds=30)
    canned.answer({}, status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})

    with pytest.raises(LoopRateLimited) as caught:
        canned_loop.analyze(analyze_body())

    assert 25 <= caught.value.retry_after <= 30


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_unavailable(sandbox, loop, logs, status):
    sandbox.loop.faults.add("POST", "/v1/analyze", "status", status)

    with pytest.raises(LoopUnavailable) as caught:
        loop.analyze(analyze_body())

    request_id = analyze_log(sandbox)[0].response_headers["X-Request-Id"]
    assert (caught.value.status, caught.value.timed_out) == (status, False)
    assert caught.value.request_id == request_id
    [record] = [r for r in logs.records if r.name == LOGGER]
    assert record.levelno == logging.WARNING
    assert f"Loop analyze failed: {status}" in record.getMessage()
    assert request_id in record.getMessage()


def test_a_slow_loop_times_out_within_the_budget(sandbox, http):
    sandbox.loop.faults.add("POST", "/v1/analyze", "delay", 1.0)
    client = LoopClient(sandbox.loop.url, LOOP_CART_API_KEY, timeout=0.3, session=http)

    started = time.monotonic()
    with pytest.raises(LoopUnavailable) as caught:
        client.analyze(analyze_body())
    elapsed = time.monotonic() - started

    assert caught.value.timed_out is True
    assert caught.value.status is None
    assert elapsed >= 0.25  # it waited for its budget; Loop would have answered after 1 s


def test_an_unreachable_loop_is_unavailable(http):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = LoopClient(f"http://127.0.0.1:{port}", LOOP_CART_API_KEY, 1.0, session=http)

    with pytest.raises(LoopUnavailable) as caught:
        client.analyze(analyze_body())

    assert (caught.value.status, caught.value.timed_out) == (None, False)


def test_a_body_that_is_not_json_is_invalid(sandbox, loop):
    sandbox.loop.faults.add("POST", "/v1/analyze", "malformed")

    with pytest.raises(LoopInvalidResponse) as caught:
        loop.analyze(analyze_body())

    assert caught.value.status == 200
    assert caught.value.request_id == analyze_log(sandbox)[0].response_headers["X-Request-Id"]


def test_a_bad_request_is_rejected_with_its_code(loop):
    body = analyze_body()
    del body["region"]

    with pytest.raises(LoopRejected) as caught:
        loop.analyze(body)

    assert (caught.value.status, caught.value.code) == (400, "invalid_request")
    assert "region is required" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "code", "message"),
    [
        (422, {"error": {"code": "unprocessable", "message": "Nope"}}, "unprocessable", "Nope"),
        (400, {"errors": "Cart is wrong"}, None, "Cart is wrong"),
        (400, {"error": "invalid_request", "message": "Bad"}, "invalid_request", "Bad"),
        (400, b"<html>Bad Request</html>", None, "400"),
        (404, {"error": "not_found", "message": "No route"}, "not_found", "No route"),
        (409, ["conflict"], None, "409"),
    ],
)
def test_error_bodies_are_read_defensively(canned, canned_loop, status, body, code, message):
    canned.answer(body, status=status)

    with pytest.raises(LoopRejected) as caught:
        canned_loop.analyze(analyze_body())

    assert (caught.value.status, caught.value.code) == (status, code)
    assert message in str(caught.value)
    assert caught.value.request_id == "req_canned_1"


def test_a_redirect_is_not_followed(canned, canned_loop):
    canned.answer(b"", status=307, headers={"Location": "http://127.0.0.1:9/v1/analyze"})

    with pytest.raises(LoopInvalidResponse) as caught:
        canned_loop.analyze(analyze_body())

    assert caught.value.status == 307
    assert len(canned.requests) == 1


def test_failures_log_the_request_id_and_never_the_key_or_body(sandbox, http, logs):
    title = "Distinctive Title 7f3a"
    good = LoopClient(sandbox.loop.url, LOOP_CART_API_KEY, timeout=5.0, session=http)
    wrong = LoopClient(sandbox.loop.url, WRONG_KEY, timeout=5.0, session=http)
    sandbox.loop.faults.add("POST", "/v1/analyze", "status", 503, times=1)
    failures = [
        lambda: good.analyze(analyze_body(line(title=title))),  # 503
        lambda: wrong.analyze(analyze_body(line(title=title))),  # 401
        lambda: good.analyze(analyze_body(line(title=title), region="nowhere")),  # 400
        lambda: good.get_session(UNKNOWN_SESSION),  # 404
    ]
    for call in failures:
        with pytest.raises(Exception, match=r"\d{3}"):
            call()

    messages = [r.getMessage() for r in logs.records if r.name == LOGGER]
    for entry in sandbox.loop.log.entries():
        assert any(entry.response_headers["X-Request-Id"] in m for m in messages)
    everything = "\n".join([*messages, logs.text])
    for secret in (LOOP_CART_API_KEY, WRONG_KEY, title):
        assert secret not in everything


# Response shapes


def test_unknown_fields_are_ignored(canned, canned_loop):
    canned.answer(
        offer_body(
            newTopLevel={"anything": [1, 2]},
            chargeInstructions={
                "amount": 498,
                "currencyCode": "USD",
                "method": "fee",
                "product": {"id": "1", "handle": "x"},
            },
            metadata={
                "analysisCount": 3,
                "sessionCreated": False,
                "priceBreakdown": [{"mode": "returnCoverage", "amount": 398}],
                "experimentCohort": None,
            },
            debug={"evaluation": {}},
        )
    )

    offer = canned_loop.analyze(analyze_body())

    assert offer == Offer(
        session_id="lop_a1b2c3d4e5f6g7h8i9j0",
        eligible=True,
        reason="eligible",
        mode=("returnCoverage", "shippingProtection"),
        amount=498,
        currency="USD",
        method="fee",
        analysis_count=3,
        session_created=False,
    )


def test_mode_is_kept_verbatim_with_duplicates(canned, canned_loop):
    mode = ["shippingProtection", "returnCoverage", "shippingProtection"]
    canned.answer(offer_body(mode=mode))

    assert canned_loop.analyze(analyze_body()).mode == tuple(mode)


def test_another_charge_method_is_returned_as_is(canned, canned_loop):
    charge = {"amount": 498, "currencyCode": "USD", "method": "product_line_item"}
    canned.answer(offer_body(chargeInstructions=charge))

    assert canned_loop.analyze(analyze_body()).method == "product_line_item"


def test_an_ineligible_offer_ignores_mode(canned, canned_loop):
    canned.answer(offer_body(eligible=False, reason="cart_total_too_low", chargeInstructions=None))

    offer = canned_loop.analyze(analyze_body())

    assert (offer.eligible, offer.reason, offer.mode, offer.amount) == (
        False,
        "cart_total_too_low",
        (),
        None,
    )


@pytest.mark.parametrize(
    "metadata",
    [
        {"analysisCount": "3", "sessionCreated": 1},
        {"analysisCount": True, "sessionCreated": "yes"},
        {"analysisCount": 2.0, "sessionCreated": None},
        "not an object",
        None,
    ],
)
def test_ill_typed_metadata_is_ignored(canned, canned_loop, metadata):
    canned.answer(offer_body(metadata=metadata))

    offer = canned_loop.analyze(analyze_body())

    assert (offer.analysis_count, offer.session_created) == (None, None)
    assert offer.amount == 498


def _charge(**changes: Any) -> dict[str, Any]:
    return {"amount": 498, "currencyCode": "USD", "method": "fee", **changes}


def _without(key: str) -> dict[str, Any]:
    body = offer_body()
    del body[key]
    return body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(["not", "an", "object"], id="array"),
        pytest.param(_without("sessionId"), id="no-sessionId"),
        pytest.param(offer_body(sessionId="lop_short"), id="short-sessionId"),
        pytest.param(offer_body(sessionId=12345), id="numeric-sessionId"),
        pytest.param(_without("eligible"), id="no-eligible"),
        pytest.param(offer_body(eligible=1), id="integer-eligible"),
        pytest.param(offer_body(eligible="true"), id="string-eligible"),
        pytest.param(_without("reason"), id="no-reason"),
        pytest.param(offer_body(reason=""), id="empty-reason"),
        pytest.param(_without("mode"), id="no-mode"),
        pytest.param(offer_body(mode=[]), id="empty-mode"),
        pytest.param(offer_body(mode="returnCoverage"), id="string-mode"),
        pytest.param(offer_body(mode=["returnCoverage", ""]), id="empty-mode-entry"),
        pytest.param(offer_body(mode=["returnCoverage", 1]), id="numeric-mode-entry"),
        pytest.param(_without("chargeInstructions"), id="no-charge"),
        pytest.param(offer_body(chargeInstructions=None), id="null-charge"),
        pytest.param(offer_body(chargeInstructions=_charge(amount=4.98)), id="decimal-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(amount=498.0)), id="float-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(amount="498")), id="string-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(amount=True)), id="bool-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(amount=-1)), id="negative-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(amount=None)), id="null-amount"),
        pytest.param(offer_body(chargeInstructions=_charge(currencyCode="usd")), id="lower-cur"),
        pytest.param(offer_body(chargeInstructions=_charge(currencyCode="ZZZ")), id="not-iso"),
        pytest.param(offer_body(chargeInstructions=_charge(currencyCode=None)), id="no-cur"),
        pytest.param(offer_body(chargeInstructions=_charge(method="")), id="empty-method"),
        pytest.param(offer_body(chargeInstructions=_charge(method=None)), id="no-method"),
        pytest.param(
            offer_body(eligible=False, reason="cart_total_too_low"), id="ineligible-with-charge"
        ),
    ],
)
def test_a_missing_or_ill_typed_field_is_invalid(canned, canned_loop, logs, body):
    canned.answer(body)

    with pytest.raises(LoopInvalidResponse) as caught:
        canned_loop.analyze(analyze_body())

    assert (caught.value.status, caught.value.request_id) == (200, "req_canned_1")
    assert "req_canned_1" in logs.text


def test_a_zero_amount_is_an_offer(canned, canned_loop):
    canned.answer(offer_body(chargeInstructions=_charge(amount=0)))

    assert canned_loop.analyze(analyze_body()).amount == 0


def test_an_amount_no_fee_could_be_is_invalid_not_a_crash_later(canned, canned_loop):
    canned.answer(offer_body(chargeInstructions=_charge(amount=10**15)))

    with pytest.raises(LoopInvalidResponse, match="within reason"):
        canned_loop.analyze(analyze_body())
    canned.answer(offer_body(chargeInstructions=_charge(amount=10**15 - 1)))
    assert canned_loop.analyze(analyze_body()).amount == 10**15 - 1


# The 1 MB limit


def test_huge_titles_are_trimmed_and_sent(sandbox, loop):
    huge = "Ultra Long Title " * 40_000  # 680 kB each: two of them exceed the limit
    body = analyze_body(line("101", title=huge), line("102", 2450, title=huge))

    offer = loop.analyze(body)

    [entry] = analyze_log(sandbox)
    assert entry.status == 200
    titles = [item["title"] for item in entry.json["cart"]["lines"]]
    assert titles == [huge[:64], huge[:64]]
    assert offer.eligible is True
    assert body["cart"]["lines"][0]["title"] == huge  # the caller's dict is left alone


def test_titles_go_down_to_one_character_when_needed(sandbox, loop):
    lines = [line(str(1000 + n), 1, "t" * 100) | {"id": f"line-{n}"} for n in range(7000)]
    body = analyze_body(*lines)
    trimmed = copy.deepcopy(body)
    for item in trimmed["cart"]["lines"]:
        item["title"] = "t"
    at_64 = copy.deepcopy(body)
    for item in at_64["cart"]["lines"]:
        item["title"] = "t" * 64
    assert len(encode_json(at_64)) > MAX_ANALYZE_BODY_BYTES >= len(encode_json(trimmed))

    loop.analyze(body)

    [entry] = analyze_log(sandbox)
    assert entry.status == 200
    assert entry.body_size == len(encode_json(trimmed).encode())


def test_a_body_too_large_even_trimmed_is_not_sent(sandbox, loop):
    lines = [line(str(n), 1, f"Item {n}") | {"id": f"line-{n}"} for n in range(20_000)]
    body = analyze_body(*lines)

    with pytest.raises(LoopRequestTooLarge):
        loop.analyze(body)

    assert sandbox.loop.log.count() == 0
    assert body["cart"]["lines"][0]["title"] == "Item 0"


# GET /v1/session


def test_get_session_returns_state_and_timestamps(loop):
    first = loop.analyze(analyze_body())
    loop.analyze(analyze_body(sessionId=first.session_id))

    state = loop.get_session(first.session_id)

    assert state.offer.session_id == first.session_id
    assert state.offer.mode == first.mode
    assert state.offer.amount == first.amount
    assert state.offer.session_created is None  # GET omits it
    assert state.analysis_count == 2
    assert state.created_at.utcoffset() == timedelta(0)
    assert state.created_at <= state.updated_at
    assert abs(datetime.now(UTC) - state.updated_at) < timedelta(minutes=1)


def test_get_session_of_an_unknown_id_is_not_found(loop):
    with pytest.raises(LoopSessionNotFound) as caught:
        loop.get_session(UNKNOWN_SESSION)

    assert caught.value.status == 404


def test_get_session_of_a_malformed_id_is_not_sent(sandbox, loop):
    with pytest.raises(LoopRejected) as caught:
        loop.get_session("../v1/analyze")

    assert caught.value.code == "invalid_request"
    assert sandbox.loop.log.count() == 0


@pytest.mark.parametrize(
    "created_at",
    [None, "yesterday", "2026-04-23T13:25:00", 1776950700],
)
def test_get_session_needs_rfc3339_timestamps(canned, canned_loop, created_at):
    body = offer_body(createdAt=created_at, updatedAt="2026-04-23T13:25:00+00:00")
    canned.answer(body)

    with pytest.raises(LoopInvalidResponse):
        canned_loop.get_session("lop_a1b2c3d4e5f6g7h8i9j0")

    assert canned.requests[0].path == "/v1/session/lop_a1b2c3d4e5f6g7h8i9j0"


def test_get_session_parses_atom_timestamps(canned, canned_loop):
    canned.answer(
        offer_body(createdAt="2026-04-23T13:25:00+00:00", updatedAt="2026-04-23T14:00:05+02:00")
    )

    state = canned_loop.get_session("lop_a1b2c3d4e5f6g7h8i9j0")

    assert state.created_at == datetime(2026, 4, 23, 13, 25, tzinfo=UTC)
    assert state.updated_at == datetime(2026, 4, 23, 12, 0, 5, tzinfo=UTC)


# Connection reuse and set-up


def test_calls_reuse_one_keep_alive_connection(sandbox, loop, http):
    loop.analyze(analyze_body())
    loop.analyze(analyze_body())
    loop.get_session(loop.analyze(analyze_body()).session_id)

    pools = http.get_adapter(sandbox.loop.url).poolmanager.pools
    # urllib3's pool container refuses plain iteration; keys() is its thread-safe view.
    [pool] = [pools[key] for key in pools.keys()]  # noqa: SIM118
    assert (pool.num_connections, pool.num_requests) == (1, 4)


@pytest.mark.parametrize(
    ("key", "timeout"),
    [("", 1.0), ("key with space", 1.0), ("key\r\nX-Evil: 1", 1.0), ("ok-key", 0), ("ok", -1)],
)
def test_a_bad_key_or_timeout_is_refused_up_front(key, timeout):
    with pytest.raises(ValueError, match=r"api_key|timeout") as caught:
        LoopClient("http://127.0.0.1:1", key, timeout)

    assert key not in str(caught.value) or not key
