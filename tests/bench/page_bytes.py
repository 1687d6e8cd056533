"""Measure 4: the JS and CSS the checkout page makes a browser load, beside checkout-sdk."""

from __future__ import annotations

import gzip
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import requests
from bs4 import BeautifulSoup

from tests.bench.report import Row

SDK_PACKAGE = "@bigcommerce/checkout-sdk"
SDK_FILE = "package/dist/checkout-sdk.umd.js"


def page_bytes(origin: str, fetch_npm: bool, details: dict) -> list[Row]:
    """The JS and CSS the checkout page loads, raw and gzip, beside checkout-sdk's UMD build."""
    session = requests.Session()
    # The page's assets do not depend on the cart; any checkout page lists them.
    page = session.get(f"{origin}/checkout")
    soup = BeautifulSoup(page.text, "html.parser")
    urls = [tag["src"] for tag in soup.select("script[src]")]
    urls += [tag["href"] for tag in soup.select("link[href]") if "stylesheet" in tag.get("rel", [])]
    raw_total = gzip_total = 0
    assets = {}
    for url in urls:
        body = session.get(urljoin(page.url, url)).content
        raw, packed = len(body), len(gzip.compress(body, compresslevel=6))
        assets[url] = {"raw": raw, "gzip": packed}
        raw_total += raw
        gzip_total += packed
    details["assets"] = assets
    rows = [
        Row("assets_raw", "checkout JS+CSS raw", raw_total / 1024, "KB", note=", ".join(assets)),
        Row(
            "assets_gzip",
            "checkout JS+CSS gzip",
            gzip_total / 1024,
            "KB",
            "<= 25 KB",
            gzip_total <= 25 * 1024,
        ),
    ]
    sdk = _checkout_sdk() if fetch_npm else "skipped"
    if isinstance(sdk, bytes):
        sdk_raw, sdk_gzip = len(sdk), len(gzip.compress(sdk, compresslevel=6))
        ratio = gzip_total / sdk_gzip
        rows += [
            Row("sdk_raw", "checkout-sdk.umd.js raw", sdk_raw / 1024, "KB"),
            Row("sdk_gzip", "checkout-sdk.umd.js gzip", sdk_gzip / 1024, "KB"),
            Row("sdk_ratio", "ours/checkout-sdk (gzip)", ratio, "x", "<= 0.1", ratio <= 0.1),
        ]
    else:
        status = sdk if sdk == "skipped" else "unavailable"
        note = "" if sdk == "skipped" else sdk
        rows += [
            Row("sdk_raw", "checkout-sdk.umd.js raw", None, "KB", status=status, note=note),
            Row("sdk_gzip", "checkout-sdk.umd.js gzip", None, "KB", status=status),
            Row("sdk_ratio", "ours/checkout-sdk (gzip)", None, "x", "<= 0.1", status=status),
        ]
    return rows


def _checkout_sdk() -> bytes | str:
    """Fetch ``dist/checkout-sdk.umd.js`` with ``npm pack``; a reason string if that fails."""
    try:
        with tempfile.TemporaryDirectory(prefix="checkout-sdk-") as tmp:
            subprocess.run(
                ["npm", "pack", SDK_PACKAGE, "--pack-destination", tmp],
                cwd=tmp,
                check=True,
                capture_output=True,
                timeout=180,
            )
            [tarball] = Path(tmp).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(SDK_FILE)
                if member is None:
                    return "no dist/checkout-sdk.umd.js in the package"
                return member.read()
    except (OSError, ValueError, KeyError, subprocess.SubprocessError, tarfile.TarError) as error:
        return f"npm pack failed: {type(error).__name__}: {str(error)[:120]}"
