"""``python -m app.styleguide``: check your templates against the contract before you deploy.

Renders every styleguide entry with the templates the configuration points at (templates/,
or CHECKOUT_TEMPLATES_DIR) and prints each missing hook with its template; exits 1 if any.
"""

from __future__ import annotations

import sys

from app import create_app
from app.config import SETTING_NAMES
from app.config import ConfigError
from app.config import read_environment
from app.styleguide.check import check_every_entry
from app.styleguide.entries import ENTRIES


def main() -> int:
    """Check every entry and report."""
    environ = {k: v for k, v in read_environment().items() if k in SETTING_NAMES}
    try:
        app = create_app({**environ, "CHECKOUT_STYLEGUIDE": "1"})
    except ConfigError as error:
        print(f"Configuration: {error}", file=sys.stderr)
        return 2
    problems = check_every_entry(app)
    for problem in problems:
        print(problem)
    print(f"{len(ENTRIES)} entries checked, {len(problems)} problem(s), in {app.template_folder}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
