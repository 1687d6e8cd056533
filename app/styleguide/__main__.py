"""``python -m app.styleguide``: check your templates against the contract before you deploy.

Renders every styleguide entry with the templates the configuration points at (templates/,
or CHECKOUT_TEMPLATES_DIR) and prints each missing hook with its template, each word a
template shows without marking it for translation, and each message a language's catalog
lacks or leaves fuzzy; exits 1 if any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app import create_app
from app.config import SETTING_NAMES
from app.config import ConfigError
from app.config import read_environment
from app.styleguide.check import check_every_entry
from app.styleguide.entries import ENTRIES
from app.translations import extract
from app.translations import problems as catalog_problems
from app.translations.unmarked import unmarked_templates


def main() -> int:
    """Check every entry and report."""
    environ = {k: v for k, v in read_environment().items() if k in SETTING_NAMES}
    try:
        app = create_app({**environ, "CHECKOUT_STYLEGUIDE": "1"})
    except ConfigError as error:
        print(f"Configuration: {error}", file=sys.stderr)
        return 2
    templates = Path(app.template_folder or "templates")
    problems = [
        *check_every_entry(app),
        *unmarked_templates(templates),
        *catalog_problems(extract(templates)),
    ]
    for problem in problems:
        print(problem)
    print(f"{len(ENTRIES)} entries checked, {len(problems)} problem(s), in {templates}")
    if problems:
        print("Translations: see templates/README.md, 'Words and languages'.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
