"""What the sandbox Loop's Orders API received and holds: the direct path's results."""

from __future__ import annotations


def loop_orders(sandbox, order_id: int) -> list[dict]:
    """The orders the sandbox Loop holds for a BigCommerce order id (its external_id)."""
    state = sandbox.loop.service.app.extensions["loop_state"]
    return [order.as_dict() for order in state.orders.all(external_id=str(order_id))]


def upserts(sandbox) -> list:
    """The Orders API upserts Loop received."""
    return sandbox.loop.log.entries("PUT", "/api/v1/orders")


def last_offer(sandbox) -> dict:
    """Loop's answer to the last analyze: the quote the shopper accepted."""
    return sandbox.loop.log.entries("POST", "/v1/analyze")[-1].response_json
