"""Tests of app/checkout: the page, its steps, cart changes and placing the order."""
