"""The theme: every colour lives in static/css/theme.css, and the brand colour is one line.

A merchant's designer changes the look from theme.css alone; checkout.css (and any other
stylesheet) only refers to its custom properties. Each failure names the file, the line and
the offending value or variable, so the designer who broke it knows where to look.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.pages import parse

ROOT = Path(__file__).resolve().parent.parent
CSS_DIR = ROOT / "static" / "css"
THEME = CSS_DIR / "theme.css"
CHECKOUT = CSS_DIR / "checkout.css"
STYLESHEETS = sorted(CSS_DIR.glob("*.css"))

# CSS's named colours (CSS Color 4), besides the keywords that name no colour of their own.
_NAMED = """
    aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen
"""
NAMED_COLOURS = frozenset(_NAMED.split())
HEX_COLOUR = re.compile(r"#[0-9a-f]{3,8}\b", re.IGNORECASE)
COLOUR_FUNCTION = re.compile(
    r"\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color|color-mix|light-dark)\(", re.IGNORECASE
)
WORD = re.compile(r"(?<![-\w#.])[a-z]+(?![-\w(])", re.IGNORECASE)
USE = re.compile(r"var\(\s*(--[\w-]+)")
BLOCK = re.compile(r"\{([^{}]*)\}")


def without_comments(text: str) -> str:
    """The stylesheet with each comment blanked out, its newlines kept so line numbers hold."""
    return re.sub(r"/\*.*?\*/", lambda c: re.sub(r"[^\n]", " ", c.group()), text, flags=re.S)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def declarations(path: Path) -> list[tuple[int, str, str]]:
    """Every ``property: value`` inside a rule of the stylesheet, as (line, property, value)."""
    text = without_comments(path.read_text())
    found = []
    for block in BLOCK.finditer(text):
        offset = block.start(1)
        for part in block.group(1).split(";"):
            if ":" in part:
                prop, value = part.split(":", 1)
                start = offset + len(part) - len(part.lstrip())
                found.append((line_of(text, start), prop.strip().lower(), value.strip()))
            offset += len(part) + 1
    return found


def colour_literals(value: str) -> list[str]:
    """The colours written out in a declaration's value: hex, functions and named colours."""
    found = HEX_COLOUR.findall(value) + [m.group() + "…)" for m in COLOUR_FUNCTION.finditer(value)]
    found += [word for word in WORD.findall(value) if word.lower() in NAMED_COLOURS]
    return found


def definitions(path: Path) -> dict[str, int]:
    """The custom properties a stylesheet defines, each with the line of its first definition."""
    names: dict[str, int] = {}
    for line, prop, _ in declarations(path):
        if prop.startswith("--"):
            names.setdefault(prop, line)
    return names


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_the_brand_colour_is_set_on_exactly_one_line_of_the_theme():
    lines = without_comments(THEME.read_text()).splitlines()
    brand = [
        (n, line.strip())
        for n, line in enumerate(lines, 1)
        if re.search(r"--color-brand\s*:", line)
    ]
    where = ", ".join(f"{rel(THEME)}:{n}: {line}" for n, line in brand)
    assert len(brand) == 1, (
        f"--color-brand must be defined on exactly one line, found: {where or 'none'}"
    )
    line_number, line = brand[0]
    value = line.split(":", 1)[1].strip().rstrip(";").strip()
    own = f"{rel(THEME)}:{line_number}: --color-brand should be a colour of its own, got {value!r}"
    assert "var(" not in value, own
    assert colour_literals(value), own
    # Everything brand-based is mixed from the variable, so no second copy of the value exists.
    for path in STYLESHEETS:
        text = without_comments(path.read_text())
        for match in re.finditer(re.escape(value) + r"(?![0-9a-f])", text, re.IGNORECASE):
            at = line_of(text, match.start())
            assert (path, at) == (THEME, line_number), (
                f"{rel(path)}:{at}: repeats the brand colour {value}; use var(--color-brand) or "
                "a color-mix() of it, so changing the one line changes it too"
            )


def test_the_brand_shades_are_mixed_from_the_brand_colour():
    text = without_comments(THEME.read_text())
    shades = [name for name in definitions(THEME) if name.startswith("--color-brand-")]
    assert shades, f"{rel(THEME)} defines no --color-brand-* shades (hover, tint)"
    for name in shades:
        value = re.search(re.escape(name) + r"\s*:([^;]*);", text).group(1).strip()
        assert "var(--color-brand)" in value, (
            f"{rel(THEME)}:{definitions(THEME)[name]}: {name} is {value!r}; mix it from the brand "
            "colour, e.g. color-mix(in srgb, var(--color-brand) 78%, black)"
        )


def test_checkout_css_writes_no_colour_of_its_own():
    offences = [
        f"{rel(CHECKOUT)}:{line}: {prop}: {value} (colour {', '.join(found)})"
        for line, prop, value in declarations(CHECKOUT)
        if (found := colour_literals(value))
    ]
    assert not offences, (
        "checkout.css must take its colours from theme.css as var(--color-...); add a token "
        "there instead:\n" + "\n".join(offences)
    )


def test_checkout_css_defines_no_tokens_of_its_own():
    defined = definitions(CHECKOUT)
    assert not defined, (
        "design tokens belong in static/css/theme.css, not checkout.css: "
        + ", ".join(f"{rel(CHECKOUT)}:{line}: {name}" for name, line in defined.items())
    )


def test_the_colour_check_catches_what_it_should():
    assert colour_literals("1px solid #D5D9E0") == ["#D5D9E0"]
    assert colour_literals("rgb(0 0 0 / 50%)") == ["rgb(…)"]
    assert colour_literals("hsl(210, 20%, 50%)") == ["hsl(…)"]
    assert colour_literals("0 0 0 3px white") == ["white"]
    assert colour_literals("var(--color-text)") == []
    assert colour_literals("var(--color-white-ish)") == []
    assert colour_literals("nowrap") == colour_literals("inherit") == []
    text = "a { color: red; /* #fff */\n  white-space: nowrap; }"
    assert "#fff" not in without_comments(text)


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_every_variable_used_is_defined_in_the_theme_or_the_same_file(path: Path):
    known = set(definitions(THEME)) | set(definitions(path))
    text = without_comments(path.read_text())
    missing = [
        f"{rel(path)}:{line_of(text, use.start())}: var({use.group(1)})"
        for use in USE.finditer(text)
        if use.group(1) not in known
    ]
    assert not missing, f"not defined in {rel(THEME)} (nor in the same file):\n" + "\n".join(
        missing
    )


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def hex_token(name: str) -> tuple[str, int]:
    """A theme colour written as hex (#rgb or #rrggbb), normalised to #rrggbb, with its line."""
    text = without_comments(THEME.read_text())
    match = re.search(re.escape(name) + r"\s*:\s*([^;]*);", text)
    assert match, f"{rel(THEME)} does not define {name}"
    value, line = match.group(1).strip(), line_of(text, match.start())
    if not re.fullmatch(r"#(?:[0-9a-f]{3}|[0-9a-f]{6})", value, re.IGNORECASE):
        pytest.skip(f"{rel(THEME)}:{line}: {name} is {value!r}, not a plain hex colour")
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value.lower(), line


@pytest.mark.parametrize(
    ("other", "use"),
    [
        ("--color-on-brand", "button text on the brand colour"),
        ("--color-page", "links on the page"),
    ],
)
def test_the_brand_colour_is_readable(other: str, use: str):
    brand, line = hex_token("--color-brand")
    background, _ = hex_token(other)
    ratio = contrast(brand, background)
    assert ratio >= 4.5, (
        f"{rel(THEME)}:{line}: --color-brand {brand} has a contrast of {ratio:.2f}:1 with "
        f"{other} {background}, under the 4.5:1 WCAG AA asks for {use}; pick a darker brand colour"
    )


def test_every_page_loads_the_theme_before_checkout_css(client):
    response = client.get("/checkout")  # no cart: checkout/no_cart.html, which extends base.html
    assert response.status_code == 200
    sheets = [link["href"].split("?")[0] for link in parse(response).select("link[rel=stylesheet]")]
    theme, checkout = "/static/css/theme.css", "/static/css/checkout.css"
    assert theme in sheets, f"templates/base.html does not link {theme}; it links {sheets}"
    assert checkout in sheets, f"templates/base.html does not link {checkout}; it links {sheets}"
    assert sheets.index(theme) < sheets.index(checkout), (
        f"templates/base.html links {checkout} before {theme}; the theme must come first: {sheets}"
    )
    assert client.get(theme).status_code == 200
