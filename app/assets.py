"""Static assets: versioned URLs, cached for a year, sent gzip-compressed.

``url_for('static', filename=...)`` gains ``?v=<content hash>``, so templates stay as they
are and a changed file gets a new URL at once. A request that names the current version may
be cached for a year (``immutable``); any other is revalidated with its ETag. Text assets go
out gzip-compressed to browsers that accept it. Hashes and compressed copies are made once
per file version (size and modification time), not per request; outside debug (when Flask
does not reload templates either) a file is not even looked at again.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask import Response
from flask import request

YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/css", "text/javascript", "application/javascript", "image/svg+xml")
# Below this, gzip's own header costs more than it saves.
SMALLEST_WORTH_COMPRESSING = 512


class AssetVersions:
    """Content hashes and gzip copies of the files in the static folder, by file version."""

    def __init__(self, folder: str, watch: Callable[[], bool] = lambda: True) -> None:
        self._folder = Path(folder).resolve()
        # Whether a file may change while the app runs; when not, a version is never re-checked.
        self._watch = watch
        self._cache: dict[str, tuple[tuple[int, int], str, bytes]] = {}
        self._lock = threading.Lock()

    def version(self, filename: str) -> str | None:
        """Return the file's content hash (12 hex digits), or None when there is no such file."""
        entry = self._entry(filename)
        return entry[1] if entry else None

    def gzipped(self, filename: str) -> bytes | None:
        """Return the file gzip-compressed, or None when there is no such file."""
        entry = self._entry(filename)
        return entry[2] if entry else None

    def _entry(self, filename: str) -> tuple[tuple[int, int], str, bytes] | None:
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
        if cached and cached[0] == stamp:
            return cached
        content = path.read_bytes()
        entry = (stamp, hashlib.sha256(content).hexdigest()[:12], gzip.compress(content, 9))
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
    """Send the gzip copy to a browser that accepts it (text assets only)."""
    response.vary.add("Accept-Encoding")
    if response.mimetype not in COMPRESSIBLE or "gzip" not in request.accept_encodings:
        return
    if (response.content_length or 0) < SMALLEST_WORTH_COMPRESSING:
        return
    body = assets.gzipped(filename)
    if body is None:
        return
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)
    if response.headers.get("ETag"):
        # A different body needs a different validator.
        response.set_etag(response.get_etag()[0] + "-gzip")
