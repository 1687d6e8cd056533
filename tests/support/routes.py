"""The app's routes from its URL map, and what its requests changed upstream."""

from __future__ import annotations

from app.clients.http import USER_AGENT


def post_routes(app) -> list[tuple[str, str]]:
    """Every POST rule of the app as (endpoint, a URL for it), from the URL map."""
    adapter = app.url_map.bind("localhost")
    return sorted(
        (rule.endpoint, adapter.build(rule.endpoint, dict.fromkeys(rule.arguments, "x")))
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
    )


def our_writes(sandbox) -> list:
    """The calls this app made that could change anything upstream."""
    calls = sandbox.bigcommerce.log.entries() + sandbox.loop.log.entries()
    return [
        call
        for call in calls
        if call.method != "GET" and call.headers.get("User-Agent") == USER_AGENT
    ]
