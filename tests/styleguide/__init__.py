"""Tests of app/styleguide: every entry from fixtures, and the template contract."""
