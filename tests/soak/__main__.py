"""``python -m tests.soak``: run the fault soak and print its figures; exit 1 if one fails.

``--checkouts N`` (500), ``--seed S``, ``--concurrency C`` (shoppers at once), ``--kills K``
(sync worker kills; one per 100 checkouts by default), ``--fault-rate R`` (each fault R times
as likely as planned; the small run in the test suite uses 2 so every kind shows up), ``--json``
for machine-readable output.
"""

from __future__ import annotations

import argparse
import json
import sys

from tests.soak.run import SoakSettings
from tests.soak.run import soak


def main(argv: list[str] | None = None) -> int:
    """Run the soak; exit 0 when every invariant held, 1 otherwise."""
    defaults = SoakSettings()
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__)
    parser.add_argument("--checkouts", type=int, default=defaults.checkouts)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--kills", type=int, default=None, help="sync worker kills")
    parser.add_argument("--fault-rate", type=float, default=defaults.fault_rate)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.checkouts < 1 or args.concurrency < 1:
        parser.error("--checkouts and --concurrency must be at least 1")
    if not args.fault_rate > 0:
        parser.error("--fault-rate must be above 0")
    settings = SoakSettings(
        args.checkouts, args.seed, args.concurrency, args.kills, args.fault_rate
    )
    report = soak(settings, progress=not args.json)
    if args.json:
        print(json.dumps(report.figures(), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
