"""Placing the order and the confirmation page: HTTP in, placement service, page out."""

from __future__ import annotations

import logging

from flask import Response
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from app import rate_limits
from app.checkout import events
from app.checkout import shopper
from app.checkout.cart import CartNotFound
from app.checkout.forms import PaymentForm
from app.checkout.ledger import PlacementBusy
from app.checkout.offer_evidence import consent_evidence
from app.checkout.place_outcome import BUSY
from app.checkout.place_outcome import NO_ROOM
from app.checkout.place_outcome import NOT_READY
from app.checkout.place_outcome import ORDER_REFUSED
from app.checkout.place_outcome import PROTECTION_GONE
from app.checkout.place_outcome import QUOTE_CHANGED
from app.checkout.place_outcome import TOTAL_CHANGED
from app.checkout.place_outcome import PlaceOutcome
from app.checkout.placement import NotReady
from app.checkout.placement import OrderRefused
from app.checkout.placement import OrderUnfinished
from app.checkout.placement import PaymentFailed
from app.checkout.placement import PlacementService
from app.checkout.placement import ProtectionUnavailable
from app.checkout.placement import QuoteChanged
from app.checkout.placement import TotalChanged
from app.checkout.receipt import receipt
from app.checkout.responses import cart_gone
from app.checkout.responses import no_cart
from app.checkout.responses import shopper_language
from app.checkout.responses import total_signer
from app.checkout.sections import form_named
from app.checkout.step_forms import CommentForm
from app.checkout.views import bp
from app.clients.bigcommerce import BigCommerceClient
from app.htmx import redirect_after_post
from app.htmx import vary_on_htmx
from app.locales import translate
from app.metrics.families import count_place_order

log = logging.getLogger(__name__)


def _placement() -> PlacementService:
    return current_app.extensions["placement_service"]


@bp.post(form_named("place").path)
@rate_limits.place_order
def place():
    """Place and pay the order, then show the confirmation; or go back and say why not (PRG)."""
    cart_id = shopper.bound_cart_id()
    if cart_id is None:
        if shopper.last_order() is not None:  # a resubmitted form after success
            return redirect_after_post(url_for("checkout.confirmation"))
        count_place_order("no_cart")
        return no_cart()
    form = PaymentForm()
    note_form = CommentForm()  # the order note travels with Place order
    note = note_form.message.data if note_form.message.raw_data else None
    kept = {"values": form.kept_values(), "note": note}
    if not (form.validate() & note_form.validate()):
        # Kept in the session for the page after the redirect: said now, in the shopper's words.
        errors = {
            name: str(translate(field.errors[0]))
            for name, field in form._fields.items()
            if field.errors
        }
        if note_form.message.errors:
            errors["note"] = str(translate(note_form.message.errors[0]))
        return _back(PlaceOutcome(errors=errors, **kept))
    events.payment_given(cart_id)
    shown = total_signer().read(request.form.get("shown_total"))
    offer = shopper.offer_state()
    try:
        placed = _placement().place(
            cart_id, offer, shopper_language(), form.card(), shown, note, consent_evidence(offer)
        )
    except CartNotFound:
        count_place_order("cart_gone")
        return cart_gone()
    except NotReady as gap:
        return _back(PlaceOutcome(notice=NOT_READY, missing=gap.missing, **kept))
    except QuoteChanged as change:
        shopper.save_offer_state(change.offer)
        notice = QUOTE_CHANGED if change.offer.quote else PROTECTION_GONE
        return _back(PlaceOutcome(notice=notice, **kept))
    except ProtectionUnavailable as refusal:
        shopper.save_offer_state(refusal.offer)
        return _back(PlaceOutcome(notice=NO_ROOM, **kept))
    except TotalChanged as change:
        shopper.save_offer_state(change.offer)
        outcome = PlaceOutcome(notice=TOTAL_CHANGED, shown=change.shown, now=change.now, **kept)
        return _back(outcome)
    except PaymentFailed as problem:
        return _back(PlaceOutcome(problem=str(translate(problem.args[0])), **kept))
    except OrderRefused as refusal:
        # BigCommerce's words name its fields; the shopper is told what to do instead.
        log.warning("BigCommerce refused the order for cart %s: %s", cart_id, refusal)
        return _back(PlaceOutcome(notice=ORDER_REFUSED, **kept))
    except PlacementBusy:
        return _back(PlaceOutcome(notice=BUSY, **kept))
    except OrderUnfinished:
        count_place_order("unfinished")
        # The card was charged; the checkout the browser goes to finishes the order's record.
        return redirect_after_post(url_for("checkout.page"))
    count_place_order("placed")
    shopper.remember_order(placed.order_id, placed.protection, form.card())
    shopper.forget_cart()
    return redirect_after_post(url_for("checkout.confirmation"))


@bp.get("/checkout/confirmation")
def confirmation():
    """Show the order this browser just placed: what was paid, where it goes, with what card."""
    last = shopper.last_order()
    if last is None:
        return redirect(url_for("checkout.page"), 303)
    bigcommerce: BigCommerceClient = current_app.extensions["bigcommerce"]
    order = bigcommerce.get_order(last.order_id)
    return render_template(
        "checkout/confirmation.html",
        order=order,
        receipt=receipt(order, current_app.config["SETTINGS"].fee_display_name),
        protection=last.protection,
        paid_with=last.paid_with,
        checkout_events=events.order_events(order),
    )


def _back(outcome: PlaceOutcome) -> Response:
    """Go back to the checkout, whose payment section then says why (Post/Redirect/Get).

    Under htmx the redirect is followed in place and the page swapped, so the browser's
    history is as it was; without JavaScript the fragment scrolls to the payment section.
    """
    count_place_order(outcome.kind)
    shopper.keep_place_outcome(outcome)
    return vary_on_htmx(redirect(url_for("checkout.page", _anchor="checkout-payment"), 303))
