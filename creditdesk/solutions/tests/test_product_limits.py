"""The limits every product obeys, as matching, quotes and the proposal apply them: the age at maturity (a
product attribute, default 65, carried as a rule the what-if can shorten the term for) and 受托支付 above the
product's threshold per drawdown."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from creditdesk.products.rules import MaxAgeAtMaturity, Status
from creditdesk.solutions import customer_terms as ct
from creditdesk.solutions.matching import match
from creditdesk.solutions.offers import quote
from creditdesk.solutions.tests.small_catalogue import (
    BY_CODE,
    CAPACITY,
    CATALOGUE,
    CUSTOMER,
    LPR,
    ON,
    context,
    need,
)
from creditdesk.solutions.whatif import what_if

D = Decimal


def test_the_default_age_at_maturity_fails_a_quote_and_the_what_if_shortens_the_term():
    """装修分期 says nothing about age: the default 65 applies. 62 + 60 months = 67 > 65; 36 months is the
    longest that passes (62 + 3 = 65)."""
    fq = BY_CODE["FQ"]
    assert fq.max_age_at_maturity == 65
    ctx = context(need("150000.00", term=60, value=None), age=62)
    q = quote(ctx, fq)
    failed = [o for o in q.evaluation.failed if isinstance(o.rule, MaxAgeAtMaturity)]
    assert [o.message for o in failed] == [
        "您现在 62 岁，贷款 60 个月，到期时约 67 岁，超过了本产品到期时不超过 65 岁的要求。"
    ]
    gap = what_if(ctx, fq)
    assert [c.kind.value for c in gap.changes] == ["term"]
    assert gap.changes[0].quote.term_months == 36
    assert gap.changes[0].message.startswith("将期限缩短至 36 个月")
    assert quote(ctx, fq, term_months=36).evaluation.status == Status.PASS


def test_matching_applies_the_age_at_maturity():
    young = match(need("150000.00", term=60, value=None), CAPACITY, CUSTOMER, CATALOGUE, LPR, ON)
    old = match(need("150000.00", term=60, value=None), CAPACITY, {**CUSTOMER, "age": 62}, CATALOGUE, LPR, ON)
    eligible = {o.quote.spec.code for o in young.eligible}
    assert "FQ" in eligible and "FQ" not in {o.quote.spec.code for o in old.eligible}


def test_a_quote_says_whether_the_drawdown_needs_entrusted_payment():
    xyd = BY_CODE["XYD"]  # a consumer loan: 300,000 per drawdown
    assert not quote(context(need("150000.00", value=None)), xyd).entrusted_payment_required
    own = replace(xyd, entrusted_payment_threshold=D("100000.00"))
    assert quote(context(need("150000.00", value=None)), own).entrusted_payment_required


def test_the_proposal_reads_the_products_threshold_when_it_has_one():
    spec = replace(BY_CODE["FQ"], entrusted_payment_threshold=D("100000.00"))
    assert ct.entrusted_payment_threshold(spec, "individual", "renovation") == D("100000.00")
    lines = ct.use_of_funds_terms(spec, D("150000.00"), "individual", "renovation", "装修")
    assert "超过单笔提款 100,000.00 元的受托支付标准" in lines[1]
    # Without one, the proposal's RULES.md defaults stand.
    assert ct.entrusted_payment_threshold(BY_CODE["FQ"], "individual", "renovation") == D("300000.00")
