"""A designer's own copy of templates/ and static/: new copy and a new brand colour still pass.

The copy is made the way a merchant's designer would: the offer's description for every set
of modes is rewritten and the brand colour is changed on its one line in theme.css. The HTML
tests and the browser tests of the offer and of every styleguide state then run against the
copy (CHECKOUT_TEMPLATES_DIR and CHECKOUT_STATIC_DIR, which tests/support/app_config.py passes on).
The other way round, a copy that loses a contract hook fails: tests/styleguide/test_styleguide.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from app import create_app
from tests.support.app_config import sandbox_config
from tests.support.pages import parse

PROJECT = Path(__file__).resolve().parent.parent
OFFER = "components/checkout_plus_offer.html"
# The offer's three descriptions, as a designer would rewrite them.
NEW_DESCRIPTIONS = {
    "Cover your order for easy returns and shipping protection.": (
        "Returns on us, and a replacement if the parcel goes astray."
    ),
    "Get hassle-free returns on this order.": "Changed your mind? Send it back on us.",
    "Protect your package against loss or damage during shipping.": (
        "Lost, stolen or broken on the way? We replace it."
    ),
}
BRAND_LINE = re.compile(r"^(\s*--color-brand:\s*)#[0-9a-fA-F]{6};", re.MULTILINE)
NEW_BRAND = "#0b6e4f"  # a deep green: 6.3:1 on white
# The HTML tests and the browser tests that show the offer, the checkout and every state.
SUITES = [
    "tests/checkout/test_checkout_page.py",
    "tests/checkout_plus/test_offer.py",
    "tests/styleguide/test_styleguide.py",
    "tests/test_html_validity.py",
    "tests/browser/test_offer_in_browser.py",
    "tests/browser/test_styleguide_in_browser.py",
]


def designers_copy(folder: Path) -> tuple[Path, Path]:
    """Copy templates/ and static/, rewrite every mode's description and the brand colour."""
    templates, static = folder / "templates", folder / "static"
    shutil.copytree(PROJECT / "templates", templates)
    shutil.copytree(PROJECT / "static", static)
    offer = templates / OFFER
    text = offer.read_text()
    for old, new in NEW_DESCRIPTIONS.items():
        assert text.count(old) == 1, f"{OFFER} no longer says {old!r}: update this test's copy"
        text = text.replace(old, new)
    offer.write_text(text)
    theme = static / "css/theme.css"
    css, edits = BRAND_LINE.subn(rf"\g<1>{NEW_BRAND};", theme.read_text())
    assert edits == 1, "theme.css should set --color-brand on exactly one line"
    theme.write_text(css)
    return templates, static


IN_LANGUAGES_AXE = (
    "tests/browser/test_styleguide_in_browser.py::test_the_entries_pass_axe_in_every_language"
)


def test_the_html_and_browser_tests_pass_on_a_designers_copy(sandbox, tmp_path):
    templates, static = designers_copy(tmp_path)
    folders = {"CHECKOUT_TEMPLATES_DIR": str(templates), "CHECKOUT_STATIC_DIR": str(static)}

    # The copy is what the app serves: the new words and the new colour.
    app = create_app(sandbox_config(sandbox, **folders, INSTANCE_PATH=str(tmp_path / "i")))
    client = app.test_client()
    described = {
        parse(client.get(f"/styleguide/{slug}")).select_one("[data-checkout-plus-description]")
        for slug in ("offer-returns", "offer-shipping", "offer-both")
    }
    assert {tag.get_text(strip=True) for tag in described} == set(NEW_DESCRIPTIONS.values())
    assert NEW_BRAND in client.get("/static/css/theme.css").get_data(as_text=True)

    # Its own --output: pytest-playwright empties that folder first, and the project's
    # test-results/ holds the screenshots the outer run has taken for a person to look at.
    options = ["--output", str(tmp_path / "test-results")]
    # The styleguide in the other languages: the same templates through the catalogs, which
    # the copy does not change (the outer run checks them; here they would double its time).
    options += ["--deselect", f"{IN_LANGUAGES_AXE}[chromium]"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options, *SUITES],
        cwd=PROJECT,
        env={**os.environ, **folders},
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-2000:]
    assert run.returncode == 0, f"on the designer's copy: {summary}\n{run.stdout[-6000:]}"
    assert " passed" in summary
    assert "skipped" not in summary, summary
