"""Tests of the shopper's language: catalogs, marking, negotiation, the switcher, direction."""
