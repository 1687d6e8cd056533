"""The demo store's catalog, as the sandbox BigCommerce seeds it: product ids."""

from __future__ import annotations

# Trail sneakers, wool socks, a rain jacket, a digital map, final-sale sunglasses, a tent.
SNEAKERS, SOCKS, JACKET, MAP_PDF, SUNGLASSES, TENT = 101, 102, 103, 104, 105, 106
