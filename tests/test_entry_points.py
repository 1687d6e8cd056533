"""The README's run command and ``python -m app.sandbox``, run as real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup

from app.sandbox import credentials
from tests.support.contract_client import BigCommerceClient as StoreClient
from tests.support.contract_client import create_cart
from tests.support.contract_client import ready_checkout
from tests.support.ordering import card
from tests.support.ordering import shown_total
from tests.support.processes import free_port
from tests.support.processes import wait_until_up
from tests.support.waiting import wait_until

PROJECT = Path(__file__).resolve().parent.parent


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    """Start ``python -m ...`` with a clean environment."""
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen, signum: int = signal.SIGINT) -> int:
    """Stop a server as Ctrl+C (or a process manager) would and return its exit code."""
    process.send_signal(signum)
    try:
        return process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()


def test_the_run_command_serves_the_demo_store_on_its_own_sandboxes(tmp_path):
    web, bigcommerce, loop = free_port(), free_port(), free_port()
    env = {
        "CHECKOUT_SANDBOX": "1",
        "BIGCOMMERCE_API_URL": f"http://127.0.0.1:{bigcommerce}",
        "BIGCOMMERCE_PAYMENTS_URL": f"http://127.0.0.1:{bigcommerce}",
        "LOOP_CHECKOUT_PLUS_URL": f"http://127.0.0.1:{loop}",
        "LOOP_ORDERS_API_URL": f"http://127.0.0.1:{loop}/api/v1",
    }
    process = start(["app", "--port", str(web)], env, tmp_path)
    try:
        response = wait_until_up(f"http://127.0.0.1:{web}/", process)
        assert response.status_code == 200
        page = BeautifulSoup(response.text, "html.parser")
        assert len(page.select(".product-card")) == 6
        health = requests.get(f"http://127.0.0.1:{loop}/__sandbox/health", timeout=2)
        assert health.json()["service"] == "loop"
    finally:
        assert stop(process, signal.SIGTERM) == 0  # as systemd or a container runtime stops it
    assert f"http://127.0.0.1:{web}/" in process.stdout.read()
    # The sandbox session key was kept in the instance folder, not in the environment.
    assert (PROJECT / "instance" / "sandbox-secret-key").exists()


def test_python_m_app_sandbox_serves_both_services_alone(tmp_path):
    bigcommerce, loop = free_port(), free_port()
    process = start(
        ["app.sandbox", "--bigcommerce-port", str(bigcommerce), "--loop-port", str(loop)],
        {},
        tmp_path,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{bigcommerce}/__sandbox/health", process)
        products = requests.get(
            f"http://127.0.0.1:{bigcommerce}/stores/sandbox/v3/catalog/products",
            headers={"X-Auth-Token": credentials.BIGCOMMERCE_ACCESS_TOKEN},
            timeout=5,
        )
        assert products.status_code == 200
        assert len(products.json()["data"]) == 6
        preflight = requests.options(f"http://127.0.0.1:{loop}/v1/analyze", timeout=5)
        assert preflight.status_code == 204
    finally:
        assert stop(process) == 0


def test_faults_can_be_set_from_the_environment_for_demos(tmp_path):
    bigcommerce, loop = free_port(), free_port()
    process = start(
        ["app.sandbox", "--bigcommerce-port", str(bigcommerce), "--loop-port", str(loop)],
        {"CHECKOUT_SANDBOX_FAULTS": "loop POST /v1/analyze status=503 times=1"},
        tmp_path,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{loop}/__sandbox/health", process)
        # The services answer a moment before start-up has applied the faults.
        faults = wait_until(
            lambda: requests.get(f"http://127.0.0.1:{loop}/__sandbox/faults", timeout=5).json()[
                "data"
            ],
            message="the faults from the environment",
        )
        assert faults == [
            {
                "method": "POST",
                "path": "/v1/analyze",
                "kind": "status",
                "value": 503,
                "times": 1,
                "probability": None,
            }
        ]
    finally:
        stop(process)


def test_a_bad_fault_setting_stops_the_sandbox_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app.sandbox", "--bigcommerce-port", "0", "--loop-port", "0"],
        cwd=tmp_path,
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(PROJECT),
            "CHECKOUT_SANDBOX_FAULTS": "loop POST /v1/analyze explode",
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "CHECKOUT_SANDBOX_FAULTS" in result.stderr


def test_the_run_commands_worker_reports_a_protected_order(tmp_path):
    web, bigcommerce, loop = free_port(), free_port(), free_port()
    env = {
        "CHECKOUT_SANDBOX": "1",
        "CHECKOUT_INSTANCE_PATH": str(tmp_path / "instance"),
        "BIGCOMMERCE_API_URL": f"http://127.0.0.1:{bigcommerce}",
        "BIGCOMMERCE_PAYMENTS_URL": f"http://127.0.0.1:{bigcommerce}",
        "LOOP_CHECKOUT_PLUS_URL": f"http://127.0.0.1:{loop}",
        "LOOP_ORDERS_API_URL": f"http://127.0.0.1:{loop}/api/v1",
    }
    process = start(["app", "--port", str(web)], env, tmp_path)
    origin = f"http://127.0.0.1:{web}"
    try:
        wait_until_up(origin + "/", process)
        store = StoreClient(f"http://127.0.0.1:{bigcommerce}")
        hooks = store.call("GET", "/v3/hooks").json()["data"]
        assert {hook["destination"] for hook in hooks} == {origin + "/webhooks/bigcommerce"}
        shopper = requests.Session()
        shopper.get(f"{origin}/checkout?cart_id={ready_checkout(store)}", timeout=10)
        page = BeautifulSoup(shopper.get(f"{origin}/checkout", timeout=10).text, "html.parser")
        form = page.select_one("#checkout-plus-offer form")
        token = form.select_one("input[name=csrf_token]")["value"]
        quote = form.select_one("input[name=quote]")["value"]
        opt_in = {"csrf_token": token, "quote": quote, "checkout_plus": "y"}
        assert shopper.post(f"{origin}/checkout/protection", data=opt_in, timeout=10).ok
        paying = shopper.get(f"{origin}/checkout", timeout=10).text
        payment = {"csrf_token": token, "shown_total": shown_total(paying), **card()}
        placed = shopper.post(f"{origin}/checkout/place", data=payment, timeout=20)
        assert placed.url.endswith("/checkout/confirmation")
        path = "/v3/orders/100/metafields?namespace=loop_checkout_plus"
        wait_until(  # the in-process worker writes the block
            lambda: len(store.call("GET", path).json()["data"]) >= 4,
            timeout=30,
            message="the worker writing the block",
        )
        # The store delivers its metafield events to the connector after the writes land.
        delivered = f"http://127.0.0.1:{bigcommerce}/__sandbox/webhook-deliveries?wait=10"
        assert requests.get(delivered, timeout=15).json()["idle"]
        connector = requests.get(f"http://127.0.0.1:{loop}/__sandbox/connector", timeout=10)
        assert connector.json()["data"][-1]["protected"] is True
    finally:
        assert stop(process, signal.SIGTERM) == 0


def sandbox_env(bigcommerce: int, loop: int, instance: Path) -> dict[str, str]:
    """The variables that point ``python -m app`` at sandboxes on these ports."""
    return {
        "CHECKOUT_SANDBOX": "1",
        "BIGCOMMERCE_API_URL": f"http://127.0.0.1:{bigcommerce}",
        "BIGCOMMERCE_PAYMENTS_URL": f"http://127.0.0.1:{bigcommerce}",
        "LOOP_CHECKOUT_PLUS_URL": f"http://127.0.0.1:{loop}",
        "LOOP_ORDERS_API_URL": f"http://127.0.0.1:{loop}/api/v1",
        "CHECKOUT_INSTANCE_PATH": str(instance),
    }


def test_the_run_command_serves_the_checkout_on_sandboxes_already_running(tmp_path):
    bigcommerce, loop, web = free_port(), free_port(), free_port()
    sandboxes = start(
        ["app.sandbox", "--bigcommerce-port", str(bigcommerce), "--loop-port", str(loop)],
        {},
        tmp_path,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{loop}/__sandbox/health", sandboxes)
        server = start(
            ["app", "--port", str(web)], sandbox_env(bigcommerce, loop, tmp_path / "i"), tmp_path
        )
        try:
            wait_until_up(f"http://127.0.0.1:{web}/healthz", server)
            cart_id = create_cart(StoreClient(f"http://127.0.0.1:{bigcommerce}"))["id"]
            browser = requests.Session()
            page = browser.get(f"http://127.0.0.1:{web}/checkout?cart_id={cart_id}", timeout=10)
            assert page.status_code == 200
            checkout = BeautifulSoup(page.text, "html.parser")
            assert checkout.select_one("#checkout [data-line-id]")["data-product-id"] == "101"
            # The checkout was read from the sandbox started first, not from one of its own.
            log = requests.get(f"http://127.0.0.1:{bigcommerce}/__sandbox/requests", timeout=5)
            paths = [entry["path"] for entry in log.json()["data"]]
            assert any(path.endswith(f"/v3/checkouts/{cart_id}") for path in paths)
        finally:
            assert stop(server) == 0
        assert "Using the sandboxes already running" in server.stdout.read()
    finally:
        assert stop(sandboxes) == 0


def test_two_sandboxes_run_side_by_side_with_one_command_each(tmp_path):
    ports = [(free_port(), free_port()), (free_port(), free_port())]
    processes = [
        start(
            ["app.sandbox", "--bigcommerce-port", str(bigcommerce), "--loop-port", str(loop)],
            {},
            tmp_path,
        )
        for bigcommerce, loop in ports
    ]
    try:
        for process, (bigcommerce, loop) in zip(processes, ports, strict=True):
            for port in (bigcommerce, loop):
                wait_until_up(f"http://127.0.0.1:{port}/__sandbox/health", process)
        first = create_cart(StoreClient(f"http://127.0.0.1:{ports[0][0]}"))["id"]
        second = StoreClient(f"http://127.0.0.1:{ports[1][0]}")
        # Each keeps its own store: the first one's cart is unknown to the second.
        assert second.call("GET", f"/v3/carts/{first}").status_code == 404
    finally:
        for process in processes:
            assert stop(process) == 0
    serve = processes[0].stdout.read()
    assert f"BIGCOMMERCE_API_URL=http://127.0.0.1:{ports[0][0]}" in serve
    assert "python -m app --port" in serve


def held_port() -> socket.socket:
    """Return a listening socket on a free loopback port: another program holding it."""
    return socket.create_server(("127.0.0.1", 0))


@pytest.mark.parametrize(
    ("held", "variables"),
    [
        ("bigcommerce", ("BIGCOMMERCE_API_URL", "BIGCOMMERCE_PAYMENTS_URL")),
        ("loop", ("LOOP_CHECKOUT_PLUS_URL", "LOOP_ORDERS_API_URL")),
    ],
)
def test_a_sandbox_port_held_by_another_program_names_the_variables_that_move_it(
    tmp_path, held, variables
):
    with held_port() as holder:
        taken = holder.getsockname()[1]
        ports = {"bigcommerce": free_port(), "loop": free_port(), held: taken}
        env = sandbox_env(ports["bigcommerce"], ports["loop"], tmp_path / "i")
        result = subprocess.run(
            [sys.executable, "-m", "app", "--port", str(free_port())],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert str(taken) in message
    assert all(variable in message for variable in variables), message


def test_the_servers_own_port_held_by_another_program_names_port(tmp_path):
    with held_port() as holder:
        taken = holder.getsockname()[1]
        env = sandbox_env(free_port(), free_port(), tmp_path / "i")
        result = subprocess.run(
            [sys.executable, "-m", "app", "--port", str(taken)],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT), **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"127.0.0.1:{taken}" in result.stderr
    assert "--port" in result.stderr
    assert "PORT" in result.stderr


def test_python_m_app_sandbox_names_the_flag_for_a_port_in_use(tmp_path):
    with held_port() as holder:
        taken = holder.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "app.sandbox",
                "--loop-port",
                str(taken),
                "--bigcommerce-port",
                str(free_port()),
            ],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"], "PYTHONPATH": str(PROJECT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert str(taken) in result.stderr
    assert "--loop-port" in result.stderr
