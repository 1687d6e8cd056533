"""The sandbox store's fixed data: catalog, price lists, shipping, coupons, taxes, statuses."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_CURRENCY = "USD"
# The store's transactional currencies; a cart picks one when it is created.
CURRENCIES = ("USD", "EUR", "JPY", "KWD")
CATALOG_DATE = "2025-01-15T10:00:00+00:00"


def _prices(usd: str, eur: str, jpy: str, kwd: str) -> dict[str, Decimal]:
    """A price per transactional currency."""
    return {"USD": Decimal(usd), "EUR": Decimal(eur), "JPY": Decimal(jpy), "KWD": Decimal(kwd)}


@dataclass(frozen=True)
class Product:
    """A catalog product with one base variant and a price per transactional currency."""

    id: int
    name: str
    type: str  # "physical" or "digital"
    sku: str
    slug: str
    weight: Decimal
    prices: dict[str, Decimal]
    description: str
    tax_class_id: int = 0

    @property
    def variant_id(self) -> int:
        """The id of the product's only (base) variant."""
        return self.id * 10 + 1

    @property
    def is_physical(self) -> bool:
        """Whether the product ships (and so needs a consignment)."""
        return self.type == "physical"

    def price(self, currency: str) -> Decimal:
        """The product's price in a transactional currency."""
        return self.prices[currency]


# Other code (the app, Loop's rules, tests) relies on these exact ids and prices.
PRODUCTS: dict[int, Product] = {
    product.id: product
    for product in (
        Product(
            101,
            "Trail Runner Sneakers",
            "physical",
            "TRS-101",
            "trail-runner-sneakers",
            Decimal("0.9"),
            _prices("89.00", "82.00", "13500", "27.250"),
            "Light trail shoes with a grippy outsole.",
        ),
        Product(
            102,
            "Merino Wool Socks (3-pack)",
            "physical",
            "MWS-102",
            "merino-wool-socks",
            Decimal("0.2"),
            _prices("24.50", "22.90", "3600", "7.525"),
            "Three pairs of cushioned merino socks.",
        ),
        Product(
            103,
            "Waterproof Shell Jacket",
            "physical",
            "WSJ-103",
            "waterproof-shell-jacket",
            Decimal("0.6"),
            _prices("189.99", "179.00", "28900", "58.375"),
            "A packable three-layer rain shell.",
        ),
        Product(
            104,
            "Trail Map Pack (PDF)",
            "digital",
            "TMP-104",
            "trail-map-pack",
            Decimal("0"),
            _prices("12.00", "11.00", "1800", "3.650"),
            "Printable maps of twelve classic trails.",
        ),
        Product(
            105,
            "Final Sale Sunglasses",
            "physical",
            "FSS-105",
            "final-sale-sunglasses",
            Decimal("0.1"),
            _prices("39.95", "36.95", "5900", "12.150"),
            "Polarized sunglasses; final sale, no returns.",
        ),
        Product(
            106,
            "Summit Expedition Tent",
            "physical",
            "SET-106",
            "summit-expedition-tent",
            Decimal("4.8"),
            _prices("1299.00", "1199.00", "195000", "399.500"),
            "A four-season, two-person expedition tent.",
        ),
    )
}


@dataclass(frozen=True)
class ShippingOption:
    """A flat-rate shipping option offered to every address consignment."""

    id: str
    description: str
    transit_time: str
    costs: dict[str, Decimal]
    to_po_boxes: bool = True  # couriers (Express) do not deliver to a PO box


# "PO Box 12", "P.O. Box 12", "Post Office Box 12", at the start of an address line.
PO_BOX = re.compile(r"^\s*(?:p\.?\s*o\.?|post\s+office)\s*box\b", re.IGNORECASE)


def offered_options(address: dict | None) -> tuple[ShippingOption, ...]:
    """The shipping options offered to a consignment's address (Express: not to a PO box)."""
    lines = [str((address or {}).get(name, "")) for name in ("address1", "address2")]
    po_box = any(PO_BOX.match(line) for line in lines)
    return tuple(o for o in SHIPPING_OPTIONS.values() if o.to_po_boxes or not po_box)


SHIPPING_OPTIONS: dict[str, ShippingOption] = {
    option.id: option
    for option in (
        ShippingOption(
            "sandbox-standard",
            "Standard",
            "3-5 business days",
            _prices("5.99", "4.99", "800", "1.750"),
        ),
        ShippingOption(
            "sandbox-express",
            "Express",
            "1-2 business days",
            _prices("14.99", "12.99", "2000", "4.500"),
            to_po_boxes=False,
        ),
    )
}


@dataclass(frozen=True)
class Coupon:
    """A coupon code: a percentage of the cart, or a fixed amount off the order."""

    id: int
    code: str
    display_name: str
    kind: str  # "percentage_discount" or "per_total_discount"
    percent: Decimal = Decimal(0)
    amounts: dict[str, Decimal] | None = None
    expires: dt.date | None = None

    # The carts API reports coupon_type as the legacy numeric code, as a string.
    @property
    def legacy_type(self) -> str:
        """The numeric coupon type the carts API uses ("1" percentage, "2" per total)."""
        return {"percentage_discount": "1", "per_total_discount": "2"}[self.kind]

    def is_expired(self, today: dt.date) -> bool:
        """Whether the coupon can no longer be applied."""
        return self.expires is not None and today > self.expires


COUPONS: dict[str, Coupon] = {
    coupon.code: coupon
    for coupon in (
        Coupon(1, "SAVE10", "10% off your order", "percentage_discount", percent=Decimal("10")),
        Coupon(
            2,
            "FIVEOFF",
            "5 off your order",
            "per_total_discount",
            amounts=_prices("5.00", "5.00", "700", "1.500"),
        ),
        Coupon(
            3,
            "EXPIRED2024",
            "15% off (ended 2024)",
            "percentage_discount",
            percent=Decimal("15"),
            expires=dt.date(2024, 12, 31),
        ),
    )
}

# Tax-exclusive store. Rates by "COUNTRY-STATE" first, then by country; anything else is 0.
TAX_RATES: dict[str, Decimal] = {
    "US-CA": Decimal("0.0725"),
    "US-NY": Decimal("0.08875"),
    "US": Decimal("0.06"),
    "DE": Decimal("0.19"),
    "FR": Decimal("0.20"),
    "JP": Decimal("0.10"),
    "KW": Decimal("0"),
}
TAX_NAMES = {"US": "Sales Tax", "DE": "VAT", "FR": "VAT", "JP": "Consumption Tax"}
STATE_CODES = {"california": "CA", "new york": "NY"}
# Countries whose addresses need a state or province.
STATE_REQUIRED_COUNTRIES = frozenset({"US", "CA", "AU"})

TAX_CLASSES = {0: "Default Tax Class", 1: "Non-Taxable Products", 2: "Shipping", 3: "Gift Wrapping"}
NON_TAXABLE_CLASS = 1
SHIPPING_TAX_CLASS = 2
# Fees without a tax_class_id use the control panel's "tax class for fees"; here, Default.
DEFAULT_FEE_TAX_CLASS = 0


@dataclass(frozen=True)
class PickupMethod:
    """A store-pickup method and the location it collects from."""

    id: int
    location_id: int
    display_name: str
    collection_instructions: str
    collection_time_description: str
    location: dict[str, str]


PICKUP_METHODS: dict[int, PickupMethod] = {
    1: PickupMethod(
        1,
        1,
        "Downtown store pickup",
        "Bring your order number and a photo ID.",
        "Ready in 2 hours, 9am-6pm",
        {
            "name": "Downtown store",
            "code": "DOWNTOWN",
            "address_line_1": "500 Congress Ave",
            "address_line_2": "",
            "city": "Austin",
            "state": "Texas",
            "state_code": "TX",
            "postal_code": "78701",
            "country_alpha2": "US",
            "email": "downtown@sandbox-store.example",
            "phone": "+15125550100",
        },
    )
}

ORDER_STATUSES: dict[int, tuple[str, str]] = {
    0: ("Incomplete", "The shopper reached the payment page but did not complete the transaction."),
    1: ("Pending", "The shopper started the checkout process but did not complete it."),
    2: ("Shipped", "The order has been shipped, but receipt has not been confirmed."),
    3: ("Partially Shipped", "Only some items in the order have been shipped."),
    4: ("Refunded", "The seller has used the Refund action."),
    5: ("Cancelled", "The seller has cancelled the order."),
    6: ("Declined", "The seller has marked the order as declined."),
    7: ("Awaiting Payment", "Checkout is complete but payment has yet to be confirmed."),
    8: ("Awaiting Pickup", "The order is awaiting pickup from a seller-specified location."),
    9: ("Awaiting Shipment", "The order is packaged and awaiting collection by a shipper."),
    10: ("Completed", "The order has been shipped or picked up, and receipt confirmed."),
    11: ("Awaiting Fulfillment", "The shopper has paid; the order is waiting to be fulfilled."),
    12: ("Manual Verification Required", "The order is on hold pending manual verification."),
    13: ("Disputed", "The shopper has initiated a dispute resolution process."),
    14: ("Partially Refunded", "The seller has partially refunded the order."),
}
