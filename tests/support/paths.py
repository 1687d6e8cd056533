"""Where the repository is: the folder that holds app/, templates/, static/ and tests/."""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
