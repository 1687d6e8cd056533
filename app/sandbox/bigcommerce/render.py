"""The JSON shapes of a cart (Carts API) and of a checkout (Checkouts API)."""

from __future__ import annotations

from typing import Any

from . import seed
from .money import ZERO
from .pricing import Pricing
from .pricing import price
from .pricing import selected_option
from .state import Cart
from .state import Consignment
from .state import Fee
from .state import LineItem
from .web import base_url
from .web import iso
from .web import store

Json = dict[str, Any]


def product_image_url(product_id: int) -> str:
    """The placeholder image the sandbox serves for a product."""
    return f"{base_url()}__sandbox/images/{product_id}.svg"


def _line(cart: Cart, item: LineItem, pricing: Pricing, checkout: bool, options: bool) -> Json:
    """One line item in the carts or checkout shape."""
    product = item.product
    line = pricing.lines[item.id]
    coupon = line.coupon_amount
    data: Json = {
        "id": item.id,
        "variant_id": item.variant_id,
        "product_id": item.product_id,
        "sku": product.sku,
        "name": product.name,
        "url": f"{_store_url()}/{product.slug}/",
        "quantity": item.quantity,
        "image_url": product_image_url(product.id),
        "discounts": [{"id": "coupon", "discounted_amount": coupon}] if coupon else [],
        # Item-level promotions only (the sandbox has none); coupons go in coupon_amount,
        # as in the spec's "Coupon Applied" example.
        "discount_amount": ZERO,
        "coupon_amount": coupon,
        "original_price": product.price(cart.currency),
        "list_price": item.list_price,
        "sale_price": item.list_price,
        "extended_list_price": line.extended,
        "extended_sale_price": line.extended,
        "is_require_shipping": product.is_physical,
        "is_mutable": True,
        "added_by_promotion": False,
    }
    taxable = product.tax_class_id != seed.NON_TAXABLE_CLASS
    if checkout:
        # The checkout schema types parent_id as a nullable number; the carts one as a string.
        data.update(
            is_taxable=taxable,
            parent_id=None,
            comparison_price=item.list_price,
            extended_comparison_price=line.extended,
        )
        if product.is_physical:
            data["gift_wrapping"] = None
    else:
        data.update(taxable=taxable, is_taxable=taxable)
    if options:
        data["options"] = []
    return data


def _store_url() -> str:
    """The imaginary storefront's origin."""
    return store().settings.storefront_url


def _line_items(cart: Cart, pricing: Pricing, checkout: bool, includes: set[str]) -> Json:
    """The cart's lines grouped as the API groups them."""
    prefix = "cart." if checkout else ""
    physical_options = f"{prefix}line_items.physical_items.options" in includes
    digital_options = f"{prefix}line_items.digital_items.options" in includes
    physical = [i for i in cart.line_items if i.product.is_physical]
    digital = [i for i in cart.line_items if not i.product.is_physical]
    return {
        "physical_items": [_line(cart, i, pricing, checkout, physical_options) for i in physical],
        "digital_items": [_line(cart, i, pricing, checkout, digital_options) for i in digital],
        "gift_certificates": [],
        "custom_items": [],
    }


def _coupons(pricing: Pricing, checkout: bool) -> list[Json]:
    # Checkouts report coupon ids as integers and types by name; carts use strings.
    """The applied coupons in the carts or checkout shape."""
    return [
        {
            "id": coupon.id if checkout else str(coupon.id),
            "code": coupon.code,
            "coupon_type": coupon.kind if checkout else coupon.legacy_type,
            "display_name": coupon.display_name,
            "discounted_amount": amount,
        }
        for coupon, amount in pricing.coupons
    ]


def _line_discounts(pricing: Pricing) -> list[Json]:
    """The cart ``discounts`` list: what was taken off each line."""
    return [
        {"id": item_id, "discounted_amount": line.coupon_amount}
        for item_id, line in pricing.lines.items()
    ]


def _cart_head(cart: Cart, pricing: Pricing) -> Json:
    """The fields a cart and a checkout's cart share, in BigCommerce's order."""
    return {
        "id": cart.id,
        "customer_id": cart.customer_id,
        "channel_id": cart.channel_id,
        "email": cart.email,
        "currency": {"code": cart.currency},
        "tax_included": False,
        "base_amount": pricing.base_amount,
        # Order-level promotions and manual discounts only; coupons are reported apart.
        "discount_amount": ZERO,
    }


def cart_payload(cart: Cart, includes: set[str]) -> Json:
    """A cart as the Carts API returns it (``Cart_Full``)."""
    pricing = price(cart)
    data: Json = {
        **_cart_head(cart, pricing),
        "manual_discount_amount": ZERO,
        "cart_amount": pricing.items_ex_tax + pricing.items_tax,
        "coupons": _coupons(pricing, checkout=False),
        "discounts": _line_discounts(pricing),
        "line_items": _line_items(cart, pricing, False, includes),
        "created_time": iso(cart.created),
        "updated_time": iso(cart.updated),
        "locale": cart.locale,
        "version": cart.version,
    }
    if "redirect_urls" in includes:
        data["redirect_urls"] = redirect_urls(cart)
    return data


def redirect_urls(cart: Cart) -> Json:
    """Storefront links that restore the cart (the sandbox storefront is imaginary)."""
    store_url = _store_url()
    return {
        "cart_url": f"{store_url}/cart.php?action=load&id={cart.id}",
        "checkout_url": f"{store_url}/cart.php?action=loadInCheckout&id={cart.id}",
        "embedded_checkout_url": f"{store_url}/cart.php?embedded=1&action=loadInCheckout"
        f"&id={cart.id}",
    }


def _available_options(cart: Cart, address: Json) -> list[Json]:
    """The shipping options the consignment's address is offered."""
    return [
        {
            "id": option.id,
            "type": "shipping_flatrate",
            "description": option.description,
            "image_url": "",
            "cost": option.costs[cart.currency],
            "transit_time": option.transit_time,
            "additional_description": "",
        }
        for option in seed.offered_options(address)
    ]


def _consignment(
    cart: Cart, consignment: Consignment, pricing: Pricing, with_options: bool
) -> Json:
    """One consignment as the checkout shows it."""
    charge = pricing.shipping[consignment.id]
    data: Json = {"id": consignment.id}
    if consignment.address is not None:
        data["address"] = {**consignment.address, "id": consignment.address_id}
        if with_options:
            data["available_shipping_options"] = _available_options(cart, consignment.address)
    option = selected_option(cart, consignment)
    if option is not None:
        data["selected_shipping_option"] = option
    if consignment.pickup_method_id is not None:
        data["selected_pickup_option"] = {"pickup_method_id": consignment.pickup_method_id}
    data.update(
        line_item_ids=list(consignment.line_item_ids),
        coupon_discounts=[],
        discounts=[],
        shipping_cost_ex_tax=charge.cost,
        shipping_cost_inc_tax=charge.cost + charge.tax,
        handling_cost_ex_tax=ZERO,
        handling_cost_inc_tax=ZERO,
    )
    return data


def checkout_payload(cart: Cart, includes: set[str]) -> Json:
    """A checkout as the Checkouts API returns it (``Checkout``)."""
    pricing = price(cart)
    checkout_cart: Json = {
        **_cart_head(cart, pricing),
        "cart_amount_ex_tax": pricing.items_ex_tax,
        "cart_amount_inc_tax": pricing.items_ex_tax + pricing.items_tax,
        "coupons": _coupons(pricing, checkout=True),
        "discounts": _line_discounts(pricing),
        "line_items": _line_items(cart, pricing, True, includes),
        "created_time": iso(cart.created),
        "updated_time": iso(cart.updated),
    }
    with_options = "consignments.available_shipping_options" in includes
    data: Json = {"id": cart.id, "cart": checkout_cart}
    if cart.billing_address is not None:
        data["billing_address"] = {**cart.billing_address, "id": cart.billing_address_id}
    data.update(
        consignments=[_consignment(cart, c, pricing, with_options) for c in cart.consignments],
        taxes=[{"name": name, "amount": amount} for name, amount in pricing.taxes.items()],
        coupons=_coupons(pricing, checkout=True),
        fees=[_fee(fee, pricing) for fee in cart.fees],
        order_id=None if cart.order_id is None else str(cart.order_id),
        shipping_cost_total_ex_tax=pricing.shipping_ex_tax,
        shipping_cost_total_inc_tax=pricing.shipping_ex_tax + pricing.shipping_tax,
        handling_cost_total_ex_tax=ZERO,
        handling_cost_total_inc_tax=ZERO,
        tax_total=pricing.tax_total,
        subtotal_ex_tax=pricing.base_amount,
        subtotal_inc_tax=pricing.subtotal_inc_tax,
        grand_total=pricing.grand_total,
        created_time=iso(cart.created),
        updated_time=iso(cart.updated),
        customer_message=cart.customer_message,
        version=cart.version,
    )
    if "promotions.banners" in includes:
        data["promotions"] = []
    return data


def _fee(fee: Fee, pricing: Pricing) -> Json:
    """One checkout fee (``CheckoutFee``)."""
    charge = pricing.fees[fee.id]
    # The checkout reports a fee's cost only as inc/ex tax; there is no plain `cost`.
    return {
        "id": fee.id,
        "type": fee.type,
        "name": fee.name,
        "display_name": fee.display_name,
        "cost_ex_tax": charge.cost,
        "cost_inc_tax": charge.cost + charge.tax,
        "source": fee.source,
        "tax_class_id": fee.tax_class_id,
    }
