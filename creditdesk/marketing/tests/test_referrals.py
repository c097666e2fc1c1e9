"""Referrals (转介绍): who referred whom, what it produced, the reward earned by the rules as data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import services
from creditdesk.marketing.models import ReferralReward
from creditdesk.marketing.reports.referrals import reward_for, top_referrers
from creditdesk.marketing.services import LeadInput
from creditdesk.marketing.tests.conftest import customer_of, enter
from creditdesk.solutions.tests.conftest import LI_ID, li, small_catalogue  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def test_a_referred_lead_names_its_referrer_and_is_a_referral(org):
    zhang = customer_of(org.cm_a)
    lead = enter(org.cm_a, channel="online", referrer_customer=zhang.pk, referrer_staff=org.cm_b.pk)
    assert (lead.channel, lead.referrer_customer, lead.referrer_staff) == ("referral", zhang, org.cm_b)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"referrer_customer": 999999}, "lead_referrer_not_found"),
        ({"referrer_staff": 999999}, "lead_referrer_not_found"),
        ({"referrer_staff": "x"}, "lead_referrer_not_found"),
    ],
)
def test_unknown_referrers_are_refused(org, fields, code):
    with pytest.raises(DomainError) as refused:
        enter(org.cm_a, **fields)
    assert refused.value.code == code


def test_a_customer_refers_only_others_and_only_ones_the_cm_sees(org):
    zhang = customer_of(org.cm_a)
    with pytest.raises(DomainError) as itself:
        enter(org.cm_a, name="张三", phone="13800138000", referrer_customer=zhang.pk)
    assert itself.value.code == "lead_self_referral"
    with pytest.raises(DomainError) as unseen:
        enter(org.cm_c, referrer_customer=zhang.pk)  # another team's CM does not see 张三
    assert unseen.value.code == "lead_referrer_not_found"


def test_rewards_follow_the_rule_in_force_with_its_cap():
    rules = [
        ReferralReward(
            referrer_kind="staff",
            per_mille=Decimal("0.5"),
            cap_per_loan=Decimal("500"),
            valid_from=date(2026, 1, 1),
        ),
        ReferralReward(
            referrer_kind="staff",
            per_loan=Decimal("100"),
            valid_from=date(2026, 7, 1),
            valid_until=date(2026, 12, 31),
        ),
        ReferralReward(referrer_kind="customer", per_loan=Decimal("200"), valid_from=date(2026, 1, 1)),
    ]
    assert reward_for("staff", Decimal("300000"), date(2026, 3, 1), rules) == Decimal("150.00")
    assert reward_for("staff", Decimal("3000000"), date(2026, 3, 1), rules) == Decimal("500")  # capped
    # the later rule while it is in force; after it ends, the earlier open-ended rule again
    assert reward_for("staff", Decimal("300000"), date(2026, 8, 1), rules) == Decimal("100.00")
    assert reward_for("staff", Decimal("300000"), date(2027, 1, 1), rules) == Decimal("150.00")
    assert reward_for("customer", Decimal("1"), date(2025, 12, 31), rules) == Decimal("0.00")  # none yet


def test_top_referrers_with_volume_quality_and_reward(org, li, xyd):  # noqa: F811
    zhang = customer_of(org.cm_a)
    services.lead_create(
        actor=org.cm_a,
        data=LeadInput(
            name="李四",
            phone="13900139555",
            id_number=LI_ID,
            referrer_customer=zhang.pk,
            referrer_staff=org.cm_b.pk,
        ),
    )
    enter(org.cm_a, referrer_customer=zhang.pk)
    enter(org.cm_a, referrer_staff=org.cm_b.pk)
    loan = book_loan(org, li, xyd)  # 100,000 on 2026-01-10
    Loan.objects.filter(pk=loan.pk).update(risk_class="doubtful")

    rows = {(row.kind, row.referrer_id): row for row in top_referrers(user=org.cm_a)}
    customer = rows[("customer", zhang.pk)]
    assert (customer.name, customer.leads, customer.loans, customer.volume) == (
        "张三",
        2,
        1,
        Decimal("100000.00"),
    )
    assert (customer.npl_rate, customer.reward) == (1.0, Decimal("200.00"))  # the example rule of 0004
    staff = rows[("staff", org.cm_b.pk)]
    assert (staff.leads, staff.loans, staff.reward) == (2, 1, Decimal("50.00"))  # 0.5‰ of 100,000
    assert top_referrers(user=org.cm_c) == []
