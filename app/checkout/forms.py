"""Forms of the checkout page; CSRF is checked for every POST by the app-wide CSRFProtect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from app.checkout import card_input
from app.checkout.service import MAX_LINE_QUANTITY
from app.clients.bigcommerce import Card
from app.locales import LocalNumber
from app.locales import translate

T = TypeVar("T")


LARGEST_WHOLE_NUMBER = 10**15


class WholeNumberField(IntegerField):
    """An integer field whose parse error a shopper understands."""

    def process_formdata(self, valuelist: list) -> None:
        """Read the number, or fail with a message that says what to type."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(lazy_gettext("Enter a whole number, such as 2.")) from None
        # WTForms' range check turns the number into a float, which a huge one overflows.
        if self.data is not None and abs(self.data) > LARGEST_WHOLE_NUMBER:
            self.data = None
            raise ValueError(lazy_gettext("That number is too large. Enter a smaller one."))


class LineQuantityForm(FlaskForm):
    """Set one line's quantity; 0 removes the line."""

    quantity = WholeNumberField(
        lazy_gettext("Quantity"),
        validators=[
            InputRequired(message=lazy_gettext("Enter a quantity.")),
            NumberRange(
                min=0,
                max=MAX_LINE_QUANTITY,
                message=lazy_gettext(
                    "Enter a quantity from 0 to %(num)s.", num=LocalNumber(MAX_LINE_QUANTITY)
                ),
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

    checkout_plus = BooleanField(lazy_gettext("Protect my order"))
    # Which quote the page showed; it never sets the price, only detects a stale page.
    quote = HiddenField(validators=[Length(max=64)])


class PaymentForm(FlaskForm):
    """The card to pay with; its number and security code are never shown back or logged.

    Each field takes what people type (``app.checkout.card_input``): spaces and dashes in
    the number, the expiry with a slash, a dash, a space or digits alone.
    """

    cardholder_name = StringField(
        lazy_gettext("Name on card"),
        validators=[
            InputRequired(message=lazy_gettext("Enter the name on the card.")),
            Length(
                max=100,
                message=lazy_gettext(
                    "Enter the name on the card in %(num)s characters or fewer.",
                    num=LocalNumber(100),
                ),
            ),
        ],
    )
    card_number = StringField(
        lazy_gettext("Card number"),
        validators=[InputRequired(message=lazy_gettext("Enter the card number."))],
    )
    expiry = StringField(
        lazy_gettext("Expiry date"),
        validators=[InputRequired(message=lazy_gettext("Enter the expiry date."))],
    )
    security_code = StringField(
        lazy_gettext("Security code"),
        validators=[InputRequired(message=lazy_gettext("Enter the security code."))],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._parsed: dict[str, Any] = {}  # each card field as read, once it is valid

    def validate_cardholder_name(self, field: StringField) -> None:
        """Refuse a name of spaces only."""
        if not field.data.strip():
            raise ValidationError(lazy_gettext("Enter the name on the card."))

    def validate_card_number(self, field: StringField) -> None:
        """Read the digits of the number, or refuse it (wrong length, or a typing slip)."""
        self._parsed["number"] = _read(card_input.card_digits, field.data)

    def validate_expiry(self, field: StringField) -> None:
        """Read the month and year, or refuse a date that is unreadable or past."""
        today = card_input.earliest_today()
        self._parsed["expiry"] = _read(lambda typed: card_input.expiry(typed, today), field.data)

    def validate_security_code(self, field: StringField) -> None:
        """Read the 3 or 4 digits of the security code."""
        self._parsed["code"] = _read(card_input.security_code, field.data)

    def card(self) -> Card:
        """Return the card the shopper entered, ready for the Payments API (after validate)."""
        month, year = self._parsed["expiry"]
        return Card(
            holder_name=self.cardholder_name.data.strip(),
            number=self._parsed["number"],
            expiry_month=month,
            expiry_year=year,
            verification_value=self._parsed["code"],
        )

    def kept_values(self) -> dict[str, str]:
        """Return what may be shown again, as typed, refused or not: never the number or code."""
        return {
            "cardholder_name": self.cardholder_name.data or "",
            "expiry": self.expiry.data or "",
        }


def _read(reader: Callable[[str], T], typed: str) -> T:
    """Read a card field, turning a refusal into the field's error message."""
    try:
        return reader(typed)
    except card_input.CardInputError as refusal:
        # The refusal's own message (app.text), said in the shopper's language.
        raise ValidationError(translate(refusal.args[0])) from None
