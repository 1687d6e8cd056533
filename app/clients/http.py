"""What every upstream client shares: a pooled requests session and Decimal-exact JSON."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import requests
import simplejson
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies
from urllib3.util.retry import Retry

USER_AGENT = "checkout-plus-bigcommerce/0.1"


class UpstreamSession(requests.Session):
    """A session that reads proxy and CA settings from the environment once per origin.

    With ``trust_env`` requests reads the proxy variables (and stats ~/.netrc) on every
    request; a server calling the same few origins all day does that once. The settings
    are the same: HTTP(S)_PROXY with NO_PROXY, and REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE.
    Our credentials travel in headers, so ~/.netrc is not read at all.
    """

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False
        self._proxies_by_origin: dict[tuple[str, str], dict[str, str]] = {}
        self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        """Add the environment's proxies for this origin and its CA bundle, then the session's."""
        origin = tuple(urlsplit(url)[:2])
        found = self._proxies_by_origin.get(origin)
        if found is None:
            found = self._proxies_by_origin.setdefault(origin, get_environ_proxies(url))
        proxies = {**found, **(proxies or {})}
        if (verify is True or verify is None) and self._ca_bundle:
            verify = self._ca_bundle
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


def build_session(pool_size: int = 16) -> requests.Session:
    """Return a keep-alive session whose pool suits a threaded web worker."""
    session = UpstreamSession()
    # Retry only a failed connect: the request never reached the server, so even a POST is
    # safe to send again. Anything later is the caller's decision, so a 429 or 503 comes back
    # as the answer it is (not a RetryError) and a read timeout as a Timeout.
    retry = Retry(
        total=1,
        connect=1,
        read=False,
        status=0,
        other=0,
        backoff_factor=0,
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def check_client_settings(api_key: str, timeout: float) -> None:
    """Refuse a bad key or timeout when a client is built, not on its first call."""
    if not timeout > 0:
        raise ValueError("timeout must be a positive number of seconds")
    # Checked here because requests would quote a bad header value in its exception.
    if not api_key or any(char.isspace() or not char.isprintable() for char in api_key):
        raise ValueError("api_key is empty or holds whitespace or control characters")


def encode_json(body: Any) -> str:
    """Encode a request body; Decimal goes on the wire as a JSON number, exactly."""
    return simplejson.dumps(body, use_decimal=True)


def decode_json(content: bytes) -> Any:
    """Decode a response body; numbers with a fraction become Decimal, never float."""
    return simplejson.loads(content, use_decimal=True)
