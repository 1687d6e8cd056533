"""Forms of the checkout page; CSRF is checked for every POST by the app-wide CSRFProtect."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange

from app.checkout.service import MAX_LINE_QUANTITY


class WholeNumberField(IntegerField):
    """An integer field whose parse error a shopper understands."""

    def process_formdata(self, valuelist: list) -> None:
        """Read the number, or fail with a message that says what to type."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number, such as 2.") from None


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
