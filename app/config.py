"""Configuration: read from the environment (and a ``.env`` file), checked before start-up.

Every variable is in the README's table. Live mode needs BigCommerce and Loop credentials;
with none of them set, or with ``CHECKOUT_SANDBOX=1``, the app runs on its built-in sandbox.
Anything half-configured raises ``ConfigError`` whose message is one line naming the variable.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale
from babel import UnknownLocaleError
from dotenv import dotenv_values
from limits import parse_many

DEFAULT_BIGCOMMERCE_API_URL = "https://api.bigcommerce.com"
DEFAULT_BIGCOMMERCE_PAYMENTS_URL = "https://payments.bigcommerce.com"
DEFAULT_LOOP_ORDERS_API_URL = "https://api.loopreturns.com/api/v1"
DEFAULT_ANALYZE_TIMEOUT = 1.5
# Checkout must never wait on Loop for long; a larger budget is a mistake, not a choice.
MAX_ANALYZE_TIMEOUT = 10.0
# The checkout page waits this long on Loop, then shows the offer loading (it asks for itself).
DEFAULT_PAGE_WAIT_MS = 250
MAX_PAGE_WAIT_MS = 10000
MIN_SECRET_KEY_LENGTH = 32
# A person types it into the browser's sign-in prompt, so shorter than a key; still out of
# reach of guessing over HTTP.
MIN_ADMIN_PASSWORD_LENGTH = 16
MAX_FEE_DISPLAY_NAME = 200  # BaseFee.display_name in checkouts.v3.yml
# A web address the merchant pastes (the terms page, the events receiver); longer than any real
# page address is a paste mistake.
MAX_WEB_URL_LENGTH = 2000
# Per shopper session. BigCommerce's quota is per store and shared by every app (150 calls per
# 30 s on Standard) and a cart change costs about two calls, so one session at the default
# change limit spends at most a fifth of it, while no person edits a cart 30 times a minute.
DEFAULT_CART_CHANGE_LIMIT = "30/minute;300/hour"
# Room for a double click and a few retries after a declined card.
DEFAULT_PLACE_ORDER_LIMIT = "10/minute;60/hour"
SYNC_PATHS = ("connector", "direct")

# The demo store's account on the built-in sandbox (``python -m app.sandbox`` accepts exactly
# these, and they unlock nothing else). In sandbox mode they stand in for live credentials,
# and are kept out of pages, headers, cookies and logs all the same.
SANDBOX_BIGCOMMERCE_STORE_HASH = "sandbox"
SANDBOX_BIGCOMMERCE_ACCESS_TOKEN = "sandbox-bc-access-token-3f9c2a7d"  # noqa: S105 (a demo token)
SANDBOX_LOOP_CART_API_KEY = "sandbox-loop-cart-key-5b7e19c0"
SANDBOX_LOOP_ORDERS_API_KEY = "sandbox-loop-orders-key-c2a8d4f1"
# The loopback ports the sandboxes listen on unless the upstream URLs name others.
SANDBOX_BIGCOMMERCE_PORT = 8801
SANDBOX_LOOP_PORT = 8802

# The four values that switch the app from the sandbox to a live store.
LIVE_CREDENTIALS = (
    "BIGCOMMERCE_STORE_HASH",
    "BIGCOMMERCE_ACCESS_TOKEN",
    "LOOP_CHECKOUT_PLUS_URL",
    "LOOP_CART_API_KEY",
)
SETTING_NAMES = (
    "SECRET_KEY",
    *LIVE_CREDENTIALS,
    "BIGCOMMERCE_API_URL",
    "BIGCOMMERCE_PAYMENTS_URL",
    "LOOP_ORDERS_API_URL",
    "LOOP_ORDERS_API_KEY",
    "CHECKOUT_PLUS_SYNC",
    "LOOP_ANALYZE_TIMEOUT",
    "CHECKOUT_PLUS_PAGE_WAIT_MS",
    "REDIS_URL",
    "CHECKOUT_SANDBOX",
    "CHECKOUT_DEFAULT_REGION",
    "CHECKOUT_LOCALE",
    "CHECKOUT_PLUS_MOUNT_TARGET",
    "CHECKOUT_PLUS_CART_EXPERIENCE",
    "CHECKOUT_PLUS_EXPERIMENTS",
    "CHECKOUT_PLUS_FEE_DISPLAY_NAME",
    "CHECKOUT_PLUS_FEE_TAX_CLASS_ID",
    "CHECKOUT_PLUS_FEE_NAME",
    "CHECKOUT_PLUS_TERMS_URL",
    "BIGCOMMERCE_WEBHOOK_SECRET",
    "CHECKOUT_INSTANCE_PATH",
    "CHECKOUT_RATE_LIMIT_CART_CHANGES",
    "CHECKOUT_RATE_LIMIT_PLACE_ORDER",
    "CHECKOUT_ADMIN_PASSWORD",
    "CHECKOUT_METRICS_TOKEN",
    "CHECKOUT_STYLEGUIDE",
    "CHECKOUT_ANALYTICS_EVENTS",
    "CHECKOUT_EVENTS_WEBHOOK_URL",
    "CHECKOUT_EVENTS_WEBHOOK_SECRET",
    "CHECKOUT_TEMPLATES_DIR",
    "CHECKOUT_STATIC_DIR",
)
STORE_HASH_PATTERN = re.compile(r"^[A-Za-z0-9]{1,32}$")
REGION_PATTERN = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
ANALYTICS_LABEL_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")


class ConfigError(Exception):
    """A configuration that must not start; the message names the variable to fix."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable} {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """The checked configuration the app runs with."""

    sandbox: bool
    secret_key: str | None
    bigcommerce_store_hash: str
    bigcommerce_access_token: str
    bigcommerce_api_url: str
    bigcommerce_payments_url: str
    loop_checkout_plus_url: str
    loop_cart_api_key: str
    loop_orders_api_url: str
    loop_orders_api_key: str | None
    checkout_plus_sync: str
    loop_analyze_timeout: float
    redis_url: str | None
    # How long the page waits on Loop before it shows the offer loading (milliseconds).
    checkout_plus_page_wait_ms: int = DEFAULT_PAGE_WAIT_MS
    default_region: str = "US"
    default_locale: str = "en_US"
    mount_target: str = "order_summary"
    cart_experience: str = "checkbox"
    experiments: bool = False  # sends experimentationConsent, so Loop may assign cohorts
    fee_display_name: str = "Order protection"
    fee_tax_class_id: int | None = None
    fee_name: str | None = None
    terms_url: str | None = None  # None: the offer links to no protection terms
    webhook_secret: str | None = None  # None in the sandbox: one is made in the instance folder
    instance_path: str | None = None
    cart_change_limit: str = DEFAULT_CART_CHANGE_LIMIT
    place_order_limit: str = DEFAULT_PLACE_ORDER_LIMIT
    admin_password: str | None = None  # None: no admin page
    metrics_token: str | None = None  # None: /metrics for the admin only, or off
    styleguide: bool | None = None  # None: on in the sandbox and in debug, else off
    analytics_events: bool = False  # push checkout events to the page's dataLayer
    events_webhook_url: str | None = None  # None: no checkout event is posted to the merchant
    events_webhook_secret: str | None = None  # signs each post; set whenever the URL is
    templates_dir: str | None = None  # None: templates/ in the project
    static_dir: str | None = None  # None: static/ in the project

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return every credential value, so tests and logs can make sure none leaks."""
        values = (
            self.bigcommerce_access_token,
            self.loop_cart_api_key,
            self.loop_orders_api_key,
            self.webhook_secret,
            self.admin_password,
            self.metrics_token,
            self.events_webhook_secret,
        )
        return tuple(value for value in values if value)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Check an environment and return the settings, or raise ConfigError."""
        env = {name: str(environ[name]).strip() for name in SETTING_NAMES if environ.get(name)}
        sandbox_mode = _sandbox_mode(env)
        sync = env.get("CHECKOUT_PLUS_SYNC", "connector")
        if sync not in SYNC_PATHS:
            raise ConfigError(
                "CHECKOUT_PLUS_SYNC", f"must be 'connector' or 'direct', not {sync!r}"
            )
        common = {
            "loop_analyze_timeout": _timeout(env.get("LOOP_ANALYZE_TIMEOUT")),
            "checkout_plus_page_wait_ms": _page_wait(env.get("CHECKOUT_PLUS_PAGE_WAIT_MS")),
            "redis_url": _redis_url(env.get("REDIS_URL")),
            "checkout_plus_sync": sync,
            "webhook_secret": _shared_secret(env, "BIGCOMMERCE_WEBHOOK_SECRET"),
            "instance_path": env.get("CHECKOUT_INSTANCE_PATH"),
            "cart_change_limit": _rate_limit(
                env, "CHECKOUT_RATE_LIMIT_CART_CHANGES", DEFAULT_CART_CHANGE_LIMIT
            ),
            "place_order_limit": _rate_limit(
                env, "CHECKOUT_RATE_LIMIT_PLACE_ORDER", DEFAULT_PLACE_ORDER_LIMIT
            ),
            **_shopper_defaults(env),
            **_fee_settings(env),
            "terms_url": _web_url(
                env, "CHECKOUT_PLUS_TERMS_URL", sandbox_mode, "the protection terms page"
            ),
            **_events_webhook(env, sandbox_mode),
            **_merchant_tools(env),
        }
        if sandbox_mode:
            return cls._sandbox(env, **common)
        return cls._live(env, **common)

    @classmethod
    def _sandbox(cls, env: dict[str, str], **common) -> Settings:
        bigcommerce = f"http://127.0.0.1:{SANDBOX_BIGCOMMERCE_PORT}"
        loop = f"http://127.0.0.1:{SANDBOX_LOOP_PORT}"
        # Forcing the sandbox over a live .env must not reach a live service: live credentials
        # are never used here, and only loopback upstream URLs (other sandbox ports) count.
        sandbox_env = {name: value for name, value in env.items() if _is_loopback_url(value)}
        return cls(
            sandbox=True,
            secret_key=env.get("SECRET_KEY"),
            bigcommerce_store_hash=SANDBOX_BIGCOMMERCE_STORE_HASH,
            bigcommerce_access_token=SANDBOX_BIGCOMMERCE_ACCESS_TOKEN,
            bigcommerce_api_url=_url(sandbox_env, "BIGCOMMERCE_API_URL", bigcommerce),
            bigcommerce_payments_url=_url(sandbox_env, "BIGCOMMERCE_PAYMENTS_URL", bigcommerce),
            loop_checkout_plus_url=_url(sandbox_env, "LOOP_CHECKOUT_PLUS_URL", loop),
            loop_cart_api_key=SANDBOX_LOOP_CART_API_KEY,
            loop_orders_api_url=_url(sandbox_env, "LOOP_ORDERS_API_URL", f"{loop}/api/v1"),
            loop_orders_api_key=SANDBOX_LOOP_ORDERS_API_KEY,
            **common,
        )

    @classmethod
    def _live(cls, env: dict[str, str], **common) -> Settings:
        for name in LIVE_CREDENTIALS:
            if name not in env:
                raise ConfigError(
                    name,
                    "is not set: a live store needs BIGCOMMERCE_STORE_HASH, "
                    "BIGCOMMERCE_ACCESS_TOKEN, LOOP_CHECKOUT_PLUS_URL and LOOP_CART_API_KEY "
                    "(or set CHECKOUT_SANDBOX=1)",
                )
        secret_key = env.get("SECRET_KEY", "")
        if len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "SECRET_KEY",
                f"must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} characters "
                'outside the sandbox (python -c "import secrets; print(secrets.token_hex(32))")',
            )
        store_hash = env["BIGCOMMERCE_STORE_HASH"]
        if not STORE_HASH_PATTERN.match(store_hash):
            raise ConfigError(
                "BIGCOMMERCE_STORE_HASH",
                "must be the store hash from the API path (letters and digits only)",
            )
        orders_key = env.get("LOOP_ORDERS_API_KEY")
        if orders_key and orders_key == env["LOOP_CART_API_KEY"]:
            raise ConfigError(
                "LOOP_ORDERS_API_KEY",
                "must not be the same key as LOOP_CART_API_KEY: analyze needs a Cart-only key",
            )
        if common["checkout_plus_sync"] == "direct" and not orders_key:
            raise ConfigError(
                "LOOP_ORDERS_API_KEY", "is not set, but CHECKOUT_PLUS_SYNC=direct needs it"
            )
        if common["checkout_plus_sync"] == "direct" and not common["webhook_secret"]:
            raise ConfigError(
                "BIGCOMMERCE_WEBHOOK_SECRET",
                "is not set, but CHECKOUT_PLUS_SYNC=direct needs order webhooks to send every "
                "later change of an order to Loop",
            )
        return cls(
            sandbox=False,
            secret_key=secret_key,
            bigcommerce_store_hash=store_hash,
            bigcommerce_access_token=env["BIGCOMMERCE_ACCESS_TOKEN"],
            bigcommerce_api_url=_url(env, "BIGCOMMERCE_API_URL", DEFAULT_BIGCOMMERCE_API_URL),
            bigcommerce_payments_url=_url(
                env, "BIGCOMMERCE_PAYMENTS_URL", DEFAULT_BIGCOMMERCE_PAYMENTS_URL
            ),
            loop_checkout_plus_url=_url(env, "LOOP_CHECKOUT_PLUS_URL", None),
            loop_cart_api_key=env["LOOP_CART_API_KEY"],
            loop_orders_api_url=_url(env, "LOOP_ORDERS_API_URL", DEFAULT_LOOP_ORDERS_API_URL),
            loop_orders_api_key=orders_key,
            **common,
        )


def _sandbox_mode(env: dict[str, str]) -> bool:
    flag = env.get("CHECKOUT_SANDBOX")
    if flag not in (None, "0", "1"):
        raise ConfigError("CHECKOUT_SANDBOX", f"must be 1 or 0, not {flag!r}")
    if flag == "1":
        return True
    has_any_credential = any(name in env for name in LIVE_CREDENTIALS)
    return flag is None and not has_any_credential


def _shopper_defaults(env: dict[str, str]) -> dict[str, str]:
    """Read the region, locale and analytics labels the offer uses when a cart does not say."""
    region = env.get("CHECKOUT_DEFAULT_REGION", "US")
    if not REGION_PATTERN.match(region):
        raise ConfigError(
            "CHECKOUT_DEFAULT_REGION",
            f"must be an ISO 3166 country or subdivision such as US or US-OH, not {region!r}",
        )
    locale = env.get("CHECKOUT_LOCALE", "en_US").replace("-", "_")
    try:
        Locale.parse(locale)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(
            "CHECKOUT_LOCALE", f"must be a locale such as en_US or de_DE, not {locale!r}"
        ) from None
    labels = {}
    for name, default in (
        ("CHECKOUT_PLUS_MOUNT_TARGET", "order_summary"),
        ("CHECKOUT_PLUS_CART_EXPERIENCE", "checkbox"),
    ):
        labels[name] = env.get(name, default)
        if not ANALYTICS_LABEL_PATTERN.match(labels[name]):
            raise ConfigError(
                name, f"must be a short label of a-z, 0-9 and _ only, not {labels[name]!r}"
            )
    return {
        "default_region": region,
        "default_locale": locale,
        "mount_target": labels["CHECKOUT_PLUS_MOUNT_TARGET"],
        "cart_experience": labels["CHECKOUT_PLUS_CART_EXPERIENCE"],
        "experiments": _flag(env, "CHECKOUT_PLUS_EXPERIMENTS"),
    }


def _fee_settings(env: dict[str, str]) -> dict:
    """Read how the Checkout+ fee is named and taxed on orders."""
    display_name = env.get("CHECKOUT_PLUS_FEE_DISPLAY_NAME", "Order protection")
    if len(display_name) > MAX_FEE_DISPLAY_NAME:
        raise ConfigError(
            "CHECKOUT_PLUS_FEE_DISPLAY_NAME",
            f"must be at most {MAX_FEE_DISPLAY_NAME} characters (BigCommerce's limit)",
        )
    raw_tax_class = env.get("CHECKOUT_PLUS_FEE_TAX_CLASS_ID")
    tax_class = None
    if raw_tax_class is not None:
        if not raw_tax_class.isdigit():
            raise ConfigError(
                "CHECKOUT_PLUS_FEE_TAX_CLASS_ID",
                f"must be a tax class id from GET /v2/tax_classes, not {raw_tax_class!r}",
            )
        tax_class = int(raw_tax_class)
    fee_name = env.get("CHECKOUT_PLUS_FEE_NAME")
    if fee_name is not None and len(fee_name) > MAX_FEE_DISPLAY_NAME:
        raise ConfigError(
            "CHECKOUT_PLUS_FEE_NAME", f"must be at most {MAX_FEE_DISPLAY_NAME} characters"
        )
    return {"fee_display_name": display_name, "fee_tax_class_id": tax_class, "fee_name": fee_name}


def _web_url(env: dict[str, str], name: str, sandbox_mode: bool, what: str) -> str | None:
    """Check the address of a merchant's page or endpoint on the web: an absolute https:// URL.

    A host name is required, a query and a fragment allowed (``#returns``), no user name.
    Plain http:// is accepted only in the sandbox and only on loopback, for a page or receiver
    running on this machine.
    """
    raw = env.get(name)
    if raw is None:
        return None
    try:
        parts = urlsplit(raw)
        host = parts.hostname
    except ValueError:  # a malformed address, such as an unclosed [ of an IPv6 host
        parts, host = None, None
    usable = (
        parts is not None
        and host
        and len(raw) <= MAX_WEB_URL_LENGTH
        and not any(c.isspace() or not c.isprintable() for c in raw)
        and not (parts.username or parts.password)
    )
    if not usable or parts.scheme not in ("http", "https"):
        raise ConfigError(
            name,
            f"must be the absolute https:// address of {what} "
            f"(at most {MAX_WEB_URL_LENGTH} characters, no spaces or user name), not {raw!r}",
        )
    if parts.scheme == "http" and not (sandbox_mode and is_loopback(host)):
        raise ConfigError(
            name, "must use https:// (plain http:// is only allowed on loopback in the sandbox)"
        )
    return raw


def _events_webhook(env: dict[str, str], sandbox_mode: bool) -> dict:
    """Read where checkout events are posted and the secret that signs them (both, or neither)."""
    url = _web_url(env, "CHECKOUT_EVENTS_WEBHOOK_URL", sandbox_mode, "your events receiver")
    secret = _shared_secret(env, "CHECKOUT_EVENTS_WEBHOOK_SECRET")
    if url is not None and secret is None:
        raise ConfigError(
            "CHECKOUT_EVENTS_WEBHOOK_SECRET",
            "is not set, but CHECKOUT_EVENTS_WEBHOOK_URL needs it to sign every event posted",
        )
    if secret is not None and url is None:
        # A secret alone is a half-done setup (a misspelt URL variable): nothing would be sent.
        raise ConfigError(
            "CHECKOUT_EVENTS_WEBHOOK_URL", "is not set, but CHECKOUT_EVENTS_WEBHOOK_SECRET is"
        )
    return {"events_webhook_url": url, "events_webhook_secret": secret}


def _merchant_tools(env: dict[str, str]) -> dict:
    """Read the admin password, the metrics token, the styleguide and analytics switches and the
    designers' folders."""
    password = env.get("CHECKOUT_ADMIN_PASSWORD")
    if password is not None and (
        len(password) < MIN_ADMIN_PASSWORD_LENGTH
        or not all(c.isprintable() and not c.isspace() for c in password)
    ):
        raise ConfigError(
            "CHECKOUT_ADMIN_PASSWORD",
            f"must be at least {MIN_ADMIN_PASSWORD_LENGTH} printable characters without spaces "
            '(python -c "import secrets; print(secrets.token_urlsafe(24))")',
        )
    styleguide = _flag(env, "CHECKOUT_STYLEGUIDE", None)
    folders = {}
    for name in ("CHECKOUT_TEMPLATES_DIR", "CHECKOUT_STATIC_DIR"):
        folder = env.get(name)
        if folder is not None and not Path(folder).is_dir():
            raise ConfigError(name, f"must be an existing folder, not {folder!r}")
        folders[name] = folder
    return {
        "admin_password": password,
        "metrics_token": _shared_secret(env, "CHECKOUT_METRICS_TOKEN"),
        "styleguide": styleguide,
        "analytics_events": bool(_flag(env, "CHECKOUT_ANALYTICS_EVENTS")),
        "templates_dir": folders["CHECKOUT_TEMPLATES_DIR"],
        "static_dir": folders["CHECKOUT_STATIC_DIR"],
    }


def _flag(env: dict[str, str], name: str, unset: bool | None = False) -> bool | None:
    """Read a 1/0 switch; ``unset`` when it is not set."""
    flag = env.get(name)
    if flag not in (None, "0", "1"):
        raise ConfigError(name, f"must be 1 or 0, not {flag!r}")
    return unset if flag is None else flag == "1"


def _shared_secret(env: dict[str, str], name: str) -> str | None:
    """Check a secret shared with another program (a webhook's, a metrics scraper's)."""
    raw = env.get(name)
    if raw is None:
        return None
    if len(raw) < MIN_SECRET_KEY_LENGTH or not all(
        c.isprintable() and not c.isspace() for c in raw
    ):
        raise ConfigError(
            name,
            f"must be a random value of at least {MIN_SECRET_KEY_LENGTH} printable characters "
            'without spaces (python -c "import secrets; print(secrets.token_hex(32))")',
        )
    return raw


def _rate_limit(env: dict[str, str], name: str, default: str) -> str:
    """Check a rate limit such as ``30/minute;300/hour`` (the limits library's notation)."""
    value = env.get(name, default)
    try:
        usable = all(limit.amount >= 1 for limit in parse_many(value))
    except ValueError:
        usable = False
    if not usable:
        raise ConfigError(
            name, f"must be limits such as {default!r} (count/second, minute, hour or day)"
        )
    return value


def _timeout(raw: str | None) -> float:
    if raw is None:
        return DEFAULT_ANALYZE_TIMEOUT
    try:
        seconds = float(raw)  # a duration, not money
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= MAX_ANALYZE_TIMEOUT:
        raise ConfigError(
            "LOOP_ANALYZE_TIMEOUT",
            f"must be a number of seconds above 0 and at most {MAX_ANALYZE_TIMEOUT:g}, not {raw!r}",
        )
    return seconds


def _page_wait(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_PAGE_WAIT_MS
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_PAGE_WAIT_MS:
        raise ConfigError(
            "CHECKOUT_PLUS_PAGE_WAIT_MS",
            f"must be a whole number of milliseconds from 0 to {MAX_PAGE_WAIT_MS}, not {raw!r}",
        )
    return int(raw)


def _redis_url(raw: str | None) -> str | None:
    if raw is not None and urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL", f"must be a redis://, rediss:// or unix:// URL, not {raw!r}")
    return raw


def is_loopback(host: str | None) -> bool:
    """Tell whether a host name or address is this machine's loopback."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and is_loopback(parts.hostname)


def _url(env: dict[str, str], name: str, default: str | None) -> str:
    raw = env.get(name, default)
    if raw is None:
        raise ConfigError(name, "is not set")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(name, f"must be an https:// URL, not {raw!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(name, "must not carry a query, fragment or user name")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(name, "must use https:// (plain http:// is only allowed on loopback)")
    return raw.rstrip("/")


def read_environment(env_file: str | os.PathLike = ".env") -> dict[str, str]:
    """Return the process environment over the values of a ``.env`` file, if there is one."""
    path = Path(env_file)
    from_file = dotenv_values(path) if path.is_file() else {}
    values = {key: value for key, value in from_file.items() if value is not None}
    values.update(os.environ)
    return values
