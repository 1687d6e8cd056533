"""Card payments through BigCommerce's Payments API (payments.bigcommerce.com).

A payment is sent once: nothing here retries it, because after a timeout or a 5xx the card
may have been charged. Card data and the payment access token never reach a log record or an
exception message.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import requests

from app.clients.bigcommerce.errors import BigCommerceInvalidResponse
from app.clients.bigcommerce.errors import BigCommerceUnavailable
from app.clients.bigcommerce.errors import PaymentDeclined
from app.clients.bigcommerce.errors import PaymentRejected
from app.clients.bigcommerce.models import Card
from app.clients.bigcommerce.models import Payment
from app.clients.http import build_session
from app.clients.http import decode_json
from app.clients.http import encode_json

log = logging.getLogger(__name__)

# The only media type the process-payment call accepts (process_payments.yml).
PAYMENTS_ACCEPT = "application/vnd.bc.v1+json"
# Payments error codes that mean the card was refused, with BigCommerce's own wording for the
# shopper (docs: store-operations/payments, "Error codes"). Other codes are about the request,
# the order or the store, and are not the shopper's to fix.
DECLINE_MESSAGES = {
    30102: "Your card details could not be verified. Please double check them and try again.",
    30103: "Your card has expired. Please try again with a valid card.",
    30104: "There was a problem processing your card. Please contact your card issuer.",
    30106: "The payment was declined due to insufficient funds.",
    30107: "The authorization for this transaction has been revoked.",
}
DECLINED = "Your card was declined. Please try another card."
REDACTED = "[redacted]"


class BigCommercePayments:
    """Charge a card for an Incomplete order, with a payment access token (PAT)."""

    def __init__(
        self,
        payments_url: str,
        store_hash: str,
        timeout: tuple[float, float] = (3.05, 20.0),
        session: requests.Session | None = None,
    ) -> None:
        self._url = f"{payments_url.rstrip('/')}/stores/{store_hash}/payments"
        self._timeout = timeout
        self._session = session or build_session()

    def pay(self, access_token: str, payment_method_id: str, card: Card) -> Payment:
        """Charge the card once; a decline raises PaymentDeclined, other refusals PaymentRejected.

        BigCommerceUnavailable (timeout, 5xx) means the outcome is unknown: read the order's
        status before trying again, with a new access token.
        """
        # Shoppers type spaces or dashes between digit groups; gateways want the digits alone.
        number = re.sub(r"[\s-]", "", card.number)
        body = {
            "payment": {
                "instrument": {
                    "type": "card",
                    "number": number,
                    "cardholder_name": card.holder_name,
                    "expiry_month": card.expiry_month,
                    "expiry_year": card.expiry_year,
                    "verification_value": card.verification_value,
                },
                "payment_method_id": payment_method_id,
            }
        }
        headers = {
            "Authorization": f"PAT {access_token}",
            "Accept": PAYMENTS_ACCEPT,
            "Content-Type": "application/json",
        }
        try:
            response = self._session.post(
                self._url, data=encode_json(body), headers=headers, timeout=self._timeout
            )
        except requests.Timeout as error:
            log.warning("BigCommerce payment timed out; its outcome is unknown")
            raise BigCommerceUnavailable("BigCommerce payment timed out") from error
        except requests.RequestException as error:
            log.warning("BigCommerce payment failed: %s", type(error).__name__)
            raise BigCommerceUnavailable("BigCommerce payments unreachable") from error
        secrets = (card.number, number, card.verification_value, access_token)
        return self._read(response, secrets)

    def _read(self, response: requests.Response, secrets: tuple[str, ...]) -> Payment:
        status = response.status_code
        if status == 429 or status >= 500:
            log.warning("BigCommerce payment answered %s; its outcome is unknown", status)
            raise BigCommerceUnavailable(f"BigCommerce payments answered {status}", status)
        try:
            payload = decode_json(response.content)
        except ValueError as error:
            log.warning("BigCommerce payment answered %s with invalid JSON", status)
            raise BigCommerceInvalidResponse("invalid JSON from payments", status) from error
        if status >= 400:
            raise _refusal(status, payload, secrets)
        if not isinstance(payload, dict):
            raise BigCommerceInvalidResponse("payment answered without data", status)
        return Payment.parse(payload.get("data"))


def _refusal(status: int, payload: Any, secrets: tuple[str, ...]) -> PaymentRejected:
    """Turn a Payments API 4xx into PaymentDeclined or PaymentRejected, with secrets removed."""
    body = payload if isinstance(payload, dict) else {}
    code = body.get("code") if isinstance(body.get("code"), int) else None
    raw_errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
    errors = {str(k): _scrub(str(v), secrets) for k, v in raw_errors.items()}
    decline_code = errors.get("decline_code")
    log.info("BigCommerce payment refused (%s, code %s, %s)", status, code, decline_code)
    if code in DECLINE_MESSAGES or (code is None and decline_code):
        message = DECLINE_MESSAGES.get(code, DECLINED)
        return PaymentDeclined(message, status, code, decline_code, errors)
    title = _scrub(str(body.get("title") or "refused"), secrets)
    message = f"payment refused ({status}, code {code}): {title}"
    return PaymentRejected(message, status, code, errors)


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    """Remove the card number, CVV and token from text BigCommerce may have echoed."""
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
