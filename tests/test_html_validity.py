"""Every page and every htmx fragment the server renders is valid HTML (the Nu Html Checker).

Each document below is one state, reached with the Flask test client from scratch: whole
pages as a browser gets them, and fragments as htmx gets them (``HX-Request: true``). A
fragment is checked inside the smallest valid document, written on the first line so the
checker's line numbers are the fragment's own. All of them go to ONE run of vnu.jar (from
the npm lock in tests/node; it needs Java, which tests/run installs).

Only one kind of message is ignored: the checker does not know htmx's attributes, so
``Attribute “hx-…” not allowed on element “…” at this point.`` (HTMX_ATTRIBUTE below) is left
out. Every other error fails the test for its state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import request_started
from flask import template_rendered

from app import create_app
from app.styleguide.entries import ENTRIES
from tests.support.addresses import OHIO as OHIO_FIELDS
from tests.support.admin import ADMIN
from tests.support.admin import PAGE as ADMIN_PAGE
from tests.support.app_config import sandbox_config
from tests.support.contract_client import BigCommerceClient
from tests.support.contract_client import ready_checkout
from tests.support.loop_requests import default_rules
from tests.support.loop_requests import rules_with
from tests.support.ordering import shown_total
from tests.support.pages import HTMX
from tests.support.pages import csrf_token
from tests.support.pages import parse
from tests.support.queue import drain
from tests.support.store_api import StoreApi

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "tests/node/node_modules/vnu-jar/build/dist/vnu.jar"
TEMPLATES = ROOT / "templates"
JAVA = shutil.which("java")
# The one message left out: an htmx attribute (hx-post, hx-swap-oob, ...) on any element.
HTMX_ATTRIBUTE = re.compile(
    r"Attribute “hx-[a-z-]+” not allowed on element “[a-z0-9-]+” at this point\."
)
FRAGMENT_HEAD = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>fragment</title></head><body>"
)
FRAGMENT_TAIL = "</body></html>\n"
# Place order's button submits the payment form from the order column (form="payment-form"):
# a fragment holding it lands in the page that holds that form, which stands in for it here.
PAYMENT_FORM = '<form id="payment-form" method="post" action="/checkout/place"></form>'
SNEAKERS, MAP_PDF, SUNGLASSES, TENT = 101, 104, 105, 106
RETURNS, SHIPPING = "returnCoverage", "shippingProtection"
OHIO = {**OHIO_FIELDS, "country_code": "US"}
CARD = {
    "cardholder_name": "Ada Lovelace",
    "card_number": "4111 1111 1111 1111",
    "expiry": "12/29",
    "security_code": "123",
}
# Templates only ever included, extended or imported: they are checked inside the others.
NEVER_ALONE = {
    "base.html",
    "macros/checkout_fields.html",
    "macros/address_fields.html",
    "components/checkout_payment.html",
    "components/checkout_comment.html",  # inside the payment form; never swapped on its own
    "components/order_summary_bar.html",  # in the page, and out of band with the totals
    "components/language_switcher.html",  # in the header of every page
    "styleguide/payment_form_stand_in.html",  # beside Place order in its styleguide entries
    # The admin page's panels, only ever inside admin/page.html (no htmx there).
    *(f"admin/{panel}.html" for panel in ("analyses", "attach_rate", "order_lookup")),
    *(f"admin/{panel}.html" for panel in ("session_lookup", "sync_jobs", "consent_evidence")),
}

if JAVA is None and os.environ.get("CI") != "true":
    pytestmark = pytest.mark.skip(
        reason="java not installed (apt-get install default-jre-headless)"
    )


class Shopper:
    """One browser's session on the app, with the sandbox store behind it."""

    def __init__(self, app, sandbox) -> None:
        self.client = app.test_client()
        self.sandbox = sandbox
        self.store = StoreApi(sandbox)
        self.page = None  # the last page shown, whose CSRF token the next post uses

    def get(self, url: str, htmx: bool = False, status: int = 200, headers=None):
        """Get a page (or, with ``htmx``, a fragment) and check its status."""
        response = self.client.get(url, headers={**(HTMX if htmx else {}), **(headers or {})})
        assert response.status_code == status, (url, response.status_code)
        if not htmx:
            self.page = response
        return response

    def post(self, url: str, data: dict, htmx: bool = False, status: int | None = None):
        """Post a form of the last page shown, with its CSRF token."""
        body = {"csrf_token": csrf_token(parse(self.page)), **data}
        response = self.client.post(url, data=body, headers=HTMX if htmx else {})
        if status is not None:
            assert response.status_code == status, (url, response.status_code)
        return response

    def place(self, data: dict):
        """Press Place order (the total the page showed rides along); return where it lands."""
        response = self.post("/checkout/place", {"shown_total": shown_total(self.page), **data})
        assert response.status_code == 303, response.status_code
        return self.get(urlsplit(response.headers["Location"]).path)

    def checkout(self, items=((SNEAKERS, 1),), ready: bool = False):
        """Follow the storefront's handoff link for a new cart; return the checkout page."""
        if ready:
            cart_id = ready_checkout(BigCommerceClient(self.sandbox.bigcommerce.url), items)
        else:
            cart_id = self.store.create_cart(list(items))
        assert self.client.get(f"/checkout?cart_id={cart_id}").status_code == 303
        self.cart_id = cart_id
        return self.get("/checkout")

    def rules(self, **demo) -> None:
        """Replace some of the sandbox Loop's rules."""
        loop_state = self.sandbox.loop.service.app.extensions["loop_state"]
        loop_state.replace_rules(rules_with(**demo))

    def opt_in(self, htmx: bool = False, status: int = 303, **data):
        """Tick the offer's box at the price the last page showed."""
        quote = parse(self.page).select_one("#checkout-plus-offer input[name=quote]")["value"]
        form = {"checkout_plus": "y", "quote": quote, **data}
        return self.post("/checkout/protection", form, htmx=htmx, status=status)

    def line_url(self) -> str:
        """The first line's quantity URL."""
        line = parse(self.page).select_one("#order-summary [data-line-id]")
        return f"/checkout/lines/{line['data-line-id']}"

    def with_email(self) -> None:
        """Save the email through the contact step; the page opens delivery and billing."""
        self.post("/checkout/contact", {"contact-email": "ada@example.com"}, status=303)
        self.get("/checkout")

    def with_address(self) -> None:
        """Save an Ohio shipping address; the page lists the shipping methods."""
        self.with_email()
        self.post("/checkout/shipping-address", prefixed("shipping", OHIO), status=303)
        self.get("/checkout")


def prefixed(prefix: str, fields: dict) -> dict:
    """Name the fields the way a section's form posts them."""
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def has(response, selector: str):
    """Check that a state shows what it is named after; return the response."""
    assert parse(response).select_one(selector) is not None, f"{selector} is not in the answer"
    return response


# --- the documents: one per state ------------------------------------------------------------

DOCUMENTS: dict[str, Callable[[Shopper], object]] = {}


def document(name: str):
    """Register a function that reaches one state and returns the answer to check."""

    def register(build):
        DOCUMENTS[name] = build
        return build

    return register


@document("page: catalog")
def _(s: Shopper):
    return s.get("/")


@document("page: cart with a flash message")
def _(s: Shopper):
    s.get("/")
    response = s.post("/cart/items", {"product_id": "101", "quantity": "2"}, status=303)
    return has(s.get(response.headers["Location"]), "#checkout-link")


@document("page: empty cart")
def _(s: Shopper):
    return s.get("/cart")


@document("page: checkout, offer for returns and shipping")
def _(s: Shopper):
    return has(
        s.checkout(),
        "[data-checkout-plus-description][data-mode='returnCoverage shippingProtection']",
    )


@document("page: checkout, offer for returns only")
def _(s: Shopper):
    s.rules(modes=[RETURNS])
    return has(s.checkout(), f"[data-checkout-plus-description][data-mode='{RETURNS}']")


@document("page: checkout, offer for shipping only")
def _(s: Shopper):
    s.rules(modes=[SHIPPING])
    return has(s.checkout(), f"[data-checkout-plus-description][data-mode='{SHIPPING}']")


@document("page: checkout, offer hidden (ineligible cart)")
def _(s: Shopper):
    return has(s.checkout([(SUNGLASSES, 1)]), "#checkout-plus-offer[data-state=hidden]")


@document("page: checkout, offer hidden (Loop failing)")
def _(s: Shopper):
    s.sandbox.set_faults("loop POST /v1/analyze status=503")
    return has(s.checkout(), "#checkout-plus-offer[data-state=hidden]")


@document("page: checkout, opted in")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    return has(s.get("/checkout"), "#order-totals [data-checkout-plus-fee]")


@document("page: checkout, coverage changed (re-confirm notice)")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    s.get("/checkout")
    s.rules(modes=[RETURNS])
    s.post(s.line_url(), {"quantity": "2"}, status=303)
    return has(s.get("/checkout"), "#checkout-plus-offer .offer__notice")


@document("page: checkout, ticked offer withdrawn (cart over Loop's maximum)")
def _(s: Shopper):
    s.checkout([(TENT, 1)])
    s.opt_in()
    s.get("/checkout")
    s.post(s.line_url(), {"quantity": "2"}, status=303)
    response = s.get("/checkout")
    return has(
        has(response, "#checkout-plus-offer[data-state=withdrawn]"),
        "#order-totals [data-checkout-plus-withdrawn]",
    )


@document("page: checkout, digital only (no delivery)")
def _(s: Shopper):
    response = s.checkout([(MAP_PDF, 1)])
    assert parse(response).select_one("#checkout-shipping") is None
    return response


@document("page: checkout, email saved (delivery and billing open)")
def _(s: Shopper):
    s.checkout()
    s.with_email()
    return has(s.page, "#shipping-address-form")


@document("page: checkout, shipping methods listed")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    return has(s.page, "#shipping-option-form")


@document("page: checkout, store pickup")
def _(s: Shopper):
    s.checkout()
    s.with_email()
    s.post("/checkout/delivery-method", {"delivery-method": "pickup-1"}, status=303)
    return has(s.get("/checkout"), "[data-pickup-method-id]")


@document("page: checkout, coupon applied")
def _(s: Shopper):
    s.checkout()
    s.post("/checkout/coupons", {"coupon-code": "SAVE10"}, status=303)
    return has(s.get("/checkout"), "[data-coupon-code=SAVE10]")


@document("page: checkout, everything saved")
def _(s: Shopper):
    return has(s.checkout(ready=True), "#shipping-option-form input[checked]")


@document("page: checkout in Arabic, right to left, everything saved")
def _(s: Shopper):
    s.checkout(ready=True)
    s.post("/language", {"language": "ar", "next": "/checkout"}, status=303)
    return has(s.get("/checkout"), "html[lang=ar][dir=rtl] #shipping-option-form input[checked]")


@document("page: checkout in Japanese, from the browser's language")
def _(s: Shopper):
    s.checkout()
    return has(s.get("/checkout", headers={"Accept-Language": "ja-JP"}), "html[lang=ja]")


@document("page: contact error")
def _(s: Shopper):
    s.checkout()
    response = s.post("/checkout/contact", {"contact-email": "ada@example"}, status=422)
    return has(response, "#contact-email-error")


@document("page: address errors")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    response = s.post("/checkout/billing-address", {"billing-country_code": "US"}, status=422)
    return has(response, "#billing-first_name-error")


@document("page: quantity error")
def _(s: Shopper):
    s.checkout()
    response = s.post(s.line_url(), {"quantity": ""}, status=422)
    return has(response, "#order-summary .field-error")


@document("page: card errors")
def _(s: Shopper):
    s.checkout(ready=True)
    bad = {**CARD, "card_number": "4111", "expiry": "13/29", "security_code": "12a"}
    return has(s.place(bad), "#payment-message + form #payment-security_code-error")


@document("page: payment declined")
def _(s: Shopper):
    s.checkout(ready=True)
    declined = {**CARD, "card_number": "4000 0000 0000 0002"}
    return has(s.place(declined), "#payment-message #payment-problem")


@document("page: price changed at payment")
def _(s: Shopper):
    s.checkout(ready=True)
    s.opt_in()
    s.get("/checkout")
    rules = default_rules()
    rules["merchants"]["demo"]["pricing"]["USD"]["tiers"][0]["price"][RETURNS] = 248
    s.sandbox.loop.service.app.extensions["loop_state"].replace_rules(rules)
    return has(s.place(CARD), "#payment-message #placement-notice")


@document("page: total changed at payment")
def _(s: Shopper):
    s.checkout(ready=True)
    page = s.page
    s.store.data("POST", f"/v3/checkouts/{s.cart_id}/coupons", json={"coupon_code": "SAVE10"})
    s.page = page  # the shopper pays from the page shown before the coupon went on
    answer = s.place(CARD)
    return has(answer, "#payment-message[data-notice=total_changed] #placement-notice strong")


def place_protected_order(s: Shopper):
    """Tick the offer on a ready checkout, pay, and return the confirmation page."""
    s.checkout(ready=True)
    s.opt_in()
    s.get("/checkout")
    return s.place(CARD)


@document("page: confirmation")
def _(s: Shopper):
    return has(place_protected_order(s), "[data-checkout-plus-coverage]")


@document("page: no cart")
def _(s: Shopper):
    return s.get("/checkout")


@document("page: not found (404)")
def _(s: Shopper):
    return s.get("/no-such-page", status=404)


@document("page: bad checkout link (400)")
def _(s: Shopper):
    return s.get("/checkout?cart_id=not-a-cart", status=400)


@document("fragment: offer offered")
def _(s: Shopper):
    s.checkout()
    return has(s.get("/checkout/offer", htmx=True), "#checkout-plus-offer[data-state=offered]")


@document("fragment: offer hidden")
def _(s: Shopper):
    s.checkout([(SUNGLASSES, 1)])
    return has(s.get("/checkout/offer", htmx=True), "#checkout-plus-offer[data-state=hidden]")


@document("fragment: opt-in")
def _(s: Shopper):
    s.checkout()
    return has(s.opt_in(htmx=True, status=200), "#order-totals [data-checkout-plus-fee]")


@document("fragment: opt-out")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    s.get("/checkout")
    quote = parse(s.page).select_one("#checkout-plus-offer input[name=quote]")["value"]
    response = s.post("/checkout/protection", {"quote": quote}, htmx=True, status=200)
    assert parse(response).select_one("[data-checkout-plus-fee]") is None
    return response


@document("fragment: opt-in refused (the page showed an older price)")
def _(s: Shopper):
    s.checkout()
    response = s.opt_in(htmx=True, status=200, quote="0123456789abcdef")
    return has(response, "#checkout-plus-offer .offer__notice")


@document("fragment: offer with re-confirm notice")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    s.get("/checkout")
    s.rules(modes=[RETURNS])
    s.post(s.line_url(), {"quantity": "2"}, htmx=True, status=200)
    return has(s.get("/checkout/offer", htmx=True), "#checkout-plus-offer .offer__notice")


@document("fragment: offer withdrawn")
def _(s: Shopper):
    s.checkout([(TENT, 1)])
    s.opt_in()
    s.get("/checkout")
    s.post(s.line_url(), {"quantity": "2"}, htmx=True, status=200)
    response = s.get("/checkout/offer", htmx=True)
    return has(response, "#checkout-plus-offer [data-checkout-plus-withdrawn]")


@document("fragment: a step saved answers the offer's notice (offer out of band)")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    s.get("/checkout")
    s.rules(modes=[RETURNS])
    s.post(s.line_url(), {"quantity": "2"}, status=303)
    s.get("/checkout")
    response = s.post("/checkout/contact", {"contact-email": "ada@example.com"}, htmx=True)
    assert response.status_code == 200
    return has(response, "#checkout-plus-offer[hx-swap-oob]")


@document("fragment: quantity changed (fee updating)")
def _(s: Shopper):
    s.checkout()
    s.opt_in()
    s.get("/checkout")
    response = s.post(s.line_url(), {"quantity": "2"}, htmx=True, status=200)
    return has(response, "#order-totals [data-checkout-plus-fee][data-pending]")


@document("fragment: line removed")
def _(s: Shopper):
    s.checkout([(SNEAKERS, 1), (MAP_PDF, 1)])
    response = s.post(s.line_url(), {"quantity": "0"}, htmx=True, status=200)
    assert len(parse(response).select("#order-summary [data-line-id]")) == 1
    return response


@document("fragment: quantity error")
def _(s: Shopper):
    s.checkout()
    response = s.post(s.line_url(), {"quantity": "abc"}, htmx=True, status=422)
    return has(response, "#order-summary .field-error")


@document("fragment: contact saved (delivery and billing open)")
def _(s: Shopper):
    s.checkout()
    response = s.post("/checkout/contact", {"contact-email": "ada@example.com"}, htmx=True)
    assert response.status_code == 200
    return has(has(response, "#contact-saved"), "#checkout-billing[hx-swap-oob]")


@document("fragment: contact error")
def _(s: Shopper):
    s.checkout()
    response = s.post("/checkout/contact", {"contact-email": "ada@"}, htmx=True, status=422)
    return has(response, "#contact-email-error")


@document("fragment: shipping address saved")
def _(s: Shopper):
    s.checkout()
    s.with_email()
    data = prefixed("shipping", OHIO)
    response = s.post("/checkout/shipping-address", data, htmx=True, status=200)
    return has(response, "#shipping-option-form")


@document("fragment: shipping address errors")
def _(s: Shopper):
    s.checkout()
    s.with_email()
    data = prefixed("shipping", {**OHIO, "first_name": "", "postal_code": "", "phone": "abc"})
    response = s.post("/checkout/shipping-address", data, htmx=True, status=422)
    return has(response, "#shipping-first_name-error")


@document("fragment: shipping method chosen")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    data = {"shipping-option-option_id": "sandbox-express"}
    response = s.post("/checkout/shipping-option", data, htmx=True, status=200)
    return has(response, "#order-totals[hx-swap-oob]")


@document("fragment: store pickup chosen")
def _(s: Shopper):
    s.checkout()
    s.with_email()
    data = {"delivery-method": "pickup-1"}
    response = s.post("/checkout/delivery-method", data, htmx=True, status=200)
    return has(response, "[data-pickup-method-id]")


@document("fragment: shipping again after store pickup (address back)")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    s.post("/checkout/delivery-method", {"delivery-method": "pickup-1"}, status=303)
    s.get("/checkout")
    data = {"delivery-method": "ship"}
    response = s.post("/checkout/delivery-method", data, htmx=True, status=200)
    return has(has(response, "#shipping-option-form"), "#shipping-saved")


@document("fragment: billing address saved")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    data = {"billing-same_as_shipping": "y"}
    return has(s.post("/checkout/billing-address", data, htmx=True, status=200), "#billing-saved")


@document("fragment: billing address errors")
def _(s: Shopper):
    s.checkout()
    s.with_address()
    data = {"billing-country_code": "US", "billing-state_or_province": "Atlantis"}
    response = s.post("/checkout/billing-address", data, htmx=True, status=422)
    return has(response, "#billing-state_or_province-error")


@document("fragment: coupon applied")
def _(s: Shopper):
    s.checkout()
    response = s.post("/checkout/coupons", {"coupon-code": "SAVE10"}, htmx=True, status=200)
    return has(response, "[data-coupon-code=SAVE10]")


@document("fragment: coupon refused")
def _(s: Shopper):
    s.checkout()
    response = s.post("/checkout/coupons", {"coupon-code": "EXPIRED2024"}, htmx=True, status=422)
    return has(response, "#coupon-code-error")


@document("fragment: coupon removed")
def _(s: Shopper):
    s.checkout()
    s.post("/checkout/coupons", {"coupon-code": "SAVE10"}, status=303)
    s.get("/checkout")
    data = {"coupon-remove-code": "SAVE10"}
    response = s.post("/checkout/coupons/remove", data, htmx=True, status=200)
    return has(response, "#coupon-saved")


@document("page: note too long")
def _(s: Shopper):
    s.checkout(ready=True)
    answer = s.place({**CARD, "comment-message": "x" * 2001})
    return has(answer, "#payment-form #checkout-comment #comment-message-error")


@document("page: admin, an order placed and its sync job run")
def _(s: Shopper):
    confirmation = place_protected_order(s)
    order_id = parse(confirmation).select_one("[data-order-id]")["data-order-id"]
    drain(s.client.application.extensions["sync_queue"])
    session_id = s.sandbox.loop.service.app.extensions["loop_state"].sessions.all()[0].id
    query = f"session_id={session_id}&order_id={order_id}&search={session_id}"
    response = s.get(f"{ADMIN_PAGE}?{query}", headers=ADMIN)
    return has(response, "#admin-order [data-block-state=complete]")


@document("page: admin, every lookup refused")
def _(s: Shopper):
    return s.get(f"{ADMIN_PAGE}?session_id=lop_bad&order_id=abc", status=400, headers=ADMIN)


@document("page: admin, sign-in asked for (401)")
def _(s: Shopper):
    return s.get(ADMIN_PAGE, status=401)


@document("page: styleguide")
def _(s: Shopper):
    return has(s.get("/styleguide/"), ".styleguide__entry")


def styleguide_entry(slug: str, language: str = "") -> Callable[[Shopper], object]:
    """Reach one styleguide entry: a component in one state, from fixtures (in a language)."""
    return lambda s: s.get(f"/styleguide/{slug}" + (f"?lang={language}" if language else ""))


for _entry in ENTRIES:
    document(f"styleguide: {_entry.slug}")(styleguide_entry(_entry.slug))
# Every entry in every other language: the words change length and Arabic turns the page.
for _language in ("de", "fr", "ja", "ar"):
    for _entry in ENTRIES:
        document(f"styleguide in {_language}: {_entry.slug}")(
            styleguide_entry(_entry.slug, _language)
        )


@document("page: styleguide, the offer in every language")
def _(s: Shopper):
    return has(s.get("/styleguide/languages"), "[data-styleguide-offer]")


# --- rendering them all, and one run of the checker ------------------------------------------


@dataclass
class Checked:
    """One document: where it came from and what the checker said about it."""

    url: str
    status: int
    fragment: bool
    templates: list[str]
    errors: list[dict] = field(default_factory=list)
    ignored: int = 0  # hx-* attribute messages left out
    unreached: str | None = None  # why the state could not be reached


def file_name(index: int, state: str) -> str:
    """A file name that says which state it holds."""
    return f"{index:02d}-{re.sub(r'[^a-z0-9]+', '-', state.lower()).strip('-')}.html"


@pytest.fixture(scope="module")
def checked(sandbox_services, tmp_path_factory) -> dict[str, Checked]:
    """Reach every state, write each answer to a file, and check them all in one JVM."""
    assert VNU.is_file(), f"{VNU} is missing: run npm ci --prefix tests/node"
    assert JAVA is not None, "java is missing: apt-get install default-jre-headless"
    folder = tmp_path_factory.mktemp("html")
    # With the analytics events on, every page and answer also carries their markers.
    instance = str(folder / "instance")
    app = create_app(
        sandbox_config(sandbox_services, INSTANCE_PATH=instance, CHECKOUT_ANALYTICS_EVENTS="1")
    )
    results: dict[str, Checked] = {}
    files: dict[str, str] = {}
    for index, (state, build) in enumerate(DOCUMENTS.items()):
        sandbox_services.reset()
        rendered: list[str] = []

        def record(sender, template, context, rendered=rendered, **extra):
            rendered.append(template.name)

        def forget(sender, rendered=rendered, **extra):
            rendered.clear()  # only the templates of the last answer, the one checked

        try:
            with (
                template_rendered.connected_to(record, app),
                request_started.connected_to(forget, app),
            ):
                response = build(Shopper(app, sandbox_services))
        except Exception as error:  # reported by this state's test, the others still run
            results[state] = Checked(
                "?", 0, False, [], unreached=f"{type(error).__name__}: {error}"
            )
            continue
        request = response.request
        fragment = request.headers.get("HX-Request") == "true"
        body = response.get_data(as_text=True)
        assert body.strip(), f"{state}: empty answer"
        if fragment:
            assert "<html" not in body.lower(), f"{state}: htmx got a whole page"
            if 'form="payment-form"' in body and 'id="payment-form"' not in body:
                body += PAYMENT_FORM
            body = FRAGMENT_HEAD + body + FRAGMENT_TAIL
        name = file_name(index, state)
        (folder / name).write_text(body, encoding="utf-8")
        files[name] = state
        url = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        results[state] = Checked(
            f"{request.method} {url}", response.status_code, fragment, sorted(set(rendered))
        )
    run = subprocess.run(
        [JAVA, "-jar", str(VNU), "--format", "json", "--stdout", "--errors-only", *sorted(files)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.stdout.strip(), f"vnu.jar said nothing (exit {run.returncode}): {run.stderr}"
    for message in json.loads(run.stdout)["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        assert name in files, f"a message about no document of ours: {message}"
        result = results[files[name]]
        if message["type"] == "error" and HTMX_ATTRIBUTE.fullmatch(message["message"]):
            result.ignored += 1
        else:
            result.errors.append(message)
    return results


def describe(state: str, result: Checked) -> str:
    """Name the state, its URL and the templates that made it, and each error with its place."""
    kind = "fragment (HX-Request: true)" if result.fragment else "page"
    lines = [
        f"{len(result.errors)} HTML error(s) in the {kind} for {state!r}: "
        f"{result.url} answered {result.status}",
        f"  rendered from templates/{', templates/'.join(result.templates)}",
    ]
    for error in result.errors:
        where = f"line {error.get('lastLine', '?')} of the answer"
        if "firstColumn" in error:
            where += f", column {error['firstColumn']}"
        lines.append(f"- {where}: {error['message']}")
        extract = error.get("extract", "").replace("\n", "⏎")
        if extract:
            lines.append(f"    {extract}")
    return "\n".join(lines)


@pytest.mark.parametrize("state", list(DOCUMENTS))
def test_valid_html(checked, state):
    result = checked[state]
    if result.unreached is not None:
        pytest.fail(f"{state!r} was not reached: {result.unreached}")
    if result.errors:
        pytest.fail(describe(state, result), pytrace=False)


def test_every_template_is_checked_on_its_own(checked):
    """Each template the server renders by itself is checked; each component also as htmx."""
    every = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")}
    alone = {name for result in checked.values() for name in result.templates}
    as_fragment = {
        name for result in checked.values() if result.fragment for name in result.templates
    }
    assert alone == every - NEVER_ALONE
    assert {name for name in every - NEVER_ALONE if name.startswith("components/")} <= as_fragment


def test_only_htmx_attributes_are_ignored(checked):
    """The filter left out something on the checkout page, and it was only hx-* attributes."""
    assert checked["page: checkout, offer for returns and shipping"].ignored > 0
    assert HTMX_ATTRIBUTE.fullmatch(
        "Attribute “hx-post” not allowed on element “form” at this point."
    )
    assert not HTMX_ATTRIBUTE.fullmatch(
        "Attribute “data-x” not allowed on element “form” at this point."
    )
    assert not HTMX_ATTRIBUTE.fullmatch("Duplicate ID “hx-post”.")
