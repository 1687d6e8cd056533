"""Tests of app/clients/bigcommerce against the sandbox store and BigCommerce's specs."""
