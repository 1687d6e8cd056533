"""The vendored htmx is byte-for-byte the published htmx.org 2.0.11."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "static" / "vendor" / "htmx-2.0.11.min.js"
NODE = ROOT / "tests" / "node"
# `npm view htmx.org@2.0.11 dist.integrity`: the registry's digest of the published tarball.
PUBLISHED_INTEGRITY = (
    "sha512-"
    "Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
)


def test_the_lock_pins_the_published_tarball():
    lock = json.loads((NODE / "package-lock.json").read_text())
    entry = lock["packages"]["node_modules/htmx.org"]
    assert entry["version"] == "2.0.11"
    assert entry["integrity"] == PUBLISHED_INTEGRITY


def test_vendored_file_matches_the_installed_package():
    """``npm ci`` refuses a tarball whose digest differs from the lock, so this chains to it."""
    installed = NODE / "node_modules" / "htmx.org"
    assert json.loads((installed / "package.json").read_text())["version"] == "2.0.11"
    assert VENDORED.read_bytes() == (installed / "dist" / "htmx.min.js").read_bytes()


def test_the_licence_travels_with_it():
    installed = NODE / "node_modules" / "htmx.org" / "LICENSE"
    licence = VENDORED.with_name("htmx-2.0.11.LICENSE")
    assert licence.read_bytes() == installed.read_bytes()
    assert "Zero-Clause BSD" in licence.read_text()


def test_pages_load_exactly_this_file(client):
    from tests.support.pages import parse

    scripts = parse(client.get("/checkout")).select("script")
    # The file, with its content version for caching (app/assets.py).
    paths = [script["src"].split("?v=")[0] for script in scripts]
    assert paths == ["/static/vendor/htmx-2.0.11.min.js"]
    assert client.get(scripts[0]["src"]).data == VENDORED.read_bytes()
