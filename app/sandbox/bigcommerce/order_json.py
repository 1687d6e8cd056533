"""The v2 Orders API shapes: order, order products, consignments and fees (amounts as strings)."""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

from babel import Locale

from . import seed
from .money import ZERO
from .money import v2_amount
from .state import Address
from .state import Order
from .state import OrderFee
from .state import OrderProduct
from .state import OrderShipment
from .web import base_url
from .web import store

Json = dict[str, Any]
ENGLISH = Locale.parse("en")


def _resource(order: Order, name: str) -> Json:
    """A sub-resource link, as v2 orders return instead of the data itself."""
    path = f"/orders/{order.id}/{name}"
    return {"url": f"{base_url()}stores/{store().settings.store_hash}/v2{path}", "resource": path}


def _country(code: str) -> str:
    """The English name of a country code, as v2 addresses show it."""
    return ENGLISH.territories.get(code, code)


def v2_address(address: Address) -> Json:
    """A checkout address in v2 form (``street_1``, ``zip``, country name)."""
    return {
        "first_name": address.get("first_name", ""),
        "last_name": address.get("last_name", ""),
        "company": address.get("company", ""),
        "street_1": address.get("address1", ""),
        "street_2": address.get("address2", ""),
        "city": address.get("city", ""),
        "state": address.get("state_or_province", ""),
        "zip": address.get("postal_code", ""),
        "country": _country(address.get("country_code", "")),
        "country_iso2": address.get("country_code", ""),
        "phone": address.get("phone", ""),
        "email": address.get("email", ""),
    }


def product_payload(order: Order, line: OrderProduct) -> Json:
    """One order product (``orderProducts``; the schema allows no other fields)."""
    total = line.price * line.quantity
    unit_tax = (line.tax / line.quantity) if line.quantity else ZERO
    discounts = (
        [
            {
                "id": "coupon",
                "amount": v2_amount(line.discount),
                "name": "Coupon",
                "code": ", ".join(line.coupon_codes) or None,
                "target": "order",
            }
        ]
        if line.discount
        else []
    )
    return {
        "id": line.id,
        "order_id": order.id,
        "product_id": line.product_id,
        "variant_id": line.variant_id,
        "order_pickup_method_id": line.pickup_method_id,
        "order_address_id": line.address_id,
        "name": line.name,
        "name_customer": line.name,
        "name_merchant": line.name,
        "sku": line.sku,
        "upc": "",
        "type": line.type,
        "base_price": v2_amount(line.price),
        "price_ex_tax": v2_amount(line.price),
        "price_inc_tax": v2_amount(line.price + unit_tax),
        "price_tax": v2_amount(unit_tax),
        "base_total": v2_amount(total),
        "total_ex_tax": v2_amount(total),
        "total_inc_tax": v2_amount(total + line.tax),
        "total_tax": v2_amount(line.tax),
        "discounted_total_inc_tax": v2_amount(total - line.discount + line.tax),
        "quantity": line.quantity,
        "base_cost_price": "0.0000",
        "cost_price_inc_tax": "0.0000",
        "cost_price_ex_tax": "0.0000",
        "cost_price_tax": "0.0000",
        "weight": str(seed.PRODUCTS[line.product_id].weight),
        "width": "0.0000",
        "height": "0.0000",
        "depth": "0.0000",
        "is_refunded": False,
        "quantity_refunded": 0,
        "refund_amount": "0.0000",
        "return_id": 0,
        "wrapping_id": 0,
        "wrapping_name": None,
        "base_wrapping_cost": "0.0000",
        "wrapping_cost_ex_tax": "0.0000",
        "wrapping_cost_inc_tax": "0.0000",
        "wrapping_cost_tax": "0.0000",
        "wrapping_message": "",
        "quantity_shipped": 0,
        "event_name": None,
        "event_date": None,
        "fixed_shipping_cost": "0.0000",
        "ebay_item_id": "",
        "ebay_transaction_id": "",
        "option_set_id": None,
        "parent_order_product_id": None,
        "is_bundled_product": False,
        "bin_picking_number": "",
        "external_id": None,
        "brand": "",
        "gift_certificate_id": None,
        "applied_discounts": discounts,
        "product_options": [],
        "configurable_fields": [],
    }


def fee_payload(fee: OrderFee) -> Json:
    """One order fee (``orderFees_Resp``)."""
    return {
        "id": fee.id,
        "type": "custom_fee",
        "display_name_customer": fee.display_name_customer,
        "display_name_merchant": fee.display_name_merchant,
        "source": fee.source,
        "base_cost": v2_amount(fee.cost),
        "cost_ex_tax": v2_amount(fee.cost),
        "cost_inc_tax": v2_amount(fee.cost + fee.tax),
        "cost_tax": v2_amount(fee.tax),
        "tax_class_id": fee.tax_class_id,
    }


def _consignment_lines(order: Order, shipment: OrderShipment, expand: bool) -> list[Json]:
    """A consignment's lines: full order products, or links to them."""
    lines = [line for line in order.products if line.id in shipment.product_ids]
    if expand:
        return [product_payload(order, line) for line in lines]
    return [_resource(order, f"products/{line.id}") for line in lines]


def consignments_payload(order: Order, expand: bool) -> Json:
    """The order's consignments in the ``consignment_structure=object`` form."""
    shipping, pickups = [], []
    for shipment in order.shipments:
        lines = _consignment_lines(order, shipment, expand)
        if shipment.pickup_method_id is not None:
            method = seed.PICKUP_METHODS[shipment.pickup_method_id]
            location = {k: v for k, v in method.location.items() if k != "state_code"}
            pickups.append(
                {
                    "id": shipment.id,
                    "pickup_method_id": method.id,
                    "pickup_method_display_name": method.display_name,
                    "collection_instructions": method.collection_instructions,
                    "collection_time_description": method.collection_time_description,
                    "location": {"id": method.location_id, **location},
                    "line_items": lines,
                }
            )
            continue
        shipping.append(
            {
                "id": shipment.id,
                **v2_address(shipment.address or {}),
                "form_fields": [],
                "line_items": lines,
                "items_total": sum(
                    line.quantity for line in order.products if line.id in shipment.product_ids
                ),
                "items_shipped": 0,
                "shipping_method": shipment.method,
                "base_cost": shipment.cost,
                "cost_ex_tax": shipment.cost,
                "cost_inc_tax": shipment.cost + shipment.tax,
                "cost_tax": shipment.tax,
                "cost_tax_class_id": seed.SHIPPING_TAX_CLASS,
                "base_handling_cost": ZERO,
                "handling_cost_ex_tax": ZERO,
                "handling_cost_inc_tax": ZERO,
                "handling_cost_tax": ZERO,
                "handling_cost_tax_class_id": seed.SHIPPING_TAX_CLASS,
                "shipping_zone_id": 1,
                "shipping_zone_name": "Sandbox flat rates",
                "shipping_quotes": _resource(
                    order, f"consignments/shipping/{shipment.id}/shipping_quotes"
                ),
            }
        )
    digital = [line for line in order.products if line.type == "digital"]
    downloads = []
    if digital:
        downloads.append(
            {
                "recipient_email": order.billing_address.get("email", ""),
                "line_items": [
                    product_payload(order, line)
                    if expand
                    else _resource(order, f"products/{line.id}")
                    for line in digital
                ],
            }
        )
    return {
        "shipping": shipping,
        "pickups": pickups,
        "downloads": downloads,
        "email": {"gift_certificates": []},
    }


def order_payload(order: Order, includes: set[str]) -> Json:
    """An order as ``GET /v2/orders/{id}`` returns it."""
    t = order.totals
    status_name = seed.ORDER_STATUSES[order.status_id][0]
    data: Json = {
        "id": order.id,
        "cart_id": order.cart_id,
        "customer_id": order.customer_id,
        "channel_id": order.channel_id,
        "status_id": order.status_id,
        "status": status_name,
        "custom_status": status_name,
        "date_created": format_datetime(order.created),
        "date_modified": format_datetime(order.modified),
        "date_shipped": "",
        "subtotal_ex_tax": v2_amount(order.subtotal),
        "subtotal_inc_tax": v2_amount(order.subtotal + t["items_tax"]),
        "subtotal_tax": v2_amount(t["items_tax"]),
        "base_shipping_cost": v2_amount(t["shipping"]),
        "shipping_cost_ex_tax": v2_amount(t["shipping"]),
        "shipping_cost_inc_tax": v2_amount(t["shipping"] + t["shipping_tax"]),
        "shipping_cost_tax": v2_amount(t["shipping_tax"]),
        "shipping_cost_tax_class_id": seed.SHIPPING_TAX_CLASS,
        "base_handling_cost": "0.0000",
        "handling_cost_ex_tax": "0.0000",
        "handling_cost_inc_tax": "0.0000",
        "handling_cost_tax": "0.0000",
        "handling_cost_tax_class_id": seed.SHIPPING_TAX_CLASS,
        "base_wrapping_cost": "0.0000",
        "wrapping_cost_ex_tax": "0.0000",
        "wrapping_cost_inc_tax": "0.0000",
        "wrapping_cost_tax": "0.0000",
        "wrapping_cost_tax_class_id": 3,
        "total_ex_tax": v2_amount(t["total_ex_tax"]),
        "total_inc_tax": v2_amount(t["total_inc_tax"]),
        "total_tax": v2_amount(t["total_tax"]),
        # The sandbox store prices without tax (a tax-exclusive store): the *_ex_tax amounts
        # are the actual ones, as this flag tells an order's readers.
        "is_tax_inclusive_pricing": False,
        "items_total": sum(line.quantity for line in order.products),
        "items_shipped": 0,
        "payment_method": order.payment_method,
        "payment_provider_id": order.payment_provider_id,
        "payment_status": order.payment_status,
        "refunded_amount": "0.0000",
        "order_is_digital": all(line.type == "digital" for line in order.products),
        "store_credit_amount": "0.0000",
        "gift_certificate_amount": "0.0000",
        "ip_address": "",
        "ip_address_v6": "",
        "geoip_country": "",
        "geoip_country_iso2": "",
        "currency_id": seed.CURRENCIES.index(order.currency) + 1,
        "currency_code": order.currency,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_id": seed.CURRENCIES.index(order.currency) + 1,
        "default_currency_code": order.currency,
        "store_default_currency_code": seed.DEFAULT_CURRENCY,
        "store_default_to_transactional_exchange_rate": "1.0000000000",
        "staff_notes": order.staff_notes,
        "customer_message": order.customer_message,
        "discount_amount": "0.0000",
        "coupon_discount": v2_amount(t["coupons"]),
        "shipping_address_count": sum(1 for s in order.shipments if s.pickup_method_id is None),
        "is_deleted": False,
        "ebay_order_id": "0",
        "is_email_opt_in": False,
        "order_source": "checkout_api",
        "external_source": None,
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "BasicTaxProvider",
        "customer_locale": "en",
        "external_order_id": "",
        "billing_address": {**v2_address(order.billing_address), "form_fields": []},
        "products": _resource(order, "products"),
        "shipping_addresses": _resource(order, "shipping_addresses"),
        "coupons": _resource(order, "coupons"),
    }
    if "consignments" in includes or "consignments.line_items" in includes:
        # Always the object structure: the older array structure is deprecated and is not in
        # the schema (consignment_structure=object is accepted and implied).
        data["consignments"] = consignments_payload(order, "consignments.line_items" in includes)
    else:
        data["consignments"] = _resource(order, "consignments")
    if "fees" in includes:
        data["fees"] = [fee_payload(fee) for fee in order.fees]
    else:
        data["fees"] = _resource(order, "fees")
    return data
