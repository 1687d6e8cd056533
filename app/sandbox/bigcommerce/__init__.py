"""The sandbox BigCommerce: an in-memory imitation of BigCommerce's REST API over real HTTP.

svc = create_service()
running = RunningService(svc, LoopbackServer(svc.app).start())
# {running.url}/stores/sandbox/v3/..., /stores/sandbox/v2/..., /stores/sandbox/payments
state = svc.app.extensions["bigcommerce_state"]   # StoreState: carts, orders, webhooks, ...
svc.reset()                                        # back to the seeded store
"""

from .factory import create_service
from .payments import TEST_CARDS
from .settings import BigCommerceSandboxSettings
from .state import StoreState

__all__ = ["TEST_CARDS", "BigCommerceSandboxSettings", "StoreState", "create_service"]
