"""The confirmation's receipt: every row of an order, on one basis, adding up to what was paid.

Orders are built in the client's own type (no sandbox needed): amounts as BigCommerce's v2
orders write them, four decimals whatever the currency.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.checkout.receipt import ADJUSTMENT
from app.checkout.receipt import CHECKOUT_PLUS
from app.checkout.receipt import COUPON
from app.checkout.receipt import DISCOUNT
from app.checkout.receipt import FEE
from app.checkout.receipt import HANDLING
from app.checkout.receipt import SHIPPING
from app.checkout.receipt import SUBTOTAL
from app.checkout.receipt import TAX
from app.checkout.receipt import WRAPPING
from app.checkout.receipt import Receipt
from app.checkout.receipt import receipt
from app.checkout_plus.fee import FEE_SOURCE
from app.clients.bigcommerce import Order
from app.clients.bigcommerce import OrderAddress
from app.clients.bigcommerce import OrderFee
from app.clients.bigcommerce import OrderLine
from app.clients.bigcommerce import OrderPickup
from app.clients.bigcommerce import OrderShipment
from app.clients.bigcommerce import PickupLocation
from app.money import exponent
from app.money import to_major
from app.money import to_minor

FEE_NAME = "Order protection"
OHIO = OrderAddress(
    "Ada", "Lovelace", "", "1 Main St", "", "Columbus", "Ohio", "43004", "United States", "US"
)  # fmt: skip
STORE = PickupLocation("Downtown store", "500 Congress Ave", "", "Austin", "Texas", "78701", "US")


def d(value: str) -> Decimal:
    """An amount as a v2 order writes it."""
    return Decimal(value)


def line(name: str, quantity: int, ex_tax: str, inc_tax: str, codes=()) -> OrderLine:
    """An order product with its line totals (the unit prices do not matter here)."""
    return OrderLine(
        id=len(name),
        product_id=101,
        variant_id=None,
        sku=None,
        name=name,
        quantity=quantity,
        price_inc_tax=d(inc_tax) / quantity,
        price_ex_tax=d(ex_tax) / quantity,
        total_inc_tax=d(inc_tax),
        total_ex_tax=d(ex_tax),
        coupon_codes=tuple(codes),
    )


def ours(ex_tax: str, inc_tax: str, name: str = "Checkout+ protection") -> OrderFee:
    """Our fee as the order holds it (the name on the order may differ from the setting)."""
    return OrderFee(name, FEE_SOURCE, d(inc_tax), d(ex_tax))


def order(**fields) -> Order:
    """The Ohio order of the issue: sneakers, standard shipping, protection, 6 % tax.

    Subtotal 89.00 + shipping 5.99 + protection 5.98 + tax 6.06 = 107.03 (the tax holds
    shipping's 0.36, so shipping including tax, 6.35, must not stand beside it).
    """
    base = Order(
        id=100,
        status_id=11,
        status="Awaiting Fulfillment",
        currency="USD",
        email="ada@example.com",
        subtotal_ex_tax=d("89.0000"),
        subtotal_inc_tax=d("94.3400"),
        shipping_cost_ex_tax=d("5.9900"),
        shipping_cost_inc_tax=d("6.3500"),
        total_tax=d("6.0600"),
        discount_amount=d("0.0000"),
        total_inc_tax=d("107.0300"),
        payment_status="captured",
        lines=(line("Trail Runner Sneakers", 1, "89.0000", "94.3400"),),
        fees=(ours("5.9800", "6.3400"),),
        cart_id="cart",
        billing_address=OHIO,
        shipments=(OrderShipment(1, OHIO, "Standard"),),
    )
    return replace(base, **fields)


def shown(result: Receipt) -> list[tuple[str, str, Decimal]]:
    """The rows as (kind, label, amount)."""
    return [(row.kind, row.label, row.amount) for row in result.rows]


def adds_up(result: Receipt) -> bool:
    """Tell whether the rows add up exactly to the total, in major and in minor units."""
    in_major = sum(row.amount for row in result.rows)
    in_minor = sum(to_minor(row.amount, result.currency) for row in result.rows)
    return in_major == result.total and in_minor == to_minor(result.total, result.currency)


def test_a_tax_exclusive_order_lists_every_part_before_tax_and_the_tax_once():
    result = receipt(order(), FEE_NAME)
    assert shown(result) == [
        (SUBTOTAL, "Subtotal", d("89.00")),
        (SHIPPING, "Shipping", d("5.99")),  # not 6.35: its tax is in the tax row
        (CHECKOUT_PLUS, "Order protection", d("5.98")),
        (TAX, "Tax", d("6.06")),
    ]
    assert result.total == d("107.03")
    assert adds_up(result)
    assert result.included_tax is None
    assert result.tax_included is False
    assert [(item.name, item.quantity, item.amount) for item in result.lines] == [
        ("Trail Runner Sneakers", 1, d("89.00"))
    ]


def test_a_coupon_and_a_discount_each_have_a_row_that_takes_off():
    result = receipt(
        order(
            lines=(line("Trail Runner Sneakers", 1, "89.0000", "89.9300", ["SAVE10"]),),
            discount_amount=d("5.0000"),
            coupon_discount=d("8.9000"),
            total_tax=d("5.2300"),
            total_inc_tax=d("92.3000"),
        ),
        FEE_NAME,
    )
    assert shown(result)[1:3] == [
        (DISCOUNT, "Discount", d("-5.00")),
        (COUPON, "Coupon SAVE10", d("-8.90")),
    ]
    assert [row.reduces for row in result.rows[1:3]] == [True, True]
    assert [row.magnitude for row in result.rows[1:3]] == [d("5.00"), d("8.90")]
    assert adds_up(result)


def test_several_coupons_are_named_on_one_row():
    lines = (
        line("Trail Runner Sneakers", 1, "89.0000", "94.3400", ["SAVE10", "FIVEOFF"]),
        line("Merino Socks", 2, "49.0000", "51.9400", ["SAVE10"]),
    )
    result = receipt(order(lines=lines, coupon_discount=d("0.0100"), total_tax=d("6.0500"),
                           total_inc_tax=d("107.0100")), FEE_NAME)  # fmt: skip
    assert (COUPON, "Coupons SAVE10, FIVEOFF", d("-0.01")) in shown(result)
    assert adds_up(result)


def test_a_coupon_without_a_code_on_its_lines_is_still_shown():
    result = receipt(
        order(coupon_discount=d("1.0000"), total_inc_tax=d("106.0300")), FEE_NAME
    )  # fmt: skip
    assert (COUPON, "Coupon", d("-1.00")) in shown(result)
    assert adds_up(result)


def test_our_fee_has_the_configured_name_and_other_apps_fees_their_own():
    fees = (
        OrderFee("Gift wrap", "GiftApp", d("4.2400"), d("4.0000")),
        ours("5.9800", "6.3400", name="Something else"),
    )
    result = receipt(
        order(fees=fees, total_tax=d("6.3000"), total_inc_tax=d("111.2700")), "Package protection"
    )
    assert shown(result)[2:4] == [
        (FEE, "Gift wrap", d("4.00")),
        (CHECKOUT_PLUS, "Package protection", d("5.98")),
    ]
    assert adds_up(result)


def test_handling_and_gift_wrapping_have_rows_when_charged():
    result = receipt(
        order(
            handling_cost_ex_tax=d("2.0000"),
            handling_cost_inc_tax=d("2.1200"),
            wrapping_cost_ex_tax=d("3.5000"),
            wrapping_cost_inc_tax=d("3.7100"),
            total_tax=d("6.3900"),
            total_inc_tax=d("112.8600"),
        ),
        FEE_NAME,
    )
    assert (HANDLING, "Handling", d("2.00")) in shown(result)
    assert (WRAPPING, "Gift wrapping", d("3.50")) in shown(result)
    assert adds_up(result)


def test_a_pickup_order_has_no_shipping_row_and_free_shipping_shows_as_nothing_to_pay():
    pickup = OrderPickup(2, "Downtown store pickup", "", "", STORE)
    collected = order(
        shipments=(),
        pickups=(pickup,),
        shipping_cost_ex_tax=d("0"),
        shipping_cost_inc_tax=d("0"),
        total_tax=d("5.7000"),
        total_inc_tax=d("100.6800"),
    )
    assert SHIPPING not in [row.kind for row in receipt(collected, FEE_NAME).rows]
    assert adds_up(receipt(collected, FEE_NAME))
    free = order(
        shipping_cost_ex_tax=d("0"),
        shipping_cost_inc_tax=d("0"),
        total_tax=d("5.7000"),
        total_inc_tax=d("100.6800"),
    )
    assert (SHIPPING, "Shipping", d("0.00")) in shown(receipt(free, FEE_NAME))


def test_a_tax_inclusive_order_lists_amounts_with_tax_and_tells_the_tax_apart():
    # Berlin, 19 % VAT inside every price: 89.00 + 5.99 + 2.75 = 97.74, holding 15.61 of tax.
    berlin = order(
        currency="EUR",
        tax_inclusive=True,
        lines=(line("Trail Runner Sneakers", 1, "74.7900", "89.0000"),),
        subtotal_ex_tax=d("74.7900"),
        subtotal_inc_tax=d("89.0000"),
        shipping_cost_ex_tax=d("5.0300"),
        shipping_cost_inc_tax=d("5.9900"),
        fees=(ours("2.3100", "2.7500"),),
        total_tax=d("15.6100"),
        total_inc_tax=d("97.7400"),
    )
    result = receipt(berlin, FEE_NAME)
    assert shown(result) == [
        (SUBTOTAL, "Subtotal", d("89.00")),
        (SHIPPING, "Shipping", d("5.99")),
        (CHECKOUT_PLUS, "Order protection", d("2.75")),
    ]
    assert TAX not in [row.kind for row in result.rows]
    assert (result.included_tax, result.tax_included) == (d("15.61"), True)
    assert adds_up(result)
    assert result.lines[0].amount == d("89.00")


def test_yen_rows_have_no_decimals():
    tokyo = order(
        currency="JPY",
        lines=(line("Trail Runner Sneakers", 1, "12800.0000", "14080.0000"),),
        subtotal_ex_tax=d("12800.0000"),
        subtotal_inc_tax=d("14080.0000"),
        shipping_cost_ex_tax=d("800.0000"),
        shipping_cost_inc_tax=d("880.0000"),
        fees=(ours("450.0000", "495.0000"),),
        total_tax=d("1405.0000"),
        total_inc_tax=d("15455.0000"),
    )
    result = receipt(tokyo, FEE_NAME)
    assert [row.amount for row in result.rows] == [d("12800"), d("800"), d("450"), d("1405")]
    assert all(row.amount.as_tuple().exponent == 0 for row in result.rows)
    assert [to_minor(row.amount, "JPY") for row in result.rows] == [12800, 800, 450, 1405]
    assert adds_up(result)


def test_dinar_rows_have_three_decimals():
    kuwait = order(
        currency="KWD",
        lines=(line("Merino Socks", 3, "22.5750", "22.5750"),),
        subtotal_ex_tax=d("22.5750"),
        subtotal_inc_tax=d("22.5750"),
        shipping_cost_ex_tax=d("1.7500"),
        shipping_cost_inc_tax=d("1.7500"),
        fees=(ours("0.9250", "0.9250"),),
        total_tax=d("0.0000"),
        total_inc_tax=d("25.2500"),
    )
    result = receipt(kuwait, FEE_NAME)
    assert [str(row.amount) for row in result.rows] == ["22.575", "1.750", "0.925", "0.000"]
    assert [to_minor(row.amount, "KWD") for row in result.rows] == [22575, 1750, 925, 0]
    assert to_minor(result.total, "KWD") == 25250
    assert adds_up(result)


def test_parts_that_do_not_add_up_show_the_difference_and_say_so(caplog):
    # Say BigCommerce took 3.00 of store credit off the total: the receipt must still add up.
    odd = order(total_inc_tax=d("104.0300"))
    with caplog.at_level(logging.WARNING, logger="app.checkout.receipt"):
        result = receipt(odd, FEE_NAME)
    assert shown(result)[-1] == (ADJUSTMENT, "Adjustment", d("-3.00"))
    assert adds_up(result)
    assert "order 100" in caplog.text


CURRENCIES = ("USD", "EUR", "JPY", "KWD")
minor_amounts = st.integers(min_value=0, max_value=10**7)


@given(
    currency=st.sampled_from(CURRENCIES),
    inclusive=st.booleans(),
    subtotal=minor_amounts,
    discount=minor_amounts,
    coupon=minor_amounts,
    shipping=minor_amounts,
    handling=minor_amounts,
    wrapping=minor_amounts,
    fees=st.lists(st.tuples(minor_amounts, st.booleans()), max_size=5),
    tax=minor_amounts,
)
def test_any_order_whose_parts_add_up_gives_rows_that_add_up_to_it(
    currency, inclusive, subtotal, discount, coupon, shipping, handling, wrapping, fees, tax
):
    def major(minor: int) -> Decimal:
        # Four decimals, as v2 orders write every amount.
        return to_major(minor, currency).quantize(Decimal("0.0001"))

    # On the order's basis: with tax included, the tax is inside the parts; else it is added.
    parts = subtotal - discount - coupon + shipping + handling + wrapping + sum(f for f, _ in fees)
    total = parts if inclusive else parts + tax
    basis = "inc" if inclusive else "ex"
    other = "ex" if inclusive else "inc"
    amounts = {
        f"subtotal_{basis}_tax": major(subtotal),
        f"subtotal_{other}_tax": major(subtotal + 1),  # the other basis must not be read
        f"shipping_cost_{basis}_tax": major(shipping),
        f"shipping_cost_{other}_tax": major(shipping + 1),
        f"handling_cost_{basis}_tax": major(handling),
        f"handling_cost_{other}_tax": major(handling + 1),
        f"wrapping_cost_{basis}_tax": major(wrapping),
        f"wrapping_cost_{other}_tax": major(wrapping + 1),
    }
    made = order(
        currency=currency,
        tax_inclusive=inclusive,
        discount_amount=major(discount),
        coupon_discount=major(coupon),
        fees=tuple(
            OrderFee(
                "Another app",
                FEE_SOURCE if mine else "other-app",
                major(cost if inclusive else cost + 1),
                major(cost if not inclusive else cost + 1),
            )
            for cost, mine in fees
        ),
        total_tax=major(tax),
        total_inc_tax=major(total),
        **amounts,
    )
    result = receipt(made, FEE_NAME)
    assert adds_up(result)
    assert ADJUSTMENT not in [row.kind for row in result.rows]
    assert (TAX in [row.kind for row in result.rows]) is not inclusive
    assert result.included_tax == (major(tax) if inclusive else None)
    step = Decimal(1).scaleb(-exponent(currency))
    assert all(row.amount == row.amount.quantize(step) for row in result.rows)


@pytest.mark.parametrize("currency", CURRENCIES)
def test_a_row_in_every_currency_formats_to_the_currencys_decimals(currency):
    result = receipt(order(currency=currency), FEE_NAME)
    assert all(-row.amount.as_tuple().exponent == exponent(currency) for row in result.rows)
