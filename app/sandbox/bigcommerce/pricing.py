"""Cart and checkout arithmetic: coupons, shipping, fees and a tax-exclusive store's taxes.

Every amount is a Decimal in the cart's currency, rounded half-up to its ISO 4217 exponent.
Coupons are spread over the lines in proportion to their amounts (whole minor units, summing
exactly). Tax is rounded per line, per consignment's shipping and per fee, then summed, so
the parts always add up to ``tax_total``.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from app.sandbox.minor_units import round_major

from . import seed
from .money import ZERO
from .money import allocate
from .state import Address
from .state import Cart
from .state import Consignment


@dataclass(frozen=True)
class TaxZone:
    """Where an amount is taxed, and at what rate."""

    country: str
    state: str
    rate: Decimal
    name: str


def zone_for_address(address: Address) -> TaxZone:
    """The tax zone of a shipping or billing address."""
    country = str(address.get("country_code", "")).upper()
    state = _state_code(address)
    rate = seed.TAX_RATES.get(f"{country}-{state}", seed.TAX_RATES.get(country, ZERO))
    return TaxZone(country, state, rate, seed.TAX_NAMES.get(country, "Tax"))


def zone_for_pickup(method_id: int) -> TaxZone:
    """Pickup orders are taxed where the shopper collects them."""
    location = seed.PICKUP_METHODS[method_id].location
    return zone_for_address(
        {
            "country_code": location["country_alpha2"],
            "state_or_province_code": location["state_code"],
        }
    )


def primary_zone(cart: Cart) -> TaxZone | None:
    """The main tax zone: the first shipping address (or, digital only, the billing one)."""
    for consignment in cart.consignments:
        if consignment.address is not None and not consignment.is_pickup:
            return zone_for_address(consignment.address)
    for consignment in cart.consignments:
        if consignment.pickup_method_id is not None:
            return zone_for_pickup(consignment.pickup_method_id)
    has_physical = any(item.product.is_physical for item in cart.line_items)
    if not has_physical and cart.billing_address:
        return zone_for_address(cart.billing_address)
    return None


def consignment_zone(consignment: Consignment) -> TaxZone | None:
    """The tax zone of one consignment."""
    if consignment.pickup_method_id is not None:
        return zone_for_pickup(consignment.pickup_method_id)
    if consignment.address is not None:
        return zone_for_address(consignment.address)
    return None


def selected_option(cart: Cart, consignment: Consignment) -> dict[str, object] | None:
    """The consignment's selected shipping option as the checkout shows it, if any."""
    if consignment.shipping_option_id in seed.SHIPPING_OPTIONS:
        option = seed.SHIPPING_OPTIONS[consignment.shipping_option_id]
        return {
            "id": option.id,
            "type": "shipping_flatrate",
            "description": option.description,
            "image_url": "",
            "cost": option.costs[cart.currency],
            "transit_time": option.transit_time,
            "additional_description": "",
        }
    if consignment.custom_shipping is not None:
        return {
            "id": "custom",
            "type": "custom",
            "description": consignment.custom_shipping["description"],
            "image_url": "",
            "cost": consignment.custom_shipping["price"],
            "transit_time": "",
            "additional_description": "",
        }
    return None


@dataclass
class LinePricing:
    """The amounts of one line item."""

    extended: Decimal
    coupons: dict[str, Decimal] = field(default_factory=dict)
    tax: Decimal = ZERO
    undiscounted_tax: Decimal = ZERO

    @property
    def coupon_amount(self) -> Decimal:
        """Everything coupons took off this line."""
        return sum(self.coupons.values(), ZERO)


@dataclass
class Charge:
    """A taxable charge other than items: a consignment's shipping, or a fee."""

    cost: Decimal
    tax: Decimal = ZERO


@dataclass
class Pricing:
    """Every amount of a checkout."""

    currency: str
    lines: dict[str, LinePricing]
    coupons: list[tuple[seed.Coupon, Decimal]]
    shipping: dict[str, Charge]
    fees: dict[str, Charge]
    taxes: dict[str, Decimal]

    @property
    def base_amount(self) -> Decimal:
        """Items before coupons and tax."""
        return sum((line.extended for line in self.lines.values()), ZERO)

    @property
    def coupon_total(self) -> Decimal:
        """Everything coupons took off."""
        return sum((amount for _, amount in self.coupons), ZERO)

    @property
    def items_ex_tax(self) -> Decimal:
        """Items after coupons, before tax (``cart_amount_ex_tax``)."""
        return self.base_amount - self.coupon_total

    @property
    def items_tax(self) -> Decimal:
        """Tax on the items after coupons."""
        return sum((line.tax for line in self.lines.values()), ZERO)

    @property
    def shipping_ex_tax(self) -> Decimal:
        """Shipping of every consignment, before tax."""
        return sum((charge.cost for charge in self.shipping.values()), ZERO)

    @property
    def shipping_tax(self) -> Decimal:
        """Tax on shipping."""
        return sum((charge.tax for charge in self.shipping.values()), ZERO)

    @property
    def fees_ex_tax(self) -> Decimal:
        """Fees before tax."""
        return sum((charge.cost for charge in self.fees.values()), ZERO)

    @property
    def fees_tax(self) -> Decimal:
        """Tax on fees."""
        return sum((charge.tax for charge in self.fees.values()), ZERO)

    @property
    def tax_total(self) -> Decimal:
        """All tax: items, shipping and fees."""
        return self.items_tax + self.shipping_tax + self.fees_tax

    @property
    def grand_total(self) -> Decimal:
        """What the shopper pays: discounted items, shipping, fees and tax."""
        return self.items_ex_tax + self.shipping_ex_tax + self.fees_ex_tax + self.tax_total

    @property
    def subtotal_inc_tax(self) -> Decimal:
        """Items before coupons, with the tax they would carry."""
        return self.base_amount + sum((line.undiscounted_tax for line in self.lines.values()), ZERO)


def price(cart: Cart) -> Pricing:
    """Compute every amount of a cart's checkout."""
    currency = cart.currency
    lines = {item.id: LinePricing(item.list_price * item.quantity) for item in cart.line_items}
    coupons = _apply_coupons(cart, lines)
    primary = primary_zone(cart)
    taxes: dict[str, Decimal] = {}

    def tax(amount: Decimal, zone: TaxZone | None, taxable: bool = True) -> Decimal:
        """Tax ``amount`` in ``zone`` (0 without a zone) and add it to the taxes list."""
        if zone is None or not taxable or zone.rate == 0:
            return ZERO
        value = round_major(amount * zone.rate, currency)
        taxes[zone.name] = taxes.get(zone.name, ZERO) + value
        return value

    zones_by_item: dict[str, TaxZone | None] = {}
    for consignment in cart.consignments:
        for item_id in consignment.line_item_ids:
            zones_by_item[item_id] = consignment_zone(consignment)
    for item in cart.line_items:
        line = lines[item.id]
        zone = zones_by_item.get(item.id, primary)
        taxable = item.product.tax_class_id != seed.NON_TAXABLE_CLASS
        line.tax = tax(line.extended - line.coupon_amount, zone, taxable)
        if zone is not None and taxable:
            line.undiscounted_tax = round_major(line.extended * zone.rate, currency)

    shipping: dict[str, Charge] = {}
    for consignment in cart.consignments:
        option = selected_option(cart, consignment)
        cost = round_major(Decimal(option["cost"]), currency) if option else ZERO  # type: ignore[arg-type]
        shipping[consignment.id] = Charge(cost, tax(cost, consignment_zone(consignment)))

    fees: dict[str, Charge] = {}
    for fee in cart.fees:
        tax_class = seed.DEFAULT_FEE_TAX_CLASS if fee.tax_class_id is None else fee.tax_class_id
        taxable = tax_class != seed.NON_TAXABLE_CLASS
        fees[fee.id] = Charge(fee.cost, tax(fee.cost, primary, taxable))

    return Pricing(currency, lines, coupons, shipping, fees, taxes)


def _apply_coupons(cart: Cart, lines: dict[str, LinePricing]) -> list[tuple[seed.Coupon, Decimal]]:
    """Apply coupons in the order they were added, each to what the previous ones left."""
    applied: list[tuple[seed.Coupon, Decimal]] = []
    ids = [item.id for item in cart.line_items]
    for code in cart.coupon_codes:
        coupon = seed.COUPONS[code]
        remaining = [lines[i].extended - lines[i].coupon_amount for i in ids]
        base = sum(remaining, ZERO)
        if coupon.kind == "percentage_discount":
            amount = round_major(base * coupon.percent.scaleb(-2), cart.currency)
        else:
            amount = min((coupon.amounts or {}).get(cart.currency, ZERO), base)
        for item_id, share in zip(ids, allocate(amount, remaining, cart.currency), strict=True):
            if share:
                lines[item_id].coupons[code] = share
        applied.append((coupon, amount))
    return applied


def _state_code(address: Address) -> str:
    """The address's state code, from the code field or a known state name."""
    code = str(address.get("state_or_province_code") or "").upper()
    if code:
        return code
    name = str(address.get("state_or_province") or "").strip()
    if len(name) == 2:
        return name.upper()
    return seed.STATE_CODES.get(name.lower(), "")
