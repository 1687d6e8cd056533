"""After a run: was the answer really the checkout page, or really the offer fragment?

wrk counts a 200 as a success whatever its body, and the cookie is the same on every request,
so one more request with it shows what every request of the run was answered with.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4 import Tag

OFFER = "checkout-plus-offer"


def problems_with_page(status: int, html: str) -> list[str]:
    """What is wrong with an answer to GET /checkout (nothing: an empty list)."""
    if status != 200:
        return [f"status {status}, not 200"]
    page = BeautifulSoup(html, "html.parser")
    if page.find("html") is None:
        return ["not a whole page"]
    return _problems_with_offer(page.find(id=OFFER))


def problems_with_fragment(status: int, html: str) -> list[str]:
    """What is wrong with an answer to GET /checkout/offer sent by htmx."""
    if status != 200:
        return [f"status {status}, not 200"]
    fragment = BeautifulSoup(html, "html.parser")
    if fragment.find(["html", "head", "body"]) is not None:
        return ["a whole page, not the fragment"]
    # htmx first takes out the roots marked out of band (the totals, the live region), then
    # swaps what is left in place of #checkout-plus-offer: that must be the offer alone.
    roots = [node for node in fragment.children if isinstance(node, Tag)]
    swapped = [root for root in roots if not root.has_attr("hx-swap-oob")]
    if len(swapped) != 1 or swapped[0].get("id") != OFFER:
        found = [f"{root.name}#{root.get('id')}" for root in swapped]
        return [f"the root swapped in is not one #{OFFER}: {found}"]
    return _problems_with_offer(swapped[0])


def _problems_with_offer(offer: Tag | None) -> list[str]:
    """The offer must be there and offered: the analysis cached in the cookie was used."""
    if offer is None:
        return [f"no #{OFFER}"]
    if offer.get("data-state") != "offered":
        return [f'#{OFFER} has data-state="{offer.get("data-state")}", not "offered"']
    return []
