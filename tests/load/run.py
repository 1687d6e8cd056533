"""Serve the checkout as in production, with slow upstreams, and load each target with wrk."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from tests.bench.common import COOKIE
from tests.bench.common import HTMX
from tests.bench.common import bound_session
from tests.bench.common import timed
from tests.bench.servers import Sandboxes
from tests.bench.servers import app_environment
from tests.bench.servers import gunicorn
from tests.bench.servers import sandboxes
from tests.load.check import problems_with_fragment
from tests.load.check import problems_with_page
from tests.load.wrk import WrkResult
from tests.load.wrk import run_wrk

WARM_UP_SECONDS = 1


@dataclass(frozen=True)
class Target:
    """One URL to load, the headers a browser sends for it and how to check its answer."""

    name: str
    path: str
    headers: dict[str, str]
    problems: Callable[[int, str], list[str]]  # of the status and body


TARGETS = (
    Target("page", "/checkout", {}, problems_with_page),
    Target("offer", "/checkout/offer", HTMX, problems_with_fragment),
)


@dataclass
class Outcome:
    """What one target's run measured, and what was wrong with its answer."""

    target: Target
    wrk: WrkResult
    problems: list[str]

    def failed(self) -> bool:
        """Any failed request or a wrong answer fails the run."""
        return bool(self.wrk.errors() or self.problems)

    def as_dict(self) -> dict:
        """Return the outcome as JSON-ready data."""
        return {"path": self.target.path, **self.wrk.as_dict(), "problems": self.problems}


def load(seconds: int, latency: float, connections: int, threads: int) -> list[Outcome]:
    """Start the sandboxes and the app, prepare one shopper's cookie, then load each target."""
    with tempfile.TemporaryDirectory(prefix="checkout-load-") as tmp, sandboxes() as sandbox:
        env = app_environment(sandbox, str(Path(tmp) / "instance"))
        with gunicorn("app:create_app()", env) as (origin, _):
            sandbox.set_delays(bigcommerce=latency, loop=latency)
            cookie = _analyzed_cookie(sandbox, origin)
            outcomes = []
            for target in TARGETS:
                # The sandboxes log every call, bodies included: keep their memory bounded.
                sandbox.clear_logs()
                headers = {"Cookie": f"{COOKIE}={cookie}", **target.headers}
                url = origin + target.path
                # Untimed: each worker's first requests load templates and open its upstream
                # connections (over 1 s each here), which a store's server did before any burst.
                run_wrk(url, headers, WARM_UP_SECONDS, connections, threads)
                figures = run_wrk(url, headers, seconds, connections, threads)
                answer = requests.get(url, headers=headers, allow_redirects=False, timeout=10)
                problems = target.problems(answer.status_code, answer.text)
                outcomes.append(Outcome(target, figures, problems))
            return outcomes


def _analyzed_cookie(sandbox: Sandboxes, origin: str) -> str:
    """A session cookie bound to a new cart, after one page load analyzed its offer."""
    session, _ = bound_session(sandbox, origin)
    # As a browser opens the page once before any reload or offer refresh: the analysis is
    # now in the cookie, so the run measures the cached path every shopper's next request takes.
    timed(session, f"{origin}/checkout")
    return session.cookies[COOKIE]
