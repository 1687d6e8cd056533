"""Static assets: versioned URLs, cached for a year, sent gzip-compressed.

``url_for('static', filename=...)`` gains ``?v=<content hash>``, so templates stay as they
are and a changed file gets a new URL at once. A request that names the current version may
be cached for a year (``immutable``); any other is revalidated with its ETag. Text assets go
out gzip-compressed to browsers that accept it. Stylesheets go out without their comments and
runs of spaces: designers keep a commented file, browsers get only the rules. Hashes, lean and
compressed copies are made once per file version (size and modification time), not per
request; outside debug (when Flask does not reload templates either) a file is not even
looked at again.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import NamedTuple

from flask import Flask
from flask import Response
from flask import request

YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")
# Below this, gzip's own header costs more than it saves.
SMALLEST_WORTH_COMPRESSING = 512
CSS_COMMENT = re.compile(rb"/\*.*?\*/", re.DOTALL)
SPACES = re.compile(rb"\s+")
# Spaces around these never matter in CSS (not so around ":" or ">", where "a :hover" and
# "a:hover" differ, or inside calc(), where "+" and "-" need them).
SPACE_AROUND = re.compile(rb" ?([{};]) ?")


def lean_css(content: bytes) -> bytes:
    """Return a stylesheet without comments and with spaces collapsed (the same rules)."""
    if b'"/*' in content or b"'/*" in content:
        return content  # a comment opener inside a string: leave the file as it is
    content = SPACES.sub(b" ", CSS_COMMENT.sub(b"", content))
    return SPACE_AROUND.sub(rb"\1", content).strip() + b"\n"


class Entry(NamedTuple):
    """One version of a static file: its stamp, content hash, body as sent, and gzip copy."""

    stamp: tuple[int, int]
    version: str
    body: bytes
    gzipped: bytes


class AssetVersions:
    """Content hashes and gzip copies of the files in the static folder, by file version."""

    def __init__(self, folder: str, watch: Callable[[], bool] = lambda: True) -> None:
        self._folder = Path(folder).resolve()
        # Whether a file may change while the app runs; when not, a version is never re-checked.
        self._watch = watch
        self._cache: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def version(self, filename: str) -> str | None:
        """Return the file's content hash (12 hex digits), or None when there is no such file."""
        entry = self.entry(filename)
        return entry.version if entry else None

    def entry(self, filename: str) -> Entry | None:
        """Return the file's current version, or None when there is no such file."""
        if not self._watch():
            with self._lock:
                cached = self._cache.get(filename)
            if cached:
                return cached
        path = (self._folder / filename).resolve()
        if not path.is_relative_to(self._folder) or not path.is_file():
            return None
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(filename)
        if cached and cached.stamp == stamp:
            return cached
        content = path.read_bytes()
        if path.suffix == ".css":
            content = lean_css(content)
        version = hashlib.sha256(content).hexdigest()[:12]
        entry = Entry(stamp, version, content, gzip.compress(content, 9))
        with self._lock:
            self._cache[filename] = entry
        return entry


def register_assets(app: Flask) -> None:
    """Version static URLs, and cache and compress static answers."""
    # Files are re-checked on each use exactly when templates are (debug or
    # TEMPLATES_AUTO_RELOAD); otherwise each version is worked out once, on first use.
    assets = AssetVersions(
        app.static_folder or os.fspath(Path(app.root_path) / "static"),
        watch=lambda: bool(app.jinja_env.auto_reload),
    )

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = assets.version(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_and_compress(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code != 200:
            return response
        filename = (request.view_args or {}).get("filename", "")
        version = assets.version(filename)
        if version and request.args.get("v") == version:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"  # revalidate with the ETag
        _compress(response, assets, filename)
        return response


def _compress(response: Response, assets: AssetVersions, filename: str) -> None:
    """Send the lean copy of a stylesheet, gzip-compressed to a browser that accepts it."""
    response.vary.add("Accept-Encoding")
    entry = assets.entry(filename)
    if entry is None:
        return
    if filename.endswith(".css"):
        response.direct_passthrough = False
        response.set_data(entry.body)
        response.headers.pop("Accept-Ranges", None)
    if response.mimetype not in COMPRESSIBLE or "gzip" not in request.accept_encodings:
        return
    if (response.content_length or 0) < SMALLEST_WORTH_COMPRESSING:
        return
    response.direct_passthrough = False
    response.set_data(entry.gzipped)
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    if response.headers.get("ETag"):
        # A different body needs a different validator.
        response.set_etag(response.get_etag()[0] + "-gzip")
