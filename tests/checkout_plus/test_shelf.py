"""The analysis shelf keeps one contract on SQLite and on Redis: one claim per cart state,
its outcome shared by every process until the analysis's own end.

Every test runs on both backends (the ``backend`` fixture); each ``backend.shelf()`` is
another process's (or machine's) handle. The Redis case needs a server: set REDIS_URL;
without it those cases are skipped, never faked.
"""

from __future__ import annotations

from app.checkout_plus.offer import Analysis
from app.checkout_plus.offer import Quote
from app.checkout_plus.shelf import decode
from app.checkout_plus.shelf import encode
from tests.support.stores import race

SESSION = "lop_" + "A" * 20
KEY = "0123456789abcdef0123456789abcdef:" + SESSION


def priced(at: float, fresh_for: float = 45.0) -> Analysis:
    """An eligible analysis made at ``at``."""
    quote = Quote(SESSION, ("returnCoverage", "shippingProtection"), 298, "USD")
    return Analysis(KEY.split(":")[0], at, "eligible", quote, fresh_for)


def test_a_cart_state_is_claimed_once_and_its_outcome_read_by_every_process(backend):
    first, second = backend.shelf(), backend.shelf()
    assert first.claim(KEY, 2.0) is True
    assert second.claim(KEY, 2.0) is False
    assert second.get(KEY) is None  # claimed, no outcome yet
    analysis = priced(backend.now())
    first.put(KEY, analysis, SESSION)
    assert second.get(KEY) == (analysis, SESSION)
    assert backend.shelf().claim(KEY, 2.0) is False  # the outcome stands for the claim
    # Another cart state is a claim of its own.
    assert second.claim(KEY + "-other", 2.0) is True
    assert first.get(KEY + "-other") is None


def test_processes_claiming_at_once_leave_exactly_one_to_ask_loop(backend):
    shelves = [backend.shelf() for _ in range(6)]
    claimed = race(shelves, lambda shelf, n: shelf.claim(KEY, 2.0))
    assert claimed.count(True) == 1, claimed


def test_a_claim_whose_process_never_answered_lapses(backend):
    shelf = backend.shelf()
    assert shelf.claim(KEY, 2.0) is True
    backend.pass_time(1.0)
    assert backend.shelf().claim(KEY, 2.0) is False
    backend.pass_time(1.5)
    assert backend.shelf().claim(KEY, 2.0) is True


def test_an_outcome_is_kept_until_its_analysis_may_no_longer_be_reused(backend):
    shelf = backend.shelf()
    shelf.claim(KEY, 2.0)
    # Analyzed 40 s ago (Loop took its time): 5 s of its 45 are left, not 45 from now.
    analysis = priced(backend.now() - 40.0)
    shelf.put(KEY, analysis, SESSION)
    backend.pass_time(3.0)
    assert backend.shelf().get(KEY) == (analysis, SESSION)
    backend.pass_time(3.0)
    assert backend.shelf().get(KEY) is None
    assert backend.shelf().claim(KEY, 2.0) is True  # the next request asks Loop again


def test_an_outcome_already_past_its_time_frees_the_claim(backend):
    shelf = backend.shelf()
    shelf.claim(KEY, 30.0)
    shelf.put(KEY, priced(backend.now() - 50.0), SESSION)
    assert backend.shelf().get(KEY) is None
    assert backend.shelf().claim(KEY, 2.0) is True


def test_a_failure_is_kept_without_a_quote_or_a_session():
    failed = Analysis("f" * 32, 1000.0, "timeout", None, 10.0)
    assert decode(encode(failed, None)) == (failed, None)
    for junk in (None, "", b"", "not json", "[]", '{"analysis": {}}', '{"session_id": 3}'):
        assert decode(junk) is None, junk
