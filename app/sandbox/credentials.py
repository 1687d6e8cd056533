"""The credentials the built-in sandboxes accept.

They unlock nothing outside the loopback sandboxes. The checkout knows its own account of
them as configuration (``SANDBOX_*`` in ``app.config``), as a merchant's .env knows a live
store's, and treats them exactly like live credentials: never in a page, header, cookie or
log line.
"""

BIGCOMMERCE_STORE_HASH = "sandbox"
BIGCOMMERCE_ACCESS_TOKEN = "sandbox-bc-access-token-3f9c2a7d"
# The API account's client secret: it signs webhook deliveries (Standard Webhooks).
BIGCOMMERCE_CLIENT_SECRET = "sandbox-bc-client-secret-81d04e6b"

# Loop: a Cart-scoped key for /v1/analyze and an Orders-scoped key for the Orders API.
LOOP_CART_API_KEY = "sandbox-loop-cart-key-5b7e19c0"
LOOP_ORDERS_API_KEY = "sandbox-loop-orders-key-c2a8d4f1"
# The BigCommerce token Loop's sandbox connector uses to read order metafields.
LOOP_CONNECTOR_BIGCOMMERCE_TOKEN = "sandbox-loop-connector-bc-token-9e6a"
# The shared secret BigCommerce sends in a header with each webhook to Loop's connector.
LOOP_CONNECTOR_WEBHOOK_SECRET = "sandbox-loop-connector-webhook-secret-4d71"

# The loopback ports the sandboxes use when the app runs them (README documents these).
BIGCOMMERCE_PORT = 8801
LOOP_PORT = 8802

ALL_SECRETS = (
    BIGCOMMERCE_ACCESS_TOKEN,
    BIGCOMMERCE_CLIENT_SECRET,
    LOOP_CART_API_KEY,
    LOOP_ORDERS_API_KEY,
    LOOP_CONNECTOR_BIGCOMMERCE_TOKEN,
    LOOP_CONNECTOR_WEBHOOK_SECRET,
)
