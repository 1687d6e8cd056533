"""Forms of the demo storefront."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange

from app.checkout.forms import WholeNumberField

# The currencies the sandbox store sells in: two decimals, none (JPY) and three (KWD).
STORE_CURRENCIES = [
    SelectChoice("USD", lazy_gettext("US dollar (USD)")),
    SelectChoice("EUR", lazy_gettext("Euro (EUR)")),
    SelectChoice("JPY", lazy_gettext("Japanese yen (JPY)")),
    SelectChoice("KWD", lazy_gettext("Kuwaiti dinar (KWD)")),
]
MAX_QUANTITY = 99


class AddToCartForm(FlaskForm):
    """Add a quantity of one product to the cart."""

    product_id = HiddenField(validators=[DataRequired(message=lazy_gettext("Choose a product."))])
    quantity = WholeNumberField(
        lazy_gettext("Quantity"),
        default=1,
        validators=[
            InputRequired(message=lazy_gettext("Enter a quantity.")),
            NumberRange(
                min=1,
                max=MAX_QUANTITY,
                message=lazy_gettext("Choose between 1 and %(num)s.", num=MAX_QUANTITY),
            ),
        ],
    )


class CurrencyForm(FlaskForm):
    """Choose the currency a new cart is priced in."""

    currency = SelectField(lazy_gettext("Shop in"), choices=STORE_CURRENCIES, default="USD")
