"""Property test of the webhook route: any body, any secret header; never a 500 or a call.

BigCommerce authenticates with a shared secret header, not a form: without it the answer is
401 and nothing is queued; a malformed body is a 400; a delivery is queued once, and its
replay is a duplicate. The handler never calls BigCommerce or Loop (the worker does).
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from app.webhooks.registration import SECRET_HEADER
from tests.support.rig import marks
from tests.support.rig import upstream_since

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
ORDER_SCOPES = ["store/order/created", "store/order/updated", "store/order/statusUpdated"]
# Deliveries as BigCommerce sends them, for an order of ours.
deliveries = st.fixed_dictionaries(
    {
        "scope": st.sampled_from(ORDER_SCOPES),
        "store_id": st.just("1000001"),
        "producer": st.just("stores/sandbox"),
        "data": st.fixed_dictionaries(
            {"type": st.just("order"), "id": st.integers(min_value=1, max_value=10**6)}
        ),
    },
    optional={"hash": st.uuids().map(str)},
)
# The same, with any part of it missing, mistyped or someone else's.
mangled = st.fixed_dictionaries(
    {},
    optional={
        "scope": st.sampled_from([*ORDER_SCOPES, "store/cart/created"]) | json_values,
        "producer": st.sampled_from(["stores/sandbox", "stores/elsewhere"]) | json_values,
        "hash": json_values,
        "data": json_values
        | st.fixed_dictionaries(
            {
                "type": st.sampled_from(["order", "cart"]) | json_values,
                "id": st.one_of(
                    st.integers(min_value=-5, max_value=10**20),
                    st.from_regex(r"[0-9]{1,21}", fullmatch=True),
                    json_values,
                ),
            }
        ),
    },
)
webhook_bodies = st.one_of(
    deliveries.map(lambda body: json.dumps(body).encode()),
    deliveries.map(lambda body: json.dumps(body, indent=1).encode()),
    mangled.map(lambda body: json.dumps(body).encode()),
    json_values.map(lambda body: json.dumps(body).encode()),
    st.binary(max_size=64),
)


@settings(
    deadline=None,
    max_examples=150,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=webhook_bodies,
    secret=st.sampled_from(["ours", "ours", "ours", "missing", "wrong", "ours with a space"]),
    content_type=st.sampled_from(["application/json", "text/plain", None]),
)
def test_the_webhook_never_fails_or_calls_upstream(rig, body, secret, content_type):
    ours = rig.app.extensions["webhook_secret"]
    headers = {
        "ours": {SECRET_HEADER: ours},
        "missing": {},
        "wrong": {SECRET_HEADER: ours[:-1] + ("0" if ours[-1] != "0" else "1")},
        "ours with a space": {SECRET_HEADER: f"{ours} "},
    }[secret]
    if content_type:
        headers["Content-Type"] = content_type
    huey = rig.app.extensions["sync_queue"].huey
    queued, before = huey.pending_count(), marks(rig)

    def deliver():
        """Post the body as BigCommerce would."""
        return rig.client.post("/webhooks/bigcommerce", data=body, headers=headers)

    response = deliver()
    assert response.status_code < 500, response.data[:300]
    assert upstream_since(rig, before) == []  # answered at once; the worker reads the order
    if secret != "ours":
        assert response.status_code == 401
        assert huey.pending_count() == queued  # nothing queued without the secret
        return
    assert response.status_code in (200, 400), response.data[:300]
    assert response.is_json
    if response.status_code == 400:
        assert response.json["message"]
        assert huey.pending_count() == queued
        return
    outcome = response.json["status"]
    event(f"webhook: {outcome}")
    assert outcome in ("queued", "duplicate", "ignored")
    assert huey.pending_count() == queued + (outcome == "queued")
    if outcome == "queued":  # BigCommerce delivers again: a replay queues nothing more
        assert deliver().json["status"] == "duplicate"
        assert huey.pending_count() == queued + 1
