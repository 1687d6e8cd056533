"""The Checkout+ block on a BigCommerce order: all four (five) metafields or none, idempotent.

Every write goes over real HTTP to the sandbox store, onto a real Incomplete order; Loop's
sandbox connector then reads the order the way the real one does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from app.checkout_plus.metafields import NAMESPACE
from app.checkout_plus.metafields import BlockNotWritten
from app.checkout_plus.metafields import BlockWriter
from app.checkout_plus.metafields import metafield_values
from app.checkout_plus.protection import InvalidBlock
from app.checkout_plus.protection import ProtectionBlock
from app.clients.bigcommerce import BigCommerceClient
from app.clients.bigcommerce import BigCommerceUnavailable
from app.clients.http import USER_AGENT
from app.sandbox import credentials
from tests.support.contract_client import LOOP_TOKEN
from tests.support.contract_client import BigCommerceClient as RawClient
from tests.support.contract_client import place_order
from tests.support.contract_client import ready_checkout
from tests.support.metafields import BATCH
from tests.support.metafields import add_metafield
from tests.support.metafields import by_key
from tests.support.metafields import fill_metafields
from tests.support.metafields import stored
from tests.support.offer import choose
from tests.support.openapi import validate_traffic
from tests.support.ordering import metafields
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.waiting import wait_until

SESSION = "lop_A1b2C3d4E5f6G7h8I9j0"
SINGLE = "POST /stores/*/v3/orders/*/metafields"
METAFIELD_PATHS = "/stores/*/v3/orders/*metafields*"
FOUR = {
    "session_id": SESSION,
    "accepted_offer_mode": '["returnCoverage","shippingProtection"]',
    "fee_amount": "798",
    "fee_currency": "USD",
}
VALID = {
    "session_id": SESSION,
    "mode": ["returnCoverage", "shippingProtection"],
    "amount": 798,
    "currency": "USD",
}


def block(**overrides) -> ProtectionBlock:
    """A valid block, with some values changed."""
    return ProtectionBlock.of(**{**VALID, **overrides})


def bigcommerce(sandbox, **kwargs) -> BigCommerceClient:
    """The app's BigCommerce client, pointed at the sandbox store."""
    return BigCommerceClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
        **kwargs,
    )


@pytest.fixture
def writer(sandbox) -> BlockWriter:
    """The writer on the sandbox store."""
    return BlockWriter(bigcommerce(sandbox))


@pytest.fixture
def order_id(raw) -> int:
    """A real Incomplete order on the sandbox store."""
    return place_order(raw, ready_checkout(raw))


def writes(sandbox) -> list[tuple[str, str]]:
    """The metafield writes the store received (method, path), faulted ones included."""
    entries = sandbox.bigcommerce.log.entries(path=METAFIELD_PATHS)
    return [(entry.method, entry.path) for entry in entries if entry.method != "GET"]


def checked_traffic(sandbox) -> list:
    """Validate every metafield exchange that reached the store against orders.v3.yml."""
    entries = [e for e in sandbox.bigcommerce.log.entries(path=METAFIELD_PATHS) if e.fault is None]
    return validate_traffic(entries)


def connector_sync(sandbox, order_id: int):
    """Have Loop's sandbox connector read the order now; return its record."""
    connector = sandbox.loop.service.app.extensions["loop_state"].connector
    return connector.sync(order_id, trigger="test")


class RacingClient(BigCommerceClient):
    """A client behind which another writer acts once, just after our first read."""

    def __init__(self, *args, race: Callable[[], None], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._race: Callable[[], None] | None = race

    def get_order_metafields(self, order_id, namespace):
        found = super().get_order_metafields(order_id, namespace)
        race, self._race = self._race, None
        if race is not None:
            race()
        return found


def racing_writer(sandbox, race: Callable[[], None]) -> BlockWriter:
    """A writer whose first read is overtaken by ``race``."""
    client = RacingClient(
        sandbox.bigcommerce.url,
        credentials.BIGCOMMERCE_STORE_HASH,
        credentials.BIGCOMMERCE_ACCESS_TOKEN,
        race=race,
    )
    return BlockWriter(client)


# The block's values


def test_values_are_the_strings_the_connector_reads():
    assert metafield_values(block()) == FOUR
    named = metafield_values(block(fee_name="Checkout+ by Loop"))
    assert named == {**FOUR, "fee_name": "Checkout+ by Loop"}


def test_mode_is_kept_verbatim_order_and_repeats():
    modes = ["shippingProtection", "returnCoverage", "shippingProtection"]
    value = metafield_values(block(mode=modes))["accepted_offer_mode"]
    assert value == '["shippingProtection","returnCoverage","shippingProtection"]'
    assert block(mode=tuple(modes)).mode == tuple(modes)


def test_a_fee_name_of_255_characters_is_accepted():
    assert metafield_values(block(fee_name="x" * 255))["fee_name"] == "x" * 255


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("session_id", "lop_123"),
        ("session_id", "LOP_A1b2C3d4E5f6G7h8I9j0"),
        ("session_id", SESSION + "\n"),
        ("session_id", SESSION + "0"),
        ("session_id", None),
        ("mode", []),
        ("mode", ()),
        ("mode", "returnCoverage"),
        ("mode", ["returnCoverage", 1]),
        ("mode", ["returnCoverage", ""]),
        ("mode", None),
        ("amount", 0),
        ("amount", -1),
        ("amount", True),
        ("amount", 1.5),
        ("amount", "798"),
        ("currency", "XYZ"),
        ("currency", "usd"),
        ("currency", None),
        ("fee_name", "x" * 256),
        ("fee_name", ""),
        ("fee_name", 7),
    ],
)
def test_a_malformed_value_is_refused_by_name(field, value):
    with pytest.raises(InvalidBlock) as caught:
        block(**{field: value})
    assert caught.value.field == field
    assert str(caught.value).startswith(field)
    assert isinstance(caught.value, ValueError)


def test_the_constructor_checks_too():
    with pytest.raises(InvalidBlock, match="amount"):
        ProtectionBlock(SESSION, ("returnCoverage",), 0, "USD")


# Writing onto a real order


@pytest.mark.parametrize(
    ("fee_name", "expected"),
    [(None, FOUR), ("Checkout+ by Loop", {**FOUR, "fee_name": "Checkout+ by Loop"})],
)
def test_a_clean_write_puts_the_block_and_the_connector_protects_the_order(
    sandbox, raw, writer, order_id, caplog, fee_name, expected
):
    caplog.set_level(logging.INFO, "app.checkout_plus.metafields")
    writer.write(order_id, block(fee_name=fee_name))
    fields = stored(raw, order_id)
    assert {field["key"]: field["value"] for field in fields} == expected
    assert len(fields) == len(expected)
    assert {field["permission_set"] for field in fields} == {"read_and_sf_access"}
    assert {field["namespace"] for field in fields} == {NAMESPACE}
    assert writes(sandbox) == [("POST", "/stores/sandbox/v3/orders/metafields")]
    assert checked_traffic(sandbox) == []
    assert f"written on order {order_id}" in caplog.text
    record = connector_sync(sandbox, order_id)
    assert (record.status, record.checkout_plus, record.protected) == ("synced", "attached", True)
    assert record.problems == []


def test_a_first_write_is_one_call_without_reading_first(sandbox, raw, writer, order_id):
    sandbox.bigcommerce.log.clear()
    writer.write(order_id, block(), first_write=True)
    # Ours only: Loop's connector reads the block too, when the store tells it of the write.
    calls = [
        (e.method, e.path)
        for e in sandbox.bigcommerce.log.entries(path=METAFIELD_PATHS)
        if e.headers.get("User-Agent") == USER_AGENT
    ]
    assert calls == [("POST", "/stores/sandbox/v3/orders/metafields")]
    assert by_key(raw, order_id) == FOUR
    assert checked_traffic(sandbox) == []
    assert connector_sync(sandbox, order_id).protected


def test_a_first_write_that_meets_a_key_already_there_still_ends_exact(
    sandbox, raw, writer, order_id
):
    # A worker killed after writing one key leaves a job that looks untried.
    wrong_session = add_metafield(raw, order_id, "session_id", "lop_ZZZZZZZZZZZZZZZZZZZZ")
    writer.write(order_id, block(), first_write=True)
    fields = {field["key"]: field for field in stored(raw, order_id)}
    assert {key: field["value"] for key, field in fields.items()} == FOUR
    assert fields["session_id"]["id"] == wrong_session
    assert checked_traffic(sandbox) == []


def test_a_first_write_refused_in_part_is_undone(sandbox, raw, writer, order_id):
    fill_metafields(raw, order_id, 248)
    with pytest.raises(BlockNotWritten, match="fee_amount"):
        writer.write(order_id, block(), first_write=True)
    assert stored(raw, order_id) == []


def test_a_first_write_to_a_missing_order_is_refused_for_good(writer):
    # The batch call refuses each key because the order does not exist.
    with pytest.raises(BlockNotWritten, match="does not exist"):
        writer.write(999_999, block(), first_write=True)


def test_mode_order_reaches_the_order_verbatim(raw, writer, order_id):
    writer.write(order_id, block(mode=["shippingProtection", "returnCoverage"]))
    stored_mode = by_key(raw, order_id)["accepted_offer_mode"]
    assert stored_mode == '["shippingProtection","returnCoverage"]'


def test_writing_twice_leaves_one_metafield_per_key_and_writes_nothing_more(
    sandbox, raw, writer, order_id
):
    writer.write(order_id, block())
    first = {field["key"]: field["id"] for field in stored(raw, order_id)}
    sent = len(writes(sandbox))
    writer.write(order_id, block())
    assert len(writes(sandbox)) == sent  # the second run only read
    assert by_key(raw, order_id) == FOUR
    assert {field["key"]: field["id"] for field in stored(raw, order_id)} == first


def test_wrong_values_are_corrected_in_place(sandbox, raw, writer, order_id):
    wrong_session = add_metafield(raw, order_id, "session_id", "lop_ZZZZZZZZZZZZZZZZZZZZ")
    # Right value, but app_only: the connector (another API account) could not see it.
    hidden_amount = add_metafield(raw, order_id, "fee_amount", "798", permission_set="app_only")
    sandbox.bigcommerce.log.clear()
    writer.write(order_id, block())
    fields = {field["key"]: field for field in stored(raw, order_id)}
    assert {key: field["value"] for key, field in fields.items()} == FOUR
    assert fields["session_id"]["id"] == wrong_session
    assert fields["fee_amount"]["id"] == hidden_amount
    assert fields["fee_amount"]["permission_set"] == "read_and_sf_access"
    assert sorted(writes(sandbox)) == sorted(
        [
            ("PUT", f"/stores/sandbox/v3/orders/{order_id}/metafields/{wrong_session}"),
            ("PUT", f"/stores/sandbox/v3/orders/{order_id}/metafields/{hidden_amount}"),
            ("POST", "/stores/sandbox/v3/orders/metafields"),
        ]
    )
    [batch] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/orders/metafields")
    assert [item["key"] for item in batch.json] == ["accepted_offer_mode", "fee_currency"]
    assert checked_traffic(sandbox) == []
    assert connector_sync(sandbox, order_id).protected


def test_a_duplicate_key_is_removed_and_the_right_copy_kept(sandbox, raw, writer, order_id):
    # BigCommerce (and the sandbox) answer 409 to a second copy from the same API account, so
    # a duplicate can only come from another account: here one that left its copy writable.
    other = RawClient(sandbox.bigcommerce.url, LOOP_TOKEN)
    theirs = add_metafield(other, order_id, "session_id", "lop_ZZZZZZZZZZZZZZZZZZZZ", "write")
    ours = add_metafield(raw, order_id, "session_id", SESSION)
    assert [field["key"] for field in stored(raw, order_id)] == ["session_id", "session_id"]
    writer.write(order_id, block())
    assert by_key(raw, order_id) == FOUR
    assert [f["id"] for f in stored(raw, order_id) if f["key"] == "session_id"] == [ours]
    assert ("DELETE", f"/stores/sandbox/v3/orders/{order_id}/metafields/{theirs}") in writes(
        sandbox
    )
    assert connector_sync(sandbox, order_id).protected


def test_a_wrong_copy_another_app_owns_read_only_fails_the_block(sandbox, raw, writer, order_id):
    other = RawClient(sandbox.bigcommerce.url, LOOP_TOKEN)
    theirs = add_metafield(other, order_id, "session_id", "lop_ZZZZZZZZZZZZZZZZZZZZ")
    with pytest.raises(BlockNotWritten) as caught:
        writer.write(order_id, block())
    assert caught.value.order_id == order_id
    assert "session_id" in caught.value.reason
    # Nothing of ours stays beside it; their copy cannot be removed by us.
    assert [field["id"] for field in stored(raw, order_id)] == [theirs]


def test_keys_outside_the_block_are_left_alone(sandbox, raw, writer, order_id):
    note = add_metafield(raw, order_id, "note", "kept by another feature")
    fee_name = add_metafield(raw, order_id, "fee_name", "Set by the merchant")
    writer.write(order_id, block())  # no fee_name in this block
    fields = {field["key"]: field for field in stored(raw, order_id)}
    assert (fields["note"]["id"], fields["note"]["value"]) == (note, "kept by another feature")
    assert (fields["fee_name"]["id"], fields["fee_name"]["value"]) == (
        fee_name,
        "Set by the merchant",
    )
    assert {key: fields[key]["value"] for key in FOUR} == FOUR


# Transient failures: raised as they are, and safe to run again


def test_a_503_is_raised_and_the_third_run_writes_once(sandbox, raw, writer, order_id):
    sandbox.set_faults(f"bigcommerce {BATCH} status=503 times=2")
    for _ in range(2):
        with pytest.raises(BigCommerceUnavailable) as caught:
            writer.write(order_id, block())
        assert caught.value.status == 503
        assert stored(raw, order_id) == []
    writer.write(order_id, block())
    assert by_key(raw, order_id) == FOUR
    assert writes(sandbox) == [("POST", "/stores/sandbox/v3/orders/metafields")] * 3
    assert checked_traffic(sandbox) == []


def test_a_429_carries_the_rate_limit_reset(sandbox, raw, writer, order_id):
    sandbox.set_faults(f"bigcommerce {BATCH} status=429 times=1")
    with pytest.raises(BigCommerceUnavailable) as caught:
        writer.write(order_id, block())
    assert caught.value.status == 429
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 30
    assert stored(raw, order_id) == []


def test_an_answer_lost_after_the_write_is_found_on_the_next_run(sandbox, raw, order_id):
    # The store writes the batch, but only after our client stopped waiting for the answer.
    sandbox.set_faults(f"bigcommerce {BATCH} delay=1 times=1")
    impatient = BlockWriter(bigcommerce(sandbox, timeout=(3.05, 0.3)))
    with pytest.raises(BigCommerceUnavailable):
        impatient.write(order_id, block())
    [slow] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/orders/metafields")
    wait_until(lambda: slow.status is not None, message="the store answering the batch")
    assert slow.status == 200
    BlockWriter(bigcommerce(sandbox)).write(order_id, block())
    assert by_key(raw, order_id) == FOUR
    assert len(writes(sandbox)) == 1  # the second run found all four and wrote nothing


# Conflicts and stores without the batch endpoint


def test_a_key_created_meanwhile_is_read_back_and_corrected(sandbox, raw, order_id):
    def race() -> None:
        add_metafield(raw, order_id, "session_id", "lop_ZZZZZZZZZZZZZZZZZZZZ")

    racing_writer(sandbox, race).write(order_id, block())
    assert by_key(raw, order_id) == FOUR
    [batch] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/orders/metafields")
    assert batch.status == 422  # partial success: session_id answered 409
    assert batch.response_json["errors"][0]["status"] == 409
    assert [method for method, _ in writes(sandbox)] == ["POST", "POST", "PUT"]
    assert checked_traffic(sandbox) == []  # the 422 partial success is the documented shape
    assert connector_sync(sandbox, order_id).protected


@pytest.mark.parametrize("status", [404, 405])
def test_without_the_batch_endpoint_each_key_is_posted(sandbox, raw, writer, order_id, status):
    sandbox.set_faults(f"bigcommerce {BATCH} status={status}")
    writer.write(order_id, block(fee_name="Order protection"))
    assert by_key(raw, order_id) == {**FOUR, "fee_name": "Order protection"}
    single = f"/stores/sandbox/v3/orders/{order_id}/metafields"
    assert (
        writes(sandbox)
        == [("POST", "/stores/sandbox/v3/orders/metafields")] + [("POST", single)] * 5
    )
    assert checked_traffic(sandbox) == []
    assert connector_sync(sandbox, order_id).protected


def test_a_single_post_conflict_is_read_back_and_corrected(sandbox, raw, order_id):
    sandbox.set_faults(f"bigcommerce {BATCH} status=404")

    def race() -> None:
        add_metafield(raw, order_id, "fee_currency", "EUR")

    racing_writer(sandbox, race).write(order_id, block())
    assert by_key(raw, order_id) == FOUR
    conflicts = [
        entry.status
        for entry in sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/orders/*/metafields")
        if entry.json["key"] == "fee_currency"
    ]
    assert conflicts == [200, 409]  # the racing writer's, then ours
    assert writes(sandbox)[-1][0] == "PUT"
    assert checked_traffic(sandbox) == []


# Permanent refusals: the block is removed, never left partial


def test_a_refused_batch_removes_what_an_earlier_run_left(sandbox, raw, writer, order_id, caplog):
    add_metafield(raw, order_id, "session_id", SESSION)
    add_metafield(raw, order_id, "fee_amount", "798")
    sandbox.set_faults(f"bigcommerce {BATCH} status=422")
    with pytest.raises(BlockNotWritten) as caught:
        writer.write(order_id, block())
    assert "refused" in caught.value.reason
    assert stored(raw, order_id) == []
    assert any(
        record.levelno == logging.WARNING and str(order_id) in record.getMessage()
        for record in caplog.records
    )
    record = connector_sync(sandbox, order_id)
    assert (record.status, record.checkout_plus, record.protected) == ("synced", "absent", False)


def test_a_partly_refused_batch_is_undone(sandbox, raw, writer, order_id):
    # BigCommerce keeps at most 250 metafields per order and API account: with 248 already
    # there, two of the four are created and two refused, for good.
    fill_metafields(raw, order_id, 248)
    sandbox.bigcommerce.log.clear()
    with pytest.raises(BlockNotWritten) as caught:
        writer.write(order_id, block())
    assert "fee_amount" in caught.value.reason
    assert "fee_currency" in caught.value.reason
    assert stored(raw, order_id) == []
    assert len(raw.call("GET", f"/v3/orders/{order_id}/metafields?limit=250").json()["data"]) == 248
    [batch] = sandbox.bigcommerce.log.entries("POST", "/stores/*/v3/orders/metafields")
    assert batch.response_json["meta"] == {"total": 4, "success": 2, "failed": 2}
    assert sorted(method for method, _ in writes(sandbox)) == ["DELETE", "DELETE", "POST"]
    assert checked_traffic(sandbox) == []
    record = connector_sync(sandbox, order_id)
    assert (record.status, record.protected) == ("synced", False)


def test_a_refused_single_post_removes_the_block(sandbox, raw, writer, order_id):
    add_metafield(raw, order_id, "fee_currency", "USD")
    sandbox.set_faults(f"bigcommerce {BATCH} status=404; bigcommerce {SINGLE} status=422")
    with pytest.raises(BlockNotWritten, match="session_id"):
        writer.write(order_id, block())
    assert stored(raw, order_id) == []


def test_a_missing_order_is_refused_for_good(writer):
    with pytest.raises(BlockNotWritten, match="not found"):
        writer.write(999_999, block())


def test_remove_deletes_only_the_blocks_keys(raw, writer, order_id):
    writer.write(order_id, block(fee_name="Order protection"))
    add_metafield(raw, order_id, "note", "kept")
    assert writer.remove(order_id) == 5
    assert by_key(raw, order_id) == {"note": "kept"}
    assert writer.remove(order_id) == 0


# Placement


def test_placing_an_order_survives_a_refused_block(client, raw, sandbox):
    _, page = start(client, raw)
    choose(client, page, opt_in=True)
    sandbox.set_faults(f"bigcommerce {BATCH} status=422")
    assert placed(place(client, client.get("/checkout")))
    [order] = orders(raw)
    assert order["status_id"] == 11  # paid: the shopper's order stands
    assert metafields(raw, order["id"]) == {}
