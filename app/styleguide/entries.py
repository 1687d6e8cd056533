"""The styleguide's catalogue: every component in every state, and what each entry shows.

Each entry names the template it shows (the very file the checkout renders), the states it is
in (for the template contract, see contract.py), the shopper's locale, and a function that
builds the template's inputs from fixtures. Forms with errors are real forms fed a bad post,
so their messages are the ones a shopper would read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from app.checkout import card_input
from app.checkout import event_data
from app.checkout.cards import PaidWith
from app.checkout.forms import LineQuantityForm
from app.checkout.place_outcome import QUOTE_CHANGED
from app.checkout.place_outcome import TOTAL_CHANGED
from app.checkout.place_outcome import PlaceOutcome
from app.checkout.receipt import receipt
from app.checkout.responses import steps_of
from app.checkout.sections import SECTIONS
from app.checkout.step_errors import OTHER_WINDOW
from app.checkout.step_errors import StepRejected
from app.checkout.step_forms import BillingAddressForm
from app.checkout.step_forms import CommentForm
from app.checkout.step_forms import ContactForm
from app.checkout.step_forms import CouponForm
from app.checkout.step_forms import ShippingAddressForm
from app.checkout.step_forms import ShippingOptionForm
from app.checkout.step_forms import StepForm
from app.checkout.step_models import METHOD_GONE
from app.checkout.summary import summarize
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import Checkout
from app.clients.bigcommerce import Order
from app.errors import MESSAGES
from app.styleguide import fixtures
from app.styleguide.fixtures import BOTH
from app.styleguide.fixtures import RETURNS
from app.styleguide.fixtures import SHIPPING

COMPONENTS = "components/"


@dataclass(frozen=True)
class Entry:
    """One state of one template, as the styleguide shows it."""

    slug: str
    group: str
    title: str
    note: str  # what to look for
    template: str  # the file shown, under templates/
    states: frozenset[str]
    context: Callable[[], dict[str, Any]]
    locale: str = "en_US"
    # Other templates the shown one includes, with their states, for the contract.
    includes: dict[str, frozenset[str]] = field(default_factory=dict)
    frame: str = ""  # classes around a component: "checkout htmx-request" shows it loading
    # A template shown before the component, standing in for what it needs on the page (the
    # payment form that Place order submits).
    beside: str = ""

    @property
    def is_page(self) -> bool:
        """Tell whether the template is a whole page (rendered as it is, not in a frame)."""
        return not self.template.startswith(COMPONENTS)

    @property
    def templates(self) -> dict[str, frozenset[str]]:
        """Return every template the entry renders, with its states."""
        # Every page's shell, with the language switcher in its header.
        shell = {"base.html": frozenset(), "components/language_switcher.html": frozenset()}
        return {self.template: self.states, **self.includes, **shell}


def states(*names: str) -> frozenset[str]:
    """Return a set of state names."""
    return frozenset(names)


def posted(form_class: type[StepForm], **fields: str) -> StepForm:
    """Return a step form fed a post and validated, so it carries the shopper's errors."""
    prefix = form_class.PREFIX
    form = form_class(formdata=MultiDict({f"{prefix}-{k}": v for k, v in fields.items()}))
    form.validate()
    return form


def refused_quantity(typed: str) -> str:
    """Return what the quantity form says of a typed quantity, as a refused change shows it."""
    form = LineQuantityForm(formdata=MultiDict({"quantity": typed}), meta={"csrf": False})
    assert not form.validate(), f"{typed!r} is a quantity the checkout takes"
    return str(form.quantity.errors[0])


def rejected(form: StepForm, message: str = "", **fields: str) -> StepForm:
    """Return a form with BigCommerce's refusal on it, as the step views show one."""
    form.reject(StepRejected(message, fields))
    return form


def ready() -> Checkout:
    """Return a checkout with everything Place order needs: an email and a delivery."""
    return fixtures.checkout(email="ada@example.com", address=True, option="standard")


def checkout_context(
    checkout=None,
    offer: OfferState | None = None,
    forms=None,
    saved=None,
    pickup=(),
    reopened=None,
    **extra,
) -> dict[str, Any]:
    """Return what the checkout templates receive, for a checkout and an offer."""
    offer = offer or OfferState()
    # An opt-in puts the fee on the checkout, and BigCommerce totals it with its tax.
    checkout = fixtures.with_protection(checkout or fixtures.checkout(), offer.accepted)
    return {
        "checkout": checkout,
        "summary": summarize(checkout),
        "offer": offer,
        "editable": True,
        "line_errors": {},
        # The styleguide never calls BigCommerce: the store's pickup methods are fixtures too.
        "steps": steps_of(
            checkout, forms, saved, pickup_methods=lambda: tuple(pickup), reopened=reopened
        ),
        # No terms link unless the entry shows one, whatever CHECKOUT_PLUS_TERMS_URL says.
        "checkout_plus_terms_url": None,
        **extra,
    }


def offer_entries() -> list[Entry]:
    """The Checkout+ offer for each set of modes, each currency, and each of its states."""
    group, template = "Checkout+ offer", "components/checkout_plus_offer.html"
    offered = states("offered", "not_opted_in", "no_terms")
    entries = [
        Entry(
            f"offer-{slug}",
            group,
            f"Offer: {title}",
            "The copy for this set of modes; the description must cover every mode.",
            template,
            offered,
            lambda mode=mode: checkout_context(offer=fixtures.offer("USD", mode)),
        )
        for slug, title, mode in (
            ("returns", "return coverage only", RETURNS),
            ("shipping", "shipping protection only", SHIPPING),
            ("both", "return coverage and shipping protection", BOTH),
            ("both-shipping-first", "both, Loop listing shipping first", BOTH[::-1]),
        )
    ]
    entries += [
        Entry(
            f"offer-{currency.lower()}",
            group,
            f"Offer in {currency}, {locale}",
            note,
            template,
            offered,
            lambda currency=currency: checkout_context(
                fixtures.checkout(currency), fixtures.offer(currency)
            ),
            locale=locale,
        )
        for currency, locale, note in (
            ("EUR", "de_DE", "German formatting: the amount before the symbol, a decimal comma."),
            ("JPY", "ja_JP", "No minor units: yen have no decimals."),
            ("KWD", "en_US", "Three decimals (ISO 4217): the Kuwaiti dinar has 1,000 fils."),
        )
    ]
    return [
        *entries,
        Entry(
            "offer-terms",
            group,
            "Offer: with a link to the protection terms",
            "CHECKOUT_PLUS_TERMS_URL is set: \"What's covered\" links to the merchant's terms "
            "(open it to see the link). Unset, there is no link (every other entry).",
            template,
            states("offered", "not_opted_in", "terms"),
            lambda: checkout_context(
                offer=fixtures.offer(), checkout_plus_terms_url=fixtures.TERMS_URL
            ),
        ),
        Entry(
            "offer-opted-in",
            group,
            "Offer: opted in",
            "The box is ticked and the fee is in the totals.",
            template,
            states("offered", "opted_in"),
            lambda: checkout_context(offer=fixtures.offer(opted_in=True)),
        ),
        Entry(
            "offer-reconfirm",
            group,
            "Offer: cover changed, tick again",
            "The cover changed after the shopper ticked: the box is clear and a notice asks "
            "them to tick again.",
            template,
            states("offered", "not_opted_in", "reconfirm"),
            lambda: checkout_context(offer=fixtures.offer(mode=RETURNS, reconfirm=True)),
        ),
        Entry(
            "offer-loading",
            group,
            "Offer: loading",
            "While the offer is re-priced it keeps its box and shows a skeleton over it, "
            "nothing that may be stale (the stylesheet draws it while htmx marks the checkout "
            "htmx-request).",
            template,
            states("offered", "not_opted_in"),
            lambda: checkout_context(offer=fixtures.offer()),
            frame="checkout htmx-request",
        ),
        Entry(
            "offer-first-load",
            group,
            "Offer: loading on the first page",
            "Loop had not answered within the page's short wait (CHECKOUT_PLUS_PAGE_WAIT_MS): "
            "a skeleton of the offer's size, with no box, price or copy, asks for the offer at "
            "once. Without JavaScript a link to the checkout stands in for it.",
            template,
            states("loading"),
            lambda: checkout_context(offer=replace(fixtures.offer(), loading=True)),
        ),
        Entry(
            "offer-hidden",
            group,
            "Offer: hidden",
            "Ineligible cart, Loop error or timeout: nothing at all is shown (the element "
            "stays, empty, so the next answer can fill it).",
            template,
            states("hidden"),
            lambda: checkout_context(offer=fixtures.no_offer()),
        ),
        Entry(
            "offer-withdrawn",
            group,
            "Offer: withdrawn after the shopper ticked it",
            "Loop no longer offers protection the shopper had ticked (here the cart went over "
            "Loop's maximum): no box, no price, one message where the offer was, until the "
            "shopper saves another step or places the order. The totals say it too.",
            template,
            states("withdrawn"),
            lambda: checkout_context(offer=fixtures.withdrawn_offer()),
        ),
    ]


def summary_entries() -> list[Entry]:
    """The order's totals, with and without the Checkout+ fee, and its lines."""
    group, template = "Order summary", "components/order_summary.html"
    totals = "components/order_totals.html"
    return [
        Entry(
            "summary-without-fee",
            group,
            "Summary without protection",
            "Before a shipping method is chosen; no protection fee.",
            totals,
            states("without_fee"),
            lambda: checkout_context(offer=fixtures.offer()),
        ),
        Entry(
            "summary-lines",
            group,
            "Summary lines",
            "Each line with its picture, unit price × quantity and controls. The sneakers have"
            " their catalog picture; the socks have none, so a placeholder keeps their square.",
            template,
            states("editable", "line_image", "no_line_image"),
            lambda: checkout_context(offer=fixtures.offer()),
        ),
        Entry(
            "summary-with-fee",
            group,
            "Summary with protection",
            "Opted in: the fee has its own line, named by CHECKOUT_PLUS_FEE_DISPLAY_NAME.",
            totals,
            states("with_fee"),
            lambda: checkout_context(
                fixtures.checkout(address=True, option="standard"),
                fixtures.offer(opted_in=True),
            ),
        ),
        Entry(
            "summary-fee-updating",
            group,
            "Summary while the fee is re-priced",
            "Right after a cart change: the fee and total say Updating… until Loop answers.",
            totals,
            states("fee_pending"),
            lambda: {
                **checkout_context(offer=fixtures.offer(opted_in=True)),
                "summary": summarize(
                    fixtures.with_protection(
                        fixtures.checkout(), fixtures.offer(opted_in=True).accepted
                    ),
                    pending=True,
                ),
            },
        ),
        Entry(
            "summary-fee-withdrawn",
            group,
            "Summary after protection was withdrawn",
            "The shopper had ticked protection and Loop withdrew it: no fee, and a line where "
            "it was says it was removed.",
            totals,
            states("without_fee", "fee_withdrawn"),
            lambda: checkout_context(offer=fixtures.withdrawn_offer()),
        ),
        Entry(
            "summary-discounts-and-fees",
            group,
            "Summary with a coupon and another app's fee",
            "Discounts, shipping, another app's fee (gift wrapping) and tax, in euros.",
            totals,
            states("without_fee"),
            lambda: checkout_context(
                fixtures.checkout(
                    "EUR", address=True, option="express", coupon=True, other_fee=True
                )
            ),
            locale="de_DE",
        ),
        Entry(
            "summary-bar",
            group,
            "Phone summary bar",
            "First under the heading on a narrow screen: 'Show order summary' and the total;"
            " opened, the lines. Wide screens hide it (widen the window to see it go).",
            "components/order_summary_bar.html",
            states(),
            lambda: checkout_context(fixtures.checkout(address=True, option="standard")),
        ),
        Entry(
            "summary-line-error",
            group,
            "Summary with a refused quantity",
            "The typed value stays in the field, with the message under the line.",
            template,
            states("editable", "line_error"),
            lambda: checkout_context(
                line_errors={"line-socks": (refused_quantity("12000"), "12000")}
            ),
        ),
        Entry(
            "summary-line-removed",
            group,
            "Summary after a line was removed",
            "Focus moves to the heading, since the button used went with its line.",
            template,
            states("editable", "line_removed"),
            lambda: checkout_context(line_removed=True),
        ),
    ]


def form_entries() -> list[Entry]:
    """Each checkout section, as a shopper first sees it and with its errors."""
    step = "Checkout steps"
    email = "ada@example.com"
    with_email = {"email": email}

    def section(slug, title, note, template, names, context, beside="") -> Entry:
        return Entry(slug, step, title, note, template, states(*names), context, beside=beside)

    payment_form = "styleguide/payment_form_stand_in.html"

    return [
        section(
            "contact",
            "Contact",
            "The first step: the email.",
            "components/checkout_contact.html",
            ("open",),
            checkout_context,
        ),
        section(
            "contact-done",
            "Contact, done",
            "Folded to the email, with Edit: a native disclosure holding the form.",
            "components/checkout_contact.html",
            ("done",),
            lambda: checkout_context(fixtures.checkout(**with_email), saved="contact"),
        ),
        section(
            "contact-errors",
            "Contact with an error",
            "An email that is not one: the message sits under the field, the text stays.",
            "components/checkout_contact.html",
            ("open", "errors"),
            lambda: checkout_context(forms={"contact": posted(ContactForm, email="ada@example")}),
        ),
        section(
            "shipping-locked",
            "Delivery before the email",
            "Delivery opens once an email is on file.",
            "components/checkout_shipping.html",
            ("locked",),
            checkout_context,
        ),
        section(
            "shipping-open",
            "Delivery, open",
            "Right after the email: the current step, its first field focused.",
            "components/checkout_shipping.html",
            ("open",),
            lambda: checkout_context(fixtures.checkout(**with_email), saved="contact"),
        ),
        section(
            "shipping-options",
            "Delivery: address and shipping methods",
            "An address on file and the methods BigCommerce offers for it; the first has focus.",
            "components/checkout_shipping.html",
            ("open", "options"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, address=True), saved="shipping"
            ),
        ),
        section(
            "shipping-done",
            "Delivery, done",
            "Folded to the address and the method, with Edit.",
            "components/checkout_shipping.html",
            ("done", "options"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, address=True, option="standard"), saved="shipping"
            ),
        ),
        section(
            "shipping-reopened",
            "Delivery, open again",
            "The address changed and no longer has the method chosen: the step reopens and"
            " says why.",
            "components/checkout_shipping.html",
            ("open", "options", "reopened"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, address=True),
                saved="shipping",
                reopened={"shipping": METHOD_GONE},
            ),
        ),
        section(
            "shipping-errors",
            "Delivery with errors",
            "Missing fields, a state the country does not have, and BigCommerce's refusal.",
            "components/checkout_shipping.html",
            ("open", "errors"),
            lambda: checkout_context(
                fixtures.checkout(**with_email),
                forms={
                    "shipping_address": rejected(
                        posted(
                            ShippingAddressForm,
                            first_name="Ada",
                            country_code="US",
                            state_or_province="Atlantis",
                        ),
                        OTHER_WINDOW,
                    )
                },
            ),
        ),
        section(
            "shipping-pickup",
            "Delivery: store pickup",
            "The store offers pickup and the shopper chose it.",
            "components/checkout_shipping.html",
            ("done", "pickup", "pickup_chosen"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, pickup=True), pickup=(fixtures.PICKUP,)
            ),
        ),
        section(
            "shipping-option-error",
            "Delivery: a shipping method refused",
            "BigCommerce no longer offers the method chosen.",
            "components/checkout_shipping.html",
            ("open", "options"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, address=True),
                forms={
                    "shipping_option": rejected(
                        posted(ShippingOptionForm, option_id="gone"),
                        option_id="Shipping method is no longer available.",
                    )
                },
            ),
        ),
        section(
            "billing-locked",
            "Billing before delivery",
            "A shipped order's billing address follows delivery unless changed.",
            "components/checkout_billing.html",
            ("locked",),
            lambda: checkout_context(fixtures.checkout(**with_email)),
        ),
        section(
            "billing",
            "Billing: same as shipping",
            "Written from the delivery step: folded to 'Same as shipping address'. Edit shows"
            " the ticked box; the stylesheet hides the address fields.",
            "components/checkout_billing.html",
            ("done", "follows_shipping"),
            lambda: checkout_context(fixtures.checkout(**with_email, address=True)),
        ),
        section(
            "billing-open",
            "Billing for a pickup",
            "Nothing ships, so the billing address is a step of its own, open after delivery.",
            "components/checkout_billing.html",
            ("open",),
            lambda: checkout_context(
                fixtures.checkout(**with_email, pickup=True), saved="shipping"
            ),
        ),
        section(
            "billing-errors",
            "Billing with errors",
            "A billing address of its own with fields missing.",
            "components/checkout_billing.html",
            ("done", "errors", "follows_shipping"),
            lambda: checkout_context(
                fixtures.checkout(**with_email, address=True),
                forms={
                    "billing": posted(BillingAddressForm, last_name="Shopper", country_code="US")
                },
            ),
        ),
        section(
            "coupon-applied",
            "Coupon applied",
            "An applied coupon with its Remove button.",
            "components/checkout_coupon.html",
            ("open", "applied"),
            lambda: checkout_context(fixtures.checkout(coupon=True), saved="coupon"),
        ),
        section(
            "coupon-errors",
            "Coupon refused",
            "A code BigCommerce refuses; what was typed stays.",
            "components/checkout_coupon.html",
            ("open", "errors"),
            lambda: checkout_context(
                forms={
                    "coupon": rejected(
                        posted(CouponForm, code="SPRING99"), code="Coupon code has expired."
                    )
                }
            ),
        ),
        section(
            "comment",
            "Order note",
            "The optional note for the store.",
            "components/checkout_comment.html",
            ("open",),
            lambda: checkout_context(fixtures.checkout(message="Please leave it at the door.")),
        ),
        section(
            "comment-errors",
            "Order note too long",
            "Past BigCommerce's 2,000 characters.",
            "components/checkout_comment.html",
            ("open", "errors"),
            lambda: checkout_context(forms={"comment": posted(CommentForm, message="x" * 2001)}),
        ),
        section(
            "payment",
            "Payment",
            "The card fields and Place order and pay: a plain form.",
            "components/checkout_payment.html",
            ("open",),
            lambda: checkout_context(checkout=ready()),
        ),
        section(
            "payment-errors",
            "Payment with errors",
            "Each field refused; only the name and expiry are shown again.",
            "components/checkout_payment.html",
            ("open", "errors"),
            lambda: checkout_context(
                checkout=ready(),
                payment_values={"cardholder_name": "Ada Shopper", "expiry": "13/29"},
                payment_errors={
                    "card_number": "Enter the 12 to 19 digits on the card.",
                    "expiry": card_input.EXPIRY_MONTH,
                    "security_code": "Enter the security code.",
                },
                place_outcome=PlaceOutcome(errors={"expiry": "Enter the expiry date."}),
            ),
        ),
        section(
            "payment-declined",
            "Payment declined",
            "BigCommerce declined the card; the shopper can try another.",
            "components/checkout_payment.html",
            ("open", "payment_problem"),
            lambda: checkout_context(
                checkout=ready(),
                payment_values={"cardholder_name": "Ada Shopper", "expiry": "04/29"},
                place_outcome=PlaceOutcome(
                    problem="Your card was declined. Please try another card."
                ),
            ),
        ),
        section(
            "payment-notice",
            "Order not placed: the protection price changed",
            "Loop's fresh quote differed from the one ticked; nothing was charged.",
            "components/checkout_payment.html",
            ("open", "notice"),
            lambda: checkout_context(
                checkout=ready(), place_outcome=PlaceOutcome(notice=QUOTE_CHANGED)
            ),
        ),
        section(
            "payment-total-changed",
            "Order not placed: the total changed",
            "The order would have charged another total than the page showed; nothing was"
            " charged. The message names the figures that moved and the new total.",
            "components/checkout_payment.html",
            ("open", "notice"),
            lambda: checkout_context(
                checkout=ready(),
                place_outcome=PlaceOutcome(
                    notice=TOTAL_CHANGED,
                    shown=fixtures.shown_total(tax=606, total=10667),
                    now=fixtures.shown_total(tax=642, total=10703),
                ),
            ),
        ),
        section(
            "place-ready",
            "Place order",
            "The button that pays; it submits the payment form.",
            "components/checkout_place.html",
            ("ready",),
            lambda: checkout_context(checkout=ready()),
            beside=payment_form,
        ),
        section(
            "place-missing",
            "Place order, not yet",
            "No button until the order has an email, a delivery and a billing address; it says"
            " what is missing.",
            "components/checkout_place.html",
            ("missing",),
            checkout_context,
        ),
    ]


def confirmation_context(
    order: Order, protection: Quote | None, paid_with: PaidWith | None = None
) -> dict[str, Any]:
    """Return the confirmation page's inputs for a made-up order, as its view gives them."""
    fee_name = current_app.config["SETTINGS"].fee_display_name
    return {
        "order": order,
        "receipt": receipt(order, fee_name),
        "protection": protection,
        "paid_with": paid_with or fixtures.paid_with(),
    }


def events_sample() -> list[str]:
    """Return a made-up checkout's first events: the checkout begun, the offer viewed."""
    summary = summarize(fixtures.checkout())
    quote = fixtures.offer().quote
    assert quote is not None  # the fixture's offer is offered
    return [
        event_data.from_summary(event_data.BEGIN_CHECKOUT, summary),
        event_data.offer_event(event_data.OFFER_VIEWED, quote),
    ]


def page_entries() -> list[Entry]:
    """Whole pages: the checkout, the confirmation and every error page."""
    group = "Pages"
    entries = [
        Entry(
            "page-checkout",
            group,
            "The checkout page",
            "Every component together, as a shopper first sees them.",
            "checkout/page.html",
            states(),
            lambda: checkout_context(offer=fixtures.offer()),
            includes={
                "components/checkout_plus_offer.html": states("offered", "not_opted_in"),
                "components/order_summary.html": states("editable"),
                "components/checkout_payment.html": states("open"),
            },
        ),
        Entry(
            "confirmation-protected",
            group,
            "Confirmation with protection",
            "Shipped to Ohio: every row before tax, the tax on its own row, the fee under its "
            "configured name and the cover; the rows add up to the total paid.",
            "checkout/confirmation.html",
            states("protected", "shipped", "tax_excluded"),
            lambda: confirmation_context(fixtures.order(), fixtures.offer().quote),
        ),
        Entry(
            "confirmation-unprotected",
            group,
            "Confirmation without protection",
            "The shopper declined: no fee, no cover claimed.",
            "checkout/confirmation.html",
            states("unprotected", "shipped", "tax_excluded"),
            lambda: confirmation_context(
                fixtures.order(protected=False), None, fixtures.paid_with("5555555555554444")
            ),
        ),
        Entry(
            "confirmation-pickup-coupon",
            group,
            "Confirmation: store pickup, a coupon and another app's fee",
            "Collected from the downtown store (no shipping row); the coupon names its code; "
            "another app's fee has its own row beside ours.",
            "checkout/confirmation.html",
            states("protected", "pickup", "tax_excluded"),
            lambda: confirmation_context(
                fixtures.order(pickup=True, coupon=True, other_fee=True),
                fixtures.offer(mode=RETURNS).quote,
            ),
        ),
        Entry(
            "confirmation-tax-included",
            group,
            "Confirmation: prices including tax (euros, German shopper)",
            "Every amount includes tax, so the rows add up to the total without a tax row; the "
            "tax the total holds is told apart as Included tax, not added.",
            "checkout/confirmation.html",
            states("protected", "shipped", "tax_included"),
            lambda: confirmation_context(
                fixtures.order("EUR", tax_included=True), fixtures.offer("EUR").quote
            ),
            locale="de_DE",
        ),
        Entry(
            "checkout-events",
            group,
            "Analytics events (nothing shows)",
            "With CHECKOUT_ANALYTICS_EVENTS=1 the checkout and the confirmation hold this hidden "
            "container; each marker is one event the events script pushes to the dataLayer.",
            "components/checkout_events.html",
            states(),
            lambda: {"checkout_events": events_sample()},
        ),
    ]
    return entries + [
        Entry(
            f"error-{status}",
            "Error pages",
            f"Error {status}: {title}",
            "Every error page is errors/error.html with its own words.",
            "errors/error.html",
            states(),
            lambda status=status, title=title, message=message: {
                "status": status,
                "title": title,
                "message": message,
            },
        )
        for status, (title, message) in sorted(MESSAGES.items())
    ]


def section_entries(entries: list[Entry]) -> list[Entry]:
    """A first look at each section of the checkout that no entry above shows yet.

    So a section added to the sections table is in the styleguide, and checked against the
    contract its entry gives it, before anyone writes entries for its other states.
    """
    shown = {entry.template for entry in entries}
    return [
        Entry(
            section.name,
            "Checkout steps",
            section.title,
            "As a shopper first sees it.",
            section.template,
            states("open"),
            checkout_context,
        )
        for section in SECTIONS
        if section.template not in shown
    ]


_WRITTEN = offer_entries() + summary_entries() + form_entries() + page_entries()
ENTRIES: tuple[Entry, ...] = tuple(_WRITTEN + section_entries(_WRITTEN))
BY_SLUG = {entry.slug: entry for entry in ENTRIES}
