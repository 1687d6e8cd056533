"""Run the checkout server: ``python -m app [--host H] [--port P]``.

With no credentials (or ``CHECKOUT_SANDBOX=1``) it starts the built-in sandboxes and serves
the demo store from this one process. With live credentials it serves the app under
gunicorn (``WEB_CONCURRENCY`` workers).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
from flask import Flask
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from app import app_from_environment
from app import create_app
from app.config import ConfigError
from app.config import Settings
from app.config import read_environment
from app.metrics.processes import child_exit
from app.metrics.processes import remove_private_dir
from app.metrics.processes import use_multiprocess_dir

if TYPE_CHECKING:
    from app.sandbox import PortInUse

DEFAULT_PORT = 8000


def main(argv: list[str] | None = None) -> int:
    """Check the configuration, then serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)))
    args = parser.parse_args(argv)
    # Before the first app imports the metrics: gunicorn's workers must count in shared files.
    metrics_dir = use_multiprocess_dir() if _live_requested() else None
    try:
        app = app_from_environment()
        if app is None:
            return 2
        settings: Settings = app.config["SETTINGS"]
        if settings.sandbox:
            return _serve_sandbox(app, settings, args.host, args.port)
        return _serve_live(args.host, args.port)
    finally:
        remove_private_dir(metrics_dir)


def _live_requested() -> bool:
    """Tell whether the environment asks for a live store (checked fully by the app next)."""
    try:
        return not Settings.from_environ(read_environment()).sandbox
    except ConfigError:
        return False  # the app says what to fix


def _serve_sandbox(app: Flask, settings: Settings, host: str, port: int) -> int:
    """Start the sandboxes, or use those already on the configured ports; then serve the app."""
    from app.sandbox import PortInUse
    from app.sandbox import Sandbox

    try:
        server = _listen(app, host, port)
    except OSError as error:
        print(
            f"cannot listen on {host}:{port}: {os.strerror(error.errno)}. Choose another port "
            "with --port or PORT (and another address with --host or HOST).",
            file=sys.stderr,
        )
        return 1
    bigcommerce_port = urlsplit(settings.bigcommerce_api_url).port
    loop_port = urlsplit(settings.loop_checkout_plus_url).port
    sandbox = None
    try:
        sandbox = Sandbox.start("127.0.0.1", bigcommerce_port or 0, loop_port or 0)
    except PortInUse as taken:
        if not _sandboxes_answer(settings):
            server.server_close()
            print(f"sandbox error: {_port_taken(taken)}", file=sys.stderr)
            return 1
        print(f"Using the sandboxes already running on ports {bigcommerce_port} and {loop_port}.")
    except ValueError as error:
        server.server_close()
        print(f"sandbox error: {error}", file=sys.stderr)
        return 2
    if sandbox and settings.checkout_plus_sync == "direct":
        sandbox.disconnect_connector()  # one sync path at a time, as in production
    from app.sync.queue import start_in_process

    # The sync worker runs beside the web server, on the same queue, so a demo needs no
    # second command; in production it is its own process (python -m app.worker).
    worker = start_in_process(app.extensions["sync_queue"])
    _subscribe_to_sandbox_orders(app, server.port)
    print(f"Demo store on the sandbox: http://{host}:{server.port}/  (Ctrl+C to stop)")
    # Process managers stop services with SIGTERM: shut down as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, _stop_serving)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop(graceful=True)
        server.server_close()
        if sandbox:
            sandbox.stop()
    return 0


def _listen(app: Flask, host: str, port: int) -> BaseWSGIServer:
    """Return a threaded server for the app, bound to its port (OSError when that is taken)."""
    # Bound here, not by werkzeug: werkzeug meets a taken port by exiting the process.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.create_server((host, port), family=family) as listening:
        return make_server(host, port, app, threaded=True, fd=listening.fileno())


def _port_taken(taken: PortInUse) -> str:
    """Say which sandbox port another program holds, and which variables move that sandbox."""
    if taken.service == "Loop":
        moved = "LOOP_CHECKOUT_PLUS_URL and LOOP_ORDERS_API_URL (http://127.0.0.1:<port> and "
        moved += "http://127.0.0.1:<port>/api/v1)"
    else:
        moved = "BIGCOMMERCE_API_URL and BIGCOMMERCE_PAYMENTS_URL (http://127.0.0.1:<port>)"
    return (
        f"port {taken.port}, the {taken.service} sandbox's, is in use by another program that "
        f"is not a sandbox. Stop it, or move the {taken.service} sandbox to a free port with "
        f"{moved}."
    )


def _subscribe_to_sandbox_orders(app: Flask, port: int) -> None:
    """Have the sandbox store send its order webhooks here, as a merchant registers them."""
    from app.clients.bigcommerce import BigCommerceError
    from app.webhooks.registration import register_order_webhooks

    try:
        register_order_webhooks(
            app.extensions["bigcommerce"],
            f"http://127.0.0.1:{port}",
            app.extensions["webhook_secret"],
        )
    except BigCommerceError as error:
        print(f"sandbox warning: order webhooks not registered: {error}", file=sys.stderr)


def _stop_serving(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _sandboxes_answer(settings: Settings) -> bool:
    """Tell whether sandboxes started elsewhere already answer on the configured ports."""
    for origin in (settings.bigcommerce_api_url, settings.loop_checkout_plus_url):
        try:
            response = requests.get(f"{origin}/__sandbox/health", timeout=2)
        except requests.RequestException:
            return False
        if response.status_code != 200:
            return False
    return True


def _serve_live(host: str, port: int) -> int:
    """Serve the app under gunicorn, as in production."""
    from gunicorn.app.base import BaseApplication

    class CheckoutServer(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", int(os.environ.get("WEB_CONCURRENCY", 2)))
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", int(os.environ.get("WEB_THREADS", 8)))
            self.cfg.set("accesslog", "-")
            # A worker that exits takes its live metrics out of the sums.
            self.cfg.set("child_exit", child_exit)

        def load(self) -> Flask:
            return create_app()

    CheckoutServer().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
