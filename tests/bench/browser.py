"""Measure 7: time to offer in Chromium, from a click on a line's "+" to the new price painted.

The page itself keeps the time (``performance.now()``): a capture listener notes the click,
a MutationObserver notes when the offer's price shows a new amount and is visible (the
stylesheet hides the offer while its request is in flight), and a frame later, once that frame
has been painted, the time is taken again. The scripts go in through Playwright's evaluate,
which the page's Content-Security-Policy does not apply to.
"""

from __future__ import annotations

import shutil

from tests.bench.common import LATENCY
from tests.bench.common import create_cart
from tests.bench.latency import percentile
from tests.bench.report import Row
from tests.bench.servers import Sandboxes
from tests.support.chromium import CHROMIUM
from tests.support.chromium import CHROMIUM_ARGS

WARM_UP = 1  # an untimed round first: the page's scripts, connections, the first analysis
PRICE = "#checkout-plus-offer [data-checkout-plus-price]"
WAIT_MS = 15_000
# Arms the page for one click: fills window.__timeToOffer with clicked, shown and painted.
ARM = """([priceSelector, oldAmount]) => {
  window.__timeToOfferStop?.abort();
  const stop = new AbortController();
  window.__timeToOfferStop = stop;
  const state = {clicked: null, shown: null, painted: null};
  window.__timeToOffer = state;
  const isNewPrice = () => {
    const price = document.querySelector(priceSelector);
    return price !== null && price.dataset.amount !== oldAmount
      && price.checkVisibility({visibilityProperty: true, opacityProperty: true});
  };
  document.addEventListener('click', (event) => {
    if (state.clicked === null && event.target.closest('#order-summary [id$="-increase"]')) {
      state.clicked = performance.now();
    }
  }, {capture: true, signal: stop.signal});
  const observer = new MutationObserver(() => {
    if (state.clicked === null || state.shown !== null || !isNewPrice()) return;
    state.shown = performance.now();
    observer.disconnect();
    // rAF runs just before the frame is painted; a message posted from it arrives after.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { state.painted = performance.now(); };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  stop.signal.addEventListener('abort', () => observer.disconnect());
}"""
PAINTED = "() => window.__timeToOffer.painted !== null"
# Idle: the price shows this amount and no htmx request is in flight.
SETTLED = """([priceSelector, amount]) => {
  const price = document.querySelector(priceSelector);
  return price !== null && price.dataset.amount === amount
    && price.checkVisibility({visibilityProperty: true, opacityProperty: true})
    && document.querySelector('.htmx-request') === null;
}"""


def time_to_offer(
    sandbox: Sandboxes, origin: str, samples: int, run: bool, details: dict
) -> list[Row]:
    """Time from a click on "+" to the new offer price painted, minus Loop's latency."""
    if not run:
        return _rows(None, None, "skipped", "")
    if shutil.which(CHROMIUM) is None:
        return _rows(None, None, "unavailable", f"{CHROMIUM} not installed")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        return _rows(None, None, "unavailable", f"Playwright not installed: {error}")
    sandbox.set_delays(bigcommerce=0, loop=LATENCY)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            reason = f"Chromium did not start: {str(error).splitlines()[0][:160]}"
            return _rows(None, None, "unavailable", reason)
        try:
            context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
            timings = _click_rounds(context.new_page(), sandbox, origin, samples)
        finally:
            browser.close()
    raw = [painted - clicked for clicked, _, painted, _ in timings]
    shown = [shown - clicked for clicked, shown, _, _ in timings]
    loop_calls = [calls for *_, calls in timings]
    overheads = [ms - calls * LATENCY * 1000 for ms, calls in zip(raw, loop_calls, strict=True)]
    details["browser_time_to_offer"] = {
        "samples": len(timings),
        "raw_p50_ms": percentile(raw, 50),
        "raw_p95_ms": percentile(raw, 95),
        "shown_p50_ms": percentile(shown, 50),
        "loop_calls_per_click": sum(loop_calls) / len(loop_calls),
        "raw_ms": raw,
    }
    note = (
        f"Chromium (headless), {len(timings)} clicks on '+', each on a new cart (1 to 2 pairs: "
        f"a cart state never priced, so each asks Loop), "
        f"Loop at {LATENCY * 1000:g} ms and BigCommerce at 0; click event to the first frame "
        f"painted with the new price visible; raw p50 {percentile(raw, 50):.1f} ms, "
        f"{sum(loop_calls) / len(loop_calls):g} Loop calls per click, "
        f"{LATENCY * 1000:g} ms subtracted per Loop call"
    )
    return _rows(percentile(overheads, 50), percentile(overheads, 95), "ok", note)


def _click_rounds(page, sandbox: Sandboxes, origin: str, samples: int) -> list[tuple]:
    """Time clicks on "+", one per new cart; per click (clicked, shown, painted, Loop calls).

    Every click takes a new cart from 1 to 2 pairs, a cart state Loop never priced: the app
    re-uses an analysis for an identical cart state (the analysis shelf), so a click that
    took a cart back to a quantity it had a moment ago would not ask Loop.
    """
    timings = []
    for index in range(WARM_UP + samples):
        page.goto(f"{origin}/checkout?cart_id={create_cart(sandbox)}")  # the handoff redirects
        line = page.locator("#order-summary [data-line-id]").first
        line_id = line.get_attribute("data-line-id")
        price = page.locator(PRICE)
        price.wait_for(state="visible", timeout=WAIT_MS)
        start_amount = price.get_attribute("data-amount")
        page.wait_for_function(SETTLED, arg=[PRICE, start_amount], timeout=WAIT_MS)
        page.evaluate(ARM, [PRICE, start_amount])
        sandbox.clear_logs()
        page.locator(f"#line-{line_id}-increase").click()
        page.wait_for_function(PAINTED, timeout=WAIT_MS)
        state = page.evaluate("() => window.__timeToOffer")
        loop_calls = len(sandbox.log(sandbox.loop))
        if index >= WARM_UP:
            timings.append((state["clicked"], state["shown"], state["painted"], loop_calls))
        page.wait_for_function(
            SETTLED, arg=[PRICE, price.get_attribute("data-amount")], timeout=WAIT_MS
        )
    return timings


def _rows(p50: float | None, p95: float | None, status: str, note: str) -> list[Row]:
    """The measure's two rows (no target: the issue sets none)."""
    return [
        Row(
            "browser_time_to_offer_p50",
            "browser time to offer, minus Loop, p50",
            p50,
            "ms",
            status=status,
            note=note,
        ),
        Row(
            "browser_time_to_offer_p95",
            "browser time to offer, minus Loop, p95",
            p95,
            "ms",
            status=status,
        ),
    ]
