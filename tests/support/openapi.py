"""Contract checks against BigCommerce's official OpenAPI files (found by ``tests.support.specs``).

Give it one HTTP exchange as seen on a loopback sandbox (or by the app) and it validates the
request and/or response with openapi-core, after moving the URL to BigCommerce's real origin
(``https://api.bigcommerce.com``, or ``https://payments.bigcommerce.com`` for payments) and
picking the spec file that owns the path. Specs are loaded once per process and cached.

    validate_exchange("POST", "/stores/sandbox/v3/carts", {}, headers, body,
                      201, response_headers, response_body)
    validate_requests_response(response)          # a ``requests.Response``
    validate_logged_request(entry)                # an entry of a sandbox's request log

Without the spec files, anything that reads them skips the calling test (fails it under
``CI=true``): see ``tests.support.specs``.

Failures raise ``ContractError`` (an AssertionError) whose message names the operation and
every schema violation; a status the operation does not document raises its subclass
``UndocumentedResponse``, so a test can assert such a body's shape by hand.

Errata: a few spec defects make openapi-core reject payloads that follow the spec's own
descriptions and BigCommerce's behaviour. ``ERRATA`` lists each change applied at load time.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import yaml
from openapi_core import Config
from openapi_core import OpenAPI
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest
from openapi_core.testing import MockResponse

from app.sandbox.service import REDACTED
from app.sandbox.service import dumps
from tests.support.specs import require_specs

API_ORIGIN = "https://api.bigcommerce.com"
PAYMENTS_ORIGIN = "https://payments.bigcommerce.com"
# These fail openapi-core's strict spec check (exclusiveMaximum without maximum); see SOURCES.md.
UNCHECKED_SPECS = frozenset({"accepted-methods_payments.v3.yml", "tax_classes.v2.yml"})
# Path (after /stores/{store_hash}) -> the spec file that documents it.
ROUTES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"^/v3/carts(/|$)", "carts.v3.yml"),
        (r"^/v3/checkouts(/|$)", "checkouts.v3.yml"),
        (r"^/v3/catalog/", "products_catalog.v3.yml"),
        (r"^/v3/orders(/|$)", "orders.v3.yml"),
        (r"^/v3/pickup/methods", "pickup_methods.v3.yml"),
        (r"^/v3/pickup/options", "pickup_options.v3.yml"),
        (r"^/v3/payments/methods", "accepted-methods_payments.v3.yml"),
        (r"^/v3/payments/access_tokens", "access-tokens_payments.v3.yml"),
        (r"^/v3/hooks(/|$)", "webhooks.v3.yml"),
        (r"^/v2/(orders|order_statuses)(/|$)", "orders.v2.oas2.yml"),
        (r"^/v2/tax_classes", "tax_classes.v2.yml"),
        (r"^/payments$", "process_payments.yml"),
    )
)
STORE_PATH = re.compile(r"^/stores/(?P<hash>[^/]+)(?P<rest>/.*)$")


class ContractError(AssertionError):
    """A request or response that does not match BigCommerce's OpenAPI files."""


class UndocumentedResponse(ContractError):
    """The operation documents neither this status nor a ``default`` response."""


def _one_of_to_any_of(node: Any) -> None:
    """Rewrite every oneOf as anyOf, in place."""
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _one_of_to_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _one_of_to_any_of(value)


def _pat_scheme(spec: dict[str, Any]) -> None:
    """Name the payments security scheme 'pat' to match the documented header."""
    scheme = spec["components"]["securitySchemes"]["BearerPAT"]
    scheme["scheme"] = "pat"
    scheme.pop("bearerFormat", None)  # only allowed with the bearer scheme


def _hooks_may_be_empty(spec: dict[str, Any]) -> None:
    """Let getWebhooks answer an empty list."""
    data = spec["components"]["responses"]["webhooks_Resp"]["content"]["application/json"]
    data["schema"]["properties"]["data"].pop("minItems", None)


ERRATA: tuple[tuple[str, Callable[[dict[str, Any]], None], str], ...] = (
    (
        "*",
        _one_of_to_any_of,
        "oneOf -> anyOf everywhere. Several oneOf lists offer overlapping object branches (no "
        "required fields, no additionalProperties: false), so a valid document matches more "
        "than one branch and strict oneOf rejects it: e.g. carts Cart_Line_Item_Update_Put."
        "line_item (cart_PostVariant and cart_PostModifier both accept {product_id, quantity}) "
        "and orders.v2 order_RespOnly.consignments (a {url, resource} link also matches "
        "orderConsignment_Get). anyOf keeps the intended 'one of these shapes'.",
    ),
    (
        "process_payments.yml",
        _pat_scheme,
        "BearerPAT is declared as HTTP bearer auth, but the documented header is "
        "'Authorization: PAT <token>' (the scheme's own description and the payments docs); "
        "openapi-core would reject it, so the scheme is named 'pat'.",
    ),
    (
        "webhooks.v3.yml",
        _hooks_may_be_empty,
        "getWebhooks declares data.minItems: 1, but an account without hooks gets an empty list.",
    ),
)

_load_lock = threading.Lock()


@functools.cache
def _load_uncached(name: str) -> OpenAPI:
    # CSafeLoader is the C build of SafeLoader: safe, and about five times faster.
    """Parse a spec file, apply the errata and build the OpenAPI object."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load((require_specs() / name).read_text(), Loader=loader)  # noqa: S506
    for target, fix, _why in ERRATA:
        if target in ("*", name):
            fix(raw)
    config = Config(spec_validator_cls=None) if name in UNCHECKED_SPECS else None
    return OpenAPI.from_dict(raw, config=config)


def load_spec(name: str) -> OpenAPI:
    """Load one spec file (with ``ERRATA`` applied), once per process."""
    with _load_lock:
        return _load_uncached(name)


def spec_for(path: str) -> tuple[str, str]:
    """Return ``(spec file, real origin)`` for a sandbox or real BigCommerce URL path."""
    match = STORE_PATH.match(path)
    if match is None:
        raise ContractError(f"{path!r} is not a BigCommerce store API path (/stores/{{hash}}/...)")
    rest = match.group("rest")
    for pattern, name in ROUTES:
        if pattern.search(rest):
            origin = PAYMENTS_ORIGIN if name == "process_payments.yml" else API_ORIGIN
            return name, origin
    raise ContractError(f"no BigCommerce spec file documents {path!r}")


def _split(path_or_url: str, query: Mapping[str, Any] | None) -> tuple[str, dict[str, list[str]]]:
    """Split a path or URL into its path and merged query parameters."""
    parts = urlsplit(path_or_url)
    merged: dict[str, list[str]] = parse_qs(parts.query, keep_blank_values=True)
    for key, value in (query or {}).items():
        merged.setdefault(key, []).extend(value if isinstance(value, list | tuple) else [value])
    return parts.path, merged


def _to_bytes(body: bytes | str | None) -> bytes:
    """A body as bytes."""
    if body is None:
        return b""
    return body.encode() if isinstance(body, str) else body


def _request(
    method: str,
    path_or_url: str,
    query: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    body: bytes | str | None,
) -> tuple[OpenAPI, MockRequest, str]:
    """The spec, an openapi-core request on the real origin, and a label for messages."""
    path, merged = _split(path_or_url, query)
    name, origin = spec_for(path)
    header_map = dict(headers or {})
    content_type = next(
        (v for k, v in header_map.items() if k.lower() == "content-type"), "application/json"
    )
    request = MockRequest(
        origin,
        method,
        path,
        args=merged,
        headers=header_map,
        data=_to_bytes(body),
        content_type=content_type.split(";")[0].strip(),
    )
    return load_spec(name), request, f"{method.upper()} {path} ({name})"


def _describe(error: BaseException) -> str:
    """One line per problem: the schema violations with their JSON paths, else the errors."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while seen is not None and seen not in chain:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    lines = [
        f"  - at {getattr(sub, 'json_path', '$')}: {_short(sub.message)}"
        for link in chain
        for sub in getattr(link, "schema_errors", None) or ()
    ]
    if not lines:
        lines = [f"  - {type(link).__name__}: {_short(str(link))}" for link in chain]
    return "\n".join(dict.fromkeys(lines))


def _short(text: str, limit: int = 300) -> str:
    """Shorten long messages (schema errors repeat whole documents)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def request_problems(
    method: str,
    path: str,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
) -> str | None:
    """Describe how a request breaks the spec, or return None when it is valid."""
    spec, request, _label = _request(method, path, query, headers, body)
    try:
        spec.validate_request(request)
    except Exception as error:  # openapi-core raises a family of unrelated errors
        return _describe(error)
    return None


def validate_request(
    method: str,
    path: str,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    body: bytes | str | None = None,
) -> None:
    """Raise ContractError when a request breaks the spec."""
    problem = request_problems(method, path, query, headers, body)
    if problem:
        raise ContractError(f"request {method.upper()} {path} breaks the spec:\n{problem}")


def is_documented(method: str, path: str, status: int) -> bool:
    """Whether the operation documents this status (or a ``default`` response)."""
    spec, request, label = _request(method, path, None, None, None)
    try:
        found = APICallPathFinder(spec.spec).find(request.method, request.host_url + request.path)
    except Exception as error:
        raise ContractError(f"{label} is not in the spec:\n{_describe(error)}") from error
    responses = found.operation / "responses"
    return str(status) in responses or "default" in responses


def validate_response(
    method: str,
    path: str,
    query: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    body: bytes | str | None,
    status: int,
    response_headers: Mapping[str, str] | None,
    response_body: bytes | str | None,
) -> None:
    """Raise ContractError when a response breaks the spec; UndocumentedResponse if unlisted."""
    spec, request, label = _request(method, path, query, headers, body)
    response_header_map = dict(response_headers or {})
    content_type = next(
        (v for k, v in response_header_map.items() if k.lower() == "content-type"),
        "application/json",
    )
    response = MockResponse(
        _to_bytes(response_body),
        status_code=status,
        headers=response_header_map,
        content_type=content_type.split(";")[0].strip(),
    )
    try:
        spec.validate_response(request, response)
    except ResponseNotFound as error:
        raise UndocumentedResponse(f"{label} does not document status {status}") from error
    except Exception as error:
        if isinstance(error.__cause__, ResponseNotFound):
            raise UndocumentedResponse(f"{label} does not document status {status}") from error
        raise ContractError(
            f"response {status} of {label} breaks the spec:\n{_describe(error)}"
        ) from error


def validate_exchange(
    method: str,
    path: str,
    query: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
    body_bytes: bytes | str | None,
    status: int,
    response_headers: Mapping[str, str] | None,
    response_body_bytes: bytes | str | None,
) -> None:
    """Validate a request and its response."""
    validate_request(method, path, query, headers, body_bytes)
    validate_response(
        method, path, query, headers, body_bytes, status, response_headers, response_body_bytes
    )


def _requests_parts(response: Any) -> tuple[str, str, dict[str, str], bytes]:
    """The method, URL, headers and body a ``requests.Response`` was sent with."""
    prepared = response.request
    body = prepared.body
    return prepared.method, prepared.url, dict(prepared.headers), _to_bytes(body)


def validate_requests_response(response: Any, check_request: bool = True) -> None:
    """Validate a ``requests.Response`` (and, by default, the request that produced it)."""
    method, url, headers, body = _requests_parts(response)
    if check_request:
        validate_request(method, url, None, headers, body)
    validate_response(
        method,
        url,
        None,
        headers,
        body,
        response.status_code,
        dict(response.headers),
        response.content,
    )


def logged_request_parts(
    entry: Any,
) -> tuple[str, str, dict[str, list[str]], dict[str, str], bytes]:
    """Rebuild ``(method, path, query, headers, body)`` from a sandbox request-log entry.

    The log redacts credentials; a redacted ``Authorization`` becomes ``PAT <redacted>`` so the
    header still has the documented shape (its value cannot be checked anyway).
    """
    headers = dict(entry.headers)
    for name in list(headers):
        if name.lower() == "authorization" and headers[name] == REDACTED:
            headers[name] = f"PAT {REDACTED}"
    if entry.body is not None:
        body = entry.body
    elif entry.json is None:
        body = b""
    else:
        body = entry.json.encode() if isinstance(entry.json, str) else dumps(entry.json).encode()
    return entry.method, entry.path, dict(entry.query), headers, body


def validate_logged_request(entry: Any) -> None:
    """Validate a request the sandbox logged."""
    method, path, query, headers, body = logged_request_parts(entry)
    validate_request(method, path, query, headers, body)


def validate_logged_exchange(entry: Any) -> None:
    """Validate a logged request and the response the sandbox gave it."""
    method, path, query, headers, body = logged_request_parts(entry)
    if entry.status is None or entry.response_body is None:
        raise ContractError(f"{entry.method} {entry.path}: the response was not logged")
    validate_exchange(
        method,
        path,
        query,
        headers,
        body,
        entry.status,
        entry.response_headers or {},
        entry.response_body,
    )


def validate_traffic(entries: list) -> list:
    """Check logged exchanges against the specs; return those with an undocumented status.

    For an undocumented status the request must still be valid and the answer a v3 error
    the client can read; the caller says which of those it expected.
    """
    undocumented = []
    for entry in entries:
        if is_documented(entry.method, entry.path, entry.status):
            validate_logged_exchange(entry)
            continue
        validate_request(*logged_request_parts(entry))
        error = json.loads(entry.response_body)
        assert entry.status in (400, 404, 409, 422), (entry.method, entry.path, entry.status)
        assert isinstance(error.get("title"), str)
        undocumented.append(entry)
    return undocumented
