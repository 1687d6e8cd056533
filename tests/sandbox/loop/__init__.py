"""Tests of the sandbox Loop: analyze, sessions, rules, reasons, Orders API and connector."""
