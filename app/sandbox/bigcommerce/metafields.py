"""Order metafields (v3): single and batch calls, owned and scoped per API account."""

from __future__ import annotations

from typing import Any

from flask import request

from .auth import client_id
from .errors import STATUS_DOC
from .errors import ApiError
from .errors import invalid
from .errors import not_found
from .errors import v3_error
from .state import Metafield
from .state import now
from .validation import obj
from .validation import problems
from .validation import read_json
from .validation import read_valid_json
from .validation import string
from .web import V3
from .web import api_blueprint
from .web import iso
from .web import locked
from .web import paginate
from .web import query_list
from .web import store

bp = api_blueprint("bc_metafields", V3)

# orders.v3.yml: "at most 250 metafields per order per client ID".
MAX_PER_ORDER = 250
PERMISSION_SETS = ["app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"]
WRITABLE_BY_OTHERS = frozenset({"write", "write_and_sf_access"})
FIELDS = {
    "permission_set": string(enum=PERMISSION_SETS),
    "namespace": string(1, 64),
    "key": string(1, 64),
    "value": string(1, 65535),
    "description": string(0, 255),
}
REQUIRED = ("permission_set", "namespace", "key", "value")
# MetafieldBase_Post; the single PUT takes the same schema (MetafieldPut), all four required.
METAFIELD = obj(FIELDS, REQUIRED)
BATCH_CREATE = obj({**FIELDS, "resource_id": {"type": "integer"}}, (*REQUIRED, "resource_id"))
BATCH_UPDATE = obj({**FIELDS, "id": {"type": "integer"}}, (*REQUIRED, "id"))


def payload(field: Metafield) -> dict[str, Any]:
    """A metafield as the API returns it."""
    return {
        "id": field.id,
        "key": field.key,
        "value": field.value,
        "namespace": field.namespace,
        "permission_set": field.permission_set,
        "resource_type": "order",
        "resource_id": field.order_id,
        "description": field.description,
        "date_created": iso(field.created),
        "date_modified": iso(field.modified),
        "owner_client_id": field.owner_client_id,
    }


def visible(field: Metafield) -> bool:
    """``app_only`` metafields are seen only by the API account that owns them."""
    return field.owner_client_id == client_id() or field.permission_set != "app_only"


def _error_item(status: int, title: str, errors: dict[str, str]) -> dict[str, Any]:
    """One entry of a batch's ``errors`` list."""
    return {"status": status, "title": title, "type": STATUS_DOC, "errors": errors}


def _require_order(order_id: int) -> None:
    """404 unless the order exists."""
    if order_id not in store().orders:
        raise not_found(f"Order {order_id} does not exist.")


def _find(metafield_id: int, order_id: int | None = None) -> Metafield:
    """A metafield the caller may see (optionally on one order); 404 otherwise."""
    field = store().metafields.get(metafield_id)
    if field is None or not visible(field) or order_id not in (None, field.order_id):
        raise v3_error(404, "Metafield not found", f"Metafield {metafield_id} was not found.", [])
    return field


def _check_writable(field: Metafield) -> None:
    """403 when another account's metafield is not writable by the caller."""
    if field.owner_client_id != client_id() and field.permission_set not in WRITABLE_BY_OTHERS:
        # Undocumented status: another app may read but not change a read-only metafield.
        raise v3_error(403, "Forbidden", f"Metafield {field.id} is read-only for this client.")


def _check_unique(order_id: int, namespace: str, key: str, skip: int | None = None) -> None:
    """409 when the caller already has this namespace and key on the order."""
    for field in store().metafields.values():
        same = (field.owner_client_id, field.order_id, field.namespace, field.key)
        if field.id != skip and same == (client_id(), order_id, namespace, key):
            raise ApiError(
                409,
                _error_item(
                    409,
                    "Metafield already exists",
                    {
                        "key": f"namespace {namespace!r} and key {key!r} already exist on order "
                        f"{order_id} for this client (metafield {field.id})"
                    },
                ),
            )


def _create(order_id: int, values: dict[str, Any]) -> Metafield:
    """Check uniqueness and the per-order limit, then store a new metafield."""
    _require_order(order_id)
    _check_unique(order_id, values["namespace"], values["key"])
    owned = [
        f
        for f in store().metafields.values()
        if f.order_id == order_id and f.owner_client_id == client_id()
    ]
    if len(owned) >= MAX_PER_ORDER:
        # The limit is documented, its status is not; the sandbox answers 422.
        raise invalid({"order": f"an order can hold at most {MAX_PER_ORDER} metafields per client"})
    field = Metafield(
        id=next(store().metafield_ids),
        order_id=order_id,
        namespace=values["namespace"],
        key=values["key"],
        value=values["value"],
        permission_set=values["permission_set"],
        description=values.get("description", ""),
        owner_client_id=client_id(),
    )
    store().metafields[field.id] = field
    _announce("created", field)
    return field


def _update(field: Metafield, values: dict[str, Any]) -> Metafield:
    """Replace a metafield's fields and announce it."""
    _check_writable(field)
    _check_unique(field.order_id, values["namespace"], values["key"], skip=field.id)
    for name in ("namespace", "key", "value", "permission_set"):
        setattr(field, name, values[name])
    field.description = values.get("description", field.description)
    field.modified = now()
    _announce("updated", field)
    return field


def _delete(field: Metafield) -> None:
    """Delete a metafield and announce it."""
    _check_writable(field)
    del store().metafields[field.id]
    _announce("deleted", field)


def _announce(event: str, field: Metafield) -> None:
    """Queue the ``store/order/metafield/*`` webhook event."""
    store().emit(
        f"store/order/metafield/{event}",
        {
            "metafield_id": field.id,
            "resource_id": str(field.order_id),
            "namespace": field.namespace,
        },
    )


def _filtered(fields: list[Metafield]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Apply the key/namespace filters, sort and page; return data and meta."""
    keys = set(query_list("key:in")) | ({request.args["key"]} if request.args.get("key") else set())
    spaces = set(query_list("namespace:in"))
    if request.args.get("namespace"):
        spaces.add(request.args["namespace"])
    chosen = [
        f
        for f in fields
        if visible(f) and (not keys or f.key in keys) and (not spaces or f.namespace in spaces)
    ]
    chosen.sort(key=lambda f: f.id, reverse=request.args.get("direction") == "desc")
    chunk, meta = paginate(chosen)
    return [payload(f) for f in chunk], meta


@bp.get("/orders/<int:order_id>/metafields")
@locked
def list_order_metafields(order_id: int) -> dict[str, Any]:
    """List an order's metafields visible to the caller."""
    _require_order(order_id)
    data, meta = _filtered([f for f in store().metafields.values() if f.order_id == order_id])
    return {"data": data, "meta": meta}


@bp.post("/orders/<int:order_id>/metafields")
@locked
def create_order_metafield(order_id: int) -> dict[str, Any]:
    """Create a metafield (answers 200, not 201, as the spec says)."""
    _require_order(order_id)
    return {"data": payload(_create(order_id, read_valid_json(METAFIELD))), "meta": {}}


@bp.get("/orders/<int:order_id>/metafields/<int:metafield_id>")
@locked
def read_order_metafield(order_id: int, metafield_id: int) -> dict[str, Any]:
    """Return one metafield."""
    return {"data": payload(_find(metafield_id, order_id)), "meta": {}}


@bp.put("/orders/<int:order_id>/metafields/<int:metafield_id>")
@locked
def update_order_metafield(order_id: int, metafield_id: int) -> dict[str, Any]:
    """Replace a metafield's fields."""
    field = _find(metafield_id, order_id)
    return {"data": payload(_update(field, read_valid_json(METAFIELD))), "meta": {}}


@bp.delete("/orders/<int:order_id>/metafields/<int:metafield_id>")
@locked
def delete_order_metafield(order_id: int, metafield_id: int) -> tuple[str, int]:
    """Delete a metafield."""
    _delete(_find(metafield_id, order_id))
    return "", 204


@bp.get("/orders/metafields")
@locked
def list_all_metafields() -> dict[str, Any]:
    """List every order metafield visible to the caller."""
    data, meta = _filtered(list(store().metafields.values()))
    return {"data": data, "meta": meta}


def _batch(items: Any, schema: dict[str, Any], apply: Any) -> tuple[dict[str, Any], int]:
    """Run a batch: valid items succeed, the others are reported; any failure means 422."""
    if not isinstance(items, list):
        raise v3_error(400, detail="The request body must be a JSON array.")
    data: list[Any] = []
    errors: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        found = {
            f"[{index}].{k}" if k != "body" else f"[{index}]": v
            for k, v in problems(item, schema).items()
        }
        if found:
            errors.append(_error_item(422, "JSON data is missing or invalid", found))
            continue
        try:
            data.append(apply(item))
        except ApiError as error:
            body = error.body if isinstance(error.body, dict) else {}
            details = body.get("errors") if isinstance(body.get("errors"), dict) else None
            details = details or {"detail": str(body.get("detail", ""))}
            named = {f"[{index}].{name}": str(text) for name, text in details.items()}
            errors.append(_error_item(error.status, body.get("title", "Error"), named))
    meta = {"total": len(items), "success": len(data), "failed": len(errors)}
    return {"data": data, "errors": errors, "meta": meta}, 422 if errors else 200


@bp.post("/orders/metafields")
@locked
def create_metafields() -> tuple[dict[str, Any], int]:
    """Create metafields on several orders at once."""
    return _batch(
        read_json(), BATCH_CREATE, lambda item: payload(_create(item["resource_id"], item))
    )


@bp.put("/orders/metafields")
@locked
def update_metafields() -> tuple[dict[str, Any], int]:
    """Update metafields by id."""
    return _batch(read_json(), BATCH_UPDATE, lambda item: payload(_update(_find(item["id"]), item)))


@bp.delete("/orders/metafields")
@locked
def delete_metafields() -> tuple[dict[str, Any], int]:
    """Delete metafields by id; ``data`` lists the ids deleted."""

    def delete(metafield_id: int) -> int:
        """Delete one metafield by id and return the id."""
        _delete(_find(metafield_id))
        return metafield_id

    return _batch(read_json(), {"type": "integer"}, delete)
