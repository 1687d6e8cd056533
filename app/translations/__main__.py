"""Keep the catalogs: ``python -m app.translations update|check|compile``.

update   extract every marked message and bring each language's catalog up to them (new ones
         empty, changed ones fuzzy; English filled with the words as written)
check    list every message a catalog lacks, leaves fuzzy or gets wrong; exit 1 if any
compile  write the .mo files the app reads, where a .po changed (python -m app does this too)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.translations import LANGUAGES
from app.translations import compile_catalogs
from app.translations import extract
from app.translations import problems
from app.translations import update


def main(argv: list[str] | None = None) -> int:
    """Run one of the catalog commands and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m app.translations", description=__doc__)
    parser.add_argument("command", choices=("update", "check", "compile"))
    parser.add_argument("--templates", type=Path, help="a designer's templates folder")
    parser.add_argument("--language", action="append", choices=sorted(LANGUAGES))
    args = parser.parse_args(argv)
    languages = args.language or list(LANGUAGES)
    if args.command == "compile":
        for path in compile_catalogs(languages):
            print(f"compiled {path}")
        return 0
    template = extract(args.templates)
    if args.command == "update":
        update(template, languages)
        print(f"{len(template)} messages; catalogs updated: {', '.join(languages)}")
        return 0
    found = problems(template, languages)
    for problem in found:
        print(problem)
    print(f"{len(template)} messages, {len(found)} problems in {', '.join(languages)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
