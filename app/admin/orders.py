"""Did this order's protection reach Loop? Its block on BigCommerce, its decision, its sync job.

No Flask here. On the connector path the answer is the order's ``loop_checkout_plus``
metafields as BigCommerce holds them now: whole only with exactly one of each key Loop's
connector needs, well-formed. On the direct path the order is pushed to Loop's Orders API, so
the sync job's state is the answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import replace
from typing import TYPE_CHECKING

from app.checkout_plus.decisions import Decision
from app.checkout_plus.metafields import CONNECTOR_KEYS
from app.checkout_plus.metafields import NAMESPACE
from app.checkout_plus.metafields import OUR_KEYS
from app.checkout_plus.metafields import BlockWriter
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.bigcommerce import Metafield
from app.sync.jobs import SyncJob

if TYPE_CHECKING:
    from app.checkout_plus.decisions import DecisionLog
    from app.checkout_plus.decisions_redis import RedisDecisionLog
    from app.sync.jobs import SyncJobs
    from app.sync.jobs_redis import RedisSyncJobs

# BigCommerce order ids are positive 32-bit integers.
ORDER_ID = re.compile(r"[1-9][0-9]{0,9}")
MAX_ORDER_ID = 2**31 - 1


@dataclass(frozen=True)
class BlockCheck:
    """The order's Checkout+ metafields, and what keeps them from making a whole block."""

    metafields: list[Metafield]
    required: tuple[str, ...]
    missing: tuple[str, ...]  # required keys that are absent
    repeated: tuple[str, ...]  # keys of ours that are there more than once
    well_formed: bool  # one of each, with values Loop's connector accepts

    @property
    def complete(self) -> bool:
        """Tell whether Loop's connector will record the order as protected."""
        return not self.missing and not self.repeated and self.well_formed


@dataclass(frozen=True)
class OrderLookup:
    """What this server and BigCommerce know of one order's Checkout+ protection."""

    order_text: str
    order_id: int | None = None
    direct: bool = False  # reported by a push to Loop's Orders API, not by metafields
    block: BlockCheck | None = None  # None on the direct path, or when BigCommerce failed
    decision: Decision | None = None
    job: SyncJob | None = None
    problem: str | None = None
    status: int = 200
    # Read only for an order with no decision: False when it is not paid yet (a declined
    # card leaves it so), which is why it has none; None when not read.
    paid: bool | None = None


class OrderReader:
    """Read one order's Checkout+ state from BigCommerce and the durable stores."""

    def __init__(
        self,
        bigcommerce: BigCommerceClient,
        decisions: DecisionLog | RedisDecisionLog,
        jobs: SyncJobs | RedisSyncJobs,
        direct: bool,
        fee_name: str | None,
    ) -> None:
        self._bigcommerce = bigcommerce
        self._reader = BlockWriter(bigcommerce)
        self._decisions = decisions
        self._jobs = jobs
        self._direct = direct
        # The configured fee name is written too, so the block needs it to be whole.
        self._required = (*CONNECTOR_KEYS, "fee_name") if fee_name else CONNECTOR_KEYS

    def look_up(self, text: str) -> OrderLookup:
        """Look an order up by its BigCommerce id (as typed)."""
        text = text.strip()
        if not ORDER_ID.fullmatch(text) or int(text) > MAX_ORDER_ID:
            problem = "An order id is a whole number above 0, such as 101."
            return OrderLookup(text, problem=problem, status=400)
        order_id = int(text)
        found = OrderLookup(
            text,
            order_id,
            self._direct,
            decision=self._decisions.for_order(order_id),
            job=self._jobs.for_order(order_id),
        )
        try:
            # Read on either path: it also tells whether BigCommerce has the order at all.
            fields = self._bigcommerce.get_order_metafields(order_id, NAMESPACE)
            block = None if self._direct else self._check(order_id, fields)
            if found.decision is None:
                found = replace(found, paid=self._bigcommerce.get_order(order_id).paid)
        except BigCommerceNotFound:
            problem = f"BigCommerce has no order {order_id}. Check the number in the order list."
            return replace(found, problem=problem, status=404)
        except BigCommerceUnavailable:
            problem = "BigCommerce did not answer, so the order's metafields are not shown."
            return replace(found, problem=problem + " Try again in a moment.", status=503)
        except BigCommerceError:
            problem = "BigCommerce answered in a way this server cannot read; try again later."
            return replace(found, problem=problem, status=503)
        return replace(found, block=block)

    def _check(self, order_id: int, fields: list[Metafield]) -> BlockCheck:
        """Judge the metafields as Loop's connector reads them."""
        counts = Counter(field.key for field in fields)
        missing = tuple(key for key in self._required if counts[key] == 0)
        repeated = tuple(key for key in OUR_KEYS if counts[key] > 1)
        # Values are judged by the sync targets' own reader (a second read, only when needed).
        well_formed = not missing and not repeated and self._reader.read(order_id) is not None
        return BlockCheck(fields, self._required, missing, repeated, well_formed)
