"""Where BigCommerce's official OpenAPI files are: the one rule every contract check follows.

``BIGCOMMERCE_SPEC_DIR`` names the folder; unset, it is ``../shared/specs/bigcommerce`` beside
the repository. Without the folder, a test about BigCommerce's contract skips saying how to get
it, except under ``CI=true``, where it fails: CI never passes without checking the contract.
Helpers that only set data up validate against the specs when they are there, and not otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.paths import PROJECT

VARIABLE = "BIGCOMMERCE_SPEC_DIR"
DEFAULT = PROJECT.parent / "shared" / "specs" / "bigcommerce"
MISSING = (
    "BigCommerce's OpenAPI specs not found: set BIGCOMMERCE_SPEC_DIR to a copy of the reference/ "
    "folder of github.com/bigcommerce/docs (default ../shared/specs/bigcommerce)"
)


def spec_dir() -> Path | None:
    """The folder of BigCommerce's OpenAPI files, or None when it does not exist."""
    configured = os.environ.get(VARIABLE)
    folder = Path(configured) if configured else DEFAULT
    return folder if folder.is_dir() else None


def require_specs() -> Path:
    """The spec folder; without it skip the calling test, or fail it under ``CI=true``."""
    folder = spec_dir()
    if folder is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING, pytrace=False)
        pytest.skip(MISSING)
    return folder
