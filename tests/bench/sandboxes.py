"""Serve both sandboxes for the benchmark: ``python -m tests.bench.sandboxes BC_PORT LOOP_PORT``.

Unlike ``python -m app.sandbox`` the store has no rate limit (a benchmark of 1000 requests
would otherwise measure the sandbox's 429s) and Loop's connector is not subscribed to the
store's webhooks, so the request logs hold the checkout server's calls only.
"""

from __future__ import annotations

import signal
import sys
import threading

from app.sandbox import Sandbox
from app.sandbox.bigcommerce import BigCommerceSandboxSettings
from app.sandbox.bigcommerce import create_service as create_bigcommerce
from app.sandbox.loop import create_service as create_loop
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService


def main(argv: list[str]) -> int:
    """Start both services on the given ports and serve until SIGTERM."""
    bigcommerce_port, loop_port = int(argv[0]), int(argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    settings = BigCommerceSandboxSettings(rate_limit_quota=10**9)
    bigcommerce_service = create_bigcommerce(settings)
    bigcommerce = RunningService(
        bigcommerce_service,
        LoopbackServer(bigcommerce_service.app, "127.0.0.1", bigcommerce_port).start(),
    )
    loop_service = create_loop()
    loop = RunningService(
        loop_service, LoopbackServer(loop_service.app, "127.0.0.1", loop_port).start()
    )
    sandbox = Sandbox(bigcommerce=bigcommerce, loop=loop)
    print("ready", flush=True)
    stop.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
