"""Tests of app/sync and the worker: sync jobs through huey, on the connector and direct paths."""
