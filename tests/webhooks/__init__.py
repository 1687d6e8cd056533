"""Tests of app/webhooks: registration, delivery and the endpoint under hostile input."""
