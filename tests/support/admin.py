"""The admin page as the merchant opens it: the credential, the lookups, a failed job."""

from __future__ import annotations

import base64

from app.sync.jobs import FAILED
from tests.support.app_config import TEST_ADMIN_PASSWORD
from tests.support.metafields import BATCH
from tests.support.ordering import place_paid_order
from tests.support.pages import parse
from tests.support.queue import drain

PAGE = "/admin/checkout-plus"

NO_SUCH_JOB = "0" * 32


def basic(user: str = "admin", password: str = TEST_ADMIN_PASSWORD) -> dict[str, str]:
    """The Authorization header a browser sends after the sign-in prompt."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


ADMIN = basic()


def admin(client, **query):
    """Open the admin page with the credential, asking for the lookups in ``query``."""
    return client.get(PAGE, query_string=query, headers=ADMIN)


def failed_order(app, raw, sandbox) -> int:
    """Place an opted-in order whose sync job BigCommerce refuses for good; return its id."""
    order_id = place_paid_order(app.test_client(), raw, opt_in=True)
    sandbox.set_faults(f"bigcommerce {BATCH} status=403")
    drain(app.extensions["sync_queue"])
    sandbox.bigcommerce.faults.clear()
    assert app.extensions["sync_queue"].jobs.for_order(order_id).state == FAILED
    return order_id


def retry_form(page, order_id: int):
    """The Retry form of an order's failed job on the admin page."""
    row = page.select_one(f"#admin-jobs-failed tr[data-job][data-order-id='{order_id}']")
    assert row is not None, f"order {order_id} is not among the failed jobs"
    return row.select_one("form[data-retry]")


def exercise_the_admin(client, keep, raw, sandbox) -> None:
    """Drive every admin route with and without the credential, through success and failure."""
    app = client.application
    order_id = failed_order(app, raw, sandbox)
    keep(client.get(PAGE))
    keep(client.get(PAGE, headers=basic(password="wrong-" + TEST_ADMIN_PASSWORD)))
    page = parse(keep(admin(client)))
    row = page.select_one("#admin-analyses-table tr[data-analysis]")
    keep(admin(client, session_id=row["data-session-id"], search=row["data-cart-id"]))
    keep(admin(client, session_id="lop_short", search="no-such-cart", order_id="abc"))
    keep(admin(client, session_id="lop_" + "Z" * 20, order_id="999999"))
    sandbox.set_faults("loop GET /v1/session/* status=503 times=1")
    keep(admin(client, session_id=row["data-session-id"], order_id=str(order_id)))
    form = retry_form(page, order_id)
    token = form.select_one("input[name=csrf_token]")["value"]
    keep(client.post(form["action"], data={"csrf_token": token}))  # no credential: 401
    keep(client.post(form["action"], data={"csrf_token": token}, headers=ADMIN))  # 303
    keep(client.post(form["action"], data={"csrf_token": token}, headers=ADMIN))  # pending: 409
    no_such = f"{PAGE}/jobs/{NO_SUCH_JOB}/retry"
    keep(client.post(no_such, data={"csrf_token": token}, headers=ADMIN))
    keep(admin(client))  # with the flashed message
    keep(client.get(f"{PAGE}/decisions.jsonl"))  # no credential: 401
    keep(client.get(f"{PAGE}/decisions.jsonl", headers=ADMIN))  # the consent evidence export
