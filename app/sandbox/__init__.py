"""The built-in sandbox: BigCommerce and Loop as real HTTP services on loopback ports.

``Sandbox.start()`` runs both, and subscribes Loop's sandbox connector to the sandbox
store's order webhooks, as the real connector is subscribed to a real store.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import requests

from app.sandbox import credentials
from app.sandbox.service import LoopbackServer
from app.sandbox.service import RunningService
from app.sandbox.service import parse_faults_env

FAULTS_VARIABLE = "CHECKOUT_SANDBOX_FAULTS"


class PortInUse(OSError):
    """A sandbox service's port is taken by another program."""

    def __init__(self, service: str, port: int, error: OSError) -> None:
        super().__init__(error.errno, f"the {service} sandbox's port {port} is in use")
        self.service = service
        self.port = port


def _listen(app, host: str, port: int, service: str) -> LoopbackServer:
    """Serve a sandbox on its port, or raise PortInUse naming it."""
    try:
        return LoopbackServer(app, host, port).start()
    except OSError as error:
        raise PortInUse(service, port, error) from error


@dataclass
class Sandbox:
    """Both sandbox services, running."""

    bigcommerce: RunningService
    loop: RunningService

    @classmethod
    def start(
        cls,
        host: str = "127.0.0.1",
        bigcommerce_port: int = 0,
        loop_port: int = 0,
        faults: str | None = None,
    ) -> Sandbox:
        """Start both services (port 0 picks a free port) and wire the connector.

        Raises PortInUse, naming the service, when its port is taken; nothing is left running.
        """
        from app.sandbox.bigcommerce import create_service as create_bigcommerce
        from app.sandbox.loop import create_service as create_loop

        bigcommerce_service = create_bigcommerce()
        bigcommerce = RunningService(
            bigcommerce_service,
            _listen(bigcommerce_service.app, host, bigcommerce_port, "BigCommerce"),
        )
        loop_service = create_loop()
        loop_service.app.extensions["loop_state"].connect_bigcommerce(
            bigcommerce.url, credentials.BIGCOMMERCE_STORE_HASH
        )
        try:
            loop = RunningService(loop_service, _listen(loop_service.app, host, loop_port, "Loop"))
        except PortInUse:
            bigcommerce.stop()
            raise
        sandbox = cls(bigcommerce=bigcommerce, loop=loop)
        try:
            sandbox._subscribe_connector()
            sandbox.set_faults(
                faults if faults is not None else os.environ.get(FAULTS_VARIABLE, "")
            )
        except BaseException:
            sandbox.stop()
            raise
        return sandbox

    def set_faults(self, text: str) -> None:
        """Set faults from the ``CHECKOUT_SANDBOX_FAULTS`` text form (see the README)."""
        services = {"bigcommerce": self.bigcommerce, "loop": self.loop}
        for name, faults in parse_faults_env(text).items():
            if name not in services:
                raise ValueError(f"{FAULTS_VARIABLE}: unknown service {name!r}")
            for fault in faults:
                services[name].faults.add_fault(fault)

    def reset(self) -> None:
        """Return both services to their seeded state, with empty logs and no faults."""
        self.bigcommerce.reset()
        self.loop.reset()
        self._subscribe_connector()

    def stop(self) -> None:
        """Stop both services."""
        self.loop.stop()
        self.bigcommerce.stop()

    def disconnect_connector(self) -> None:
        """Unsubscribe Loop's connector, as a merchant on the direct path does (one path only)."""
        hooks = f"{self.bigcommerce.url}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/hooks"
        auth = {
            "X-Auth-Token": credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN,
            "Accept": "application/json",
        }
        listed = requests.get(hooks, headers=auth, timeout=5)
        listed.raise_for_status()
        for hook in listed.json()["data"]:
            requests.delete(f"{hooks}/{hook['id']}", headers=auth, timeout=5).raise_for_status()
        self.bigcommerce.log.clear()

    def _subscribe_connector(self) -> None:
        """Register Loop's connector for the store's order events, through BigCommerce's API."""
        connector = self.loop.service.app.extensions["loop_state"].connector
        response = requests.post(
            f"{self.bigcommerce.url}/stores/{credentials.BIGCOMMERCE_STORE_HASH}/v3/hooks",
            json={
                "scope": "store/order/*",
                "destination": f"{self.loop.url}{connector.webhook_path}",
                "is_active": True,
                "headers": connector.webhook_headers,
            },
            headers={
                "X-Auth-Token": credentials.LOOP_CONNECTOR_BIGCOMMERCE_TOKEN,
                "Accept": "application/json",
            },
            timeout=5,
        )
        response.raise_for_status()
        # The subscription is set-up, not traffic a test should count.
        self.bigcommerce.log.clear()
