"""Register this server for BigCommerce's order webhooks.

``python -m app.webhooks register https://checkout.example.com`` subscribes
``<url>/webhooks/bigcommerce`` to order updates, status changes and refunds, with the
``BIGCOMMERCE_WEBHOOK_SECRET`` header. Run it again any time: it updates, never duplicates.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from app import app_from_environment
from app.clients.bigcommerce import BigCommerceError
from app.config import is_loopback
from app.webhooks.registration import register_order_webhooks


def main(argv: list[str] | None = None) -> int:
    """Register the order webhooks, printing one line per subscription."""
    parser = argparse.ArgumentParser(prog="python -m app.webhooks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    register = commands.add_parser("register", help="subscribe this server to order events")
    register.add_argument(
        "url", help="this server's public origin, e.g. https://checkout.example.com"
    )
    args = parser.parse_args(argv)
    url = urlsplit(args.url)
    if url.scheme != "https" and not (url.scheme == "http" and is_loopback(url.hostname)):
        print(
            "webhooks error: the URL must be https:// (BigCommerce delivers to port 443)",
            file=sys.stderr,
        )
        return 2
    app = app_from_environment()
    if app is None:
        return 2
    secret = app.extensions["webhook_secret"]
    if secret is None:
        print("webhooks error: set BIGCOMMERCE_WEBHOOK_SECRET first", file=sys.stderr)
        return 2
    try:
        done = register_order_webhooks(app.extensions["bigcommerce"], args.url, secret)
    except BigCommerceError as error:
        print(f"webhooks error: {error}", file=sys.stderr)
        return 1
    for hook in done:
        print(f"{hook.action} {hook.scope} (webhook {hook.webhook_id})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
