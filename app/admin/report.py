"""What the admin page shows: typed answers gathered from Loop, BigCommerce and the stores.

No Flask here. Each lookup returns its answer, or a ``problem`` a person can act on with the
HTTP status it deserves: a malformed id is 400, an unknown one 404, an upstream that does
not answer 503. None of them raises, so one failing panel never takes the page down.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING
from typing import Any

from app.admin.orders import OrderLookup
from app.admin.orders import OrderReader
from app.checkout.cart import is_cart_id
from app.checkout_plus.analyses import LoggedAnalysis
from app.checkout_plus.decisions import DecisionCounts
from app.checkout_plus.decisions import GroupCounts
from app.clients.loop import LoopClient
from app.clients.loop import LoopError
from app.clients.loop import LoopInvalidResponse
from app.clients.loop import LoopRateLimited
from app.clients.loop import LoopRejected
from app.clients.loop import LoopSessionNotFound
from app.clients.loop import LoopUnauthorized
from app.clients.loop import SessionState
from app.clients.loop import is_session_id
from app.sync.jobs import FAILED
from app.sync.jobs import PENDING
from app.sync.jobs import SyncJob
from app.sync.queue import RetryRefused
from app.sync.queue import SyncQueue

if TYPE_CHECKING:
    from app.checkout_plus.analyses import AnalysisLog
    from app.checkout_plus.analyses_redis import RedisAnalysisLog
    from app.checkout_plus.decisions import DecisionLog
    from app.checkout_plus.decisions_redis import RedisDecisionLog

# Rows each list shows; the counts above them cover everything.
LIST_LIMIT = 50
JOB_ID = re.compile(r"[0-9a-f]{32}")
SESSION_ID_HINT = "A Loop session id is lop_ followed by 20 letters or digits."


@dataclass(frozen=True)
class SessionLookup:
    """One Loop session as ``GET /v1/session/{id}`` reports it, or why it could not be read."""

    session_id: str
    state: SessionState | None = None
    problem: str | None = None
    status: int = 200


@dataclass(frozen=True)
class AnalysesReport:
    """The latest analyses (of one cart or session, when searched) and counts per reason."""

    entries: list[LoggedAnalysis]
    counts: dict[str, int]  # over the whole window, the most frequent first
    window: int  # how many analyses are kept
    search: str  # what was searched for (a cart or session id, unless ``problem``), or ""
    problem: str | None = None
    status: int = 200


@dataclass(frozen=True)
class AttachRate:
    """Orders placed with the offer on show, and how many took it (of one group, or all)."""

    shown: int
    accepted: int
    declined: int
    percent: Decimal | None  # accepted out of shown, one decimal; None before any order
    orders: int = 0  # orders with a decision, the control group's (no offer on show) too
    label: tuple[str | None, ...] = ()  # the group: (cohort,) or (mount target, experience)
    by_cohort: tuple[AttachRate, ...] = ()
    by_placement: tuple[AttachRate, ...] = ()

    @classmethod
    def of(cls, counts: DecisionCounts, label: tuple[str | None, ...] = ()) -> AttachRate:
        """Return the rate of some counts."""
        percent = None
        if counts.shown:
            percent = (Decimal(counts.accepted) * 100 / counts.shown).quantize(Decimal("0.1"))
        return cls(counts.shown, counts.accepted, counts.declined, percent, counts.orders, label)


@dataclass(frozen=True)
class JobsReport:
    """Sync jobs counted by state, with the oldest failed and pending ones listed."""

    counts: dict[str, int]
    failed: list[SyncJob]
    pending: list[SyncJob]
    limit: int


class AdminReport:
    """Answer the merchant's questions from Loop, BigCommerce and the durable stores."""

    def __init__(
        self,
        loop: LoopClient,
        analyses: AnalysisLog | RedisAnalysisLog,
        decisions: DecisionLog | RedisDecisionLog,
        queue: SyncQueue,
        orders: OrderReader,
    ) -> None:
        self._loop = loop
        self._analyses = analyses
        self._decisions = decisions
        self._queue = queue
        self._orders = orders

    def session(self, text: str) -> SessionLookup:
        """Look a Loop session up by id."""
        session_id = text.strip()
        if not is_session_id(session_id):
            return SessionLookup(
                session_id, problem=f"That is not a session id. {SESSION_ID_HINT}", status=400
            )
        try:
            return SessionLookup(session_id, self._loop.get_session(session_id))
        except LoopError as error:
            return SessionLookup(session_id, problem=_loop_problem(error), status=_status(error))

    def analyses(self, search: str = "") -> AnalysesReport:
        """Return the latest analyses, of one cart or Loop session if ``search`` names one."""
        search = search.strip()
        window, counts = self._analyses.keep, self._analyses.count_by_reason()
        if is_session_id(search):
            entries = self._analyses.recent(LIST_LIMIT, session_id=search)
        elif is_cart_id(search):
            search = search.lower()  # BigCommerce writes cart ids in lower case
            entries = self._analyses.recent(LIST_LIMIT, cart_id=search)
        else:
            entries = self._analyses.recent(LIST_LIMIT)
            if search:
                problem = (
                    "That is neither a cart id (such as 0f8fad5b-d9cb-469f-a165-70867728950e) "
                    f"nor a Loop session id. {SESSION_ID_HINT} The latest analyses are below."
                )
                return AnalysesReport(entries, counts, window, search, problem, 400)
        return AnalysesReport(entries, counts, window, search)

    def attach_rate(self) -> AttachRate:
        """Return how often shoppers who saw the offer took it: overall, by cohort, by placement."""
        groups = self._decisions.by_group()
        by_cohort = _rates(groups, lambda group: (group.cohort,))
        by_placement = _rates(groups, lambda group: (group.mount_target, group.cart_experience))
        return replace(
            AttachRate.of(self._decisions.counts()),
            by_cohort=by_cohort,
            by_placement=by_placement,
        )

    def decisions(self) -> Iterator[dict[str, Any]]:
        """Yield every decision with its consent evidence, oldest first (the export)."""
        return (decision.as_dict() for decision in self._decisions.oldest_first())

    def jobs(self) -> JobsReport:
        """Return the sync jobs by state, with the failed and pending ones listed."""
        jobs = self._queue.jobs
        return JobsReport(
            jobs.count_by_state(),
            jobs.in_state(FAILED, LIST_LIMIT),
            jobs.in_state(PENDING, LIST_LIMIT),
            LIST_LIMIT,
        )

    def order(self, text: str) -> OrderLookup:
        """Look an order up: its block on BigCommerce, its decision and its sync job."""
        return self._orders.look_up(text)

    def retry(self, job_id: str) -> SyncJob:
        """Queue a failed sync job again; raise RetryRefused for no such job or another state."""
        if not JOB_ID.fullmatch(job_id):
            raise RetryRefused(job_id, None)
        return self._queue.retry(job_id)


def _rates(
    groups: list[GroupCounts], label_of: Callable[[GroupCounts], tuple[str | None, ...]]
) -> tuple[AttachRate, ...]:
    """Add the groups' counts up by a label; return a rate per label, the most orders first."""
    added: dict[tuple[str | None, ...], DecisionCounts] = {}
    for group in groups:
        was, more = added.get(label_of(group), DecisionCounts(0, 0, 0)), group.counts
        added[label_of(group)] = DecisionCounts(
            was.shown + more.shown, was.accepted + more.accepted, was.orders + more.orders
        )
    rates = [AttachRate.of(counts, label) for label, counts in added.items()]
    return tuple(
        sorted(rates, key=lambda rate: (-rate.orders, [part or "" for part in rate.label]))
    )


def _loop_problem(error: LoopError) -> str:
    """Say what went wrong asking Loop, with its request id for Loop's support."""
    if isinstance(error, LoopSessionNotFound):
        return (
            "Loop has no session with this id for this store: it may have expired, or have "
            "been made with another API key."
        )
    if isinstance(error, LoopUnauthorized):
        message = "Loop refused this server's API key: check LOOP_CART_API_KEY has the Cart scope."
    elif isinstance(error, LoopRateLimited):
        message = "Loop is limiting this store's requests just now; try again in a minute."
    elif isinstance(error, LoopRejected):
        message = f"Loop refused the lookup ({error.status}, {error.code or 'no code'})."
    elif isinstance(error, LoopInvalidResponse):
        message = "Loop answered with something this server cannot read; try again later."
    else:
        message = "Loop did not answer (it timed out or failed); try again in a moment."
    if error.request_id:
        message += f" Loop's request id: {error.request_id}."
    return message


def _status(error: LoopError) -> int:
    """Return the page's status for a failed session lookup."""
    return 404 if isinstance(error, LoopSessionNotFound) else 503
