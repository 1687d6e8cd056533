"""The connector path: the Checkout+ block written onto a BigCommerce order, all or nothing.

Loop's BigCommerce connector reads the ``loop_checkout_plus`` order metafields and attaches
coverage only when ``session_id``, ``accepted_offer_mode``, ``fee_amount`` and ``fee_currency``
are all present and well-formed. So the writer converges on exactly one metafield per key with
the right value, may be run again from any point after a transient failure, and on a permanent
one removes what it wrote: an order never rests with one to three of the four.
"""

from __future__ import annotations

import json
import logging

from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceError
from app.clients.bigcommerce import BigCommerceNotFound
from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.bigcommerce import Metafield
from app.clients.bigcommerce import MetafieldsRejected

log = logging.getLogger(__name__)

NAMESPACE = "loop_checkout_plus"
# The four keys Loop's connector needs; fee_name is written too when configured.
CONNECTOR_KEYS = ("session_id", "accepted_offer_mode", "fee_amount", "fee_currency")
# Every key the block may hold; a permanent failure removes each of them from the order.
OUR_KEYS = (*CONNECTOR_KEYS, "fee_name")
# A store without the batch endpoint answers 404 or 405; one POST per key does the same work.
NO_BATCH = frozenset({404, 405})
CONFLICT = 409
# Each round re-reads the order; more than a few means another writer keeps changing the keys.
MAX_ROUNDS = 3


class BlockNotWritten(Exception):
    """BigCommerce refused the block for good; what of it was on the order has been removed."""

    def __init__(self, order_id: int, reason: str) -> None:
        super().__init__(f"Checkout+ block not written on order {order_id}: {reason}")
        self.order_id = order_id
        self.reason = reason


class _Refused(Exception):
    """A refusal that retrying will not cure (internal: turned into BlockNotWritten)."""


def metafield_values(block: ProtectionBlock) -> dict[str, str]:
    """Return the block's metafield values by key, as Loop's connector reads them."""
    values = {
        "session_id": block.session_id,
        "accepted_offer_mode": json.dumps(list(block.mode), separators=(",", ":")),
        "fee_amount": str(block.amount),
        "fee_currency": block.currency,
    }
    if block.fee_name is not None:
        values["fee_name"] = block.fee_name
    return values


class BlockWriter:
    """Write an order's Checkout+ metafields: all of them with the right values, or none."""

    def __init__(
        self, bigcommerce: BigCommerceClient, permission_set: str = "read_and_sf_access"
    ) -> None:
        self._bigcommerce = bigcommerce
        self._permission_set = permission_set

    def write(self, order_id: int, block: ProtectionBlock, first_write: bool = False) -> None:
        """Make the order carry exactly the block's values, one metafield per key.

        ``first_write``: nothing has tried to write this order's block yet (a new order), so
        it is created in one call without reading first; any key already there makes that
        call a conflict, and the order is then read and corrected as on every other write.
        """
        # BigCommerceUnavailable (429, 5xx, timeout) propagates as it is: the job queue runs
        # write() again, which is safe from any point. Only a refusal for good removes the block.
        wanted = metafield_values(block)
        try:
            if first_write and self._create(order_id, wanted):
                log.info(
                    "Checkout+ block written on order %s (session %s)", order_id, block.session_id
                )
                return
            for _ in range(MAX_ROUNDS):
                if self._round(order_id, wanted):
                    log.info(
                        "Checkout+ block written on order %s (session %s)",
                        order_id,
                        block.session_id,
                    )
                    return
        except _Refused as refused:
            reason = str(refused)
            log.warning("Checkout+ block refused on order %s: %s", order_id, reason)
            self.remove(order_id)
            raise BlockNotWritten(order_id, reason) from refused.__cause__
        log.warning("Checkout+ metafields on order %s kept changing while written", order_id)
        raise BigCommerceUnavailable(
            f"Checkout+ metafields on order {order_id} kept changing; try again later"
        )

    def read(self, order_id: int) -> ProtectionBlock | None:
        """Return the complete block the order carries, or None (absent, partial or invalid)."""
        found: dict[str, list[str]] = {}
        for field in self._bigcommerce.get_order_metafields(order_id, NAMESPACE):
            found.setdefault(field.key, []).append(field.value)
        values = {key: found[key][0] for key in OUR_KEYS if len(found.get(key, [])) == 1}
        try:
            mode = json.loads(values["accepted_offer_mode"])
            amount = values["fee_amount"]
            return ProtectionBlock.of(
                values["session_id"],
                mode,
                int(amount) if amount.isdigit() else -1,
                values["fee_currency"],
                values.get("fee_name"),
            )
        except (KeyError, ValueError):  # InvalidBlock is a ValueError, as is bad JSON
            return None

    def remove(self, order_id: int) -> int:
        """Delete the block's keys from the order (a refusal, a job given up); return how many."""
        try:
            existing = self._bigcommerce.get_order_metafields(order_id, NAMESPACE)
        except BigCommerceNotFound:
            return 0  # no order, nothing on it
        removed = 0
        for field in existing:
            if field.key not in OUR_KEYS:
                continue
            try:
                self._bigcommerce.delete_order_metafield(order_id, field.id)
            except BigCommerceNotFound:
                continue  # gone already
            except BigCommerceRejected as error:
                log.error(
                    "Checkout+ %s (metafield %s) on order %s could not be removed: %s",
                    field.key,
                    field.id,
                    order_id,
                    error,
                )
                continue
            removed += 1
        if removed:
            log.info("Checkout+ block removed from order %s (%s metafields)", order_id, removed)
        return removed

    def _round(self, order_id: int, wanted: dict[str, str]) -> bool:
        """Read the order and fix what differs; say whether it settled without surprises."""
        try:
            existing = self._bigcommerce.get_order_metafields(order_id, NAMESPACE)
        except BigCommerceNotFound as error:
            raise _Refused(f"order {order_id} was not found") from error
        settled = True
        missing: dict[str, str] = {}
        for key, value in wanted.items():
            fields = [field for field in existing if field.key == key]
            if not fields:
                missing[key] = value
                continue
            keep = self._keeper(fields, value)
            for extra in fields:
                if extra is not keep:
                    self._delete_duplicate(order_id, extra, value)
            if not self._right(keep, value):
                settled = self._update(order_id, keep, value) and settled
        if missing:
            settled = self._create(order_id, missing) and settled
        return settled

    def _right(self, field: Metafield, value: str) -> bool:
        return field.value == value and field.permission_set == self._permission_set

    def _keeper(self, fields: list[Metafield], value: str) -> Metafield:
        """Pick which copy of a key to keep (the others go): the one closest to right."""
        return min(fields, key=lambda f: (f.value != value, not self._right(f, value), f.id))

    def _delete_duplicate(self, order_id: int, field: Metafield, value: str) -> None:
        try:
            self._bigcommerce.delete_order_metafield(order_id, field.id)
        except BigCommerceNotFound:
            return
        except BigCommerceRejected as error:
            # Another app's read-only copy: harmless when it says the same, fatal otherwise.
            if field.value == value:
                log.warning(
                    "Checkout+ duplicate %s (metafield %s) on order %s stays: %s",
                    field.key,
                    field.id,
                    order_id,
                    error,
                )
                return
            raise _Refused(f"a conflicting {field.key} cannot be removed: {error}") from error
        log.info("Checkout+ duplicate %s removed from order %s", field.key, order_id)

    def _update(self, order_id: int, field: Metafield, value: str) -> bool:
        """Correct one metafield; False when it vanished or clashed (the next round sees why)."""
        try:
            self._bigcommerce.update_order_metafield(
                order_id, field.id, NAMESPACE, field.key, value, self._permission_set
            )
        except BigCommerceNotFound:
            return False
        except BigCommerceRejected as error:
            if error.status == CONFLICT:
                return False
            raise _Refused(f"{field.key} could not be corrected: {error}") from error
        log.info("Checkout+ %s corrected on order %s", field.key, order_id)
        return True

    def _create(self, order_id: int, values: dict[str, str]) -> bool:
        """Create the missing keys in one batch; False when some exist now (a conflict)."""
        try:
            self._bigcommerce.create_order_metafields(
                order_id, NAMESPACE, values, self._permission_set
            )
        except MetafieldsRejected as error:
            refused = {key: why for key, why in error.errors.items() if key not in error.conflicts}
            if refused:
                reasons = "; ".join(f"{key}: {why}" for key, why in refused.items())
                raise _Refused(f"BigCommerce refused {reasons}") from error
            return False  # the conflicting keys exist: the next round reads and corrects them
        except BigCommerceUnavailable:
            raise
        except BigCommerceError as error:
            if error.status in NO_BATCH:
                return self._create_each(order_id, values)
            if error.status == CONFLICT:
                return False
            if isinstance(error, BigCommerceRejected):
                raise _Refused(f"BigCommerce refused the metafields: {error}") from error
            raise  # an unreadable answer: the batch may have been written; a retry reads first
        log.info("Checkout+ %s created on order %s", ", ".join(values), order_id)
        return True

    def _create_each(self, order_id: int, values: dict[str, str]) -> bool:
        """Create the keys one POST each, for a store without the batch endpoint."""
        settled = True
        for key, value in values.items():
            try:
                self._bigcommerce.create_order_metafield(
                    order_id, NAMESPACE, key, value, self._permission_set
                )
            except BigCommerceNotFound as error:
                raise _Refused(f"order {order_id} was not found") from error
            except BigCommerceRejected as error:
                if error.status == CONFLICT:
                    settled = False
                    continue
                raise _Refused(f"BigCommerce refused {key}: {error}") from error
            log.info("Checkout+ %s created on order %s (single call)", key, order_id)
        return settled
