"""Issue 13 on the pages: the fee-based 装修分期 of the small catalogue (0 %, 0.30 % of the original amount a
month) for li's need of 150,000 over 36 months — 450.00 a month, 16,200.00 in total — is headed by its
annualized rate with "（含手续费）", its 0 % contract rate only beside it, labelled."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_matching_card_shows_the_apr_with_fees_and_the_fee(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/").content.decode()
    card = html[html.index('data-product="FQ"') :]
    card = card[: card.index("</section>")]
    assert (
        'data-testid="apr">7.00%<span class="small fw-normal" data-testid="apr-fees-included">（含手续费）'
        in card
    )
    assert "合同利率" in card
    assert "分期手续费：每月 450.00 元，共 16,200.00 元" in _text(card)
    assert "年化利率（IRR 复利）7.00%（含手续费），单利 6.78%，合同利率 0.00%" in _text(card)
    # a fee-free product keeps its plain card
    xyd = html[html.index('data-product="XYD"') :]
    assert "含手续费" not in xyd[: xyd.index("</section>")]


def test_option_detail_shows_the_monthly_fee_and_total(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/options/FQ/").content.decode()
    text = _text(html)
    assert 'data-testid="apr-fees-included">（含手续费）' in html
    assert 'data-testid="periodic-fee">450.00<' in html
    assert (
        "年化利率（IRR 复利）7.00%（含手续费），单利 6.78%，合同利率 0.00%；"
        "分期手续费每月 450.00 元，共 16,200.00 元。"
    ) in text


def test_comparison_page_says_who_pays_more(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    form = {
        "institution": "某小贷公司",
        "product_name": "极速贷",
        "kind": "flat_monthly",
        "amount": "150000",
        "term_months": "36",
        "method": "equal_installment",
        "monthly_flat_rate": "0.5",
        "quoted_on": "2026-01-05",
    }
    assert client.post("/solutions/competitors/new/", form).status_code == 302
    html = client.get(f"/solutions/customers/{li.pk}/compare/").content.decode()
    said = re.findall(r'data-testid="comparison-difference">([^<]+)<', html)
    assert len(said) == 1
    assert re.fullmatch(
        r"按总成本（利息加费用），本行「抵押贷」与某小贷公司「极速贷」相比："
        r"我行方案比对方少付 [\d,]+\.\d\d 元。",
        said[0],
    )
    assert "净节省" not in html


def test_proposal_of_the_fee_based_product_says_fees_included(client, org, small_catalogue, li, li_graded):
    from creditdesk.solutions.models import Proposal

    client.force_login(org.cm_a)
    response = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "FQ"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="proposal-apr">7.00%<' in html
    assert 'data-testid="proposal-apr-fees">（含手续费）<' in html
    assert "7.00%（含手续费）" in html  # the option's own row
    assert Proposal.objects.count() == 1
    # a fee-free product's proposal does not say it
    other = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "DYD"})
    assert "含手续费" not in client.get(other["Location"]).content.decode()
