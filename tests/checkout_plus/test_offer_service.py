"""The offer service and state: when Loop is asked again, and what each answer leaves shown."""

from __future__ import annotations

import pytest

from app.checkout_plus.offer import ACCEPTED_QUOTE_MAX_AGE_SECONDS
from app.checkout_plus.offer import Analysis
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.checkout_plus.service import ANALYSIS_FRESH_SECONDS
from app.checkout_plus.service import FAILURE_FRESH_SECONDS
from app.checkout_plus.service import OfferService
from app.clients.bigcommerce import BigCommerceClient
from app.clients.loop import LoopClient
from app.sandbox import credentials
from tests.support.canned import CannedServer
from tests.support.offer import OFFER_SETTINGS

SESSION = "lop_" + "a1" * 10


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def checkout(sandbox, store):
    """A one-line USD checkout read through our own BigCommerce client."""
    cart_id = store.create_cart([(101, 1)])
    client = BigCommerceClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
    )
    return client.get_checkout(cart_id)


def service_for(url: str, clock: Clock) -> OfferService:
    """An offer service talking to the Loop at ``url``."""
    return OfferService(LoopClient(url, credentials.LOOP_CART_API_KEY, 1.0), OFFER_SETTINGS, clock)


def calls(sandbox) -> int:
    """How many analyze requests Loop received."""
    return sandbox.loop.log.count("POST", "/v1/analyze")


def test_an_unchanged_cart_is_asked_about_again_only_after_45_seconds(sandbox, checkout):
    clock = Clock()
    service = service_for(sandbox.loop.url, clock)
    state = service.refresh(checkout, OfferState(), "en-US")
    assert state.quote.amount == 298
    clock.now += ANALYSIS_FRESH_SECONDS - 1
    assert service.refresh(checkout, state, "en-US") is state
    assert calls(sandbox) == 1
    clock.now += 2
    later = service.refresh(checkout, state, "en-US")
    assert calls(sandbox) == 2
    assert later.quote == state.quote
    service.refresh(checkout, later, "en-US", force=True)
    assert calls(sandbox) == 3
    service.refresh(checkout, later, "de-DE")  # another locale is another question
    assert calls(sandbox) == 4


def test_a_failure_is_retried_after_a_short_pause(sandbox, checkout):
    clock = Clock()
    service = service_for(sandbox.loop.url, clock)
    sandbox.set_faults("loop POST /v1/analyze status=503 times=1")
    state = service.refresh(checkout, OfferState(), "en-US")
    assert state.quote is None
    assert state.analysis.reason == "unavailable"
    clock.now += FAILURE_FRESH_SECONDS - 1
    assert service.refresh(checkout, state, "en-US") is state
    clock.now += 2
    assert service.refresh(checkout, state, "en-US").quote.amount == 298
    assert calls(sandbox) == 2


def test_a_rate_limit_is_respected_for_as_long_as_loop_asks(checkout):
    server = CannedServer()
    try:
        server.answer_json({"error": "rate_limited"}, status=429, headers={"Retry-After": "30"})
        state = service_for(server.url, Clock()).refresh(checkout, OfferState(), None)
    finally:
        server.stop()
    assert state.analysis.reason == "rate_limited"
    assert state.analysis.fresh_for == 30


def eligible(**overrides) -> dict:
    """An eligible analyze answer, with some fields replaced."""
    body = {
        "sessionId": SESSION,
        "eligible": True,
        "reason": "eligible",
        "mode": ["returnCoverage"],
        "chargeInstructions": {"amount": 198, "currencyCode": "USD", "method": "fee"},
    }
    body.update(overrides)
    return body


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (
            eligible(
                chargeInstructions={
                    "amount": 198,
                    "currencyCode": "USD",
                    "method": "product_line_item",
                }
            ),
            "unsupported_charge_method",
        ),
        (
            eligible(chargeInstructions={"amount": 198, "currencyCode": "EUR", "method": "fee"}),
            "currency_mismatch",
        ),
        (eligible(mode=["returnCoverage", "theftInsurance"]), "unknown_mode"),
    ],
)
def test_an_offer_this_checkout_cannot_honour_is_hidden(checkout, answer, reason):
    server = CannedServer()
    try:
        server.answer_json(answer)
        state = service_for(server.url, Clock()).refresh(checkout, OfferState(), None)
    finally:
        server.stop()
    assert state.quote is None
    assert state.analysis.reason == reason
    assert state.loop_session_id == SESSION  # the session is still re-used next time


QUOTE = Quote(SESSION, ("returnCoverage", "shippingProtection"), 298, "USD")


def analysis(quote: Quote | None, reason: str = "eligible") -> Analysis:
    """An analysis with the given outcome."""
    return Analysis("f" * 32, 0.0, reason, quote, 45.0)


def test_an_opt_in_follows_the_price_but_not_a_change_of_coverage():
    opted = OfferState(analysis(QUOTE)).opt_in()
    assert opted.opted_in
    dearer = Quote(SESSION, ("shippingProtection", "returnCoverage"), 598, "USD")
    kept = opted.after_analysis(analysis(dearer))
    assert kept.accepted == dearer
    assert kept.opted_in
    assert not kept.reconfirm
    narrower = Quote(SESSION, ("returnCoverage",), 398, "USD")
    asked = kept.after_analysis(analysis(narrower))
    assert asked.accepted is None
    assert asked.reconfirm
    gone = kept.after_analysis(analysis(None, "cart_has_excluded_product"))
    assert gone.accepted is None
    assert not gone.reconfirm


NARROWER = Quote(SESSION, ("returnCoverage",), 198, "USD")


def test_an_opt_in_is_held_while_its_cover_is_off_offer_and_stands_again_when_it_is_back():
    # Store pickup drops shipping protection from the cover; shipping again brings it back.
    opted = OfferState(analysis(QUOTE)).opt_in()
    pickup = opted.after_analysis(analysis(NARROWER))
    assert not pickup.opted_in
    assert pickup.accepted is None
    assert pickup.held == QUOTE
    assert pickup.reconfirm
    went_on = pickup.moved_on()  # the shopper saved another step: the notice is answered
    assert not went_on.reconfirm
    assert went_on.held == QUOTE
    dearer = Quote(SESSION, ("shippingProtection", "returnCoverage"), 398, "USD")
    back = went_on.after_analysis(analysis(dearer))
    assert back.accepted == dearer  # the same cover, at the new price
    assert back.opted_in
    assert back.held is None
    assert not back.reconfirm
    # Without a move on in between, coming back answers the notice as well.
    assert not pickup.after_analysis(analysis(dearer)).reconfirm


def test_an_answer_to_the_offer_replaces_the_held_opt_in():
    pickup = OfferState(analysis(QUOTE)).opt_in().after_analysis(analysis(NARROWER))
    declined = pickup.opt_out()
    assert declined.held is None
    assert not declined.after_analysis(analysis(QUOTE)).opted_in
    ticked = pickup.opt_in()
    assert ticked.accepted == NARROWER
    assert not ticked.reconfirm
    back = ticked.after_analysis(analysis(QUOTE))
    assert back.accepted is None  # the cover ticked last is not the one on show
    assert back.held == NARROWER
    assert back.reconfirm


def test_a_ticked_offer_loop_withdraws_is_said_so_until_the_shopper_answers():
    opted = OfferState(analysis(QUOTE)).opt_in()
    gone = opted.after_analysis(analysis(None, "cart_too_valuable"))
    assert gone.withdrawn
    assert gone.accepted is None
    assert gone.held is None  # Loop's no clears the choice: it is not given back later
    still = gone.after_analysis(analysis(None, "cart_too_valuable"))
    assert still.withdrawn  # a second no is no answer from the shopper
    assert not gone.moved_on().withdrawn
    back = gone.after_analysis(analysis(QUOTE))
    assert not back.withdrawn  # an offer on show again replaces the word
    assert not back.opted_in
    # An offer the shopper never ticked goes without a word.
    assert not OfferState(analysis(QUOTE)).after_analysis(analysis(None, "x")).withdrawn


def test_a_loop_failure_withdraws_nothing_and_holds_the_opt_in():
    opted = OfferState(analysis(QUOTE)).opt_in()
    failed = opted.after_analysis(analysis(None, "timeout"))
    assert not failed.withdrawn
    assert failed.quote is None
    assert failed.held == QUOTE
    assert failed.after_analysis(analysis(QUOTE)).opted_in
    notice = opted.after_analysis(analysis(None, "cart_too_valuable"))
    assert notice.after_analysis(analysis(None, "unavailable")).withdrawn  # the word stays


def test_a_loop_failure_on_the_priced_cart_keeps_the_accepted_quote_on_show(sandbox, checkout):
    clock = Clock()
    service = service_for(sandbox.loop.url, clock)
    opted = service.refresh(checkout, OfferState(), "en-US").opt_in()
    clock.now += ANALYSIS_FRESH_SECONDS + 1
    sandbox.set_faults("loop POST /v1/analyze status=503")
    kept = service.refresh(checkout, opted, "en-US")
    assert calls(sandbox) == 2
    assert kept.opted_in
    assert kept.accepted == opted.accepted
    assert not kept.withdrawn
    # Loop is not asked again on every page while it fails...
    clock.now += FAILURE_FRESH_SECONDS - 1
    assert service.refresh(checkout, kept, "en-US") is kept
    assert calls(sandbox) == 2
    # ...and placing the order still judges a failure itself (see test_place_order).
    assert service.refresh(checkout, kept, "en-US", force=True).quote is None
    # A quote older than placing would honour is held, not shown.
    clock.now += ACCEPTED_QUOTE_MAX_AGE_SECONDS
    stale = service.refresh(checkout, kept, "en-US")
    assert stale.quote is None
    assert stale.held == opted.accepted
    assert not stale.withdrawn


def test_the_session_state_round_trips_and_rejects_tampering():
    state = OfferState(analysis(QUOTE), SESSION).opt_in()
    assert OfferState.from_dict(state.as_dict()) == state
    held = state.after_analysis(analysis(NARROWER))
    assert OfferState.from_dict(held.as_dict()) == held
    withdrawn = state.after_analysis(analysis(None, "cart_too_valuable"))
    assert OfferState.from_dict(withdrawn.as_dict()).withdrawn
    tampered = held.as_dict()
    tampered["held"]["mode"] = "returnCoverage"
    assert OfferState.from_dict(tampered).held is None
    tampered = state.as_dict()
    tampered["accepted"]["amount"] = "298"
    assert OfferState.from_dict(tampered).accepted is None
    tampered = state.as_dict()
    tampered["loop_session_id"] = "lop_short"
    assert OfferState.from_dict(tampered).loop_session_id is None
    tampered = state.as_dict()
    tampered["analysis"]["reason"] = "cart_too_valuable"  # a quote without eligibility
    assert OfferState.from_dict(tampered).analysis is None
    assert OfferState.from_dict("garbage") == OfferState()


def test_the_server_opts_in_only_to_the_quote_it_showed():
    service = OfferService(None, OFFER_SETTINGS)  # choose() never calls Loop
    state = OfferState(analysis(QUOTE))
    assert service.choose(state, True, QUOTE.token).accepted == QUOTE
    stale = service.choose(state, True, "0" * 16)
    assert stale.accepted is None
    assert stale.reconfirm
    assert service.choose(state, True, None).accepted is None
    assert service.choose(OfferState(analysis(None, "system_error")), True, None).accepted is None
    assert service.choose(state.opt_in(), False, QUOTE.token).accepted is None
