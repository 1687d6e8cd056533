"""Forms of the checkout's step sections: what the shopper may type, checked before BigCommerce.

Lengths follow BigCommerce's specs: a coupon code has at most 50 characters and the order note
at most 2,000 (checkouts.v3.yml). The checkout address schema sets no lengths, so address
fields take the limits the specs give the same fields of a pickup location (orders.v2
``pickupConsignmentLocation_Base``: 255, postal code 50) and the phone follows the address
schema's pattern. Each form has a prefix, so its ids never clash with another section's.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import Regexp
from wtforms.validators import ValidationError

from app.checkout.delivery import ADDRESS_FIELDS
from app.checkout.step_errors import StepRejected
from app.checkout.subdivisions import find_subdivision
from app.checkout.subdivisions import has_subdivisions
from app.clients.bigcommerce import Address
from app.locales import LocalNumber
from app.locales import shopper_locale

TEXT_MAX = 255
POSTAL_CODE_MAX = 50
EMAIL_MAX = 254  # RFC 5321's limit on a forward path, within BigCommerce's 255
COUPON_CODE_MAX = 50
COMMENT_MAX = 2000
OPTION_ID_MAX = 100
# Room for spaces and punctuation around the 16 characters the phone pattern allows.
PHONE_TYPED_MAX = 32
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What the address schema's phone pattern accepts, once spaces and punctuation are taken out.
PHONE = re.compile(r"^\+?[1-9]\d{1,14}$")
PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")
# Babel's territories include regions and pseudo-locales that are no ISO 3166-1 country.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
# Countries whose addresses have no postal code (as listed by Google's address data).
NO_POSTAL_CODE_TABLE = """
AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA GD GH
GM GQ GY HK JM KI KM KN KP LY ML MO MR MW NR NU QA RW SB SC SL SO SR SS
ST SY TD TF TG TK TL TO TT TV UG VU YE ZW
"""
NO_POSTAL_CODE = frozenset(NO_POSTAL_CODE_TABLE.split())
SUBDIVISION_EXAMPLES = {
    "US": "a US state, such as Ohio or OH",
    "CA": "a Canadian province or territory, such as Ontario or ON",
    "AU": "an Australian state or territory, such as Victoria or VIC",
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _one_line_breaks(value: Any) -> Any:
    # Browsers post a textarea's line breaks as CRLF; BigCommerce counts what we send.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@cache
def country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """Return ``(code, name)`` for every country, named and ordered for the shopper's locale."""
    names = Locale.parse(locale).territories
    countries = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda country: _sort_key(country[1])))


COUNTRY_CODES = frozenset(code for code, _ in country_choices("en"))


def text(required: str | None = None, maximum: int = TEXT_MAX) -> list:
    """Validators of a text field: required (with this message) or optional, and its length."""
    first = InputRequired(message=required) if required else Optional()
    return [first, Length(max=maximum, message=f"Use at most {maximum:,} characters.")]


class StepForm(FlaskForm):
    """A step's form, its field names prefixed with the step's name."""

    PREFIX = ""

    class Meta:
        # CSRFProtect has checked every POST's token before a view runs; the templates post
        # it as the plain `csrf_token`, which a prefixed form field would look for in vain.
        csrf = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)

    def reject(self, error: StepRejected) -> None:
        """Show a refusal next to the fields it names, the rest above the form."""
        for name, message in error.fields.items():
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)
        if error.message:
            self.form_errors.append(error.message)

    @property
    def has_errors(self) -> bool:
        """Tell whether any field, or the form itself, has an error to show."""
        return bool(self.form_errors) or any(field.errors for field in self)


class ContactForm(StepForm):
    """The shopper's email, for the order confirmation."""

    PREFIX = "contact"

    email = StringField(
        lazy_gettext("Email"),
        validators=[
            InputRequired(message=lazy_gettext("Enter your email address.")),
            Length(
                max=EMAIL_MAX,
                message=lazy_gettext("Use at most %(num)s characters.", num=EMAIL_MAX),
            ),
            Regexp(EMAIL, message=lazy_gettext("Enter an email address like name@example.com.")),
        ],
        filters=[_strip],
    )


class AddressForm(StepForm):
    """A postal address; the shipping and billing forms share these fields."""

    first_name = StringField("First name", text("Enter your first name."), filters=[_strip])
    last_name = StringField("Last name", text("Enter your last name."), filters=[_strip])
    company = StringField("Company", text(), filters=[_strip])
    address1 = StringField("Address", text("Enter your street address."), filters=[_strip])
    address2 = StringField("Apartment, suite, etc.", text(), filters=[_strip])
    city = StringField("City", text("Enter your city or town."), filters=[_strip])
    country_code = SelectField(
        "Country",
        validators=[InputRequired(message="Choose your country.")],
        validate_choice=False,
        filters=[_strip],
    )
    state_or_province = StringField("State or province", text(), filters=[_strip])
    # Not Optional(): whether it is required depends on the country (validate_postal_code).
    postal_code = StringField(
        "Postal code",
        [Length(max=POSTAL_CODE_MAX, message=f"Use at most {POSTAL_CODE_MAX} characters.")],
        filters=[_strip],
    )
    phone = StringField("Phone", text(maximum=PHONE_TYPED_MAX), filters=[_strip])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = list(country_choices(shopper_locale()))

    @classmethod
    def showing(cls, address: Address | None, default_country: str) -> AddressForm:
        """Return the form filled with an address on file (or empty, in the default country)."""
        address = address or Address(country_code=default_country)
        data = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        data["country_code"] = address.country_code or default_country
        return cls(formdata=None, data=data)

    def validate_country_code(self, field: SelectField) -> None:
        """Accept only a country of the list."""
        if field.data not in COUNTRY_CODES:
            raise ValidationError("Choose your country from the list.")

    def validate_state_or_province(self, field: StringField) -> None:
        """Check a state against the country's list, where the checkout has one."""
        country = self.country_code.data or ""
        if field.data and has_subdivisions(country) and not find_subdivision(country, field.data):
            raise ValidationError(f"Enter {SUBDIVISION_EXAMPLES[country]}.")

    def validate_postal_code(self, field: StringField) -> None:
        """Ask for a postal code wherever the country has them."""
        if not field.data and (self.country_code.data or "") not in NO_POSTAL_CODE:
            raise ValidationError("Enter your postal code.")

    def validate_phone(self, field: StringField) -> None:
        """Accept a phone number BigCommerce's pattern allows, once punctuation is removed."""
        if field.data and not PHONE.match(PHONE_PUNCTUATION.sub("", field.data)):
            raise ValidationError("Enter a phone number in digits, such as +1 614 555 0100.")

    def address(self) -> Address:
        """Return the address typed, with the state's code where the checkout knows it."""
        country = self.country_code.data or ""
        state = self.state_or_province.data or ""
        code = ""
        found = find_subdivision(country, state) if state else None
        if found is not None:
            code, state = found
        return Address(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            company=self.company.data or "",
            address1=self.address1.data or "",
            address2=self.address2.data or "",
            city=self.city.data or "",
            state_or_province=state,
            state_or_province_code=code,
            country_code=country,
            postal_code=self.postal_code.data or "",
            phone=PHONE_PUNCTUATION.sub("", self.phone.data or ""),
        )


class ShippingAddressForm(AddressForm):
    """Where the order ships to."""

    PREFIX = "shipping"


class BillingAddressForm(AddressForm):
    """The billing address: the shipping address (ticked), or one of its own."""

    PREFIX = "billing"

    same_as_shipping = BooleanField(lazy_gettext("Same as my shipping address"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the address fields only when they are the billing address."""
        if self.same_as_shipping.data:
            return True
        return super().validate(extra_validators)


class DeliveryForm(StepForm):
    """Ship to an address, or pick up in store with one of the store's methods."""

    PREFIX = "delivery"
    SHIP = "ship"

    method = StringField(
        lazy_gettext("Delivery method"),
        validators=[
            InputRequired(message=lazy_gettext("Choose how you want to get your order.")),
            Regexp(
                r"^(ship|pickup-\d{1,9})$",
                message=lazy_gettext("Choose one of the delivery methods shown."),
            ),
        ],
    )

    @property
    def pickup_method_id(self) -> int | None:
        """Return the pickup method chosen, or None for shipping."""
        value = self.method.data or ""
        return int(value.removeprefix("pickup-")) if value.startswith("pickup-") else None

    @staticmethod
    def value_for(pickup_method_id: int | None) -> str:
        """Return the field's value for a pickup method, or for shipping."""
        return DeliveryForm.SHIP if pickup_method_id is None else f"pickup-{pickup_method_id}"


class ShippingOptionForm(StepForm):
    """One of the shipping options BigCommerce offers for the address."""

    PREFIX = "shipping-option"

    option_id = StringField(
        lazy_gettext("Shipping method"),
        validators=[
            InputRequired(message=lazy_gettext("Choose a shipping method.")),
            Length(
                max=OPTION_ID_MAX, message=lazy_gettext("Choose one of the shipping methods shown.")
            ),
        ],
    )


class CouponForm(StepForm):
    """A coupon code to apply."""

    PREFIX = "coupon"

    code = StringField(
        lazy_gettext("Coupon code"),
        validators=[
            InputRequired(message=lazy_gettext("Enter a coupon code.")),
            Length(
                max=COUPON_CODE_MAX,
                message=lazy_gettext(
                    "A coupon code has at most %(num)s characters.", num=COUPON_CODE_MAX
                ),
            ),
        ],
        filters=[_strip],
    )


class RemoveCouponForm(StepForm):
    """An applied coupon to take off."""

    PREFIX = "coupon-remove"

    code = StringField(
        lazy_gettext("Coupon code"),
        validators=[InputRequired(), Length(max=COUPON_CODE_MAX)],
        filters=[_strip],
    )


class CommentForm(StepForm):
    """The shopper's note for the order."""

    PREFIX = "comment"

    message = TextAreaField(
        lazy_gettext("Note"),
        validators=[
            Length(
                max=COMMENT_MAX,
                message=lazy_gettext(
                    "Keep your note to %(num)s characters or fewer.", num=LocalNumber(COMMENT_MAX)
                ),
            )
        ],
        filters=[_one_line_breaks],
    )
