"""The sandbox Loop: Checkout+ API, Orders API and BigCommerce connector, in memory over HTTP.

Serve ``create_service()`` with ``LoopbackServer(svc.app)``; its in-memory state (rules,
sessions, orders, connector) is ``svc.app.extensions["loop_state"]``.
"""

from app.sandbox.loop.factory import STATE_KEY
from app.sandbox.loop.factory import create_service
from app.sandbox.loop.settings import ApiKey
from app.sandbox.loop.settings import LoopSandboxSettings
from app.sandbox.loop.state import LoopState

__all__ = ["STATE_KEY", "ApiKey", "LoopSandboxSettings", "LoopState", "create_service"]
