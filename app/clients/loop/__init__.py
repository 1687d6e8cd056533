"""The Loop Checkout+ API client."""

from app.clients.loop.client import LoopClient
from app.clients.loop.errors import LoopError
from app.clients.loop.errors import LoopInvalidResponse
from app.clients.loop.errors import LoopOrdersError
from app.clients.loop.errors import LoopOrdersRejected
from app.clients.loop.errors import LoopOrdersUnavailable
from app.clients.loop.errors import LoopRateLimited
from app.clients.loop.errors import LoopRejected
from app.clients.loop.errors import LoopRequestTooLarge
from app.clients.loop.errors import LoopSessionNotFound
from app.clients.loop.errors import LoopUnauthorized
from app.clients.loop.errors import LoopUnavailable
from app.clients.loop.models import SESSION_ID_FORMAT
from app.clients.loop.models import Offer
from app.clients.loop.models import SessionState
from app.clients.loop.models import is_session_id
from app.clients.loop.orders import LoopOrderReceipt
from app.clients.loop.orders import LoopOrdersClient
from app.clients.loop.payload import MAX_ANALYZE_BODY_BYTES

__all__ = [
    "MAX_ANALYZE_BODY_BYTES",
    "SESSION_ID_FORMAT",
    "LoopClient",
    "LoopError",
    "LoopInvalidResponse",
    "LoopOrderReceipt",
    "LoopOrdersClient",
    "LoopOrdersError",
    "LoopOrdersRejected",
    "LoopOrdersUnavailable",
    "LoopRateLimited",
    "LoopRejected",
    "LoopRequestTooLarge",
    "LoopSessionNotFound",
    "LoopUnauthorized",
    "LoopUnavailable",
    "Offer",
    "SessionState",
    "is_session_id",
]
