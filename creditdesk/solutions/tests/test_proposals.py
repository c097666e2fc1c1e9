"""The proposal (方案书): issued only for an option the customer passes (a refusal stores nothing and audits
nothing), the PDF carries the annualized rate — at least as prominent as any other rate — and every
disclosure, a reprint is the same file byte for byte, and a new product version leaves an old proposal as
it was."""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from pypdf import PdfReader

from creditdesk.compliance.models import ComplianceCheck
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers.models import Customer
from creditdesk.products import services as product_services
from creditdesk.products.models import ImmutableRow, ProductVersion
from creditdesk.solutions import pdf, services
from creditdesk.solutions.models import Proposal, ProposalOption
from creditdesk.solutions.tests.conftest import NEED, grade
from creditdesk.solutions.tests.small_catalogue import XYD

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def font_sizes(data: bytes) -> dict[str, float]:
    """The largest font size each text run is drawn at (text matrix × font size)."""
    sizes: dict[str, float] = {}
    reader = PdfReader(io.BytesIO(data))

    def visit(text, cm, tm, font, size):
        text = text.strip()
        if text:
            scale = abs(tm[0]) * abs(cm[0]) or 1
            sizes[text] = max(sizes.get(text, 0), size * scale)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def assert_nothing_stored() -> None:
    assert not Proposal.objects.exists()
    assert not ProposalOption.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="proposal.").exists()


def test_a_product_the_customer_fails_is_refused_and_nothing_is_stored(org, small_catalogue, li, li_graded):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["JYD"])
    assert refused.value.code == "proposal_product_ineligible"
    assert "客户未通过「经营贷」的准入条件" in refused.value.message
    assert refused.value.extra["reasons"]
    assert_nothing_stored()


def test_a_product_whose_rules_cannot_be_judged_is_refused(org, small_catalogue, li, li_need):
    # no pre-assessment: 信用贷's minimum grade cannot be judged
    with pytest.raises(DomainError) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    assert refused.value.code == "proposal_product_rules_unknown"
    assert refused.value.extra["missing"] == ["risk_grade"]
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("products", "code"),
    [
        (["NOPE"], "proposal_product_unknown"),
        ([], "proposal_option_invalid"),
        (["XYD", "XYD"], "proposal_option_invalid"),
        (["XYD", "DYD", "FQ"], "proposal_option_invalid"),
        (["XYD", "DYD"], "proposal_combination_unknown"),  # both eligible, but no combination of them
    ],
)
def test_other_refusals(org, small_catalogue, li, li_graded, products, code):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=products)
    assert refused.value.code == code
    assert_nothing_stored()


def test_refusals_of_scope_and_of_a_missing_need(org, small_catalogue, li):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    assert refused.value.code == "proposal_need_missing"
    with pytest.raises(NotFound):
        services.proposal_create(actor=org.cm_c, customer_id=li.pk, products=["XYD"])
    with pytest.raises(NotAllowed):
        services.proposal_create(actor=org.head1, customer_id=li.pk, products=["XYD"])
    assert_nothing_stored()


def test_the_pdf_shows_the_annualized_rate_and_the_disclosures(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    data = bytes(proposal.pdf)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "「信用贷」方案书" in text
    assert "年化利率（IRR，复利）3.87%" in text
    assert "单利3.80%" in text
    assert proposal.content["summary"]["apr_compound"] == "0.038669"
    disclosures = proposal.content["disclosures"]
    assert len(disclosures) == 7
    for sentence in disclosures:
        assert re.sub(r"\s+", "", sentence) in text, sentence
    for phrase in (
        "按内部收益率法（IRR）计算",  # PBOC 〔2021〕 No. 3
        "不在放款时从贷款本金中预先扣除利息",  # Civil Code art. 670
        "提前还款的利息按实际借款期间计算",  # art. 677
        "按合同利率上浮50.00%计收罚息",
        "金融信用信息基础数据库",
        "不构成贷款承诺",
    ):
        assert phrase in text, phrase
    # The five-category classification is the bank's internal matter: not in the customer's copy (and
    # never the backwards "至多" wording, RULES.md).
    for internal in ("至多", "关注类", "风险分类", "风险等级", "评分"):
        assert internal not in text, internal
    assert "本产品罚息利率为合同年利率上浮50.00%：3.80%×（1+50.00%）=5.70%。" in text
    assert "还款计划摘要（共36期）" in text


def test_the_annualized_rate_is_the_most_prominent_rate_in_the_pdf(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    sizes = font_sizes(bytes(proposal.pdf))
    apr = sizes["3.87%"]
    rates = [size for text, size in sizes.items() if text.endswith("%") and text != "3.87%"]
    assert rates and apr >= max(rates)  # 3.80% (contract, 单利), 5.70% (penalty) … are all smaller
    assert apr > sizes["3.80%"]


def test_a_reprint_is_byte_identical(client, org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    client.force_login(org.cm_a)
    first = client.get(f"/solutions/proposals/{proposal.pk}/pdf/").content
    second = client.get(f"/solutions/proposals/{proposal.pk}/pdf/").content
    assert first == second == bytes(proposal.pdf)
    assert hashlib.sha256(first).hexdigest() == proposal.pdf_sha256
    assert AuditEvent.objects.filter(action="proposal.print", target_id=str(proposal.pk)).count() == 2


def _locks_held() -> list[object]:
    """The transactions open around the caller, the test's own left out (pytest-django wraps each test)."""
    return [block for block in connection.atomic_blocks if not getattr(block, "_from_testcase", False)]


def test_the_pdf_is_rendered_while_no_row_is_locked(monkeypatch, org, small_catalogue, li, li_graded):
    rendered, render = [], pdf.render_pdf

    def spy(content):
        rendered.append(_locks_held())
        return render(content)

    monkeypatch.setattr(pdf, "render_pdf", spy)
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    assert rendered == [[]]  # rendered once, outside every transaction (so outside select_for_update)
    assert hashlib.sha256(bytes(proposal.pdf)).hexdigest() == proposal.pdf_sha256
    assert pdf.render_pdf(proposal.content) == bytes(proposal.pdf)  # the stored snapshot's own PDF


def test_a_customer_changed_while_the_pdf_renders_refuses_and_stores_nothing(
    monkeypatch, org, small_catalogue, li, li_graded
):
    render = pdf.render_pdf

    def render_while_renamed(content):
        Customer.objects.filter(pk=li.pk).update(name="李四（已更名）")
        return render(content)

    monkeypatch.setattr(pdf, "render_pdf", render_while_renamed)
    with pytest.raises(Conflict) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    assert refused.value.code == "proposal_changed"
    assert_nothing_stored()


def test_an_altered_pdf_is_not_served(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    Proposal.objects.filter(pk=proposal.pk).update(pdf=b"%PDF-forged")
    with pytest.raises(DomainError) as refused:
        services.proposal_print(actor=org.cm_a, proposal_id=proposal.pk)
    assert refused.value.code == "proposal_pdf_altered"


def test_issuing_is_audited_and_keeps_the_version_and_figures(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.lead1, customer_id=li.pk, products=["XYD"])
    option = proposal.options.get()
    assert option.product_version == small_catalogue["XYD"].current_version
    assert (option.amount, option.term_months, option.method) == (
        Decimal("150000.00"),
        36,
        "equal_installment",
    )
    assert (option.annual_rate, option.apr) == (Decimal("3.8000"), Decimal("3.8669"))
    event = AuditEvent.objects.get(action="proposal.create")
    assert event.after["products"] == ["XYD v1"] and event.after["pdf_sha256"] == proposal.pdf_sha256
    assert proposal.need == li.needs.get()
    assert proposal.content["manager"]["username"] == "lead1"
    with pytest.raises(ImmutableRow):
        proposal.save()


def test_a_new_product_version_leaves_an_old_proposal_unchanged(client, org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    before_pdf, before_content = bytes(proposal.pdf), proposal.content
    dearer = {**XYD, "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 90, "B": 150, "C": 200}}}
    product_services.product_version_create(actor=org.risk1, code="XYD", spec=dearer, note="加点上调")
    assert ProductVersion.objects.filter(product__code="XYD").count() == 2

    proposal.refresh_from_db()
    assert bytes(proposal.pdf) == before_pdf and proposal.content == before_content
    assert proposal.options.get().product_version.number == 1
    client.force_login(org.cm_a)
    html = client.get(f"/solutions/proposals/{proposal.pk}/").content.decode()
    assert 'data-testid="proposal-apr">3.87%<' in html and "XYD v1" in html
    newer = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    assert newer.options.get().product_version.number == 2
    assert newer.content["options"][0]["annual_rate"] == "0.0450"  # 3.00 % + 150 bp


def test_a_combination_proposal(org, small_catalogue, li):
    product_services.need_record(
        actor=org.cm_a,
        customer_id=li.pk,
        data={**NEED, "amount": "400000.00", "collateral_value": "400000.00"},
    )
    grade(org, li, "B")
    from creditdesk.solutions.selectors import customer_match

    combination = customer_match(customer=li).result.combinations[0]
    codes = [p.quote.spec.code for p in combination.parts]
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=codes)
    assert proposal.content["combination"] is True
    assert [o.position for o in proposal.options.all()] == [1, 2]
    assert proposal.content["summary"]["amount"] == "400000.00"
    assert proposal.content["summary"]["apr_compound"] == str(
        combination.apr.compound.quantize(Decimal("0.000001"))
    )
    assert "组合方案书" in pdf_text(bytes(proposal.pdf))


def test_the_pdf_uses_only_the_vendored_font(org, small_catalogue, li, li_graded):
    """Chinese prints without any CJK font on the server: every font in the PDF is the embedded Noto Sans SC
    of ``static/vendor/fonts`` (WeasyPrint names it after the family the stylesheet declares)."""
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    reader = PdfReader(io.BytesIO(bytes(proposal.pdf)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts == {"CreditDesk-Sans", "CreditDesk-Sans-Bold"}


def test_the_customer_copy_says_what_the_customer_must_know(
    client, settings, org, small_catalogue, li, li_graded
):
    """信用贷 150,000 × 36 months at 3.80 % (B: 1Y LPR 3.00 % + 80 bp), drawn on the day of issue: the worked
    figures do not depend on that day (regular monthly periods); see test_customer_terms for the dates."""
    settings.CREDITDESK_INSTITUTION_HOTLINE = "400-123-4567"
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    option = proposal.content["options"][0]
    assert proposal.content["content_version"] == 2
    assert option["rate_terms"][0] == (
        "利率构成：年利率 3.80% = 1 年期贷款市场报价利率（LPR）3.00%（2025-05-20 起执行）+ 80 个基点。"
    )
    late = option["late_payment"]
    assert (late["penalty"], late["compound"], late["outstanding_principal"]) == (
        "18.72",
        "2.26",
        "150000.00",
    )
    assert proposal.content["complaint"] == (
        "如对本方案或本行服务有疑问或投诉，请致电示范商业银行客服热线 400-123-4567，或向您的客户经理反映，"
        "本行将按规定受理并答复；如对处理结果不满意，可拨打国家金融监督管理总局金融消费者投诉热线 12378。"
    )
    text = pdf_text(bytes(proposal.pdf))
    for phrase in (
        "年化利率（含利息和与贷款直接相关的全部费用，按内部收益率法复利计算）为3.87%，单利3.80%。",
        "您的每期还款额将随之变化",
        "重定价日以借款合同的约定为准",
        "共36期",
        "本笔贷款150,000.00元未超过该标准，可由您自主支付",
        "不得用于证券（股票、基金等）投资、期货交易或房地产投机炒作",
        "罚息=逾期本金3,940.26×5.70%÷360×30=18.72元，复利=逾期利息475.00×5.70%÷360×30=2.26元，两项合计20.98元",
        "本行有权宣布贷款提前到期",
        "第1期逾期时未还本金为150,000.00元",
        "可随时提前还款，不收违约金。",
        "400-123-4567",
        "金融消费者投诉热线12378",
    ):
        assert phrase in text, phrase
    assert "依法处置" not in text and option["collateral_terms"] is None  # 信用贷 is unsecured
    assert proposal.content["grade"] == "B"  # kept for staff, printed nowhere
    for internal in ("风险等级", "B级", "（B）", "评分", "600.00"):
        assert internal not in text, internal
    client.force_login(org.cm_a)
    page = re.sub(r"<[^>]+>", " ", client.get(f"/solutions/proposals/{proposal.pk}/").content.decode())
    assert "12378" in page and "400-123-4567" in page
    assert "风险等级" not in page and "关注类" not in page and "至多" not in page


def test_a_secured_option_says_what_happens_to_the_collateral(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["DYD"])
    text = pdf_text(bytes(proposal.pdf))
    assert "本贷款以住宅作抵押担保。如您未按约定还款或贷款被宣布提前到期，本行有权依法处置抵押物" in text


def test_a_version_1_proposal_still_shows_and_reprints(client, org, small_catalogue, li, li_graded):
    """A snapshot stored before version 2 has none of its keys: the page draws it as it was issued, and the
    reprint is its stored PDF byte for byte."""
    proposal = services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    old = dict(proposal.content, content_version=1)
    old.pop("complaint")
    old["disclosures"] = [
        *old["disclosures"],
        "按《商业银行金融资产风险分类办法》，贷款逾期 1–90 天至多为关注类。",
    ]
    old["options"] = [
        {
            k: v
            for k, v in o.items()
            if k not in {"rate_terms", "schedule_terms", "use_of_funds", "late_payment", "collateral_terms"}
        }
        for o in old["options"]
    ]
    Proposal.objects.filter(pk=proposal.pk).update(content=old)
    client.force_login(org.cm_a)
    response = client.get(f"/solutions/proposals/{proposal.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "逾期还款" in html and "咨询与投诉" not in html
    assert "风险溢价 80 个基点。" in html  # the v1 rate sentence, less the internal grade
    assert "风险等级 B" not in html and "（风险等级" not in html and "至多" not in html
    assert client.get(f"/solutions/proposals/{proposal.pk}/pdf/").content == bytes(proposal.pdf)


def test_the_cms_note_is_printed_after_the_compliance_guard(org, small_catalogue, li, li_graded):
    proposal = services.proposal_create(
        actor=org.cm_a,
        customer_id=li.pk,
        products=["XYD"],
        note="材料齐全后约 5 个工作日完成审批，有问题随时找我。",
    )
    assert proposal.content["cm_note"].startswith("材料齐全后")
    assert "客户经理说明：材料齐全后约5个工作日完成审批" in pdf_text(bytes(proposal.pdf))


@pytest.mark.parametrize(
    ("note", "code"),
    [("放心，包过，三天放款。", "compliance_blocked"), ("说" * 301, "proposal_note_too_long")],
)
def test_a_forbidden_or_too_long_note_stores_nothing(org, small_catalogue, li, li_graded, note, code):
    with pytest.raises(DomainError) as refused:
        services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"], note=note)
    assert refused.value.code == code
    assert_nothing_stored()
    assert ComplianceCheck.objects.filter(blocked=True, channel="proposal").count() == (
        code == "compliance_blocked"
    )
