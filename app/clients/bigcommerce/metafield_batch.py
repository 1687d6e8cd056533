"""A metafield batch that partly failed: which keys were written, which were refused and why."""

from __future__ import annotations

import logging
import re

import requests

from app.clients.bigcommerce.errors import BigCommerceRejected
from app.clients.bigcommerce.models import Metafield
from app.clients.http import decode_json

log = logging.getLogger(__name__)

# A metafield batch error names the item it is about by its index: "[2].key", "[2]" or "2".
BATCH_INDEX = re.compile(r"^\[?(\d+)\]?(?:\.|$)")


class MetafieldsRejected(BigCommerceRejected):
    """A metafield batch partly failed: ``errors`` maps each failed key to why.

    ``created`` holds the metafields that were written; ``conflicts`` the failed keys that
    already exist (409), which a retry after a lost answer should treat as written.
    """

    def __init__(
        self,
        message: str,
        status: int,
        errors: dict[str, str],
        created: tuple[Metafield, ...] = (),
        conflicts: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(message, status, errors)
        self.created = created
        self.conflicts = conflicts


def batch_rejection(response: requests.Response, keys: list[str]) -> MetafieldsRejected | None:
    """Read a metafield batch's 422 partial success (None when the body is another 422)."""
    try:
        payload = decode_json(response.content)
    except ValueError:
        return None
    data = payload.get("data") if isinstance(payload, dict) else None
    problems = payload.get("errors") if isinstance(payload, dict) else None
    if not isinstance(data, list) or not isinstance(problems, list):
        return None
    created = tuple(Metafield.parse(item) for item in data)
    written = {field.key for field in created}
    failed = [key for key in keys if key not in written]
    if not failed:
        return None
    reasons: dict[str, str] = {}
    conflicts: set[str] = set()
    titles = []
    for problem in problems:
        if not isinstance(problem, dict):
            continue
        titles.append(str(problem.get("title") or "refused"))
        details = problem.get("errors")
        for name, reason in details.items() if isinstance(details, dict) else ():
            # Each detail names the batch item it is about: "[2].key" (or "2").
            match = BATCH_INDEX.match(str(name))
            index = int(match.group(1)) if match else -1
            if 0 <= index < len(keys) and keys[index] in failed:
                reasons[keys[index]] = str(reason)
                if problem.get("status") == 409:
                    conflicts.add(keys[index])
    fallback = "; ".join(dict.fromkeys(titles)) or "refused"
    errors = {key: reasons.get(key, fallback) for key in failed}
    log.info("BigCommerce metafields not created for keys %s", ", ".join(failed))
    return MetafieldsRejected(
        f"{len(failed)} of {len(keys)} metafields were not created: {', '.join(failed)}",
        response.status_code,
        errors,
        created,
        frozenset(conflicts),
    )
