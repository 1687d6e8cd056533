"""Static assets: versioned URLs cached for a year, gzip for browsers that take it."""

from __future__ import annotations

import gzip

import pytest

from app.assets import AssetVersions
from app.assets import lean_css
from tests.support.pages import parse
from tests.support.paths import PROJECT

CSS = "/static/css/checkout.css"


def asset_urls(client) -> list[str]:
    """The stylesheet and script URLs the checkout's pages load."""
    page = parse(client.get("/"))
    links = [link["href"] for link in page.select("link[rel=stylesheet], link[rel=icon]")]
    return links + [script["src"] for script in page.select("script[src]")]


def test_every_asset_url_names_its_version_and_is_cached_for_a_year(client):
    urls = asset_urls(client)
    assert len(urls) == 4  # icon, theme, stylesheet, htmx
    for url in urls:
        assert "?v=" in url, url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_version_follows_the_content(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "checkout.css"
    sheet.write_text("body { color: black; }")
    versions = AssetVersions(str(static))
    first = versions.version("css/checkout.css")
    sheet.write_text("body { color: navy; }")
    assert versions.version("css/checkout.css") not in (None, first)
    assert versions.version("../secret.txt") is None


def test_without_reloading_a_version_is_worked_out_once(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "checkout.css"
    sheet.write_text("body { color: black; }")
    versions = AssetVersions(str(static), watch=lambda: False)
    first = versions.version("css/checkout.css")
    sheet.write_text("body { color: navy; }")
    assert versions.version("css/checkout.css") == first  # as templates: a restart shows it


def test_an_unversioned_or_stale_url_is_revalidated(client):
    for url in (CSS, CSS + "?v=000000000000"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-cache"
        etag = response.headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("url", [CSS, "/static/vendor/htmx-2.0.11.min.js"])
def test_text_assets_go_out_gzip_compressed_when_accepted(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers


def test_pages_are_still_never_stored(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_a_stylesheet_goes_out_without_its_comments_and_keeps_every_rule():
    sheet = (
        b"/* The header. */\n.a :hover,\n.b > .c {\n  margin: calc(1rem + 2px);  /* why */\n}\n"
        b"@media (min-width: 56rem) {\n  .d { display: none; }\n}\n"
    )
    lean = lean_css(sheet)
    assert lean == (
        b".a :hover, .b > .c{margin: calc(1rem + 2px);}"
        b"@media (min-width: 56rem){.d{display: none;}}\n"
    )
    # A comment opener inside a string would be cut wrongly: such a file goes out as it is.
    quoted = b'.e::before { content: "/* not a comment */"; }'
    assert lean_css(quoted) == quoted


def test_the_checkout_stylesheet_is_served_lean_and_gzip_holds_the_same(client):
    url = next(url for url in asset_urls(client) if url.startswith(CSS))
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    source = (PROJECT / "static" / "css" / "checkout.css").read_bytes()
    assert b"/*" in source
    assert b"/*" not in plain.data
    assert plain.data == lean_css(source)
    assert int(plain.headers["Content-Length"]) == len(plain.data) < len(source)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
