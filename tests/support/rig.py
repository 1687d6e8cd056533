"""The property tests' rig: an app, one shopper and the store API, and the calls they cause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.clients.http import USER_AGENT
from tests.support.store_api import StoreApi


@dataclass
class Rig:
    """The sandbox, the app, one shopper's browser and the store API."""

    sandbox: Any
    app: Any
    client: Any
    store: StoreApi
    token: str


def upstream_since(rig: Rig, marks: tuple[int, int]) -> list:
    """The app's own calls to either service since the marks (not the test's or the connector's)."""
    found = []
    for service, mark in zip((rig.sandbox.bigcommerce, rig.sandbox.loop), marks, strict=True):
        found += [
            entry
            for entry in service.log.entries()
            if entry.seq > mark and entry.headers.get("User-Agent") == USER_AGENT
        ]
    return found


def marks(rig: Rig) -> tuple[int, int]:
    """Where each service's request log ends now."""
    return tuple(
        max((entry.seq for entry in service.log.entries()), default=0)
        for service in (rig.sandbox.bigcommerce, rig.sandbox.loop)
    )
