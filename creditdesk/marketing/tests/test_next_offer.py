"""Next best offers: the pure ranking (eligibility, reasons, consent) and the service that makes an offer
(consent enforced) and records its outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import services
from creditdesk.marketing.models import OfferRecord
from creditdesk.marketing.next_offer import Category, CustomerFacts, LoanFacts, OfferTerms, rank
from creditdesk.marketing.reports.offers import fee_income_by_cm, next_offers_for
from creditdesk.marketing.tests.conftest import customer_of, marketing_consent
from creditdesk.solutions.tests.conftest import li, small_catalogue  # noqa: F401 — fixtures

CATALOGUE = [
    OfferTerms(
        category=c.value,
        weight=1,
        fee_income=Decimal(n),
        min_tier="middle" if c == Category.WEALTH else "mass",
    )
    for n, c in enumerate(Category)
]


def restaurant(**changes):
    """Seed 004's restaurant owner: an 个体工商户 repaying a 300,000 loan well for 10 months."""
    loan = LoanFacts(
        months_on_book=10,
        max_dpd=0,
        principal=Decimal("300000"),
        outstanding=Decimal("150000"),
        days_to_maturity=60,
    )
    values = {
        "kind": "individual_business",
        "tier": "middle",
        "age": 38,
        "employees": 8,
        "overdue_now": False,
        "marketing_consent": True,
        "loans": (loan,),
        **changes,
    }
    return CustomerFacts(**values)


def offers(facts):
    return {offer.category.value: offer for offer in rank(facts, CATALOGUE)}


def test_a_customer_who_repays_well_is_offered_a_top_up_and_a_renewal_first():
    ranked = rank(restaurant(), CATALOGUE)
    assert [offer.category.value for offer in ranked[:2]] == ["renewal", "top_up"]
    by = offers(restaurant())
    assert "已还本金 50%" in by["top_up"].reasons[0]
    assert "60 天后到期" in by["renewal"].reasons[0]
    assert by["merchant_qr"].eligible and not by["credit_card"].eligible  # a business, not a person
    assert by["payroll"].blocked_by == ("仅适用于企业",)
    assert "禁止搭售" in by["insurance"].reasons[0]


@pytest.mark.parametrize(
    ("changes", "category", "blocked"),
    [
        ({"loans": ()}, "top_up", "没有在贷贷款"),
        ({"loans": (LoanFacts(10, 31, Decimal(1), Decimal(1), 60),)}, "renewal", "还款记录不足"),
        ({"loans": (LoanFacts(10, 0, Decimal(100), Decimal(90), 60),)}, "top_up", "已还本金不足"),
        ({"loans": (LoanFacts(10, 0, Decimal(100), Decimal(50), 200),)}, "renewal", "没有 90 天内到期"),
        ({"kind": "individual", "age": 70}, "credit_card", "年龄须在"),
        ({"kind": "individual", "overdue_now": True}, "credit_card", "当前有逾期"),
        ({"tier": "mass"}, "wealth", "客户层级未达"),
        ({"kind": "enterprise", "employees": 3}, "payroll", "从业人员须不少于 5 人"),
    ],
)
def test_what_blocks_an_offer_is_said(changes, category, blocked):
    offer = offers(restaurant(**changes))[category]
    assert not offer.eligible
    assert any(reason.startswith(blocked) for reason in offer.blocked_by), offer.blocked_by


def test_held_products_are_not_offered_and_no_consent_blocks_every_offer():
    assert "merchant_qr" not in offers(restaurant(held=frozenset({"merchant_qr"})))
    unconsented = rank(restaurant(marketing_consent=False), CATALOGUE)
    assert all(not offer.eligible and offer.consent_missing for offer in unconsented)


@pytest.mark.django_db
def test_an_offer_needs_a_marketing_consent_and_is_answered_once(org, li, xyd):  # noqa: F811
    loan = book_loan(org, li, xyd, value_date=date(2026, 1, 10))
    Loan.objects.filter(pk=loan.pk).update(maturity_date=date(2027, 1, 31))
    with pytest.raises(DomainError) as refused:
        services.offer_make(actor=org.cm_a, customer_id=li.pk, category="deposits")
    assert refused.value.code == "offer_consent_missing"
    assert OfferRecord.objects.count() == 0
    marketing_consent(li)
    ranked = next_offers_for(customer=li, today=date(2026, 12, 7))
    assert ranked[0].category.value == "renewal" and ranked[0].eligible  # 55 days to maturity, paid on time
    with pytest.raises(DomainError) as business_only:
        services.offer_make(actor=org.cm_a, customer_id=li.pk, category="merchant_qr")
    assert business_only.value.code == "offer_not_eligible"
    record = services.offer_make(actor=org.cm_a, customer_id=li.pk, category="credit_card")
    assert (record.outcome, record.fee_income) == ("offered", Decimal("300.00"))
    with pytest.raises(Conflict) as open_offer:
        services.offer_make(actor=org.cm_a, customer_id=li.pk, category="credit_card")
    assert open_offer.value.code == "offer_already_open"
    with pytest.raises(NotAllowed):
        services.offer_outcome(actor=org.head1, offer_id=record.pk, outcome="accepted")
    services.offer_outcome(actor=org.cm_a, offer_id=record.pk, outcome="accepted")
    with pytest.raises(Conflict) as decided:
        services.offer_outcome(actor=org.cm_a, offer_id=record.pk, outcome="declined")
    assert decided.value.code == "offer_decided"
    assert "credit_card" not in {offer.category.value for offer in next_offers_for(customer=li)}  # now held
    with pytest.raises(DomainError) as held:
        services.offer_make(actor=org.cm_a, customer_id=li.pk, category="credit_card")
    assert held.value.code == "offer_unknown"
    (row,) = fee_income_by_cm(user=org.lead1)
    assert (row.owner_id, row.offered, row.accepted, row.fee_income) == (org.cm_a.pk, 1, 1, Decimal("300.00"))


@pytest.mark.django_db
def test_offers_are_made_only_to_customers_one_works(org):
    zhang = customer_of(org.cm_a)
    marketing_consent(zhang)
    with pytest.raises(NotAllowed):
        services.offer_make(actor=org.head1, customer_id=zhang.pk, category="deposits")
    with pytest.raises(Exception) as unseen:
        services.offer_make(actor=org.cm_c, customer_id=zhang.pk, category="deposits")
    assert getattr(unseen.value, "code", "") == "not_found"
