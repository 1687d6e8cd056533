"""Loop's experiments: consent sent only when the merchant turns them on, cohorts kept from the
analysis to the decision, the control group's hidden offer said as such, and the attach rate
compared per cohort and per placement on the admin page. Driven over the sandbox, whose Loop
assigns cohorts (``ab_control_share``) as Loop's guide describes."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.admin import admin
from tests.support.app_config import sandbox_config
from tests.support.catalog import TENT
from tests.support.offer import analyses
from tests.support.offer import assert_hidden
from tests.support.offer import choose
from tests.support.offer import offer_of
from tests.support.offer import set_rules
from tests.support.ordering import orders
from tests.support.ordering import place
from tests.support.ordering import placed
from tests.support.ordering import start
from tests.support.pages import parse

CONTROL_REASON = "ab_test_affects_attachment_rate_control_group"


@pytest.fixture
def experiments_app(sandbox, tmp_path):
    """The app with Loop's experiments on."""
    config = sandbox_config(
        sandbox, INSTANCE_PATH=str(tmp_path / "instance"), CHECKOUT_PLUS_EXPERIMENTS="1"
    )
    return create_app(config)


def shop(app, raw, opt_in: bool | None) -> int:
    """One shopper's checkout through to a paid order; ``opt_in`` None: no offer to answer."""
    client = app.test_client()
    _, page = start(client, raw)
    if opt_in is not None:
        choose(client, page, opt_in=opt_in)
        page = client.get("/checkout")
    else:
        assert_hidden(offer_of(page))
    assert placed(place(client, page))
    return orders(raw)[-1]["id"]


def test_without_experiments_no_consent_is_sent_and_no_cohort_kept(app, client, raw, sandbox):
    set_rules(sandbox, ab_control_share=1.0)  # were consent sent, every session would be control
    order_id = shop(app, raw, opt_in=True)
    requests = analyses(sandbox)
    assert requests
    assert all("experimentationConsent" not in entry.json for entry in requests)
    [entry] = app.extensions["analyses"].recent(1)
    assert entry.cohort is None
    assert app.extensions["decisions"].for_order(order_id).cohort is None


def test_cohorts_reach_the_log_the_decisions_and_the_attach_rate(experiments_app, raw, sandbox):
    app = experiments_app
    set_rules(sandbox, ab_control_share=0.0)  # every session lands in treatment
    treated_accepted = shop(app, raw, opt_in=True)
    treated_declined = shop(app, raw, opt_in=False)
    set_rules(sandbox, ab_control_share=1.0)  # and now in control: Loop hides the offer
    controlled = shop(app, raw, opt_in=None)

    assert all(entry.json["experimentationConsent"] is True for entry in analyses(sandbox))
    decisions = app.extensions["decisions"]
    assert [decisions.for_order(o).cohort for o in (treated_accepted, treated_declined)] == [
        "treatment",
        "treatment",
    ]
    control = decisions.for_order(controlled)
    assert (control.cohort, control.shown, control.accepted) == ("control", False, False)

    page = parse(admin(app.test_client()))
    # The analysis log names the cohort, and says the control group's offer was hidden.
    rows = page.select("#admin-analyses-table tr[data-analysis]")
    assert {row["data-cohort"] for row in rows} == {"treatment", "control"}
    hidden = [row for row in rows if row["data-reason"] == CONTROL_REASON]
    assert hidden
    assert all(row["data-cohort"] == "control" for row in hidden)
    words = hidden[0].select_one("[data-reason-words]").get_text(strip=True)
    assert words.startswith("Control group:")
    # Attach rate per cohort: treatment 1 of 2, control shown none.
    by_cohort = {
        row["data-cohort"]: (
            row["data-orders"],
            row["data-shown"],
            row["data-accepted"],
            row["data-rate"],
        )
        for row in page.select("#admin-attach-by-cohort tr[data-group]")
    }
    assert by_cohort == {"treatment": ("2", "2", "1", "50.0"), "control": ("1", "0", "0", "")}
    # The overall rate counts orders with the offer on show only.
    assert page.select_one("#admin-attach-rate [data-shown]")["data-shown"] == "2"
    [placement] = page.select("#admin-attach-by-placement tr[data-group]")
    assert (placement["data-mount-target"], placement["data-cart-experience"]) == (
        "order_summary",
        "checkbox",
    )
    assert (placement["data-orders"], placement["data-rate"]) == ("3", "50.0")


def test_a_control_group_order_is_looked_up_as_such(experiments_app, raw, sandbox):
    set_rules(sandbox, ab_control_share=1.0)
    order_id = shop(experiments_app, raw, opt_in=None)
    page = parse(admin(experiments_app.test_client(), order_id=str(order_id)))
    decision = page.select_one("#admin-order [data-decision]")
    assert decision["data-shown"] == "false"
    assert "control cohort, which hides the offer" in decision.get_text(" ", strip=True)


def test_an_ineligible_cart_in_the_treatment_cohort_is_not_counted_as_hidden(
    experiments_app, raw, sandbox
):
    set_rules(sandbox, ab_control_share=0.0)
    client = experiments_app.test_client()
    _, page = start(client, raw, items=((TENT, 2),))  # past Loop's $2,000 maximum
    assert_hidden(offer_of(page))
    assert placed(place(client, page))
    # Only the control group's orders stand for "the offer hidden by the experiment".
    assert experiments_app.extensions["decisions"].for_order(orders(raw)[-1]["id"]) is None
