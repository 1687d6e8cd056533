"""Request-body checks that answer the way BigCommerce does: 400 bad JSON, 422 bad fields.

Schemas are small dicts in the JSON-Schema style of the OpenAPI files (``type``, ``required``,
``properties``, ``items``, ``minLength``, ``maxLength``, ``minimum``, ``maximum``, ``enum``,
``pattern``, ``nullable``, ``minItems``), so each one can be compared with its spec line.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import simplejson
from flask import request

from .errors import ApiError
from .errors import body_for
from .errors import conflict
from .errors import invalid

Schema = dict[str, Any]
VERSION: Schema = {"type": "integer"}
# The optional body of DELETE calls that only carry the cart version.
VERSION_ONLY: Schema = {"type": "object", "properties": {"version": VERSION}}


def read_json(required: bool = True) -> Any:
    """Parse the request body (numbers with a fraction as Decimal); 400 when it is not JSON."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise ApiError(400, body_for(400, "The request body is missing; send a JSON document."))
        return None
    try:
        return simplejson.loads(raw, use_decimal=True)
    except ValueError as error:
        raise ApiError(
            400, body_for(400, f"The request body is not valid JSON: {error}")
        ) from error


def problems(value: Any, schema: Schema, path: str = "") -> dict[str, str]:
    """Return ``{field path: message}`` for every way ``value`` breaks ``schema``."""
    name = path or "body"
    if value is None:
        return {} if schema.get("nullable") else {name: "must not be null"}
    kind = schema.get("type")
    if kind and not _is_type(value, kind):
        return {name: f"must be {'an' if kind[0] in 'aeiou' else 'a'} {kind}"}
    found: dict[str, str] = {}
    if "enum" in schema and value not in schema["enum"]:
        found[name] = "must be one of " + ", ".join(str(option) for option in schema["enum"])
    if isinstance(value, str):
        found.update(_string_problems(value, schema, name))
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found[name] = f"must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            found[name] = f"must be at most {schema['maximum']}"
    elif isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found[name] = f"must have at least {schema['minItems']} item(s)"
        item_schema = schema.get("items")
        if item_schema:
            for index, item in enumerate(value):
                found.update(problems(item, item_schema, f"{path}[{index}]"))
    elif isinstance(value, dict):
        for required in schema.get("required", ()):
            if required not in value:
                found[_join(path, required)] = "is required"
        for key, sub_schema in schema.get("properties", {}).items():
            if key in value:
                found.update(problems(value[key], sub_schema, _join(path, key)))
    return found


def validate(value: Any, schema: Schema) -> Any:
    """Raise a 422 naming the fields when ``value`` breaks ``schema``; else return it."""
    found = problems(value, schema)
    if found:
        raise invalid(found)
    return value


def read_valid_json(schema: Schema, required: bool = True) -> Any:
    """Read the JSON body and validate it against ``schema``."""
    body = read_json(required)
    if body is None:
        return None
    return validate(body, schema)


def check_version(body: Any, current: int) -> None:
    """Answer 409 when the body's optional ``version`` differs from the cart's."""
    if isinstance(body, dict) and body.get("version") is not None:
        validate(body["version"], VERSION)
        if body["version"] != current:
            raise conflict()


def string(min_length: int | None = None, max_length: int | None = None, **extra: Any) -> Schema:
    """A string schema with optional length limits."""
    schema: Schema = {"type": "string", **extra}
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object schema."""
    return {"type": "object", "properties": properties, "required": required, **extra}


def array(items: Schema, min_items: int = 0) -> Schema:
    """An array schema."""
    return {"type": "array", "items": items, "minItems": min_items}


def _join(path: str, key: str) -> str:
    """Append a key to a field path."""
    return f"{path}.{key}" if path else key


def _is_type(value: Any, kind: str) -> bool:
    """Whether a parsed JSON value has a schema type (booleans are not numbers)."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | Decimal) and not isinstance(value, bool)
    return isinstance(value, {"string": str, "boolean": bool, "object": dict, "array": list}[kind])


def _string_problems(value: str, schema: Schema, name: str) -> dict[str, str]:
    """Length and pattern problems of a string."""
    if len(value) < schema.get("minLength", 0):
        return {name: f"must be at least {schema['minLength']} character(s)"}
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return {name: f"must be at most {schema['maxLength']} characters"}
    if "pattern" in schema and value and not re.search(schema["pattern"], value):
        return {name: "has an invalid format"}
    return {}
