"""One scripted shopper: from the storefront's handoff to the confirmation, as a person acts.

A shopper fills in the checkout, ticks the offer when they want it and it is offered, may
change a quantity, and places the order with the total the page last showed them: some click
twice. When the order is not placed the app sends them back to the checkout, where the
payment section says why: a price or cover that changed makes them read the offer again and
tick it again if they still want it, or place without it; a total that changed makes them place
again from the fresh page; "we could not confirm your payment", like the outage page ("Checkout
is briefly unavailable"), makes them pause and try again, a few times.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

import requests

from app.sandbox import credentials
from tests.bench.common import COOKIE
from tests.bench.common import HTMX
from tests.bench.common import SNEAKERS
from tests.bench.common import set_cookie
from tests.bench.journey import CA_ADDRESS
from tests.bench.journey import CARD as JOURNEY_CARD
from tests.soak.pages import HIDDEN
from tests.soak.pages import UPDATING
from tests.soak.pages import OfferSeen
from tests.soak.pages import TotalSeen
from tests.soak.pages import csrf_token
from tests.soak.pages import line_id
from tests.soak.pages import offer_seen
from tests.soak.pages import order_id
from tests.soak.pages import parse
from tests.soak.pages import payment_message
from tests.soak.pages import text_of
from tests.soak.pages import total_seen

SOCKS = 102
CART_CHANGED = "cart-changed"
CHECKOUT = "/checkout"
CONFIRMATION = "/checkout/confirmation"
# The app refuses a card that has expired: one that expires a few years from now, whenever the
# soak runs.
CARD = {**JOURNEY_CARD, "expiry": f"12/{(dt.date.today().year + 3) % 100:02d}"}
PAUSE_SECONDS = (0.2, 0.5)  # how long a person waits before trying again
MAX_BIGCOMMERCE_RETRIES = 5  # outage answers in a row a shopper sits through
MAX_SUBMITS = 12  # place-order submits in all before a shopper gives up
MAX_RATE_LIMIT_PAUSE = 3.0  # seconds; the app's Retry-After is a minute, the soak is short
# What the app says when BigCommerce failed: the outage page, or a payment it could not confirm.
BIGCOMMERCE_WORDS = (
    "briefly unavailable",
    "could not confirm your payment",
    "could not be started",
)
# #payment-message's data-notice (app/checkout/place_outcome.py): the ones that come from Loop,
# the total that changed since the page showed it, and the others a shopper can get past.
LOOP_NOTICES = ("quote_changed", "protection_gone")
TOTAL_CHANGED = "total_changed"
BUSY = "busy"
NO_ROOM = "no_room"
# What a place-order refusal was, for _place: each kind is counted on the Outcome.
LOOP, TOTAL, OTHER, BIGCOMMERCE, AGAIN = "loop", "total", "other", "bigcommerce", "again"


class ShopperStuck(Exception):
    """The shopper met a page a person could not get past; the message says which."""


@dataclass(frozen=True)
class Habits:
    """What one shopper does, drawn from the soak's seed."""

    wants_protection: bool
    socks: bool  # a second product in the cart
    new_quantity: int | None  # the sneakers' quantity they change to, if they do
    change_before_opting: bool
    double_submit: bool

    @classmethod
    def draw(cls, rng: random.Random) -> Habits:
        """Draw a shopper's habits: most want protection, some change a quantity or click twice."""
        return cls(
            wants_protection=rng.random() < 0.6,
            socks=rng.random() < 0.3,
            new_quantity=rng.choice((2, 3)) if rng.random() < 0.25 else None,
            change_before_opting=rng.random() < 0.5,
            double_submit=rng.random() < 0.12,
        )


@dataclass
class Outcome:
    """How one checkout went, as its shopper saw it."""

    index: int
    habits: Habits
    cart_id: str | None = None
    placed: bool = False
    order_id: int | None = None  # from the confirmation page
    accepted: OfferSeen | None = None  # the ticked offer on the page the order was placed from
    total: int | None = None  # minor units: the total on the page the order was placed from
    total_currency: str | None = None
    ticked: bool = False  # ticked the offer at some point
    stop: str | None = None  # why the checkout ended without an order
    stopped_by_bigcommerce: bool = False
    bigcommerce_retries: int = 0
    loop_refusals: int = 0  # refusals saying the offer changed or is gone
    total_refusals: int = 0  # refusals saying the total changed since the page showed it
    other_refusals: int = 0  # refusals saying there is no room for the fee, or still placing
    double_submitted: bool = False
    app_rate_limited: int = 0
    server_errors: list[str] = field(default_factory=list)  # "METHOD path" of each HTTP 500


class Shopper:
    """One person checking out one cart, through the app at ``origin``."""

    def __init__(self, origin: str, store: str, habits: Habits, rng: random.Random, index: int):
        self._origin = origin
        self._store = store  # the sandbox store's origin, where the storefront makes carts
        self._habits = habits
        self._rng = rng
        self._http = requests.Session()
        self._token = ""
        self._line = ""
        self.offer: OfferSeen = HIDDEN
        self.total: TotalSeen = UPDATING  # the latest total shown, in a page or a fragment
        self.outcome = Outcome(index, habits)

    def run(self) -> Outcome:
        """Check out; return how it went (never raises for what a page said)."""
        try:
            self._checkout()
        except ShopperStuck as stuck:
            self.outcome.stop = str(stuck)
        except requests.RequestException as error:
            self.outcome.stop = f"no answer: {type(error).__name__}"
        finally:
            self._http.close()
        return self.outcome

    def _checkout(self) -> None:
        habits = self._habits
        self.outcome.cart_id = cart_id = self._create_cart()
        self._send("GET", f"/checkout?cart_id={cart_id}", expect=303)
        page = parse(self._send("GET", "/checkout").text)
        self._token, self._line = csrf_token(page), line_id(page, SNEAKERS)
        self._see(page)
        email = f"shopper{self.outcome.index}@example.com"
        self._step("/checkout/contact", {"contact-email": email})
        self._step(
            "/checkout/shipping-address", {f"shipping-{k}": v for k, v in CA_ADDRESS.items()}
        )
        self._step("/checkout/shipping-option", {"shipping-option-option_id": "sandbox-standard"})
        if habits.new_quantity and habits.change_before_opting:
            self._change_quantity(habits.new_quantity)
        if habits.wants_protection:
            self._opt_in()
        if habits.new_quantity and not habits.change_before_opting:
            self._change_quantity(habits.new_quantity)
            if habits.wants_protection:
                self._opt_in()  # the new price stays ticked; a person checks it is
        if self._place():
            self._confirm()

    def _create_cart(self) -> str:
        """Make the cart as the merchant's storefront does, through the store's API."""
        items = [{"product_id": SNEAKERS, "quantity": 1}]
        if self._habits.socks:
            items.append({"product_id": SOCKS, "quantity": 1})
        response = self._http.post(
            f"{self._store}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/carts",
            json={"channel_id": 1, "currency": {"code": "USD"}, "line_items": items},
            headers={"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN},
            timeout=10,
        )
        if response.status_code != 201:
            raise ShopperStuck(f"the storefront could not make a cart ({response.status_code})")
        return response.json()["data"]["id"]

    def _step(self, path: str, fields: dict[str, str]) -> None:
        """Save one section of the page (htmx); when the cart changed, the offer reloads."""
        answer = self._send("POST", path, fields, htmx=True)
        if CART_CHANGED in answer.headers.get("HX-Trigger", ""):
            self._reload_offer()

    def _reload_offer(self) -> None:
        self._see(parse(self._send("GET", "/checkout/offer", htmx=True).text))

    def _change_quantity(self, quantity: int) -> None:
        self._step(f"/checkout/lines/{self._line}", {"quantity": str(quantity)})

    def _opt_in(self) -> None:
        """Tick the offer, if it is on show and not ticked yet."""
        if not self.offer.offered or self.offer.ticked:
            return
        fields = {"quote": self.offer.token or "", "checkout_plus": "y"}
        self._see(parse(self._send("POST", "/checkout/protection", fields, htmx=True).text))
        self.outcome.ticked = self.outcome.ticked or self.offer.ticked

    def _see(self, page) -> None:
        """Take in the offer and the total a page shows (what it lacks stays as it was)."""
        seen = offer_seen(page)
        if seen is not None:
            self.offer = seen
        total = total_seen(page)
        if total is not None:
            self.total = total

    def _place(self) -> bool:
        """Submit the payment form until the order goes through; say whether it did."""
        outcome, failures = self.outcome, 0
        for _ in range(MAX_SUBMITS):
            believed, shown = self.offer, self.total
            twice = self._habits.double_submit and not outcome.double_submitted
            answer = self._submit_twice() if twice else self._submit()
            if _sent_to(answer, CONFIRMATION):
                outcome.placed = True
                outcome.accepted = believed if believed.ticked else None
                outcome.total, outcome.total_currency = shown.amount, shown.currency
                return True
            if _sent_to(answer, CHECKOUT):
                refusal = self._after_refusal()
                if refusal != BIGCOMMERCE:
                    failures = 0
                    continue
            elif answer.status_code == 429:
                outcome.app_rate_limited += 1
                self._pause(float(answer.headers.get("Retry-After", "1")))
                continue
            elif answer.status_code == 503 and _bigcommerce_failed(answer.text):
                pass  # the outage page
            elif answer.status_code == 500:
                self._pause()  # counted by _send; a person tries again
                continue
            else:
                page = parse(answer.text)
                problem = text_of(page, "#payment-problem") or text_of(page, "h1")
                where = answer.headers.get("Location", "")
                raise ShopperStuck(f"place order answered {answer.status_code} {where}: {problem}")
            failures += 1
            if failures > MAX_BIGCOMMERCE_RETRIES:
                outcome.stop, outcome.stopped_by_bigcommerce = "BigCommerce kept failing", True
                return False
            outcome.bigcommerce_retries += 1
            self._pause()
        outcome.stop = f"gave up after {MAX_SUBMITS} submits"
        return False

    def _after_refusal(self) -> str:
        """Open the checkout the app sent them back to, read why, and do what it asks.

        Returns the kind of refusal: LOOP, TOTAL, OTHER, BIGCOMMERCE (the payment's own words
        say BigCommerce failed; the caller pauses) or AGAIN (an outage page came first, which
        took the message with it: the shopper simply places again).
        """
        outcome = self.outcome
        retries = outcome.bigcommerce_retries
        page = parse(self._send("GET", CHECKOUT).text)
        self._see(page)
        message = payment_message(page)
        if message is None:
            if outcome.bigcommerce_retries > retries:
                return AGAIN
            raise ShopperStuck("place order went back to a checkout that said nothing")
        if message.payment_problem:
            if _bigcommerce_failed(message.words):
                return BIGCOMMERCE
            raise ShopperStuck(f"place order: the payment failed: {message.words}")
        if message.notice in LOOP_NOTICES:
            outcome.loop_refusals += 1
            if self._habits.wants_protection:
                self._opt_in()  # the offer on show again: tick it, if there is one
            return LOOP
        if message.notice == TOTAL_CHANGED:
            outcome.total_refusals += 1  # the fresh page shows the new total: place again
            return TOTAL
        if message.notice in (BUSY, NO_ROOM):
            outcome.other_refusals += 1
            if message.notice == BUSY:  # "please wait a moment and reload the page"
                self._pause(1.0)
                self._see(parse(self._send("GET", CHECKOUT).text))
            # No room for the fee: the offer is unticked now, so the next submit goes without it.
            return OTHER
        raise ShopperStuck(
            f"place order refused ({message.notice or 'no notice'}): {message.words}"
        )

    def _submit(self, session: requests.Session | None = None) -> requests.Response:
        """Post the payment form: the card, with the total on show (none while "Updating…")."""
        fields = {"csrf_token": self._token, **CARD}
        if self.total.token is not None:
            fields["shown_total"] = self.total.token
        return self._send("POST", "/checkout/place", fields, expect=None, session=session)

    def _submit_twice(self) -> requests.Response:
        """Submit the form twice at once with the same cookie; return the answer that counts."""
        self.outcome.double_submitted = True
        twin = requests.Session()
        set_cookie(twin, self._http.cookies[COOKIE])
        try:
            with ThreadPoolExecutor(2) as pool:
                first, second = pool.map(self._submit, (self._http, twin))
            if not _sent_to(first, CONFIRMATION) and _sent_to(second, CONFIRMATION):
                # The browser keeps what the answer that placed the order set.
                cookie = second.cookies.get(COOKIE)
                if cookie:
                    set_cookie(self._http, cookie)
                return second
            return first
        finally:
            twin.close()

    def _confirm(self) -> None:
        """Open the confirmation page (retrying an outage) and note the order number."""
        for _ in range(MAX_BIGCOMMERCE_RETRIES + 1):
            answer = self._send("GET", "/checkout/confirmation", expect=None)
            if answer.status_code == 200:
                self.outcome.order_id = order_id(parse(answer.text))
                return
            self.outcome.bigcommerce_retries += 1
            self._pause()

    def _send(
        self,
        method: str,
        path: str,
        fields: dict[str, str] | None = None,
        htmx: bool = False,
        expect: int | None = 200,
        session: requests.Session | None = None,
    ) -> requests.Response:
        """Send one request as the browser would; retry an outage page as a person would.

        ``expect`` None returns whatever came back (after counting a 500); otherwise a status
        other than ``expect`` after the retries is a page the shopper cannot get past.
        """
        http = session or self._http
        data = {"csrf_token": self._token, **fields} if fields is not None else None
        for _ in range(MAX_BIGCOMMERCE_RETRIES + 1):
            answer = http.request(
                method,
                self._origin + path,
                data=data,
                headers=HTMX if htmx else None,
                allow_redirects=False,
                timeout=60,
            )
            if answer.status_code == 500:
                self.outcome.server_errors.append(f"{method} {path.split('?')[0]}")
            if expect is None or answer.status_code == expect:
                return answer
            if answer.status_code == 429:
                self.outcome.app_rate_limited += 1
                self._pause(float(answer.headers.get("Retry-After", "1")))
            elif answer.status_code in (500, 503):
                self.outcome.bigcommerce_retries += answer.status_code == 503
                self._pause()
            else:
                break
        raise ShopperStuck(f"{method} {path.split('?')[0]} answered {answer.status_code}")

    def _pause(self, asked: float | None = None) -> None:
        """Wait as a person does before trying again (never longer than the soak allows)."""
        low, high = PAUSE_SECONDS
        wait = self._rng.uniform(low, high) if asked is None else asked
        # Not a synchronisation: the pause is the shopper's habit (or the Retry-After asked).
        time.sleep(min(wait, MAX_RATE_LIMIT_PAUSE))


def _sent_to(answer: requests.Response, path: str) -> bool:
    """Tell whether an answer is a 303 to ``path`` (its fragment aside)."""
    location = answer.headers.get("Location", "")
    return answer.status_code == 303 and urlsplit(location).path == path


def _bigcommerce_failed(words: str) -> bool:
    """Tell whether the app's words say BigCommerce failed (an outage, a lost payment answer)."""
    return any(said in words for said in BIGCOMMERCE_WORDS)
