"""What the signed session cookie remembers about the shopper's checkout.

The checkout keeps its state under one key, so binding a new cart drops exactly that and
nothing else the cookie holds (the demo storefront's own cart, flashed messages).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask import session

from app.checkout import events
from app.checkout.cards import PaidWith
from app.checkout.cart import is_cart_id
from app.checkout.delivery import SetAsideShipping
from app.checkout.delivery import delivery_of
from app.checkout.place_outcome import PlaceOutcome
from app.checkout.snapshots import CheckoutSnapshots
from app.checkout_plus.consent import ShopperChoice
from app.checkout_plus.offer import OfferState
from app.checkout_plus.offer import Quote
from app.clients.bigcommerce import Card
from app.clients.bigcommerce import Checkout

CHECKOUT_KEY = "checkout"
IDENTITY_KEY = "shopper"
IDENTITY_PATTERN = re.compile(r"^[0-9a-f]{32}$")


def identity() -> str:
    """Return this browser session's random id, made on first use (rate limits count by it)."""
    value = session.get(IDENTITY_KEY)
    if not (isinstance(value, str) and IDENTITY_PATTERN.match(value)):
        value = secrets.token_hex(16)
        session[IDENTITY_KEY] = value
    return value


def _state() -> dict:
    state = session.get(CHECKOUT_KEY)
    return state if isinstance(state, dict) else {}


def bound_cart_id() -> str | None:
    """Return the cart this session checks out, if any."""
    value = _state().get("cart_id")
    return value if isinstance(value, str) and is_cart_id(value) else None


def bind_cart(cart_id: str) -> None:
    """Make this session check out a cart; state kept for another cart is dropped."""
    cart_id = cart_id.lower()
    if bound_cart_id() != cart_id:
        session[CHECKOUT_KEY] = {"cart_id": cart_id}


def forget_cart() -> None:
    """Drop the cart and everything kept for it (it was checked out or no longer exists)."""
    cart_id = bound_cart_id()
    if cart_id is not None:
        _snapshots().forget(cart_id)
    session.pop(CHECKOUT_KEY, None)


def _snapshots() -> CheckoutSnapshots:
    return current_app.extensions["checkout_snapshots"]


def seen_checkout() -> Checkout | None:
    """Return the checkout as this session's last request left it, if this process kept it."""
    cart_id = bound_cart_id()
    if cart_id is None:
        return None
    return _snapshots().recall(cart_id, _state().get("seen"))


def remember_checkout(checkout: Checkout) -> None:
    """Keep the checkout this request read or changed, for the session's next request."""
    current = _state()
    if current.get("cart_id") != checkout.id:
        return
    token = _snapshots().keep(checkout)
    if current.get("seen") != token:
        session[CHECKOUT_KEY] = {**current, "seen": token}


def set_aside_shipping() -> SetAsideShipping | None:
    """Return the shipping address (and method) the shopper left for store pickup, if kept."""
    return SetAsideShipping.from_dict(_state().get("set_aside_shipping"))


def remember_set_aside_shipping(checkout: Checkout, replaced: SetAsideShipping | None) -> None:
    """Keep the shipping store pickup replaced while pickup is chosen; otherwise forget it.

    BigCommerce's pickup consignment holds no address, so this is where the one the shopper
    typed waits for their way back to shipping (signed, for their cart only).
    """
    current = _state()
    if "cart_id" not in current:
        return
    kept = current.get("set_aside_shipping")
    if replaced is not None:
        kept = replaced.as_dict()
    elif delivery_of(checkout).pickup_method_id is None:
        kept = None
    if current.get("set_aside_shipping") != kept:
        session[CHECKOUT_KEY] = {**current, "set_aside_shipping": kept}


def offer_state() -> OfferState:
    """Return what this session remembers about the Checkout+ offer for its cart."""
    return OfferState.from_dict(_state().get("offer"))


def save_offer_state(state: OfferState) -> None:
    """Remember the offer state for the bound cart (only when it changed, to spare the cookie)."""
    current = _state()
    if "cart_id" not in current:
        return
    data = state.as_dict()
    if current.get("offer") != data:
        events.offer_saved(current["cart_id"], current.get("offer"), state)
        session[CHECKOUT_KEY] = {**current, "offer": data}


def offer_choice() -> ShopperChoice | None:
    """Return the shopper's last click on the offer's box for the bound cart, if any."""
    return ShopperChoice.from_dict(_state().get("offer_choice"))


def remember_offer_choice(choice: ShopperChoice) -> None:
    """Keep the shopper's click on the offer's box (its evidence goes with the order)."""
    current = _state()
    if "cart_id" in current:
        session[CHECKOUT_KEY] = {**current, "offer_choice": choice.as_dict()}


def _keep_once(key: str, value: object) -> None:
    """Keep a value for the next page of this checkout only (see _take_once)."""
    current = _state()
    if "cart_id" in current:
        session[CHECKOUT_KEY] = {**current, key: value}


def _take_once(key: str) -> object:
    """Return a value kept for this page and forget it: a reload shows the checkout as it is."""
    current = _state()
    if key not in current:
        return None
    session[CHECKOUT_KEY] = {k: v for k, v in current.items() if k != key}
    return current[key]


def keep_place_outcome(outcome: PlaceOutcome) -> None:
    """Keep why Place order stopped, for the checkout page the browser is sent back to."""
    _keep_once("place_outcome", outcome.as_dict())


def take_place_outcome() -> PlaceOutcome | None:
    """Return why Place order stopped, once."""
    kept = _take_once("place_outcome")
    return None if kept is None else PlaceOutcome.from_dict(kept)


def keep_reopened(reopened: dict[str, str]) -> None:
    """Keep which sections a change undid and why, for the page the browser is sent to."""
    if reopened:
        _keep_once("reopened", dict(reopened))


def take_reopened() -> dict[str, str]:
    """Return which sections a change undid, once."""
    kept = _take_once("reopened")
    if not isinstance(kept, dict):
        return {}
    return {str(name): str(why) for name, why in kept.items()}


def moved_on() -> bool:
    """Count the shopper's going on to a step as their answer to the offer's notices.

    Tell whether there was a notice to answer (the page must then stop showing it).
    """
    before = offer_state()
    after = before.moved_on()
    save_offer_state(after)
    return after != before


LAST_ORDER_KEY = "last_order"


@dataclass(frozen=True)
class LastOrder:
    """The order this browser placed last, as the confirmation page needs it."""

    order_id: int
    protection: Quote | None  # the accepted Checkout+ quote, if the shopper opted in
    paid_with: PaidWith | None  # the card's brand and last four digits, if known


def remember_order(order_id: int, protection: Quote | None, paid_with: Card | None) -> None:
    """Keep the order just placed, its protection and what the card paid with, for the
    confirmation page. Of the card only its brand and last four digits are kept."""
    kept = PaidWith.of(paid_with) if paid_with is not None else None
    session[LAST_ORDER_KEY] = {
        "order_id": order_id,
        "protection": protection.as_dict() if protection else None,
        "paid_with": kept.as_dict() if kept else None,
    }


def last_order() -> LastOrder | None:
    """Return the order this browser placed last, the protection on it and the card's brand."""
    data = session.get(LAST_ORDER_KEY)
    if not isinstance(data, dict):
        return None
    order_id = data.get("order_id")
    if isinstance(order_id, bool) or not isinstance(order_id, int):
        return None
    return LastOrder(
        order_id,
        Quote.from_dict(data.get("protection")),
        PaidWith.from_dict(data.get("paid_with")),
    )
