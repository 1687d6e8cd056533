"""Made-up checkouts, offers and orders for the styleguide, in the app's own types.

Nothing here calls BigCommerce or Loop: every entry is built from these, so a designer sees
each state at once. Amounts are Decimal major units, or integer minor units where the app's
own type says so (a Loop quote).
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from flask import url_for

from app.checkout.cards import PaidWith
from app.checkout.shown_total import ShownTotal
from app.checkout_plus.fee import FEE_SOURCE
from app.checkout_plus.offer import ELIGIBLE
from app.checkout_plus.offer import Analysis
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import Address
from app.clients.bigcommerce import Card
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Consignment
from app.clients.bigcommerce import Coupon
from app.clients.bigcommerce import Fee
from app.clients.bigcommerce import LineItem
from app.clients.bigcommerce import Order
from app.clients.bigcommerce import OrderAddress
from app.clients.bigcommerce import OrderFee
from app.clients.bigcommerce import OrderLine
from app.clients.bigcommerce import OrderPickup
from app.clients.bigcommerce import OrderShipment
from app.clients.bigcommerce import PickupLocation
from app.clients.bigcommerce import PickupMethod
from app.clients.bigcommerce import ShippingOption
from app.money import round_major
from app.money import to_major

SESSION_ID = "lop_StyleguideSession0001"
RETURNS = ("returnCoverage",)
SHIPPING = ("shippingProtection",)
BOTH = ("returnCoverage", "shippingProtection")
# A merchant's protection terms page, as CHECKOUT_PLUS_TERMS_URL would name it.
TERMS_URL = "https://shop.example/pages/order-protection-terms"
# The cart's two lines (line id suffix, product, name, quantity, picture), and their unit
# prices in each currency (a cart is in one currency). The sneakers have a catalog picture
# (in app/styleguide/samples/); the socks have none, so the summary shows its placeholder.
PRODUCTS = (
    ("shoes", 101, "Trail Runner Sneakers", 1, "trail-runner-sneakers.svg"),
    ("socks", 102, "Merino Hiking Socks", 2, ""),
)
PRICES = {
    "USD": (Decimal("48.00"), Decimal("12.50")),
    "EUR": (Decimal("44.90"), Decimal("11.50")),
    "JPY": (Decimal("6800"), Decimal("1700")),
    "KWD": (Decimal("14.750"), Decimal("3.825")),
}
# What Loop might charge for that cart, in minor units of each currency's ISO 4217 exponent.
QUOTES = {"USD": 298, "EUR": 275, "JPY": 450, "KWD": 925}
TAX_RATE = Decimal("0.0725")
OHIO = Address(
    first_name="Ada",
    last_name="Shopper",
    address1="12 Main Street",
    city="Columbus",
    state_or_province="Ohio",
    state_or_province_code="OH",
    country_code="US",
    postal_code="43004",
)
# Standard and express shipping, in each currency.
SHIPPING_COSTS = {
    "USD": ("5.00", "15.00"),
    "EUR": ("4.90", "12.90"),
    "JPY": ("700", "1800"),
    "KWD": ("1.500", "4.250"),
}
PICKUP = PickupMethod(
    id=1,
    display_name="Downtown store",
    collection_instructions="Bring your order number to the front desk.",
    collection_time_description="Ready in 2 hours",
)


def line(
    line_id: str,
    product_id: int,
    name: str,
    quantity: int,
    price: Decimal,
    digital=False,
    image_url: str = "",
) -> LineItem:
    """Return a cart line at a unit price, with its picture's URL (empty: none)."""
    total = price * quantity
    return LineItem(
        id=line_id,
        product_id=product_id,
        variant_id=None,
        name=name,
        sku=f"SKU-{product_id}",
        quantity=quantity,
        list_price=price,
        sale_price=price,
        extended_list_price=total,
        extended_sale_price=total,
        discount_amount=Decimal(0),
        coupon_amount=Decimal(0),
        is_digital=digital,
        image_url=image_url,
    )


def sample_image(filename: str) -> str:
    """Return the URL of a sample product picture the styleguide serves ("" for none)."""
    return url_for("styleguide.static", filename=filename) if filename else ""


def checkout(
    currency: str = "USD",
    *,
    email: str = "",
    address: bool = False,
    option: str | None = None,
    pickup: bool = False,
    coupon: bool = False,
    other_fee: bool = False,
    message: str = "",
) -> Checkout:
    """Return a two-line checkout in a currency, as far along as asked."""
    lines = tuple(
        line(f"line-{slug}", product_id, name, quantity, price, image_url=sample_image(picture))
        for (slug, product_id, name, quantity, picture), price in zip(
            PRODUCTS, PRICES[currency], strict=True
        )
    )
    subtotal = sum((item.extended_list_price for item in lines), Decimal(0))
    discount = round_major(subtotal / 10, currency) if coupon else Decimal(0)
    options = shipping_options(currency)
    chosen = next((o for o in options if o.id == option), None)
    shipping_cost = chosen.cost if chosen else Decimal(0)
    fees = (_other_fee(),) if other_fee else ()
    fee_total = sum((fee.cost_ex_tax for fee in fees), Decimal(0))
    tax = round_major((subtotal - discount) * TAX_RATE, currency) if address else Decimal(0)
    total = subtotal - discount + shipping_cost + fee_total + tax
    return Checkout(
        id="styleguide-checkout",
        cart_id="styleguide-cart",
        currency=currency,
        tax_included=False,
        email=email,
        line_items=lines,
        coupons=(Coupon("WELCOME10", "10% off your first order", discount),) if coupon else (),
        fees=fees,
        subtotal_ex_tax=subtotal,
        subtotal_inc_tax=subtotal,
        cart_amount_ex_tax=subtotal - discount,
        cart_amount_inc_tax=subtotal - discount,
        cart_discount_amount=discount,
        shipping_cost_total_ex_tax=shipping_cost,
        shipping_cost_total_inc_tax=shipping_cost,
        handling_cost_total_ex_tax=Decimal(0),
        handling_cost_total_inc_tax=Decimal(0),
        tax_total=tax,
        grand_total=total,
        consignments=(
            (_consignment(lines, options if address else (), chosen, pickup),)
            if address or pickup
            else ()
        ),
        billing_address=OHIO if address else None,
        billing_address_id="billing" if address else None,
        customer_message=message,
        order_id=None,
        version=1,
    )


def with_protection(base: Checkout, quote: Quote | None) -> Checkout:
    """Return the checkout with the Checkout+ fee on it, as the page puts it on an opt-in."""
    if quote is None:
        return base
    cost = to_major(quote.amount, quote.currency)
    tax = round_major(cost * TAX_RATE, base.currency) if base.billing_address else Decimal(0)
    fee = Fee(
        "protection", "loop_checkout_plus", "Order protection", FEE_SOURCE, cost + tax, cost, None
    )
    return replace(
        base,
        fees=(*base.fees, fee),
        tax_total=base.tax_total + tax,
        grand_total=base.grand_total + cost + tax,
    )


def shown_total(currency: str = "USD", **figures: int) -> ShownTotal:
    """Return the figures a checkout page showed (minor units), e.g. for a changed total."""
    base = {"subtotal": 8900, "shipping": 600, "checkout_plus": 598, "tax": 0, "total": 0}
    return ShownTotal(currency, MappingProxyType({**base, **figures}))


def offer(
    currency: str = "USD",
    mode: tuple[str, ...] = BOTH,
    *,
    opted_in: bool = False,
    reconfirm: bool = False,
) -> OfferState:
    """Return an offer on show for the checkout above, opted in or not."""
    quote = Quote(SESSION_ID, mode, QUOTES[currency], currency)
    analysis = Analysis("styleguide", time.time(), ELIGIBLE, quote, 45.0)
    return OfferState(
        analysis, SESSION_ID, accepted=quote if opted_in else None, reconfirm=reconfirm
    )


def no_offer(reason: str = "ineligible") -> OfferState:
    """Return the state of a cart Loop offered nothing for (the offer is hidden)."""
    return OfferState(Analysis("styleguide", time.time(), reason, None, 45.0), SESSION_ID)


def withdrawn_offer(reason: str = "cart_too_valuable") -> OfferState:
    """Return the state after Loop withdrew the offer the shopper had ticked (fee removed)."""
    return replace(no_offer(reason), withdrawn=True)


# Where the made-up orders go, by currency (v2 addresses: street_1, zip, the country's name).
ORDER_ADDRESSES = {
    "USD": OrderAddress(
        "Ada", "Shopper", "", "12 Main Street", "", "Columbus", "Ohio", "43004",
        "United States", "US",
    ),
    "EUR": OrderAddress(
        "Jonas", "Weber", "", "Unter den Linden 1", "", "Berlin", "", "10117", "Germany", "DE"
    ),
    "JPY": OrderAddress(
        "Aiko", "Sato", "", "1-1 Chiyoda", "", "Tokyo", "Tokyo", "100-0001", "Japan", "JP"
    ),
    "KWD": OrderAddress(
        "Sara", "Ali", "", "Gulf Road 1", "", "Kuwait City", "", "15000", "Kuwait", "KW"
    ),
}  # fmt: skip
PICKUP_STORE = OrderPickup(
    id=2,
    method_name="Downtown store pickup",
    collection_instructions=PICKUP.collection_instructions,
    collection_time_description=PICKUP.collection_time_description,
    location=PickupLocation(
        "Downtown store", "500 Congress Ave", "", "Austin", "Texas", "78701", "US"
    ),
)
# The tax an order prices in when its prices include it (a German shopper's VAT).
VAT_RATE = Decimal("0.19")
COUPON_PERCENT = Decimal("0.10")


def order(
    currency: str = "USD",
    protected: bool = True,
    *,
    pickup: bool = False,
    coupon: bool = False,
    other_fee: bool = False,
    tax_included: bool = False,
) -> Order:
    """Return a paid order as BigCommerce records it, with the Checkout+ fee when protected.

    Shipped to the currency's address, or collected from the downtown store; with a 10 %
    coupon, another app's fee, or prices that include tax, when asked. Its parts add up to its
    total as BigCommerce's do.
    """
    items = [
        (product_id, name, quantity, price)
        for (_, product_id, name, quantity, _), price in zip(
            PRODUCTS, PRICES[currency], strict=True
        )
    ]
    rate = VAT_RATE if tax_included else TAX_RATE

    def before_tax(amount: Decimal) -> Decimal:
        return round_major(amount / (1 + rate), currency) if tax_included else amount

    codes = ("SAVE10",) if coupon else ()
    lines = tuple(
        OrderLine(
            id=index,
            product_id=product_id,
            variant_id=None,
            sku=f"SKU-{product_id}",
            name=name,
            quantity=quantity,
            price_inc_tax=price,
            price_ex_tax=before_tax(price),
            total_inc_tax=price * quantity,
            total_ex_tax=before_tax(price * quantity),
            coupon_codes=codes,
        )
        for index, (product_id, name, quantity, price) in enumerate(items, start=1)
    )
    # The subtotal on the order's own basis: with tax when its prices include it.
    subtotal = sum((item.total_inc_tax for item in lines), Decimal(0))
    coupon_amount = round_major(subtotal * COUPON_PERCENT, currency) if coupon else Decimal(0)
    fees = []
    if protected:
        fee = to_major(QUOTES[currency], currency)
        fees.append(OrderFee("Order protection", FEE_SOURCE, fee, fee))
    if other_fee:
        wrap = _other_fee()
        fees.append(OrderFee(wrap.display_name, wrap.source, wrap.cost_inc_tax, wrap.cost_ex_tax))
    shipping = Decimal(0) if pickup else Decimal(SHIPPING_COSTS[currency][0])
    fee_total = sum((fee.cost_inc_tax for fee in fees), Decimal(0))
    taxed = subtotal - coupon_amount
    if tax_included:  # the tax is inside the prices (fees and shipping untaxed here)
        tax = taxed - before_tax(taxed)
        total = taxed + shipping + fee_total
    else:
        tax = round_major(taxed * rate, currency)
        total = taxed + shipping + fee_total + tax
    address = ORDER_ADDRESSES[currency]
    return Order(
        id=1042,
        status_id=11,
        status="Awaiting Fulfillment",
        currency=currency,
        email="ada@example.com",
        subtotal_ex_tax=before_tax(subtotal),
        subtotal_inc_tax=subtotal if tax_included else subtotal + tax,
        shipping_cost_ex_tax=shipping,
        shipping_cost_inc_tax=shipping,
        total_tax=tax,
        discount_amount=Decimal(0),
        total_inc_tax=total,
        payment_status="captured",
        lines=lines,
        fees=tuple(fees),
        cart_id="styleguide-cart",
        coupon_discount=coupon_amount,
        created_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        tax_inclusive=tax_included,
        billing_address=address,
        shipments=() if pickup else (OrderShipment(1, address, "Standard (3–5 days)"),),
        pickups=(PICKUP_STORE,) if pickup else (),
    )


def paid_with(number: str = "4111111111111111") -> PaidWith:
    """Return what the confirmation keeps of the card an order was paid with."""
    return PaidWith.of(Card("Ada Shopper", number, 12, 2029, "123"))


def _other_fee() -> Fee:
    """Return another app's fee on the checkout (gift wrapping), which the summary lists."""
    return Fee("gift-wrap", "gift_wrap", "Gift wrapping", "GiftApp", Decimal(4), Decimal(4), None)


def shipping_options(currency: str) -> tuple[ShippingOption, ...]:
    """Return the shipping options BigCommerce would offer for the Ohio address."""
    standard, express = SHIPPING_COSTS[currency]
    return (
        ShippingOption("standard", "Standard (3–5 days)", Decimal(standard), ""),
        ShippingOption("express", "Express", Decimal(express), "1–2 days"),
    )


def _consignment(
    lines, options: tuple[ShippingOption, ...], chosen: ShippingOption | None, pickup: bool
) -> Consignment:
    """Return the checkout's consignment: shipped to Ohio with its options, or picked up."""
    line_ids = tuple(item.id for item in lines)
    if pickup:
        return Consignment("consignment-1", line_ids, pickup=True, pickup_method_id=PICKUP.id)
    return Consignment(
        "consignment-1",
        line_ids,
        address=OHIO,
        options=options,
        selected_option_id=chosen.id if chosen else None,
    )
