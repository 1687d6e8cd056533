"""A step BigCommerce refused, worded for the shopper and tied to the field that caused it."""

from __future__ import annotations

import re
from collections.abc import Collection

from app.clients.bigcommerce import BigCommerceRejected
from app.clients.bigcommerce import Checkout
from app.text import N_
from app.text import Message

# How BigCommerce names each field in its 422 errors, and what the shopper reads.
FIELD_LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "company": N_("Company"),
    "address1": N_("Address"),
    "address2": N_("Apartment, suite, etc."),
    "city": N_("City"),
    "state_or_province": N_("State or province"),
    "country_code": N_("Country"),
    "postal_code": N_("Postal code"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "code": N_("Coupon code"),
    "message": N_("Your note"),
    "option_id": N_("Shipping method"),
}
# The last part of an error path such as "[0].address.state_or_province".
FIELD_NAME = re.compile(r"([A-Za-z_]+)\W*$")
OTHER_WINDOW = N_("Your checkout was changed in another window. Please check it and try again.")


class StepRejected(Exception):
    """BigCommerce (or a rule of the step) refused the change; say why, field by field."""

    def __init__(
        self,
        message: str = "",
        fields: dict[str, str] | None = None,
        checkout: Checkout | None = None,
    ) -> None:
        super().__init__(message or "; ".join((fields or {}).values()))
        self.message = message
        self.fields = fields or {}
        self.checkout = checkout  # the checkout as it still is, when it was read


def rejection(
    error: BigCommerceRejected, checkout: Checkout, known: Collection[str], rename: dict[str, str]
) -> StepRejected:
    """Tie BigCommerce's field errors to the step's fields; the rest becomes one message."""
    found: dict[str, str] = {}
    for path, problem in error.errors.items():
        match = FIELD_NAME.search(path)
        name = match.group(1) if match else path
        name = rename.get(name, "state_or_province" if name == "state_or_province_code" else name)
        if name in known and name not in found:
            found[name] = sentence(name, problem)
    if found:
        return StepRejected(fields=found, checkout=checkout)
    return StepRejected(problem(error), checkout=checkout)


def sentence(name: str, problem: str) -> str:
    """Word a field error for the shopper: "State or province is required for this country."""
    text = problem.strip().rstrip(".") or Message("is not valid")
    label = Message(FIELD_LABELS[name]) if name in FIELD_LABELS else name
    # Translators: a field's name and BigCommerce's reason, in English ("City is required.").
    return Message("%(field)s %(problem)s.", field=label, problem=text)


def problem(error: BigCommerceRejected) -> str:
    """Word a refusal that names no field we show."""
    detail = str(error).replace("`", "").strip()
    if detail and detail != "refused":
        return Message("The store could not save this: %(detail)s.", detail=detail.rstrip("."))
    return N_("The store could not save this. Please check it and try again.")


def coupon_problem(error: BigCommerceRejected) -> str:
    """Word a refused coupon code, keeping BigCommerce's reason (invalid, expired...)."""
    if error.errors:
        return sentence("code", next(iter(error.errors.values())))
    detail = str(error).replace("`", "").strip()
    if detail and detail != "refused":
        return detail if detail.endswith(".") else f"{detail}."
    return N_("This coupon code can't be used for your order.")
