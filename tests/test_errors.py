"""Failures answer with pages a shopper can act on: no stack traces, no internals."""

from __future__ import annotations

import logging

import pytest

from app import create_app
from tests.support.app_config import sandbox_config
from tests.support.pages import parse
from tests.support.processes import free_port


@pytest.mark.server_error_expected
def test_an_unexpected_error_is_a_500_page_that_reveals_nothing(sandbox, tmp_path, caplog):
    app = create_app(
        sandbox_config(
            sandbox, INSTANCE_PATH=str(tmp_path), TESTING=False, PROPAGATE_EXCEPTIONS=False
        )
    )

    @app.get("/explode")
    def explode():
        raise RuntimeError("internal detail that must stay on the server")

    with caplog.at_level(logging.ERROR, logger="app.errors"):
        response = app.test_client().get("/explode")
    assert response.status_code == 500
    page = parse(response)
    assert page.select_one("h1").get_text() == "Something went wrong on our side"
    assert "internal detail" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert "internal detail that must stay on the server" in caplog.text  # logged for operators


def test_an_unknown_page_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert parse(response).select_one("[data-status]")["data-status"] == "404"


def test_a_wrong_method_is_a_405_page(client):
    response = client.delete("/checkout")
    assert response.status_code == 405
    assert parse(response).select_one("h1").get_text() == "That action isn't available here"


def test_bigcommerce_unreachable_is_a_503_page(sandbox, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        sandbox_config(sandbox, INSTANCE_PATH=str(tmp_path), BIGCOMMERCE_API_URL=closed)
    )
    client = app.test_client()
    client.get("/checkout?cart_id=0f8fad5b-d9cb-469f-a165-70867728950e")
    response = client.get("/checkout")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert parse(response).select_one("h1").get_text() == "Checkout is briefly unavailable"
