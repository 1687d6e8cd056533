"""What a shopper types into the address forms in tests: an Ohio address (6 % tax)."""

from __future__ import annotations

OHIO = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address1": "1 Main St",
    "city": "Columbus",
    "state_or_province": "OH",
    "postal_code": "43004",
}
