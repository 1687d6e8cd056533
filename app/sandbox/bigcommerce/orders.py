"""Orders: create one from a checkout (v3), then read and update it (v2)."""

from __future__ import annotations

from typing import Any

from . import seed
from .addresses import missing_for_order
from .checkouts import get_checkout
from .errors import ApiError
from .errors import invalid
from .errors import v2_body
from .errors import v2_error
from .order_json import fee_payload
from .order_json import order_payload
from .order_json import product_payload
from .pricing import price
from .pricing import selected_option
from .state import Cart
from .state import Order
from .state import OrderFee
from .state import OrderProduct
from .state import OrderShipment
from .state import StoreState
from .state import now
from .validation import obj
from .validation import problems
from .validation import read_json
from .validation import string
from .web import V2
from .web import V3
from .web import api_blueprint
from .web import includes
from .web import locked
from .web import paginate
from .web import store

bp = api_blueprint("bc_checkout_orders", V3)
v2 = api_blueprint("bc_orders_v2", V2)

ORDER_UPDATE = obj(
    {
        "status_id": {"type": "integer", "enum": list(seed.ORDER_STATUSES)},
        "customer_message": string(),
        "staff_notes": string(max_length=65535),
    }
)


def _check_ready(cart: Cart) -> None:
    """Refuse an order for a checkout that lacks what BigCommerce needs to create one."""
    if not cart.email:
        raise invalid(
            {"billing_address.email": "the checkout needs a billing address with an email"},
            "The checkout is not ready to become an order",
        )
    assigned = {item_id for c in cart.consignments for item_id in c.line_item_ids}
    for item in cart.line_items:
        if item.product.is_physical and item.id not in assigned:
            raise invalid(
                {"consignments": f"line item {item.id} is not in any consignment"},
                "The checkout is not ready to become an order",
            )
    for index, consignment in enumerate(cart.consignments):
        where = f"consignments[{index}]"
        if consignment.is_pickup:
            continue
        missing = missing_for_order(consignment.address or {})
        if missing:
            raise invalid(
                {f"{where}.address.{missing[0]}": "is required to create an order"},
                "The checkout is not ready to become an order",
            )
        if selected_option(cart, consignment) is None:
            raise invalid(
                {f"{where}.selected_shipping_option": "choose a shipping option first"},
                "The checkout is not ready to become an order",
            )


def build_order(state: StoreState, cart: Cart) -> Order:
    """Freeze a checkout into a new order in status 0 (Incomplete)."""
    pricing = price(cart)
    shipments: list[OrderShipment] = []
    shipment_of_item: dict[str, OrderShipment] = {}
    for consignment in cart.consignments:
        option = selected_option(cart, consignment)
        charge = pricing.shipping[consignment.id]
        method_id = consignment.pickup_method_id
        method = (
            seed.PICKUP_METHODS[method_id].display_name if method_id else str(option["description"])
        )
        shipment = OrderShipment(
            next(state.order_shipment_ids),
            [],
            consignment.address,
            method,
            charge.cost,
            charge.tax,
            method_id,
        )
        shipments.append(shipment)
        shipment_of_item.update(dict.fromkeys(consignment.line_item_ids, shipment))
    products = []
    for item in cart.line_items:
        line = pricing.lines[item.id]
        shipment = shipment_of_item.get(item.id)
        product = OrderProduct(
            id=next(state.order_product_ids),
            product_id=item.product_id,
            variant_id=item.variant_id,
            name=item.product.name,
            sku=item.product.sku,
            type=item.product.type,
            quantity=item.quantity,
            price=item.list_price,
            discount=line.coupon_amount,
            tax=line.tax,
            coupon_codes=sorted(line.coupons),
            address_id=shipment.id if shipment and shipment.pickup_method_id is None else 0,
            pickup_method_id=(shipment.pickup_method_id or 0) if shipment else 0,
        )
        if shipment is not None:
            shipment.product_ids.append(product.id)
        products.append(product)
    # Unverified: how checkout fee names map onto v2 order fees is not documented. The
    # sandbox takes display_name (shown to shoppers) as display_name_customer and name
    # (the internal name) as display_name_merchant.
    fees = [
        OrderFee(
            next(state.order_fee_ids),
            fee.display_name,
            fee.name,
            fee.source,
            fee.cost,
            pricing.fees[fee.id].tax,
            fee.tax_class_id,
        )
        for fee in cart.fees
    ]
    totals = {
        "items_tax": pricing.items_tax,
        "shipping": pricing.shipping_ex_tax,
        "shipping_tax": pricing.shipping_tax,
        "coupons": pricing.coupon_total,
        "fees": pricing.fees_ex_tax,
        "fees_tax": pricing.fees_tax,
        "total_ex_tax": pricing.items_ex_tax + pricing.shipping_ex_tax + pricing.fees_ex_tax,
        "total_tax": pricing.tax_total,
        "total_inc_tax": pricing.grand_total,
    }
    return Order(
        id=next(state.order_ids),
        cart_id=cart.id,
        currency=cart.currency,
        customer_id=cart.customer_id,
        channel_id=cart.channel_id,
        billing_address=dict(cart.billing_address or {}),
        products=products,
        shipments=shipments,
        fees=fees,
        coupons=[(coupon.code, amount) for coupon, amount in pricing.coupons],
        customer_message=cart.customer_message,
        subtotal=pricing.base_amount,
        totals=totals,
    )


def set_status(state: StoreState, order: Order, status_id: int) -> None:
    """Move an order to a new status and announce it to webhooks."""
    previous = order.status_id
    order.status_id = status_id
    order.modified = now()
    if previous != status_id:
        state.emit(
            "store/order/statusUpdated",
            {
                "type": "order",
                "id": order.id,
                "status": {"previous_status_id": previous, "new_status_id": status_id},
            },
        )
    state.emit("store/order/updated", {"type": "order", "id": order.id})


@bp.post("/checkouts/<checkout_id>/orders")
@locked
def create_order(checkout_id: str) -> dict[str, Any]:
    """Create an Incomplete order; calling again creates another order, as BigCommerce does."""
    state = store()
    cart = get_checkout(checkout_id)
    _check_ready(cart)
    order = build_order(state, cart)
    state.orders[order.id] = order
    cart.order_id = order.id
    state.emit("store/order/created", {"type": "order", "id": order.id})
    return {"data": {"id": order.id}, "meta": {}}


def get_order(order_id: int) -> Order:
    """Find an order; a v2 404 when there is none."""
    order = store().orders.get(order_id)
    if order is None:
        raise v2_error(404, f"Order {order_id} was not found.")
    return order


@v2.get("/orders/<int:order_id>")
@locked
def read_order(order_id: int) -> dict[str, Any]:
    """Return an order, optionally with consignments and fees."""
    return order_payload(get_order(order_id), includes())


@v2.put("/orders/<int:order_id>")
@locked
def update_order(order_id: int) -> dict[str, Any]:
    """Update an order's status, customer message or staff notes."""
    order = get_order(order_id)
    body = read_json()
    found = problems(body, ORDER_UPDATE)
    if found:
        # v2 reports invalid input as 400 with a JSON array of {status, message}.
        field, message = next(iter(found.items()))
        raise ApiError(400, v2_body(400, f"The field '{field}' {message}."))
    for name in ("customer_message", "staff_notes"):
        if name in body:
            setattr(order, name, body[name])
    if "status_id" in body:
        set_status(store(), order, body["status_id"])
    else:
        order.modified = now()
        store().emit("store/order/updated", {"type": "order", "id": order.id})
    return order_payload(order, set())


@v2.get("/orders/<int:order_id>/products")
@locked
def order_products(order_id: int) -> list[dict[str, Any]]:
    """List an order's products."""
    order = get_order(order_id)
    chunk, _ = paginate(order.products)
    return [product_payload(order, line) for line in chunk]


@v2.get("/orders/<int:order_id>/fees")
@locked
def order_fees(order_id: int) -> dict[str, Any]:
    """List an order's fees as ``{fees: [...]}``, the shape of the spec's example."""
    return {"fees": [fee_payload(fee) for fee in get_order(order_id).fees]}


def _status(status_id: int) -> dict[str, Any]:
    """An order status as ``orderStatus_Base``."""
    name, description = seed.ORDER_STATUSES[status_id]
    return {
        "id": status_id,
        "name": name,
        "system_label": name,
        "custom_label": name,
        "system_description": description,
    }


@v2.get("/order_statuses")
def order_statuses() -> list[dict[str, Any]]:
    """List the order statuses."""
    return [_status(status_id) for status_id in seed.ORDER_STATUSES]


@v2.get("/order_statuses/<int:status_id>")
def order_status(status_id: int) -> dict[str, Any]:
    """Return one order status."""
    if status_id not in seed.ORDER_STATUSES:
        raise v2_error(404, f"Order status {status_id} was not found.")
    return _status(status_id)
