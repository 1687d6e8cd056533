"""Forms of the checkout page; CSRF is checked for every POST by the app-wide CSRFProtect."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Regexp

from app.checkout.service import MAX_LINE_QUANTITY
from app.clients.bigcommerce import Card

EXPIRY = re.compile(r"^\s*(?P<month>0[1-9]|1[0-2])\s*/\s*(?P<year>[0-9]{2}|[0-9]{4})\s*$")


LARGEST_WHOLE_NUMBER = 10**15


class WholeNumberField(IntegerField):
    """An integer field whose parse error a shopper understands."""

    def process_formdata(self, valuelist: list) -> None:
        """Read the number, or fail with a message that says what to type."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number, such as 2.") from None
        # WTForms' range check turns the number into a float, which a huge one overflows.
        if self.data is not None and abs(self.data) > LARGEST_WHOLE_NUMBER:
            self.data = None
            raise ValueError("That number is too large. Enter a smaller one.")


class LineQuantityForm(FlaskForm):
    """Set one line's quantity; 0 removes the line."""

    quantity = WholeNumberField(
        "Quantity",
        validators=[
            InputRequired(message="Enter a quantity."),
            NumberRange(
                min=0,
                max=MAX_LINE_QUANTITY,
                message=f"Enter a quantity from 0 to {MAX_LINE_QUANTITY:,}.",
            ),
        ],
    )

    @property
    def typed_quantity(self) -> str:
        """Return what the shopper typed, to show it again next to an error."""
        raw = self.quantity.raw_data
        return raw[-1] if raw else ""


class ProtectionForm(FlaskForm):
    """Opt in to or out of Checkout+ for the quote the page showed."""

    checkout_plus = BooleanField("Protect my order")
    # Which quote the page showed; it never sets the price, only detects a stale page.
    quote = HiddenField(validators=[Length(max=64)])


class PaymentForm(FlaskForm):
    """The card to pay with; its number and security code are never shown back or logged."""

    cardholder_name = StringField(
        "Name on card",
        validators=[InputRequired(message="Enter the name on the card."), Length(max=100)],
    )
    card_number = StringField(
        "Card number",
        validators=[
            InputRequired(message="Enter the card number."),
            Regexp(r"^[0-9 -]{12,23}$", message="Enter the 12 to 19 digits on the card."),
        ],
    )
    expiry = StringField(
        "Expiry date (MM/YY)",
        validators=[
            InputRequired(message="Enter the expiry date."),
            Regexp(EXPIRY.pattern, message="Enter the expiry date as MM/YY, such as 04/29."),
        ],
    )
    security_code = StringField(
        "Security code",
        validators=[
            InputRequired(message="Enter the security code."),
            Regexp(r"^[0-9]{3,4}$", message="Enter the 3 or 4 digits of the security code."),
        ],
    )

    def card(self) -> Card:
        """Return the card the shopper entered, ready for the Payments API."""
        match = EXPIRY.match(self.expiry.data)
        assert match is not None  # validated above
        year = int(match["year"])
        return Card(
            holder_name=self.cardholder_name.data.strip(),
            number=re.sub(r"[ -]", "", self.card_number.data),
            expiry_month=int(match["month"]),
            expiry_year=year + 2000 if year < 100 else year,
            verification_value=self.security_code.data,
        )

    def kept_values(self) -> dict[str, str]:
        """Return what may be shown back after a failed payment: not the number or the code."""
        return {
            "cardholder_name": self.cardholder_name.data or "",
            "expiry": self.expiry.data or "",
        }
