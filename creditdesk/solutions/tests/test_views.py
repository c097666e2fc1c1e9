"""Pages: the matching page on the fixed small catalogue (exact order and reasons, combinations, pending
with the link to the pre-assessment, ineligible with failed rules and the what-if), the option's terms,
the proposal from the matching page to its PDF, the 360 panel, and the permission matrix of every page
(anonymous → login; other team's customer → 404; read-only roles see but do not issue)."""

from __future__ import annotations

import re

import pytest

from creditdesk.core.models import AuditEvent
from creditdesk.solutions.models import Proposal
from creditdesk.solutions.tests.conftest import grade

pytestmark = pytest.mark.django_db

# li belongs to cm_a (team T1, branch B1).
SEE = {
    "cm_a": 200,
    "cm_b": 404,
    "lead1": 200,
    "head1": 200,
    "risk1": 200,
    "cm_c": 404,
    "lead3": 404,
    "cm_d": 404,
}
ISSUE = {"cm_a": 302, "lead1": 302, "cm_b": 404, "head1": 403, "risk1": 403, "lead3": 404}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_matching_page_ranks_the_small_catalogue(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    response = client.get(f"/solutions/customers/{li.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-testid="eligible-option" data-product="(\w+)"', html) == ["XYD", "DYD", "FQ"]
    text = _text(html)
    assert (
        "第 1 名「信用贷」（审批最快）：可全额覆盖 150,000.00 元需求；年化利率 3.87%（IRR 复利）；"
        "首期月供 4,415.26 元，约为可承受月供 14,500.00 元的 30.45%；约 1 个工作日审批。"
    ) in text
    assert "第 2 名「抵押贷」（综合成本最低）" in text
    assert "第 3 名「装修分期」（额度覆盖最充分）" in text
    assert re.findall(r'data-testid="ineligible-option" data-product="(\w+)"', html) == ["JYD", "ZYD"]
    assert "经营贷" in text and 'data-testid="what-if"' in html
    assert 'data-testid="grade">B<' in html
    assert 'data-testid="grade-missing"' not in html
    assert html.count('data-testid="proposal-create"') == 3


def test_matching_without_a_grade_lists_pending_and_links_to_the_pre_assessment(
    client, org, small_catalogue, li, li_need
):
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/").content.decode()
    assert 'data-testid="grade-missing"' in html
    assert f'href="/scoring/customers/{li.pk}/new/"' in html
    pending = re.findall(r'data-testid="pending-option">\s*<strong>([^<]+)</strong>', html)
    assert pending == ["信用贷", "抵押贷"]  # their min_grade rule cannot be judged; 装修分期 has none
    assert "风险等级" in _text(html)


def test_matching_without_a_need_links_to_the_needs_page(client, org, small_catalogue, li):
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/").content.decode()
    assert 'data-testid="need-missing"' in html
    assert f'href="/products/customers/{li.pk}/need/"' in html
    assert 'data-testid="eligible-option"' not in html


def test_matching_proposes_a_combination_when_one_product_cannot_cover(client, org, small_catalogue, li):
    from creditdesk.products import services as product_services
    from creditdesk.solutions.tests.conftest import NEED

    product_services.need_record(
        actor=org.cm_a,
        customer_id=li.pk,
        data={**NEED, "amount": "400000.00", "collateral_value": "400000.00"},
    )
    grade(org, li, "B")
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/").content.decode()
    assert 'data-testid="combination"' in html
    text = _text(html)
    assert "合计覆盖 400,000.00 元需求" in text


@pytest.mark.parametrize(("who", "status"), ISSUE.items())
def test_who_issues_a_proposal(client, org, small_catalogue, li, li_graded, who, status):
    client.force_login(getattr(org, who))
    response = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "XYD"})
    assert response.status_code == status
    assert Proposal.objects.count() == (1 if status == 302 else 0)


def test_anonymous_is_sent_to_login(client, org, small_catalogue, li, li_graded):
    from creditdesk.solutions import services

    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    for url in (
        f"/solutions/customers/{li.pk}/",
        f"/solutions/customers/{li.pk}/panel/",
        f"/solutions/customers/{li.pk}/compare/",
        f"/solutions/customers/{li.pk}/options/XYD/",
        f"/solutions/proposals/{proposal.pk}/",
        f"/solutions/proposals/{proposal.pk}/pdf/",
        "/solutions/competitors/",
        "/solutions/competitors/new/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    response = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "XYD"})
    assert response.status_code == 302 and Proposal.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), SEE.items())
def test_who_opens_a_proposal_and_its_pdf(client, org, small_catalogue, li, li_graded, who, status):
    from creditdesk.solutions import services

    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    client.force_login(getattr(org, who))
    assert client.get(f"/solutions/proposals/{proposal.pk}/").status_code == status
    response = client.get(f"/solutions/proposals/{proposal.pk}/pdf/")
    assert response.status_code == status
    prints = AuditEvent.objects.filter(action="proposal.print").count()
    assert prints == (1 if status == 200 else 0)


def test_issue_from_the_matching_page_then_open_it(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    response = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "DYD"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/solutions/proposals/{proposal.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "「抵押贷」方案书" in html and 'data-testid="proposal-apr">3.45%<' in html
    assert "DYD v1" in html
    pdf = client.get(f"/solutions/proposals/{proposal.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(proposal.pdf)
    assert pdf["Content-Disposition"] == f'inline; filename="{proposal.number}.pdf"'
    panel = client.get(f"/solutions/customers/{li.pk}/panel/").content.decode()
    assert "「抵押贷」方案书" in panel and f"/solutions/proposals/{proposal.pk}/" in panel


def test_an_ineligible_product_is_refused_on_the_page(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    response = client.post(f"/solutions/customers/{li.pk}/proposals/new/", {"products": "JYD"}, follow=True)
    assert response.status_code == 200
    assert "客户未通过「经营贷」的准入条件" in response.content.decode()
    assert not Proposal.objects.exists()


def test_option_terms_page(client, org, small_catalogue, li, li_graded):
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/customers/{li.pk}/options/XYD/").content.decode()
    text = _text(html)
    assert 'data-testid="apr">3.87%<' in html
    assert "年利率 3.80% = 1 年期 LPR 3.00%（2025-05-20 起） + 风险溢价 80 个基点（风险等级 B）。" in text
    assert "改选「抵押贷」 ：年化利率 3.45%，低 0.41 个百分点，需提供住宅作抵质押" in text  # 3.8669 − 3.4535
    assert "调整后可申请「存单质押贷」 ：年化利率 3.04%" in text  # the what-if: a deposit receipt
    assert "罚息利率 5.70%" in text
    # The CM's page (internal) may explain the five-category floors: "at least" that bad (RULES.md).
    assert "贷款逾期 1–90 天的，至少归为关注类；逾期 91–270 天的，至少归为次级类" in text
    assert "至多" not in text
    assert html.count("<tr><td>") >= 36  # the full schedule
    assert "第 12 个月" in text  # the default prepayment example
    fragment = client.get(
        f"/solutions/customers/{li.pk}/options/XYD/?month=6&amount=", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert "第 6 个月" in fragment.content.decode() and "<html" not in fragment.content.decode()
    wrong = client.get(f"/solutions/customers/{li.pk}/options/XYD/?month=36", headers={"HX-Request": "true"})
    assert wrong.status_code == 400 and "第 1–35 个月" in wrong.content.decode()
    assert client.get(f"/solutions/customers/{li.pk}/options/NOPE/").status_code == 404


def test_record_a_flat_quote_on_the_page_and_read_its_true_rate(client, org):
    from creditdesk.solutions.models import CompetitorOffer

    client.force_login(org.cm_b)
    form = {
        "institution": "某小贷公司",
        "product_name": "极速贷",
        "kind": "flat_monthly",
        "amount": "100000",
        "term_months": "12",
        "method": "equal_installment",
        "monthly_flat_rate": "0.5",
        "quoted_on": "2026-01-05",
    }
    response = client.post("/solutions/competitors/new/", form)
    assert response.status_code == 302 and response["Location"] == "/solutions/competitors/"
    assert CompetitorOffer.objects.get().team == org.t1
    html = client.get("/solutions/competitors/").content.decode()
    assert 'data-testid="competitor-apr">11.46%<' in html
    assert "年化利率（IRR）为 11.46%（单利 10.90%）" in _text(html)
    assert "实际年化并不是 6.00%" in _text(html)
    client.force_login(org.cm_a)  # same team
    assert 'data-testid="competitor-row"' in client.get("/solutions/competitors/").content.decode()
    client.force_login(org.cm_c)  # another team
    assert 'data-testid="competitor-row"' not in client.get("/solutions/competitors/").content.decode()
    client.force_login(org.head1)  # reads the branch's, records none
    assert 'data-testid="competitor-new"' not in client.get("/solutions/competitors/").content.decode()
    assert client.get("/solutions/competitors/new/").status_code == 403
    assert client.post("/solutions/competitors/new/", form).status_code == 403
    client.force_login(org.cm_b)
    wrong = client.post("/solutions/competitors/new/", {**form, "monthly_flat_rate": ""})
    assert wrong.status_code == 400 and "monthly_flat_rate" in wrong.content.decode()
    assert CompetitorOffer.objects.count() == 1
