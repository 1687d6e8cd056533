"""Checkout events for the merchant's analytics: each one once, on the page that follows it.

On with ``CHECKOUT_ANALYTICS_EVENTS=1``, ``CHECKOUT_EVENTS_WEBHOOK_URL``, or both. The signed
session cookie keeps, per cart, which once-only events were sent and the events waiting for
the next page or htmx answer; when that answer counts them sent, each goes to the webhook's
queue (``app.checkout.event_hook``) and, with the dataLayer on, into markers
(``components/checkout_events.html``) that static/js/checkout-events.js pushes to
``window.dataLayer``. Exactly-once is kept here, not in the browser: a reload or a second look
at a page finds nothing new. Both off, nothing is kept, sent or rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from flask import current_app
from flask import session

from app.checkout import event_data
from app.checkout.delivery import delivery_chosen
from app.checkout.delivery import needs_shipping
from app.checkout.event_hook import EventHook
from app.checkout.service import CheckoutView
from app.checkout_plus.offer import OfferState
from app.clients.bigcommerce import Order

KEY = "checkout_events"
# Offer quotes already viewed, latest last: a price that comes back is not viewed again.
VIEWED_KEPT = 4


def enabled() -> bool:
    """Tell whether the merchant turned the events on: for the dataLayer, the webhook or both."""
    return _data_layer() or _hook().enabled


def _data_layer() -> bool:
    return current_app.config["SETTINGS"].analytics_events


def _hook() -> EventHook:
    return current_app.extensions["event_hook"]


def _emit(markers: list[str], cart_id: str | None) -> list[str] | None:
    """Queue the events just counted sent for the webhook; return the page's markers (None: off)."""
    if markers:
        _hook().send(markers, cart_id)
    return markers if _data_layer() else None


def _record(cart_id: str | None) -> dict:
    """Return what is kept for this cart (None: whichever is), or a new cart's fresh record."""
    record = session.get(KEY)
    record = dict(record) if isinstance(record, dict) else {}
    if cart_id is None or record.get("cart") == cart_id.lower():
        return record
    # The last order's id stays: its confirmation, seen again, is no new purchase.
    return {"cart": cart_id.lower(), "order": record.get("order")}


def _queue(record: dict, markers: list[str]) -> None:
    """Keep markers for the next answer that carries them, after those already waiting."""
    if markers:
        session[KEY] = {**record, "pending": [*record.get("pending", []), *markers]}


def offer_saved(cart_id: str, kept: object, after: OfferState) -> None:
    """Queue a quote first seen, or a ticked offer withdrawn (``kept``: the state replaced)."""
    if not enabled():
        return
    before = OfferState.from_dict(kept)
    record, markers = _record(cart_id), []
    if after.withdrawn and not before.withdrawn and before.accepted is not None:
        markers.append(event_data.offer_event(event_data.WITHDRAWN, before.accepted))
    quote, viewed = after.quote, record.get("viewed", [])
    if quote is not None and quote.token not in viewed:
        markers.append(event_data.offer_event(event_data.OFFER_VIEWED, quote))
        record["viewed"] = [*viewed, quote.token][-VIEWED_KEPT:]
    _queue(record, markers)


def protection_chosen(cart_id: str, before: OfferState, after: OfferState) -> None:
    """Queue the shopper's answer to the offer: ticked (accepted) or unticked (declined)."""
    if not enabled():
        return
    record = _record(cart_id)
    if after.opted_in and not before.opted_in and after.accepted is not None:
        _queue(record, [event_data.offer_event(event_data.ACCEPTED, after.accepted)])
    elif before.opted_in and not after.opted_in and before.accepted is not None:
        _queue(record, [event_data.offer_event(event_data.DECLINED, before.accepted)])


def payment_given(cart_id: str) -> None:
    """Queue ``add_payment_info`` once a cart: the shopper sent their card with Place order."""
    if not enabled():
        return
    record = _record(cart_id)
    # Queued by name, in its place among the others: the next page (the checkout, or the
    # order's confirmation) gives its figures.
    if event_data.ADD_PAYMENT_INFO not in (*record.get("sent", []), *record.get("pending", [])):
        _queue(record, [event_data.ADD_PAYMENT_INFO])


def _drain(record: dict, payment_info: Callable[[], str], ahead: Sequence[str] = ()) -> list[str]:
    """Empty the record's queue into markers (after ``ahead``), counting each sent."""
    sent = record.setdefault("sent", [])
    markers = list(ahead)
    for waiting in record.pop("pending", []):
        if waiting == event_data.ADD_PAYMENT_INFO:
            waiting = payment_info()
            sent.append(event_data.ADD_PAYMENT_INFO)
        markers.append(waiting)
    return markers


def page_events(view: CheckoutView) -> list[str] | None:
    """Return the markers for a checkout page or htmx answer, each once (None: off)."""
    if not enabled():
        return None
    checkout, summary = view.checkout, view.summary
    record = _record(checkout.id)
    sent, first = record.setdefault("sent", []), []
    if event_data.BEGIN_CHECKOUT not in sent:
        first.append(event_data.from_summary(event_data.BEGIN_CHECKOUT, summary))
        sent.append(event_data.BEGIN_CHECKOUT)
    markers = _drain(
        record,
        lambda: event_data.payment_info(summary=summary),
        first,
    )
    shipped = needs_shipping(checkout) and delivery_chosen(checkout)
    if shipped and event_data.ADD_SHIPPING_INFO not in sent:
        tier = event_data.shipping_tier(checkout)
        markers.append(
            event_data.from_summary(event_data.ADD_SHIPPING_INFO, summary, shipping_tier=tier)
        )
        sent.append(event_data.ADD_SHIPPING_INFO)
    if markers:
        session[KEY] = record
    return _emit(markers, checkout.id)


def order_events(order: Order) -> list[str] | None:
    """Return the markers for an order's confirmation: what waited, then its purchase, once."""
    if not enabled():
        return None
    record = _record(None)
    markers = _drain(
        record,
        lambda: event_data.payment_info(order=order),
    )
    if record.get("order") != order.id:
        markers.append(event_data.purchase(order))
        record["order"] = order.id
    if markers:
        session[KEY] = record
    return _emit(markers, order.cart_id or record.get("cart"))
