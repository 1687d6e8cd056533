"""Measure 5: the upstream calls of one scripted checkout, beside the floor and the recipe."""

from __future__ import annotations

import json
from collections import Counter

import requests
from bs4 import BeautifulSoup

from app import create_app
from tests.bench.common import CART_CHANGED
from tests.bench.common import HTMX
from tests.bench.common import create_cart
from tests.bench.common import open_checkout
from tests.bench.common import route_of
from tests.bench.common import upstream_calls
from tests.bench.report import Row
from tests.bench.servers import Sandboxes
from tests.support.queue import drain

GET_CHECKOUT = "GET /stores/{hash}/v3/checkouts/{id}"
QUANTITIES = (2, 3, 4)  # the journey's quantity changes, from 1
CA_ADDRESS = {
    "first_name": "Jane",
    "last_name": "Doe",
    "company": "",
    "address1": "1 Market St",
    "address2": "",
    "city": "San Francisco",
    "country_code": "US",
    "state_or_province": "CA",
    "postal_code": "94105",
    "phone": "(415) 555-0100",
}
CARD = {
    "cardholder_name": "Jane Doe",
    "card_number": "4111 1111 1111 1111",
    "expiry": "12/29",
    "security_code": "123",
}

# The floor: the BigCommerce calls the APIs make unavoidable for this journey, for a server
# that keeps no copy of the checkout between requests (the shopper's state is the cookie),
# per step as (calls, of which GET checkout):
FLOOR_BY_STEP = {
    # Binding the cart id needs no call.
    "handoff": (0, 0),
    # GET checkout.
    "page": (1, 1),
    # Each change PUTs the cart item; its answer is the cart, not the checkout with tax and
    # shipping, so GET checkout to show the totals.
    "quantity changes": (2 * len(QUANTITIES), len(QUANTITIES)),
    # POST billing-address answers with the checkout.
    "email": (1, 0),
    # The shipping address as a consignment (POST consignments with
    # include=consignments.available_shipping_options answers with the checkout and its
    # options) and the billing address, which follows it but which a consignment does not
    # set (PUT billing-address, which also answers with the checkout): 2 calls in either order.
    "address": (2, 0),
    # PUT consignment answers with the checkout.
    "shipping option": (1, 0),
    # The fee goes on the checkout as the shopper ticks (so every total shown is
    # BigCommerce's, the fee's tax included): POST fees answers with the checkout.
    "opt in": (1, 0),
    # GET checkout for the fresh quote, POST the order, GET the order (its total, checked
    # against the total shown before paying), GET the order's payment methods, POST a
    # payment access token, POST the payment.
    "place and pay": (6, 1),
    # One batch POST /v3/orders/metafields creates every key of a new order's block.
    "sync": (1, 0),
}
# The offer's own refreshes after each change (GET /checkout/offer) each need the checkout
# too; a server could skip them by analyzing in the change's own request, but then the change
# would wait on Loop, so they are not in the floor.
BIGCOMMERCE_FLOOR = sum(calls for calls, _ in FLOOR_BY_STEP.values())
FLOOR_GET_CHECKOUT = sum(get_checkout for _, get_checkout in FLOOR_BY_STEP.values())
# The blueprint's recipe writes the metafields one POST per key (session_id,
# accepted_offer_mode, fee_amount, fee_currency): 3 more calls than the batch floor.
METAFIELD_KEYS = 4
RECIPE_SYNC_CALLS = METAFIELD_KEYS


def journey(sandbox: Sandboxes, origin: str, env: dict, details: dict) -> list[Row]:
    """Count the upstream calls of one scripted checkout, from handoff to the metafield sync."""
    sandbox.set_delays(bigcommerce=0, loop=0)
    session = requests.Session()
    cart_id = create_cart(sandbox)
    sandbox.clear_logs()
    steps: list[tuple[str, int, int]] = []
    step_routes: dict[str, list[str]] = {}
    seen = [0, 0]

    def step(name: str) -> None:
        """Record the calls made since the last step under ``name``."""
        bigcommerce, loop = upstream_calls(sandbox)
        steps.append((name, len(bigcommerce) - seen[0], len(loop) - seen[1]))
        step_routes[name] = [route_of(e) for e in bigcommerce[seen[0] :] + loop[seen[1] :]]
        seen[:] = [len(bigcommerce), len(loop)]

    last_offer: list[requests.Response] = []

    def offer_refresh() -> None:
        """Refresh the offer as the page does on cart-changed; keep the answer."""
        response = session.get(f"{origin}/checkout/offer", headers=HTMX)
        assert response.status_code == 200, response.status_code
        last_offer[:] = [response]

    def post(path: str, data: dict, htmx: bool = True) -> requests.Response:
        """Submit a form of the page (htmx unless told), then follow its cart-changed."""
        response = session.post(
            f"{origin}{path}",
            data={"csrf_token": token, **data},
            headers=HTMX if htmx else {},
            allow_redirects=False,
        )
        assert response.status_code in (200, 303), (path, response.status_code, response.text)
        if htmx and CART_CHANGED in response.headers.get("HX-Trigger", ""):
            offer_refresh()  # the offer re-requests itself on cart-changed, as in the browser
        return response

    session.get(f"{origin}/checkout?cart_id={cart_id}", allow_redirects=False)
    step("handoff")
    token, line_id = open_checkout(session, origin)
    step("page")
    for quantity in QUANTITIES:
        post(f"/checkout/lines/{line_id}", {"quantity": str(quantity)})
        step(f"quantity {quantity}")
    post("/checkout/contact", {"contact-email": "jane@example.com"})
    step("email")
    post("/checkout/shipping-address", {f"shipping-{k}": v for k, v in CA_ADDRESS.items()})
    step("address")
    post("/checkout/shipping-option", {"shipping-option-option_id": "sandbox-express"})
    step("shipping option")
    offer = BeautifulSoup(last_offer[0].text, "html.parser")
    quote = offer.select_one("input[name=quote]")["value"]
    opted_in = post("/checkout/protection", {"quote": quote, "checkout_plus": "y"})
    step("opt in")
    # Place order sends the signed total the page showed (the totals came with the opt-in).
    shown = BeautifulSoup(opted_in.text, "html.parser").select_one("input[name=shown_total]")
    placed = post("/checkout/place", {**CARD, "shown_total": shown["value"]}, htmx=False)
    assert placed.status_code == 303, placed.status_code
    assert placed.headers["Location"].endswith("/checkout/confirmation"), placed.headers
    step("place and pay")
    # The sync worker, in this process, on the app's queue.
    app = create_app({**env, "INSTANCE_PATH": env["CHECKOUT_INSTANCE_PATH"]})
    drain(app.extensions["sync_queue"])
    step("sync")
    bigcommerce, loop = upstream_calls(sandbox)
    analyses = [e for e in loop if e["path"] == "/v1/analyze"]
    states = {_cart_state(e["json"]) for e in analyses}
    routes = Counter(route_of(e) for e in bigcommerce + loop)
    metafield_posts = sum(
        1 for e in bigcommerce if e["method"] == "POST" and "metafields" in e["path"]
    )
    details["journey"] = {
        "steps": [
            {"step": s, "bigcommerce": b, "loop": lo, "calls": step_routes[s]} for s, b, lo in steps
        ],
        "floor_by_step": {s: calls for s, (calls, _) in FLOOR_BY_STEP.items()},
        "calls_by_route": dict(routes.most_common()),
        "distinct_cart_states": len(states),
    }
    bc, lp = len(bigcommerce), len(loop)
    per_step = ", ".join(f"{s} {b}/{lo}" for s, b, lo in steps)
    floor_steps = ", ".join(f"{s} {calls}" for s, (calls, _) in FLOOR_BY_STEP.items())
    return [
        Row(
            "journey_bigcommerce",
            "BigCommerce calls per checkout",
            bc,
            "",
            f"<= floor {BIGCOMMERCE_FLOOR} + 2",
            bc <= BIGCOMMERCE_FLOOR + 2,
            note=(
                f"GET checkout x{routes[GET_CHECKOUT]} (floor {FLOOR_GET_CHECKOUT}); "
                f"per step (BigCommerce/Loop): {per_step}"
            ),
        ),
        Row(
            "journey_floor",
            "BigCommerce floor (derived)",
            BIGCOMMERCE_FLOOR,
            "",
            note=f"per step: {floor_steps}",
        ),
        Row(
            "journey_metafields",
            "metafield POSTs (recipe: 1 per key)",
            metafield_posts,
            "",
            f"recipe {RECIPE_SYNC_CALLS}, floor 1",
        ),
        Row(
            "journey_loop",
            "Loop calls per checkout",
            lp,
            "",
            f"= distinct cart states ({len(states)})",
            lp == len(states),
            note=f"{len(analyses)} analyze calls for {len(states)} distinct cart states",
        ),
    ]


def _cart_state(body) -> str:
    """The cart part of an analyze request, without Loop's session id."""
    if not isinstance(body, dict):
        return json.dumps(body)
    cart = {k: v for k, v in body.items() if "session" not in k.lower()}
    return json.dumps(cart, sort_keys=True, default=str)
