"""Where a sync job reports an order: Loop's connector (metafields) or Loop's Orders API.

Each target turns its upstreams' typed errors into the queue's two outcomes: ``SyncRetry``
(try again later, never sooner than ``retry_after``) and ``SyncRefused`` (for good).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from app.checkout_plus.metafields import BlockNotWritten
from app.checkout_plus.metafields import BlockWriter
from app.checkout_plus.order_push import OrderPusher
from app.checkout_plus.protection import InvalidBlock
from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.loop import LoopOrdersRejected
from app.clients.loop import LoopOrdersUnavailable

log = logging.getLogger(__name__)

RATE_LIMITED = 429


class SyncRetry(Exception):
    """A transient failure: run the job again later, not before ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SyncRefused(Exception):
    """A permanent failure: running the job again would fail the same way."""


class ConnectorTarget:
    """Write the block as ``loop_checkout_plus`` order metafields, read by Loop's connector."""

    reports_declined = False  # the connector syncs every order itself; only blocks are ours

    def __init__(self, writer: BlockWriter) -> None:
        self._writer = writer

    def write(
        self, order_id: int, block: ProtectionBlock | None, first_write: bool = False
    ) -> None:
        """Make the order carry the block (which also repairs one that was changed)."""
        if block is None:
            return
        with _bigcommerce_outcomes():
            try:
                self._writer.write(order_id, block, first_write)
            except (InvalidBlock, BlockNotWritten) as error:
                raise SyncRefused(str(error)) from error

    def give_up(self, order_id: int) -> None:
        """Remove any part of the block, so no order rests with a partial one."""
        try:
            self._writer.remove(order_id)
        except BigCommerceError as error:
            log.error("Checkout+ block on order %s could not be cleaned up: %s", order_id, error)

    def block_on_order(self, order_id: int) -> ProtectionBlock | None:
        """No job, no block to repair: the connector reports such orders itself."""
        return None


class DirectTarget:
    """Upsert the order to Loop's Orders API, with the block in ``fees[]`` and ``metadata[]``."""

    reports_declined = True  # Loop learns every order from us, declined ones without a block

    def __init__(self, pusher: OrderPusher, writer: BlockWriter) -> None:
        self._pusher = pusher
        self._writer = writer

    def write(
        self, order_id: int, block: ProtectionBlock | None, first_write: bool = False
    ) -> None:
        """Push the order as BigCommerce has it now, with its block when it has one."""
        with _bigcommerce_outcomes():
            try:
                self._pusher.write(order_id, block)
            except LoopOrdersRejected as error:
                raise SyncRefused(str(error)) from error
            except LoopOrdersUnavailable as error:
                raise SyncRetry(str(error), error.retry_after) from error

    def give_up(self, order_id: int) -> None:
        """Nothing was half-written: an upsert lands whole or not at all."""

    def block_on_order(self, order_id: int) -> ProtectionBlock | None:
        """Read the block back from the order's metafields (an order with no job record)."""
        with _bigcommerce_outcomes():
            return self._writer.read(order_id)


@contextmanager
def _bigcommerce_outcomes() -> Iterator[None]:
    """Sort BigCommerce's errors: a missing order is for good, the rest are worth a retry."""
    try:
        yield
    except BigCommerceNotFound as error:
        raise SyncRefused(str(error)) from error
    except BigCommerceUnavailable as error:
        # Every answer carries the rate-limit reset; only after a 429 must we wait for it.
        wait = error.retry_after if error.status == RATE_LIMITED else None
        raise SyncRetry(str(error), wait) from error
    except BigCommerceError as error:
        raise SyncRetry(str(error)) from error
