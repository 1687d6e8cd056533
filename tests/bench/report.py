"""The benchmark's table: one row per figure, with the issue's target and whether it is met."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    """One figure. ``value`` is None when it could not be measured (``status`` says why)."""

    key: str
    measure: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    status: str = "ok"  # ok, skipped or unavailable
    note: str = ""

    def as_dict(self) -> dict:
        """Return the row as JSON-ready data."""
        return {
            "key": self.key,
            "measure": self.measure,
            "value": self.value,
            "unit": self.unit,
            "target": self.target,
            "met": self.met,
            "status": self.status,
            "note": self.note,
        }

    def shown_value(self) -> str:
        if self.value is None:
            return self.status
        if abs(self.value) >= 100 or float(self.value).is_integer():
            text = f"{self.value:,.0f}"
        else:
            text = f"{self.value:.2f}"
        return f"{text} {self.unit}".strip()

    def shown_met(self) -> str:
        return {True: "yes", False: "NO", None: ""}[self.met]


def print_table(rows: list[Row]) -> None:
    """Print the rows as one table, then the notes."""
    headers = ("measure", "value", "target", "met")
    cells = [(r.measure, r.shown_value(), r.target, r.shown_met()) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for cell in cells:
        print("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip())
    notes = [(r.measure, r.note) for r in rows if r.note]
    if notes:
        print("\nnotes:")
        for measure, note in notes:
            print(f"- {measure}: {note}")
