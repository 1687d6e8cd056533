"""Forms of the demo storefront."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange

# The currencies the sandbox store sells in: two decimals, none (JPY) and three (KWD).
STORE_CURRENCIES = [
    SelectChoice("USD", "US dollar (USD)"),
    SelectChoice("EUR", "Euro (EUR)"),
    SelectChoice("JPY", "Japanese yen (JPY)"),
    SelectChoice("KWD", "Kuwaiti dinar (KWD)"),
]
MAX_QUANTITY = 99


class AddToCartForm(FlaskForm):
    """Add a quantity of one product to the cart."""

    product_id = HiddenField(validators=[DataRequired(message="Choose a product.")])
    quantity = IntegerField(
        "Quantity",
        default=1,
        validators=[
            InputRequired(message="Enter a quantity."),
            NumberRange(min=1, max=MAX_QUANTITY, message=f"Choose between 1 and {MAX_QUANTITY}."),
        ],
    )


class CurrencyForm(FlaskForm):
    """Choose the currency a new cart is priced in."""

    currency = SelectField("Shop in", choices=STORE_CURRENCIES, default="USD")
