"""Tests of app/storefront: the demo store's catalog, cart and handoff."""
