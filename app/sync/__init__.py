"""Reporting Checkout+ acceptances to Loop, durably: sync jobs, their queue and the worker."""
