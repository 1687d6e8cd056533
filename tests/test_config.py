"""Configuration: sandbox by default, live only when fully and safely configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError
from app.config import Settings
from app.sandbox import credentials
from tests.support.app_config import LIVE

PROJECT = Path(__file__).resolve().parent.parent


def test_no_credentials_means_sandbox_with_sandbox_credentials():
    settings = Settings.from_environ({})
    assert settings.sandbox
    # The account the config knows for the sandbox is the one the sandbox accepts.
    assert settings.bigcommerce_store_hash == credentials.BIGCOMMERCE_STORE_HASH
    assert settings.bigcommerce_access_token == credentials.BIGCOMMERCE_ACCESS_TOKEN
    assert settings.loop_cart_api_key == credentials.LOOP_CART_API_KEY
    assert settings.loop_orders_api_key == credentials.LOOP_ORDERS_API_KEY
    assert settings.bigcommerce_api_url == f"http://127.0.0.1:{credentials.BIGCOMMERCE_PORT}"
    assert settings.loop_checkout_plus_url == f"http://127.0.0.1:{credentials.LOOP_PORT}"
    assert settings.checkout_plus_sync == "connector"
    assert settings.loop_analyze_timeout == 1.5


def test_full_live_configuration_is_live_with_documented_defaults():
    settings = Settings.from_environ(LIVE)
    assert not settings.sandbox
    assert settings.bigcommerce_api_url == "https://api.bigcommerce.com"
    assert settings.bigcommerce_payments_url == "https://payments.bigcommerce.com"
    assert settings.loop_orders_api_url == "https://api.loopreturns.com/api/v1"
    assert settings.secrets == ("live-bc-token-value", "live-loop-cart-key")


def test_forced_sandbox_never_uses_live_credentials():
    settings = Settings.from_environ({**LIVE, "CHECKOUT_SANDBOX": "1"})
    assert settings.sandbox
    assert "live-bc-token-value" not in settings.secrets
    assert settings.loop_checkout_plus_url == f"http://127.0.0.1:{credentials.LOOP_PORT}"


def test_sandbox_honours_loopback_urls_of_sandboxes_started_elsewhere():
    settings = Settings.from_environ({"BIGCOMMERCE_API_URL": "http://127.0.0.1:9911"})
    assert settings.sandbox
    assert settings.bigcommerce_api_url == "http://127.0.0.1:9911"


def test_merchant_tools_are_off_or_default_until_configured(tmp_path):
    settings = Settings.from_environ(LIVE)
    assert settings.admin_password is None
    assert settings.metrics_token is None
    assert settings.styleguide is None  # on only in the sandbox and in debug
    assert (settings.templates_dir, settings.static_dir) == (None, None)
    password, token = "p" * 16, "m" * 32
    configured = Settings.from_environ(
        {
            **LIVE,
            "CHECKOUT_ADMIN_PASSWORD": password,
            "CHECKOUT_METRICS_TOKEN": token,
            "CHECKOUT_STYLEGUIDE": "1",
            "CHECKOUT_TEMPLATES_DIR": str(tmp_path),
            "CHECKOUT_STATIC_DIR": str(tmp_path),
        }
    )
    assert configured.admin_password == password
    assert password in configured.secrets
    assert configured.metrics_token == token
    assert token in configured.secrets
    assert configured.styleguide is True
    assert configured.templates_dir == configured.static_dir == str(tmp_path)


def test_analytics_events_are_off_until_switched_on():
    assert Settings.from_environ(LIVE).analytics_events is False
    assert Settings.from_environ({}).analytics_events is False  # the sandbox too
    assert Settings.from_environ({"CHECKOUT_ANALYTICS_EVENTS": "0"}).analytics_events is False
    assert Settings.from_environ({**LIVE, "CHECKOUT_ANALYTICS_EVENTS": "1"}).analytics_events


def test_protection_terms_link_is_absent_until_configured():
    assert Settings.from_environ(LIVE).terms_url is None
    assert Settings.from_environ({}).terms_url is None  # the sandbox links to no terms either


@pytest.mark.parametrize(
    ("environ", "url"),
    [
        pytest.param(LIVE, "https://shop.example/pages/protection-terms", id="https"),
        pytest.param(LIVE, "https://shop.example/terms?lang=en#returns", id="query-fragment"),
        pytest.param({}, "http://127.0.0.1:8000/terms", id="sandbox-loopback-http"),
        pytest.param({}, "http://localhost/terms", id="sandbox-localhost-http"),
    ],
)
def test_protection_terms_link_takes_an_absolute_https_url(environ, url):
    settings = Settings.from_environ({**environ, "CHECKOUT_PLUS_TERMS_URL": f"  {url} "})
    assert settings.terms_url == url


HOOK_SECRET = "k" * 32


def test_events_webhook_is_off_until_configured_and_its_secret_is_a_secret():
    settings = Settings.from_environ(LIVE)
    assert (settings.events_webhook_url, settings.events_webhook_secret) == (None, None)
    url = "https://hooks.shop.example/checkout-events?source=checkout"
    configured = Settings.from_environ(
        {
            **LIVE,
            "CHECKOUT_EVENTS_WEBHOOK_URL": url,
            "CHECKOUT_EVENTS_WEBHOOK_SECRET": HOOK_SECRET,
        }
    )
    assert configured.events_webhook_url == url
    assert configured.events_webhook_secret == HOOK_SECRET
    assert HOOK_SECRET in configured.secrets
    assert not configured.analytics_events  # the dataLayer events stand apart


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/hooks", "http://localhost/hooks"])
def test_the_sandbox_posts_events_to_a_receiver_on_loopback(url):
    settings = Settings.from_environ(
        {"CHECKOUT_EVENTS_WEBHOOK_URL": url, "CHECKOUT_EVENTS_WEBHOOK_SECRET": HOOK_SECRET}
    )
    assert settings.sandbox
    assert settings.events_webhook_url == url


def test_dotenv_file_is_read_and_environment_wins(tmp_path, monkeypatch):
    from app.config import read_environment

    env_file = tmp_path / ".env"
    env_file.write_text("LOOP_ANALYZE_TIMEOUT=0.8\nCHECKOUT_PLUS_SYNC=direct\n")
    monkeypatch.setenv("CHECKOUT_PLUS_SYNC", "connector")
    environ = read_environment(env_file)
    assert environ["LOOP_ANALYZE_TIMEOUT"] == "0.8"
    assert environ["CHECKOUT_PLUS_SYNC"] == "connector"


HOOK_URL, HOOK_KEY = "CHECKOUT_EVENTS_WEBHOOK_URL", "CHECKOUT_EVENTS_WEBHOOK_SECRET"
SPACED = "k" * 16 + " " + "k" * 16


def hook_environ(base: dict, url: str | None, secret: str | None = HOOK_SECRET) -> dict:
    """An environment with the events webhook's two settings (None: that one unset)."""
    hook = {HOOK_URL: url, HOOK_KEY: secret}
    return {**base, **{name: value for name, value in hook.items() if value is not None}}


MISCONFIGURATIONS = [
    pytest.param(
        {"BIGCOMMERCE_ACCESS_TOKEN": "t"}, "BIGCOMMERCE_STORE_HASH", id="token-without-hash"
    ),
    pytest.param(
        {k: v for k, v in LIVE.items() if k != "LOOP_CART_API_KEY"},
        "LOOP_CART_API_KEY",
        id="bigcommerce-without-loop",
    ),
    pytest.param(
        {**LIVE, "LOOP_CHECKOUT_PLUS_URL": "http://checkout-plus.loop.example"},
        "LOOP_CHECKOUT_PLUS_URL",
        id="http-loop-off-loopback",
    ),
    pytest.param(
        {**LIVE, "BIGCOMMERCE_API_URL": "http://api.bigcommerce.com"},
        "BIGCOMMERCE_API_URL",
        id="http-bigcommerce-off-loopback",
    ),
    pytest.param(
        {**LIVE, "LOOP_ORDERS_API_KEY": LIVE["LOOP_CART_API_KEY"]},
        "LOOP_ORDERS_API_KEY",
        id="same-key-for-cart-and-orders",
    ),
    pytest.param({**LIVE, "SECRET_KEY": "short"}, "SECRET_KEY", id="weak-secret-key"),
    pytest.param(
        {**LIVE, "BIGCOMMERCE_STORE_HASH": "abc/../x"}, "BIGCOMMERCE_STORE_HASH", id="bad-hash"
    ),
    pytest.param({**LIVE, "CHECKOUT_PLUS_SYNC": "both"}, "CHECKOUT_PLUS_SYNC", id="unknown-sync"),
    pytest.param(
        {**LIVE, "CHECKOUT_PLUS_SYNC": "direct"}, "LOOP_ORDERS_API_KEY", id="direct-without-key"
    ),
    pytest.param(
        {**LIVE, "CHECKOUT_PLUS_SYNC": "direct", "LOOP_ORDERS_API_KEY": "live-loop-orders"},
        "BIGCOMMERCE_WEBHOOK_SECRET",
        id="direct-without-webhooks",
    ),
    pytest.param(
        {**LIVE, "BIGCOMMERCE_WEBHOOK_SECRET": "short"},
        "BIGCOMMERCE_WEBHOOK_SECRET",
        id="weak-webhook-secret",
    ),
    pytest.param({"LOOP_ANALYZE_TIMEOUT": "30"}, "LOOP_ANALYZE_TIMEOUT", id="slow-timeout"),
    pytest.param({"LOOP_ANALYZE_TIMEOUT": "soon"}, "LOOP_ANALYZE_TIMEOUT", id="bad-timeout"),
    pytest.param({"REDIS_URL": "localhost:6379"}, "REDIS_URL", id="bad-redis-url"),
    pytest.param({"CHECKOUT_SANDBOX": "yes"}, "CHECKOUT_SANDBOX", id="bad-sandbox-flag"),
    pytest.param(
        {"CHECKOUT_ADMIN_PASSWORD": "admin"}, "CHECKOUT_ADMIN_PASSWORD", id="weak-admin-password"
    ),
    pytest.param(
        {"CHECKOUT_ADMIN_PASSWORD": "a password with spaces"},
        "CHECKOUT_ADMIN_PASSWORD",
        id="admin-password-with-spaces",
    ),
    pytest.param(
        {"CHECKOUT_METRICS_TOKEN": "m" * 31}, "CHECKOUT_METRICS_TOKEN", id="short-metrics-token"
    ),
    pytest.param(
        {"CHECKOUT_METRICS_TOKEN": "m" * 16 + " " + "m" * 16},
        "CHECKOUT_METRICS_TOKEN",
        id="metrics-token-with-a-space",
    ),
    pytest.param({"CHECKOUT_STYLEGUIDE": "on"}, "CHECKOUT_STYLEGUIDE", id="bad-styleguide-flag"),
    pytest.param(
        {"CHECKOUT_ANALYTICS_EVENTS": "yes"}, "CHECKOUT_ANALYTICS_EVENTS", id="bad-events-flag"
    ),
    *(
        pytest.param({**LIVE, "CHECKOUT_PLUS_TERMS_URL": url}, "CHECKOUT_PLUS_TERMS_URL", id=name)
        for name, url in (
            ("terms-url-relative", "/pages/terms"),
            ("terms-url-no-scheme", "shop.example/terms"),
            ("terms-url-http", "http://shop.example/terms"),
            ("terms-url-http-loopback-live", "http://127.0.0.1/terms"),
            ("terms-url-javascript", "javascript:alert(1)"),
            ("terms-url-mailto", "mailto:help@shop.example"),
            ("terms-url-user", "https://user:pw@shop.example/terms"),
            ("terms-url-space", "https://shop.example/our terms"),
            ("terms-url-bad-host", "https://[shop.example/terms"),
            ("terms-url-too-long", "https://shop.example/" + "t" * 2000),
        )
    ),
    pytest.param(
        {"CHECKOUT_PLUS_TERMS_URL": "http://shop.example/terms"},
        "CHECKOUT_PLUS_TERMS_URL",
        id="terms-url-http-in-sandbox",
    ),
    *(
        pytest.param(hook_environ(*values), variable, id=name)
        for name, values, variable in (
            ("hook-url-http", (LIVE, "http://hooks.example/e"), HOOK_URL),
            ("hook-url-http-loopback-live", (LIVE, "http://127.0.0.1:9000/e"), HOOK_URL),
            ("hook-url-relative", (LIVE, "/events"), HOOK_URL),
            ("hook-url-user", (LIVE, "https://user:pw@hooks.example/e"), HOOK_URL),
            ("hook-url-http-in-sandbox", ({}, "http://hooks.example/e"), HOOK_URL),
            ("hook-url-without-secret", (LIVE, "https://hooks.example/e", None), HOOK_KEY),
            ("short-hook-secret", (LIVE, "https://hooks.example/e", "k" * 31), HOOK_KEY),
            ("hook-secret-with-a-space", (LIVE, "https://hooks.example/e", SPACED), HOOK_KEY),
            ("hook-secret-without-url", (LIVE, None), HOOK_URL),
        )
    ),
    pytest.param(
        {"CHECKOUT_TEMPLATES_DIR": "/no/such/folder"},
        "CHECKOUT_TEMPLATES_DIR",
        id="missing-templates-folder",
    ),
    pytest.param(
        {"CHECKOUT_STATIC_DIR": "/no/such/folder"}, "CHECKOUT_STATIC_DIR", id="missing-static"
    ),
]


@pytest.mark.parametrize(("environ", "variable"), MISCONFIGURATIONS)
def test_misconfiguration_names_the_variable(environ, variable):
    with pytest.raises(ConfigError) as raised:
        Settings.from_environ(environ)
    assert raised.value.variable == variable
    assert str(raised.value).startswith(variable)


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        *MISCONFIGURATIONS[:6],
        *(p for p in MISCONFIGURATIONS if p.id in ("terms-url-http", "hook-url-without-secret")),
    ],
)
def test_start_up_refuses_with_one_line_naming_the_variable(environ, variable, tmp_path):
    """Run the real start command; it must exit non-zero before serving anything."""
    result = subprocess.run(
        [sys.executable, "-m", "app", "--port", "0"],
        cwd=tmp_path,  # no .env there
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT), **environ},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert result.stdout == ""
