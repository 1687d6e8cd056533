"""Serve the two sandboxes alone: ``python -m app.sandbox [--bigcommerce-port P] [--loop-port P]``.

For merchants who want to point their own storefront (or this app started separately) at them.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from app.sandbox import FAULTS_VARIABLE
from app.sandbox import PortInUse
from app.sandbox import Sandbox
from app.sandbox import credentials


def main(argv: list[str] | None = None) -> int:
    """Start both sandboxes and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m app.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument("--bigcommerce-port", type=int, default=credentials.BIGCOMMERCE_PORT)
    parser.add_argument("--loop-port", type=int, default=credentials.LOOP_PORT)
    args = parser.parse_args(argv)
    # Handle Ctrl+C and SIGTERM from the start: a signal that lands while the services come
    # up must stop them cleanly too, not escape as a KeyboardInterrupt mid-start.
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        sandbox = Sandbox.start(args.host, args.bigcommerce_port, args.loop_port)
    except PortInUse as taken:
        flag = "--loop-port" if taken.service == "Loop" else "--bigcommerce-port"
        print(f"sandbox: {taken.strerror}: choose another with {flag}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"sandbox: {FAULTS_VARIABLE}: {error}", file=sys.stderr)
        return 2
    hash_ = credentials.BIGCOMMERCE_STORE_HASH
    print(
        f"BigCommerce sandbox: {sandbox.bigcommerce.url}/stores/{hash_}/v3  (X-Auth-Token: "
        f"{credentials.BIGCOMMERCE_ACCESS_TOKEN})"
    )
    print(
        f"Loop sandbox:        {sandbox.loop.url}/v1/analyze  (X-Authorization: "
        f"{credentials.LOOP_CART_API_KEY})"
    )
    bigcommerce, loop = sandbox.bigcommerce.url, sandbox.loop.url
    instance = f"instance-{sandbox.loop.server.port}"
    print(
        "Serve the checkout on them (another instance folder keeps its orders apart):\n"
        f"  CHECKOUT_SANDBOX=1 BIGCOMMERCE_API_URL={bigcommerce} "
        f"BIGCOMMERCE_PAYMENTS_URL={bigcommerce} LOOP_CHECKOUT_PLUS_URL={loop} "
        f"LOOP_ORDERS_API_URL={loop}/api/v1 CHECKOUT_INSTANCE_PATH={instance} "
        ".venv/bin/python -m app --port 8010"
    )
    print("Press Ctrl+C to stop.", flush=True)
    stop.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
