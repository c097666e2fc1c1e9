"""The collateral arithmetic (pure): net and remaining value, LTV, the product cap of a kind, revaluation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from creditdesk.applications import collateral as c

D = Decimal


def test_worked_example_value_lien_and_one_pledge():
    """1,000,000 appraised, a prior lien of 200,000, a pledge of 400,000: LTV 0.5000, 400,000 left."""
    assert c.loan_to_value(amount=D("400000.00"), value=D("1000000.00"), prior_liens=D("200000.00")) == D(
        "0.5000"
    )
    assert c.remaining_value(value=D("1000000.00"), prior_liens=D("200000.00"), pledged=D("400000.00")) == D(
        "400000.00"
    )
    position = c.Position(value=D("1000000.00"), prior_liens=D("200000.00"), pledged=D("400000.00"))
    assert (position.net_value, position.remaining, position.ltv) == (
        D("800000.00"),
        D("400000.00"),
        D("0.5000"),
    )


def test_second_pledge_is_capped_on_the_combined_ltv():
    """A second pledge of 160,000 on the same collateral: 560,000 ÷ 800,000 = 0.7000 combined."""
    ltv = c.combined_ltv(
        amount=D("160000.00"), value=D("1000000.00"), prior_liens=D("200000.00"), pledged=D("400000.00")
    )
    assert ltv == D("0.7000")
    assert c.loan_to_value(amount=D("160000.00"), value=D("1000000.00"), prior_liens=D("200000.00")) == D(
        "0.2000"
    )


def test_ltv_rounds_half_up_to_four_places():
    # 1 ÷ 3 = 0.33333… → 0.3333; 2 ÷ 3 → 0.6667; 0.00005 → 0.0001
    assert c.loan_to_value(amount=D("1"), value=D("3"), prior_liens=D("0")) == D("0.3333")
    assert c.loan_to_value(amount=D("2"), value=D("3"), prior_liens=D("0")) == D("0.6667")
    assert c.loan_to_value(amount=D("0.05"), value=D("1000.00"), prior_liens=D("0")) == D("0.0001")


def test_nothing_left_when_the_liens_take_the_value():
    assert c.loan_to_value(amount=D("1.00"), value=D("500000.00"), prior_liens=D("500000.00")) is None
    assert c.remaining_value(value=D("500000.00"), prior_liens=D("600000.00"), pledged=D("0")) == D("0.00")
    assert c.Position(value=None, prior_liens=D("0"), pledged=D("0")).remaining == D("0.00")


def test_product_cap_of_a_kind():
    caps = [
        ("residential_property", D("0.70")),
        ("commercial_property", D("0.50")),
        ("deposit_receipt", D("0.90")),
    ]
    assert c.product_cap("property", caps) == D("0.50")  # the strictest property cap
    assert c.product_cap("deposit", caps) == D("0.90")
    assert c.product_cap("vehicle", caps) is None
    assert c.product_cap("equity", caps) is None
    assert c.product_cap("property", [("residential_property", D("0.70"))]) == D("0.70")


def test_revaluation_due():
    on = date(2026, 6, 30)
    assert c.revaluation_due(next_revaluation_on=on, latest_appraisal_on=date(2025, 6, 30), today=on) is True
    assert (
        c.revaluation_due(
            next_revaluation_on=on, latest_appraisal_on=date(2025, 6, 30), today=date(2026, 6, 29)
        )
        is False
    )
    assert c.revaluation_due(next_revaluation_on=on, latest_appraisal_on=on, today=date(2026, 7, 1)) is False
    assert c.revaluation_due(next_revaluation_on=on, latest_appraisal_on=None, today=date(2026, 7, 1)) is True
    assert (
        c.revaluation_due(next_revaluation_on=None, latest_appraisal_on=None, today=date(2026, 7, 1)) is False
    )


fen = st.integers(min_value=0, max_value=10**11).map(lambda n: D(n) / 100)


@given(
    value=st.integers(min_value=1, max_value=10**11).map(lambda n: D(n) / 100),
    liens=fen,
    wishes=st.lists(st.integers(min_value=1, max_value=10**11).map(lambda n: D(n) / 100), max_size=8),
)
def test_pledges_granted_in_turn_never_exceed_value_less_liens(value, liens, wishes):
    """Granting each pledge only within the remaining value, their sum never passes value − liens, and
    what remains is exactly value − liens − the sum."""
    pledged = D("0.00")
    for wish in wishes:
        if wish <= c.remaining_value(value=value, prior_liens=liens, pledged=pledged):
            pledged += wish
    assert pledged <= max(value - liens, D("0"))
    assert c.remaining_value(value=value, prior_liens=liens, pledged=pledged) == max(
        value - liens - pledged, D("0")
    )


@given(
    value=st.integers(min_value=1, max_value=10**11).map(lambda n: D(n) / 100),
    liens=fen,
    wishes=st.lists(st.integers(min_value=1, max_value=10**11).map(lambda n: D(n) / 100), max_size=8),
    cap=st.integers(min_value=1, max_value=100).map(lambda n: D(n) / 100),
)
def test_pledges_within_the_combined_cap_stay_within_cap_times_net_value(value, liens, wishes, cap):
    pledged = D("0.00")
    for wish in wishes:
        remaining = c.remaining_value(value=value, prior_liens=liens, pledged=pledged)
        ltv = c.combined_ltv(amount=wish, value=value, prior_liens=liens, pledged=pledged)
        if wish <= remaining and ltv is not None and ltv <= cap:
            pledged += wish
    net = c.net_value(value=value, prior_liens=liens)
    assert pledged <= net
    # rounded to four places half-up: at most half a ten-thousandth of the net value above the cap
    assert pledged <= (cap + D("0.00005")) * net
