"""Tests of app/admin: the admin page behind its credential."""
