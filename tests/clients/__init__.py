"""Tests of app/clients: the shared HTTP session and the upstream clients."""
