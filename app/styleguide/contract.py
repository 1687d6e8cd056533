"""The template contract: the ids, hooks, field names and htmx attributes templates must keep.

The server reads these names back from posted forms, htmx swaps by these ids, and the tests
and the browser rely on these hooks. A designer may change anything else. Each hook is a CSS
selector that must match in the rendered HTML of the template, in the states it names (an
empty ``states`` means every state). ``absent`` hooks must not match in those states (an offer
the shopper has not ticked must not be rendered checked). ``python -m app.styleguide`` checks
every styleguide entry against this.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import BeautifulSoup
from wtforms.fields.core import UnboundField

from app.checkout.sections import SECTIONS
from app.checkout.sections import Section


@dataclass(frozen=True)
class Hook:
    """One name the template must keep, and why."""

    selector: str
    why: str
    states: frozenset[str] = frozenset()  # empty: every state of the template
    absent: bool = False  # the selector must match nothing in those states

    def applies_to(self, states: frozenset[str]) -> bool:
        """Tell whether the hook is required in an entry showing these states."""
        return not self.states or bool(self.states & states)


def hook(selector: str, why: str, *states: str, absent: bool = False) -> Hook:
    """Return a hook required in the given states (every state when none is given)."""
    return Hook(selector, why, frozenset(states), absent)


INVALID_FIELD = "a refused field says so to screen readers and points at its message"
# Every step section, in each state it can be in (see macros/checkout_fields.html, step).
STEP_STATE_HOOKS = (
    hook("[data-step-state=open] form[method=post]", "the open step is a real form", "open"),
    hook("[data-step-state=done] [data-step-summary]", "a done step says what was given", "done"),
    hook(
        "[data-step-state=done] details > summary",
        "a done step's Edit control: a native disclosure that needs no JavaScript",
        "done",
    ),
)
# Contact is the first step: it is never locked; the steps after it are, until reached.
LOCKED_HOOKS = (
    hook("[data-step-state=locked]", "a step not reached yet waits", "locked"),
    hook(
        "[data-step-state=locked] form", "a step not reached yet has no form", "locked", absent=True
    ),
)
# Hooks written out by hand: what the sections table cannot tell (see section_hooks).
EXTRA_HOOKS: dict[str, tuple[Hook, ...]] = {
    "base.html": (
        hook("main#main", "the skip link jumps here"),
        hook("meta[name=htmx-config]", "htmx's safety settings (no eval, same-origin only)"),
        hook("script[src*='/static/vendor/htmx-']", "htmx comes only from the vendored file"),
    ),
    "checkout/page.html": (
        hook("#checkout", "the frame htmx marks while a cart change is in flight"),
        *(
            hook(f"#checkout #{section.root}", f"the page shows the {section.title.lower()}")
            for section in SECTIONS
            if not section.optional
        ),
    ),
    "components/checkout_plus_offer.html": (
        hook("#checkout-plus-offer[data-state]", "htmx swaps the offer by this id; tests read it"),
        hook(
            "#checkout-plus-offer[hx-get][hx-trigger~='cart-changed'][hx-target='this']"
            "[hx-swap='outerHTML']",
            "the offer asks for itself again whenever the cart changes",
        ),
        hook(
            "#checkout-plus-offer ~ #checkout-plus-status[role=status][aria-live=polite]",
            "the live region that reads changes out, outside the swapped offer",
        ),
        hook("#checkout-plus-offer[data-state=offered]", "an offer on show says so", "offered"),
        hook(
            "#checkout-plus-offer form[method=post][action][hx-post][hx-target]",
            "the opt-in is a real form, saved on every tick",
            "offered",
        ),
        hook(
            "#checkout-plus-offer input[type=checkbox][name=checkout_plus]",
            "the server reads the opt-in from this field",
            "offered",
        ),
        hook(
            "#checkout-plus-offer input[type=hidden][name=quote]",
            "says which price the shopper saw, so no one is opted in to another",
            "offered",
        ),
        hook(
            "#checkout-plus-offer [data-checkout-plus-price][data-amount][data-currency]",
            "the price, in minor units, for tests and analytics",
            "offered",
        ),
        hook(
            "#checkout-plus-offer [data-checkout-plus-description][data-mode]",
            "the description of what is covered, with Loop's modes",
            "offered",
        ),
        hook(
            "#checkout-plus-offer input[name=checkout_plus][checked]",
            "the box shows the shopper's opt-in",
            "opted_in",
        ),
        hook(
            "#checkout-plus-offer input[name=checkout_plus][checked]",
            "Loop's rule: the offer is opt-in, never ticked for the shopper",
            "not_opted_in",
            absent=True,
        ),
        hook(
            "#checkout-plus-offer [data-checkout-plus-notice]",
            "the notice that asks the shopper to tick again after the cover changed",
            "reconfirm",
        ),
        hook(
            "#checkout-plus-offer[data-state=loading][hx-trigger^='load'][hx-get] "
            "[data-checkout-plus-skeleton]",
            "Loop had not answered in time: a skeleton asks for the offer as soon as it loads",
            "loading",
        ),
        hook(
            "#checkout-plus-offer noscript a[href]",
            "without JavaScript a link shows the offer once Loop has answered",
            "loading",
        ),
        hook(
            "#checkout-plus-offer input, #checkout-plus-offer [data-checkout-plus-price], "
            "#checkout-plus-offer [data-checkout-plus-description]",
            "a loading offer shows no box, no price and no cover that may be stale",
            "loading",
            absent=True,
        ),
        hook(
            "#checkout-plus-offer[data-state=hidden]:empty",
            "a hidden offer shows nothing at all: no greyed-out box",
            "hidden",
        ),
        hook(
            "#checkout-plus-offer[data-state=withdrawn] [data-checkout-plus-withdrawn]",
            "the shopper is told, where the offer was, that the fee they chose was removed",
            "withdrawn",
        ),
        hook(
            "#checkout-plus-offer input, #checkout-plus-offer [data-checkout-plus-price], "
            "#checkout-plus-offer [data-checkout-plus-description]",
            "a withdrawn offer is no offer: no box, no price, no cover",
            "withdrawn",
            absent=True,
        ),
        hook(
            "#checkout-plus-offer [data-checkout-plus-withdrawn]",
            "an offer on show was not withdrawn",
            "offered",
            absent=True,
        ),
        hook(
            "#checkout-plus-offer details a[href][data-checkout-plus-terms]",
            "\"What's covered\" links to the merchant's terms when CHECKOUT_PLUS_TERMS_URL is set",
            "terms",
        ),
        hook(
            "#checkout-plus-offer [data-checkout-plus-terms]",
            "no terms link unless CHECKOUT_PLUS_TERMS_URL is set",
            "no_terms",
            absent=True,
        ),
    ),
    "components/order_summary.html": (
        hook("#order-summary[data-currency]", "htmx swaps the summary by this id"),
        hook("#order-summary-title", "focus lands here when a line goes"),
        hook("[data-line-id][data-product-id][data-quantity]", "each line, for tests"),
        hook(
            "[data-line-id] img[data-line-image][src][alt=''][width][height]",
            "the line's catalog picture (BigCommerce's image_url), decorative beside the name, "
            "sized so nothing moves while it loads",
            "line_image",
        ),
        hook(
            "[data-line-id] [data-line-image-placeholder]",
            "a line without a picture keeps the same square",
            "no_line_image",
        ),
        hook("[data-line-id] [data-line-each]", "the unit price × quantity under the name"),
        hook(
            "form[id^=line-][id$=-set][method=post][hx-post][hx-target='#order-summary']",
            "the typed quantity's form (Enter submits it)",
            "editable",
        ),
        hook(
            "form[id^=line-][id$=-step][method=post][hx-post][hx-target='#order-summary']",
            "the form of the −, + and Remove buttons",
            "editable",
        ),
        hook("input[id$=-quantity][name=quantity]", "the server reads the quantity", "editable"),
        hook(
            "button[id$=-decrease][name=quantity], button[id$=-increase][name=quantity]",
            "the step buttons keep their ids, so focus returns to them after a swap",
            "editable",
        ),
        hook("button[id$=-remove][name=quantity][value='0']", "Remove sets 0", "editable"),
        hook("[aria-invalid=true][aria-describedby$=-error]", INVALID_FIELD, "line_error"),
        hook(
            "#order-summary-title[autofocus][tabindex='-1']",
            "focus moves to the heading when the control used went with its line",
            "line_removed",
        ),
    ),
    "components/order_totals.html": (
        hook("#order-totals", "the offer's answers swap the totals by this id"),
        hook("[data-total=subtotal][data-amount]", "each total in minor units, for tests"),
        hook("[data-total=tax][data-amount]", "each total in minor units, for tests"),
        hook("[data-total=total]", "the total the shopper pays"),
        hook(
            "[data-total=checkout_plus][data-checkout-plus-fee][data-amount]",
            "the protection fee, while the shopper is opted in",
            "with_fee",
        ),
        hook(
            "[data-checkout-plus-fee]",
            "no protection fee unless the shopper opted in",
            "without_fee",
            absent=True,
        ),
        hook(
            "[data-checkout-plus-fee][data-pending]:not([data-amount])",
            "a fee being re-priced shows no stale amount",
            "fee_pending",
        ),
        hook(
            "[data-checkout-plus-withdrawn]:not([data-amount])",
            "the totals say the protection fee the shopper chose was removed",
            "fee_withdrawn",
        ),
        hook(
            "[data-checkout-plus-withdrawn]",
            "no word of a removed fee while the fee is in the total",
            "with_fee",
            absent=True,
        ),
    ),
    "components/checkout_contact.html": (
        *STEP_STATE_HOOKS,
        hook(
            "#contact-email[aria-invalid=true][aria-describedby~=contact-email-error]",
            INVALID_FIELD,
            "errors",
        ),
        hook("#contact-email-error", "the message next to the field", "errors"),
    ),
    "components/checkout_shipping.html": (
        *STEP_STATE_HOOKS,
        *LOCKED_HOOKS,
        hook(
            "[data-step-state=open] #checkout-shipping-reopened",
            "why a delivery that was done is open again",
            "reopened",
        ),
        hook(
            "form#shipping-option-form[hx-post][hx-trigger=change] "
            "[data-shipping-option-id] input[type=radio][name=shipping-option-option_id]",
            "each shipping method, saved on change",
            "options",
        ),
        hook(
            "form#delivery-form[hx-post][hx-trigger=change] "
            "input[type=radio][name=delivery-method]",
            "ship or pick up, saved on change",
            "pickup",
        ),
        hook("[data-pickup-method-id]", "the pickup chosen", "pickup_chosen"),
        hook("[aria-invalid=true][aria-describedby$=-error]", INVALID_FIELD, "errors"),
        hook("#shipping-address-problem[role=alert]", "what stopped the whole form", "errors"),
    ),
    "components/checkout_billing.html": (
        *STEP_STATE_HOOKS,
        *LOCKED_HOOKS,
        hook(
            "input[type=checkbox][name=billing-same_as_shipping]",
            "billing follows shipping",
            "follows_shipping",
        ),
        hook("[aria-invalid=true][aria-describedby$=-error]", INVALID_FIELD, "errors"),
    ),
    "components/checkout_coupon.html": (
        hook(
            "[data-coupon-code] form[method=post][hx-post] input[name=coupon-remove-code]",
            "each applied coupon's Remove form",
            "applied",
        ),
        hook(
            "#coupon-code[aria-invalid=true][aria-describedby~=coupon-code-error]",
            INVALID_FIELD,
            "errors",
        ),
    ),
    "components/checkout_comment.html": (
        hook(
            "#comment-message[aria-invalid=true][aria-describedby~=comment-message-error]",
            INVALID_FIELD,
            "errors",
        ),
    ),
    "components/checkout_payment.html": (
        hook("#checkout-payment", "the payment section keeps its place while the offer changes"),
        hook(
            "form#payment-form[method=post][action][hx-post][hx-target='#checkout']"
            "[hx-select='#checkout']",
            "placing the order is a real form that needs no JavaScript; htmx posts it in place"
            " and swaps the checkout it is sent back to, so the browser's history is unchanged",
        ),
        *(
            hook(f"#payment-form input[name={name}]", "the server reads the card by these names")
            for name in ("cardholder_name", "card_number", "expiry", "security_code")
        ),
        hook("[aria-invalid=true][aria-describedby$=-error]", INVALID_FIELD, "errors"),
        hook(
            "#payment-message[role=alert][tabindex='-1'][autofocus]",
            "why the order was not placed: focus lands on it and screen readers read it",
            "errors",
            "payment_problem",
            "notice",
        ),
        hook("#payment-message #payment-problem", "why the payment failed", "payment_problem"),
        hook("#payment-message #placement-notice", "why the order was not placed yet", "notice"),
        hook(
            "#payment-form input[name=card_number][value]:not([value=''])",
            "a card number is never written back into a page",
            "errors",
            absent=True,
        ),
    ),
    "components/checkout_place.html": (
        hook(
            "#checkout-place #place-order[type=submit][form=payment-form]",
            "the Place order button, which submits the card fields' form (its form attribute)",
            "ready",
        ),
        hook(
            "#place-order", "no Place order until the order can be placed", "missing", absent=True
        ),
        hook(
            "#place-order-missing[data-missing]",
            "what the order still needs, named",
            "missing",
        ),
    ),
    "components/order_summary_bar.html": (
        hook("details#summary-bar > summary", "a phone's summary bar: a native disclosure"),
        hook(
            "#summary-bar summary #summary-bar-total[data-amount]",
            "the total on the closed bar, in minor units (swapped with the totals)",
        ),
        hook("#summary-bar #summary-bar-lines", "the lines, swapped with the totals"),
    ),
    "checkout/confirmation.html": (
        hook("#order-confirmation[data-order-id]", "the order's id, for tests and analytics"),
        hook("[data-order-line][data-quantity]", "each line as BigCommerce recorded it"),
        hook("[data-order-total][data-amount]", "the total paid, in minor units"),
        hook(
            "[data-receipt-row=subtotal][data-amount]",
            "each row in signed minor units; the rows add up to the total paid",
        ),
        hook("[data-receipt-row=tax][data-amount]", "the tax, a row of its own", "tax_excluded"),
        hook(
            "[data-receipt-included-tax][data-amount]",
            "the tax a tax-inclusive total holds, told apart",
            "tax_included",
        ),
        hook(
            "[data-receipt-row=tax]",
            "a tax-inclusive order's tax is inside its rows, never added again",
            "tax_included",
            absent=True,
        ),
        hook("[data-order-fee][data-amount]", "the protection fee on the order", "protected"),
        hook(
            "[data-receipt-row=checkout_plus][data-order-fee][data-checkout-plus-fee]",
            "our fee, under its configured name",
            "protected",
        ),
        hook("[data-order-shipment] address", "where the order is shipped", "shipped"),
        hook("[data-shipping-method]", "how the order is shipped or collected"),
        hook("[data-order-pickup] address", "the store the order is collected from", "pickup"),
        hook("[data-order-payment]", "the card's brand and last four digits"),
        hook(
            "[data-checkout-plus-coverage][data-mode]",
            "what the shopper is covered for",
            "protected",
        ),
        hook(
            "[data-checkout-plus-coverage]",
            "no cover is claimed for an order without protection",
            "unprotected",
            absent=True,
        ),
    ),
    "errors/error.html": (hook("[data-status] h1", "the error's status and title"),),
    "components/checkout_events.html": (
        hook(
            "div#checkout-events[hidden]",
            "the analytics events script reads markers here; htmx answers add theirs to it",
        ),
        hook(
            "#checkout-events [data-checkout-event]",
            "one analytics event each, as JSON the events script pushes to the dataLayer",
        ),
    ),
}
CSRF_FIELD = "input[type=hidden][name=csrf_token]"


def section_hooks(section: Section) -> tuple[Hook, ...]:
    """Return the hooks the sections table gives a section: its root, each step form, fields."""
    hooks = [hook(f"#{section.root}", "htmx swaps the section by this id")]
    for form in section.forms:
        if form.save is None or form.form_id is None:
            continue  # a view of its own, or a form repeated per item: written out by hand
        root, form_id = section.root, form.form_id
        hooks.append(
            hook(
                f"#{root} form#{form_id}[method=post][action][hx-post][hx-target='#{root}']",
                f"the section's form posts to {form.path}, with or without JavaScript",
                form.state,
            )
        )
        hooks += [
            hook(f"#{form_id} [name='{name}']", "the server reads this field by name", form.state)
            for name in field_names(form.form)
        ]
    return tuple(hooks)


def field_names(form: type) -> list[str]:
    """Return the names a form class's fields post under (with its prefix), in its order."""
    prefix = getattr(form, "PREFIX", "")
    fields = [
        (value.creation_counter, name)
        for name in dir(form)
        if isinstance(value := getattr(form, name, None), UnboundField)
    ]
    return [f"{prefix}-{name}" if prefix else name for _, name in sorted(fields)]


CONTRACT: dict[str, tuple[Hook, ...]] = {
    **EXTRA_HOOKS,
    **{
        section.template: (*section_hooks(section), *EXTRA_HOOKS.get(section.template, ()))
        for section in SECTIONS
    },
}


@dataclass(frozen=True)
class Problem:
    """A hook a rendered template lacks (or shows when it must not)."""

    template: str
    hook: Hook
    where: str  # the styleguide entry it was found in

    def __str__(self) -> str:
        wrong = "must not show" if self.hook.absent else "is missing the hook"
        return f"{self.template} {wrong} {self.hook.selector!r} ({self.hook.why}) in {self.where}"


def check(html: str, templates: dict[str, frozenset[str]], where: str) -> list[Problem]:
    """Check rendered HTML against the contract of each template shown, in its states."""
    page = BeautifulSoup(html, "html.parser")
    problems = []
    for template, states in templates.items():
        for required in CONTRACT.get(template, ()):
            if not required.applies_to(states):
                continue
            found = page.select_one(required.selector) is not None
            if found == required.absent:
                problems.append(Problem(template, required, where))
    shown = next(iter(templates), "base.html")
    for form in page.select("form[method=post]"):
        if form.select_one(CSRF_FIELD) is None:
            name = form.get("id") or form.get("action")
            token = hook(CSRF_FIELD, f"every POST form needs its CSRF token; {name} has none")
            problems.append(Problem(shown, token, where))
    return problems
