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
from flask_babel import gettext
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

from app.checkout.address_formats import CITY
from app.checkout.address_formats import POSTAL_CODE
from app.checkout.address_formats import REGION
from app.checkout.address_formats import AddressFormat
from app.checkout.address_formats import address_format
from app.checkout.address_formats import phone_e164
from app.checkout.address_formats import phone_example
from app.checkout.address_formats import region_choices
from app.checkout.delivery import ADDRESS_FIELDS
from app.checkout.step_errors import StepRejected
from app.clients.bigcommerce import Address
from app.locales import LocalNumber
from app.locales import country_name
from app.locales import page_language
from app.locales import shopper_locale
from app.locales import translate

TEXT_MAX = 255
POSTAL_CODE_MAX = 50
EMAIL_MAX = 254  # RFC 5321's limit on a forward path, within BigCommerce's 255
COUPON_CODE_MAX = 50
COMMENT_MAX = 2000
OPTION_ID_MAX = 100
# Room for spaces and punctuation around the 16 characters the phone pattern allows.
PHONE_TYPED_MAX = 32
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Babel's territories include regions and pseudo-locales that are no ISO 3166-1 country.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _one_line_breaks(value: Any) -> Any:
    # Browsers post a textarea's line breaks as CRLF; BigCommerce counts what we send.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


@cache
def country_choices(locale: str) -> tuple[tuple[str, str], ...]:
    """Return ``(code, name)`` for every country, named and ordered for the shopper's locale.

    Names come from Babel's CLDR territories (not pycountry's iso3166-1 catalogs): the same
    source as the folded address's country and the phone message, in every checkout locale.
    """
    names = Locale.parse(locale).territories
    countries = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return tuple(sorted(countries, key=lambda country: _sort_key(country[1])))


COUNTRY_CODES = frozenset(code for code, _ in country_choices("en"))


def at_most(maximum: int) -> Length:
    """A text field's length limit, said with the limit in the shopper's locale."""
    return Length(
        max=maximum,
        message=lazy_gettext("Use at most %(num)s characters.", num=LocalNumber(maximum)),
    )


def text(required: str | None = None, maximum: int = TEXT_MAX) -> list:
    """Validators of a text field: required (with this message) or optional, and its length."""
    first = InputRequired(message=required) if required else Optional()
    return [first, at_most(maximum)]


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
            at_most(EMAIL_MAX),
            Regexp(EMAIL, message=lazy_gettext("Enter an email address like name@example.com.")),
        ],
        filters=[_strip],
    )


class AddressForm(StepForm):
    """A postal address; the shipping and billing forms share these fields.

    Which fields the country has, in which order, which it needs, their labels, the postal
    code's format and the regions all follow the country chosen (address_formats). A field
    the country does not have is neither checked nor sent.
    """

    first_name = StringField(
        lazy_gettext("First name"), text(lazy_gettext("Enter your first name.")), filters=[_strip]
    )
    last_name = StringField(
        lazy_gettext("Last name"), text(lazy_gettext("Enter your last name.")), filters=[_strip]
    )
    company = StringField(lazy_gettext("Company"), text(), filters=[_strip])
    address1 = StringField(
        lazy_gettext("Address"), text(lazy_gettext("Enter your street address.")), filters=[_strip]
    )
    address2 = StringField(lazy_gettext("Apartment, suite, etc."), text(), filters=[_strip])
    # Not Optional(): whether these are needed depends on the country (validate_*).
    city = StringField(
        lazy_gettext("City"),
        [at_most(TEXT_MAX)],
        filters=[_strip],
    )
    country_code = SelectField(
        lazy_gettext("Country"),
        validators=[InputRequired(message=lazy_gettext("Choose your country."))],
        validate_choice=False,
        filters=[_strip],
    )
    state_or_province = StringField(
        lazy_gettext("State or province"),
        [at_most(TEXT_MAX)],
        filters=[_strip],
    )
    postal_code = StringField(
        lazy_gettext("Postal code"),
        [at_most(POSTAL_CODE_MAX)],
        filters=[_strip],
    )
    phone = StringField(lazy_gettext("Phone"), text(maximum=PHONE_TYPED_MAX), filters=[_strip])

    # Posted to the country re-render (no JavaScript, or htmx): shown open, nothing checked.
    changing_country = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country_code.choices = list(country_choices(shopper_locale()))

    @classmethod
    def showing(cls, address: Address | None, default_country: str) -> AddressForm:
        """Return the form filled with an address on file (or empty, in the default country)."""
        address = address or Address(country_code=default_country)
        data = {name: getattr(address, name) for name in ADDRESS_FIELDS}
        data["country_code"] = address.country_code or default_country
        # The region list's value is the code BigCommerce holds ("OH"), else the name typed.
        data["state_or_province"] = address.state_or_province_code or address.state_or_province
        return cls(formdata=None, data=data)

    @property
    def country(self) -> str:
        """Return the country chosen, if it is one of the list, else ""."""
        code = self.country_code.data or ""
        return code if code in COUNTRY_CODES else ""

    @property
    def format(self) -> AddressFormat:
        """Return the chosen country's address form (Google's defaults before one is chosen)."""
        return address_format(self.country or "ZZ")

    def address_fields(self) -> list[str]:
        """Return the names of the address fields the country has, in its order."""
        return list(self.format.fields)

    def region_choices(self) -> tuple[tuple[str, str], ...]:
        """Return the country's regions as ``(code, name)`` in the shopper's language."""
        return region_choices(self.format.country, page_language())

    @property
    def region_value(self) -> str:
        """Return the region as the list knows it ("OH" for "ohio"), else as typed."""
        typed = self.state_or_province.data or ""
        found = self.format.find_region(typed) if typed else None
        return found.code if found is not None else typed

    def labels(self) -> dict[str, str]:
        """Return the country's labels of its fields, in the shopper's language."""
        found = self.format
        return {
            CITY: translate(found.city_words.label),
            REGION: translate(found.region_words.label),
            POSTAL_CODE: translate(found.postal_words.label),
        }

    def validate_country_code(self, field: SelectField) -> None:
        """Accept only a country of the list."""
        if field.data not in COUNTRY_CODES:
            raise ValidationError(gettext("Choose your country from the list."))

    def validate_city(self, field: StringField) -> None:
        """Ask for the city where the country needs it."""
        found = self.format
        if not field.data and self.country and found.requires(CITY):
            raise ValidationError(translate(found.city_words.missing))

    def validate_state_or_province(self, field: StringField) -> None:
        """Ask for the region where the country needs it; one of its list where it has one."""
        found = self.format
        if not self.country or not found.has(REGION):
            return
        if not field.data:
            if found.requires(REGION):
                raise ValidationError(translate(found.region_words.missing))
            return
        if found.regions and found.find_region(field.data) is None:
            raise ValidationError(translate(found.region_words.wrong))

    def validate_postal_code(self, field: StringField) -> None:
        """Ask for a postal code where the country needs one, in the country's format."""
        found = self.format
        if not self.country or not found.has(POSTAL_CODE):
            return
        if not field.data:
            if found.requires(POSTAL_CODE):
                raise ValidationError(translate(found.postal_words.missing))
            return
        if not found.postal_code_fits(field.data):
            raise ValidationError(translate(found.postal_code_wrong()))

    def validate_phone(self, field: StringField) -> None:
        """Accept a number valid for the country (one starting with + keeps its own country)."""
        if field.data and phone_e164(field.data, self.country or "US") is None:
            raise ValidationError(self.phone_problem())

    def phone_problem(self) -> str:
        """Say the phone number is not valid, with one of the country's as an example."""
        country = self.country
        name = country_name(country)
        example = phone_example(country) if country else ""
        if not example:
            return gettext(
                "Enter a valid phone number, with its country code, such as +1 614 555 0100."
            )
        return gettext(
            "Enter a valid phone number for %(country)s, such as %(example)s.",
            country=name,
            example=example,
        )

    def address(self) -> Address:
        """Return the address typed, for the country's fields only, with the region's code
        and English or Latin name, and the phone in E.164."""
        found = self.format
        country = self.country or (self.country_code.data or "")
        region_name, region_code = "", ""
        if found.has(REGION):
            typed = self.state_or_province.data or ""
            region = found.find_region(typed) if typed else None
            region_name, region_code = (region.name, region.code) if region else (typed, "")
        phone = self.phone.data or ""
        return Address(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            company=self.company.data or "",
            address1=self.address1.data or "",
            address2=self.address2.data or "",
            city=(self.city.data or "") if found.has(CITY) else "",
            state_or_province=region_name,
            state_or_province_code=region_code,
            country_code=country,
            postal_code=(self.postal_code.data or "").upper() if found.has(POSTAL_CODE) else "",
            phone=(phone_e164(phone, country or "US") or "") if phone else "",
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
