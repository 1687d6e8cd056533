"""Catalog products, pickup methods and tax classes: the store's read-only reference data."""

from __future__ import annotations

from typing import Any

from flask import request

from . import seed
from .errors import invalid
from .errors import v2_error
from .errors import v3_error
from .render import product_image_url
from .web import V2
from .web import V3
from .web import api_blueprint
from .web import includes
from .web import paginate
from .web import query_int
from .web import query_int_list

bp = api_blueprint("bc_catalog", V3)
v2 = api_blueprint("bc_tax_classes", V2)
PRODUCT_INCLUDES = frozenset(
    {
        "bulk_pricing_rules",
        "channels",
        "custom_fields",
        "images",
        "modifiers",
        "options",
        "parent_relations",
        "primary_image",
        "reviews",
        "variants",
        "videos",
    }
)


def _image(product: seed.Product) -> dict[str, Any]:
    """The product's one image (served by the sandbox itself)."""
    url = product_image_url(product.id)
    return {
        "id": product.id,
        "product_id": product.id,
        "is_thumbnail": True,
        "sort_order": 0,
        "description": product.name,
        "image_file": f"{product.slug}.svg",
        "url_zoom": url,
        "url_standard": url,
        "url_thumbnail": url,
        "url_tiny": url,
        "date_modified": seed.CATALOG_DATE,
    }


def _variant(product: seed.Product) -> dict[str, Any]:
    """The product's base variant (``productVariant_Full``)."""
    return {
        "id": product.variant_id,
        "product_id": product.id,
        "sku": product.sku,
        "sku_id": product.variant_id,
        "price": product.price(seed.DEFAULT_CURRENCY),
        "calculated_price": product.price(seed.DEFAULT_CURRENCY),
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        "cost_price": None,
        "weight": None,
        "calculated_weight": product.weight,
        "width": None,
        "height": None,
        "depth": None,
        "is_free_shipping": False,
        "fixed_cost_shipping_price": None,
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "image_url": product_image_url(product.id),
        "upc": "",
        "mpn": "",
        "gtin": "",
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": [],
    }


def product_payload(product: seed.Product, wanted: set[str]) -> dict[str, Any]:
    """A product as ``product_Full``; ``price`` is the store's default-currency (USD) price."""
    usd = product.price(seed.DEFAULT_CURRENCY)
    data: dict[str, Any] = {
        "id": product.id,
        "name": product.name,
        "type": product.type,
        "sku": product.sku,
        "description": f"<p>{product.description}</p>",
        "weight": product.weight,
        "width": 0,
        "depth": 0,
        "height": 0,
        "price": usd,
        "cost_price": 0,
        "retail_price": 0,
        "sale_price": 0,
        "map_price": 0,
        "calculated_price": usd,
        "tax_class_id": product.tax_class_id,
        "product_tax_code": "",
        "categories": [23],
        "brand_id": 0,
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "inventory_tracking": "none",
        "fixed_cost_shipping_price": 0,
        "is_free_shipping": False,
        "is_visible": True,
        "is_featured": False,
        "related_products": [],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "search_keywords": "",
        "availability": "available",
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "view_count": 0,
        "preorder_release_date": None,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": 0,
        "base_variant_id": product.variant_id,
        "custom_url": {"url": f"/{product.slug}/", "is_customized": False},
        "date_created": seed.CATALOG_DATE,
        "date_modified": seed.CATALOG_DATE,
    }
    if "variants" in wanted:
        data["variants"] = [_variant(product)]
    if "images" in wanted:
        data["images"] = [_image(product)]
    if "primary_image" in wanted:
        data["primary_image"] = _image(product)
    if "channels" in wanted:
        data["channels"] = [1]
    for empty in ("custom_fields", "bulk_pricing_rules", "options", "modifiers", "videos"):
        if empty in wanted:
            data[empty] = []
    return data


def _wanted() -> set[str]:
    """The product sub-resources asked for with ``include``; 422 for unknown ones."""
    wanted = includes()
    unknown = wanted - PRODUCT_INCLUDES
    if unknown:
        raise invalid({"include": "unknown value(s): " + ", ".join(sorted(unknown))})
    return wanted


def _flag(name: str) -> bool | None:
    """Read a boolean query parameter; 422 when it is not true or false."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise invalid({name: "must be true or false"})


@bp.get("/catalog/products")
def list_products() -> dict[str, Any]:
    """List products, filtered by ids, SKU, name, type, keyword or visibility."""
    wanted = _wanted()
    products = sorted(seed.PRODUCTS.values(), key=lambda p: p.id)
    ids = set(query_int_list("id:in"))
    single = query_int("id")
    visible = _flag("is_visible")
    filters = {name: request.args.get(name) for name in ("sku", "name", "type", "keyword")}
    if ids:
        products = [p for p in products if p.id in ids]
    if single is not None:
        products = [p for p in products if p.id == single]
    if visible is False:
        products = []  # every sandbox product is visible
    if filters["sku"]:
        products = [p for p in products if p.sku.lower() == filters["sku"].lower()]
    if filters["name"]:
        products = [p for p in products if p.name.lower() == filters["name"].lower()]
    if filters["type"]:
        products = [p for p in products if p.type == filters["type"]]
    if filters["keyword"]:
        word = filters["keyword"].lower()
        products = [p for p in products if word in p.name.lower() or word in p.sku.lower()]
    chunk, meta = paginate(products)
    return {"data": [product_payload(p, wanted) for p in chunk], "meta": meta}


@bp.get("/catalog/products/<int:product_id>")
def read_product(product_id: int) -> dict[str, Any]:
    """Return one product."""
    wanted = _wanted()
    product = seed.PRODUCTS.get(product_id)
    if product is None:
        raise v3_error(404, "The requested product was not found.")
    return {"data": product_payload(product, wanted), "meta": {}}


@bp.get("/pickup/methods")
def pickup_methods() -> dict[str, Any]:
    """List the store's pickup methods."""
    ids = set(query_int_list("id:in"))
    methods = [m for m in seed.PICKUP_METHODS.values() if not ids or m.id in ids]
    chunk, meta = paginate(methods)
    data = [
        {
            "id": m.id,
            "location_id": m.location_id,
            "display_name": m.display_name,
            "collection_instructions": m.collection_instructions,
            "collection_time_description": m.collection_time_description,
            "date_created": "2025-01-15T10:00:00Z",
            "date_modified": "2025-01-15T10:00:00Z",
        }
        for m in chunk
    ]
    return {"data": data, "meta": meta}


def _tax_class(class_id: int) -> dict[str, Any]:
    """A tax class as the v2 API returns it (its id is a string)."""
    stamp = "2025-01-15T10:00:00+00:00"
    return {
        "id": str(class_id),
        "name": seed.TAX_CLASSES[class_id],
        "created_at": stamp,
        "updated_at": stamp,
    }


@v2.get("/tax_classes")
def tax_classes() -> list[dict[str, Any]]:
    """List the tax classes (class 1, Non-Taxable Products, is never taxed)."""
    return [_tax_class(class_id) for class_id in sorted(seed.TAX_CLASSES)]


@v2.get("/tax_classes/<int:class_id>")
def tax_class(class_id: int) -> dict[str, Any]:
    """Return one tax class."""
    if class_id not in seed.TAX_CLASSES:
        raise v2_error(404, f"Tax class {class_id} was not found.")
    return _tax_class(class_id)
