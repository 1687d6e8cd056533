"""Checkout+ for BigCommerce: the application factory."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from app.config import SETTING_NAMES
from app.config import ConfigError
from app.config import Settings
from app.config import read_environment
from app.rate_limits import register_rate_limits

log = logging.getLogger(__name__)
# Designers edit templates/ and static/ at the top of the project, outside this package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Beyond Loop's timeout, how long a request waits for an analysis to come back (connecting,
# reading the answer, logging it).
ANALYZE_MARGIN_SECONDS = 0.5


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, or from ``config`` alone (the test seam).

    ``config`` takes the same variables as the environment (see the README) plus any Flask
    setting such as ``TESTING``; when it is given, the process environment is not read.
    """
    overrides = dict(config) if config is not None else {}
    environ = overrides if config is not None else read_environment()
    settings = Settings.from_environ(environ)

    app = Flask(
        __name__,
        # A merchant's designers may keep their own copy of both folders elsewhere.
        template_folder=settings.templates_dir or str(PROJECT_ROOT / "templates"),
        static_folder=settings.static_dir or str(PROJECT_ROOT / "static"),
        instance_path=str(
            overrides.get("INSTANCE_PATH") or settings.instance_path or PROJECT_ROOT / "instance"
        ),
    )
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key or _instance_secret(app, "sandbox-secret-key"),
        SETTINGS=settings,
        # A live store has no name setting yet: its pages say "Checkout" in the shopper's words.
        STORE_NAME="Demo Outfitters" if settings.sandbox else "",
        SESSION_COOKIE_NAME="checkout_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Live: always. The sandbox adds it whenever it is reached other than on loopback.
        SESSION_COOKIE_SECURE=not settings.sandbox,
        # A checkout tab can stay open a long while; the token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.update(
        {
            key: value
            for key, value in overrides.items()
            if key.isupper() and key not in SETTING_NAMES
        }
    )

    _register_extensions(app)
    _register_services(app, settings)
    _register_blueprints(app, settings)
    _register_web_plumbing(app, settings)
    # After the blueprints: it limits the views they registered, per shopper session.
    from app.checkout.shopper import identity

    register_rate_limits(app, settings, identity)
    return app


def app_from_environment() -> Flask | None:
    """Build the app from the environment, or say in one line what to fix and return None."""
    try:
        return create_app()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return None


def _register_extensions(app: Flask) -> None:
    from app.extensions import babel
    from app.extensions import csrf
    from app.locales import install_gettext
    from app.locales import shopper_locale
    from app.translations import CATALOGS_DIR
    from app.translations import compile_catalogs

    csrf.init_app(app)
    # A fresh clone has the catalogs (.po) only: each start compiles any that changed. A
    # read-only install keeps what it has (python -m app.translations compile, as its owner).
    try:
        compile_catalogs()
    except OSError as error:
        log.warning("translations not compiled (%s): the catalogs already compiled serve", error)
    babel.init_app(
        app, locale_selector=shopper_locale, default_translation_directories=str(CATALOGS_DIR)
    )
    # {% trans %} blocks collapse their whitespace, as python -m app.translations extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    install_gettext(app)


def _register_services(app: Flask, settings: Settings) -> None:
    from app.admin.orders import OrderReader
    from app.admin.report import AdminReport
    from app.checkout.placement import PlacementService
    from app.checkout.service import CheckoutService
    from app.checkout.shown_total import TotalSigner
    from app.checkout.snapshots import CheckoutSnapshots
    from app.checkout.steps import StepService
    from app.checkout_plus.fee import FeeSettings
    from app.checkout_plus.inflight import InFlight
    from app.checkout_plus.service import OfferService
    from app.checkout_plus.service import OfferSettings
    from app.clients.bigcommerce import BigCommerceClient
    from app.clients.bigcommerce.payments import BigCommercePayments
    from app.metrics.recorders import CountedAnalyses
    from app.metrics.recorders import CountedDecisions
    from app.metrics.upstream import TimedLoopClient
    from app.metrics.upstream import metered_session
    from app.stores import build_stores

    # Every upstream call is counted at its session's transport, Loop's analyze timed too.
    bigcommerce = BigCommerceClient(
        api_url=settings.bigcommerce_api_url,
        store_hash=settings.bigcommerce_store_hash,
        access_token=settings.bigcommerce_access_token,
        session=metered_session("bigcommerce"),
    )
    loop = TimedLoopClient(
        base_url=settings.loop_checkout_plus_url,
        api_key=settings.loop_cart_api_key,
        timeout=settings.loop_analyze_timeout,
        session=metered_session("loop"),
    )
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    # Redis when several machines share the work, else SQLite files in the instance folder.
    stores = build_stores(settings.redis_url, instance)
    # Analyses run in a small pool, one per cart state across processes (the shelf), so the
    # page waits on Loop only briefly and the offer's follow-up picks the same analysis up.
    budget = settings.loop_analyze_timeout + ANALYZE_MARGIN_SECONDS
    inflight = InFlight(stores.shelf, claim_seconds=budget + ANALYZE_MARGIN_SECONDS)
    offers = OfferService(
        loop,
        OfferSettings(
            default_region=settings.default_region,
            mount_target=settings.mount_target,
            cart_experience=settings.cart_experience,
            experiments=settings.experiments,
        ),
        # The logs the services write to count what they record (analyses, decisions).
        analyses=CountedAnalyses(stores.analyses),
        inflight=inflight,
        budget=budget,
    )
    app.extensions["bigcommerce"] = bigcommerce
    app.extensions["loop"] = loop
    fee = FeeSettings(
        display_name=settings.fee_display_name,
        tax_class_id=settings.fee_tax_class_id,
        metafield_fee_name=settings.fee_name,
    )
    app.extensions["checkout_service"] = CheckoutService(bigcommerce, offers, fee)
    app.extensions["total_signer"] = TotalSigner(app.secret_key)
    app.extensions["checkout_steps"] = StepService(bigcommerce, settings.default_region)
    app.extensions["checkout_snapshots"] = CheckoutSnapshots()
    app.extensions["analyses"] = stores.analyses
    app.extensions["event_hook"] = _event_hook(settings, stores.huey)
    sync_queue = _register_sync(app, settings, bigcommerce, stores)
    app.extensions["placement_service"] = PlacementService(
        bigcommerce,
        BigCommercePayments(
            settings.bigcommerce_payments_url,
            settings.bigcommerce_store_hash,
            session=metered_session("payments"),
        ),
        offers,
        stores.ledger,
        fee,
        sync_queue,
        CountedDecisions(stores.decisions),
    )
    if settings.admin_password:
        # What the admin page reads: Loop, BigCommerce and the durable stores.
        direct = settings.checkout_plus_sync == "direct"
        orders = OrderReader(bigcommerce, stores.decisions, stores.jobs, direct, settings.fee_name)
        app.extensions["admin_report"] = AdminReport(
            loop, stores.analyses, stores.decisions, sync_queue, orders
        )


def _register_sync(app: Flask, settings: Settings, bigcommerce: Any, stores: Any) -> Any:
    """Build the sync queue on the configured path, and the webhook receiver that feeds it."""
    from app.checkout_plus.metafields import BlockWriter
    from app.checkout_plus.order_push import OrderPusher
    from app.clients.loop import LoopOrdersClient
    from app.metrics.upstream import metered_session
    from app.sync.queue import SyncQueue
    from app.sync.targets import ConnectorTarget
    from app.sync.targets import DirectTarget
    from app.webhooks.receiver import WebhookReceiver

    writer = BlockWriter(bigcommerce)
    if settings.checkout_plus_sync == "direct":
        orders = LoopOrdersClient(
            settings.loop_orders_api_url,
            settings.loop_orders_api_key,
            timeout=10.0,
            session=metered_session("loop_orders"),
        )
        # Loop's fees[] needs a name: the configured fee name, else what the shopper saw.
        fee_name = settings.fee_name or settings.fee_display_name
        target = DirectTarget(OrderPusher(bigcommerce, orders, fee_name), writer)
    else:
        target = ConnectorTarget(writer)
    sync_queue = SyncQueue(stores.huey, stores.jobs, target)
    app.extensions["sync_queue"] = sync_queue
    app.extensions["decisions"] = stores.decisions
    secret = settings.webhook_secret
    if secret is None and settings.sandbox:
        secret = _instance_secret(app, "sandbox-webhook-secret")
    # Without a secret (live, connector path) webhooks are off: the endpoint answers 404.
    app.extensions["webhooks"] = secret and WebhookReceiver(
        secret, settings.bigcommerce_store_hash, stores.deliveries, sync_queue
    )
    app.extensions["webhook_secret"] = secret
    return sync_queue


def _event_hook(settings: Settings, huey: Any) -> Any:
    """Build the poster of checkout events to the merchant's URL, on the job queue (off unset)."""
    from app.checkout.event_hook import EventHook
    from app.checkout.event_hook import HookTarget
    from app.clients.http import build_session

    url, secret = settings.events_webhook_url, settings.events_webhook_secret
    if url is None or secret is None:
        return EventHook(huey, None)
    target = HookTarget(url, secret, settings.bigcommerce_store_hash)
    # The worker's threads post one event at a time each: a small pool is plenty.
    return EventHook(huey, target, build_session(pool_size=4))


def _register_blueprints(app: Flask, settings: Settings) -> None:
    from app.checkout import bp as checkout_bp
    from app.extensions import csrf
    from app.health import bp as health_bp
    from app.locales import bp as locales_bp
    from app.metrics_views import bp as metrics_bp
    from app.webhooks import bp as webhooks_bp

    app.register_blueprint(checkout_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(locales_bp)
    # Always there: it answers 404 saying how to turn it on while no credential is set.
    app.register_blueprint(metrics_bp)
    # BigCommerce authenticates with the shared secret header; it has no CSRF token.
    csrf.exempt(webhooks_bp)
    app.register_blueprint(webhooks_bp)
    if settings.admin_password:
        from app.admin import bp as admin_bp

        app.register_blueprint(admin_bp)
    if styleguide_enabled(app, settings):
        from app.styleguide import bp as styleguide_bp

        app.register_blueprint(styleguide_bp)
    if settings.sandbox:
        # The demo store stands in for the merchant's storefront, which live mode does not have.
        from app.storefront import bp as storefront_bp

        app.register_blueprint(storefront_bp)


def styleguide_enabled(app: Flask, settings: Settings) -> bool:
    """Tell whether /styleguide is served: as configured, else in the sandbox and in debug."""
    if settings.styleguide is not None:
        return settings.styleguide
    return settings.sandbox or app.debug


def _register_web_plumbing(app: Flask, settings: Settings) -> None:
    from app.assets import register_assets
    from app.errors import register_error_handlers
    from app.filters import register_filters
    from app.locales import template_globals
    from app.security import SessionCookie
    from app.security import register_security_headers
    from app.security import sandbox_image_origins

    register_error_handlers(app)
    register_assets(app)
    register_filters(app)
    register_security_headers(
        app, https_only=not settings.sandbox, image_origins=sandbox_image_origins(settings)
    )
    app.session_interface = SessionCookie()
    app.context_processor(template_globals)

    from flask_babel import gettext

    @app.context_processor
    def inject_store() -> dict[str, Any]:
        return {
            "store_name": app.config["STORE_NAME"] or gettext("Checkout"),
            "store_named": bool(app.config["STORE_NAME"]),
            "sandbox": settings.sandbox,
            "fee_display_name": settings.fee_display_name,
            # The merchant's protection terms, linked from the offer's "What's covered".
            "checkout_plus_terms_url": settings.terms_url,
            # CHECKOUT_ANALYTICS_EVENTS: the events script and its markers' container.
            "analytics_events": settings.analytics_events,
        }


def _instance_secret(app: Flask, name: str) -> str:
    """Return a sandbox secret kept in the instance folder across restarts (made once)."""
    key_file = Path(app.instance_path) / name
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Exclusive create: when several workers start at once, exactly one key is written.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    return key_file.read_text().strip()
