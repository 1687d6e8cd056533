"""Right-to-left: the stylesheets name sides logically, so Arabic mirrors the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
# A physical side: margin-left, padding-right, border-left, left:, text-align: right, float:
# left, a corner (border-top-left-radius), a four-value margin or padding (values 2 and 4 are
# the sides).
PHYSICAL = re.compile(
    r"(?:margin|padding|border)-(?:left|right)\b|border-(?:top|bottom)-(?:left|right)-radius"
    r"|(?<![\w-])(?:left|right)\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
    r"|(?<![\w-])(?:margin|padding)\s*:\s*[^;{}\s]+\s+[^;{}\s]+\s+[^;{}\s]+\s+[^;{}\s]+\s*;"
)


def without_comments(css: str) -> str:
    """Blank out comments, keeping line breaks so line numbers stay right."""
    return re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), css, flags=re.S)


@pytest.mark.parametrize("sheet", sorted(CSS_DIR.glob("*.css")), ids=lambda path: path.name)
def test_stylesheets_name_sides_by_the_flow_of_text(sheet):
    lines = without_comments(sheet.read_text(encoding="utf-8")).splitlines()
    physical = [
        f"{sheet.name}:{number}: {line.strip()}"
        for number, line in enumerate(lines, 1)
        if PHYSICAL.search(line)
    ]
    assert physical == [], "use margin-inline-start, inset-inline-end, text-align: end..."


@pytest.mark.parametrize(
    ("rule", "physical"),
    [
        (".a { margin-left: 1rem; }", True),
        (".a { right: 0; }", True),
        (".a { text-align: left; }", True),
        (".a { margin: 0 0 0 1rem; }", True),
        (".a { margin-inline-start: 1rem; }", False),
        (".a { inset-inline-end: 0; }", False),
        (".a { text-align: end; }", False),
        (".a { margin: 0 auto; }", False),
        (".a { border-top-left-radius: 1px; }", True),
        (".a { border-start-start-radius: 1px; }", False),
    ],
)
def test_physical_sides_are_recognised(rule, physical):
    assert bool(PHYSICAL.search(rule)) is physical
