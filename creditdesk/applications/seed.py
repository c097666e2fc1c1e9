"""Demo loan applications (贷款申请): about thirty applications of the demo customers, spread over what a
branch holds on an ordinary day — drafts being prepared (some with the checklist half done), applications
waiting for the team lead, under review with an approver (two past their SLA), one at the 贷审会 with two
of its three votes, returned saying what is missing, rejected with reason codes, approved with conditions
or with changed terms, one with a rate concession granted by the branch head, one 组合贷 (公积金 +
商业), contracts signed (three with the 放款审核 passed, ready for the money), and one withdrawn (issue
15; README: ``make demo`` loads realistic demo data). Paying out is the loans app's (a higher layer:
applications never names loans, CONVENTIONS.md), so disbursement is its seeder's, run after this one.

Every step is the real service, in the order a branch does it: 征信 authorization and inquiry,
``application_create``, the CM's investigation (``application_update``), 联网核查, each checklist item
uploaded and verified, ``application_submit``, each level's ``application_decide`` (or the committee's
``committee_vote``), 面签 (``interview_record``), ``contract_sign`` and the 放款审核 (``conditions_check``)
— so the data obeys every rule the services enforce (审贷分离,
maker-checker, authority, concession matrix, documents). The one direct write is the SLA due time of two
approval steps, moved into the past (``_past_sla``): a seed cannot wait a day.

Amounts, terms and methods are within each product's range; customers are the demo CMs' own (manager1's
first, so the demo logins manager1 → lead1 → approver1 → risk1 → head1 see a full day), never 张三, 李四,
王五 nor 老王家常菜馆 / 王建国, left for a person to work in the demo. Reproducible: fixed seed.

Idempotent: does nothing when any application exists.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import Recommendation, Status
from creditdesk.applications.models import Application, ApprovalStep
from creditdesk.applications.routing import Level, Outcome
from creditdesk.applications.services import application as application_services
from creditdesk.applications.services import approval, documents, signing
from creditdesk.consents import services as consent_services
from creditdesk.consents.choices import ConsentChannel, ConsentKind, Purpose
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.models import Customer
from creditdesk.customers.seed import FIXED_NAMES, WANG, WANG_SHOP
from creditdesk.scoring.models import Assessment

SEED = 20261206
HUNDRED = Decimal(100)
PDF_HEAD = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
)
PDF_TAIL = b"trailer<</Root 1 0 R>>\n%%EOF\n"
LEFT_ALONE = (*FIXED_NAMES, WANG, WANG_SHOP)


# --- the plan --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    product: str
    amount: str
    term: int
    method: str = "equal_installment"


@dataclass(frozen=True)
class Case:
    """One demo application: whose CM, what kind of borrower, what is asked, and how far it gets."""

    stage: str
    manager: str
    kind: str  # the borrower's customer kind
    purpose: str
    loans: tuple[Ask, ...]
    extra: dict[str, Any] = field(default_factory=dict)


def _one(product: str, amount: str, term: int, method: str = "equal_installment") -> tuple[Ask, ...]:
    return (Ask(product, amount, term, method),)


IND, IB, ENT = "individual", "individual_business", "enterprise"
WC = "business_working_capital"
CASES: tuple[Case, ...] = (
    # drafts: just created (investigation started), half the checklist, everything ready but not submitted
    Case("draft", "manager1", IND, "consumption", _one("GXED", "80000.00", 24)),
    Case("draft", "manager7", IND, "renovation", _one("JZFQ", "150000.00", 36)),
    Case("draft_half", "manager1", IB, WC, _one("XWKD", "300000.00", 12, "interest_only")),
    Case("draft_half", "manager8", IND, "car_purchase", _one("QCXFD", "180000.00", 36)),
    Case("draft_half", "manager16", IND, "medical", _one("GXED", "50000.00", 12)),
    Case("draft_ready", "manager2", IND, "education", _one("GJJXD", "200000.00", 36, "equal_principal")),
    # submitted, waiting for the team lead's recommendation
    Case("submitted", "manager1", IND, "renovation", _one("GXED", "120000.00", 36)),
    Case("submitted", "manager3", ENT, WC, _one("XWKD", "500000.00", 12, "interest_only")),
    Case("submitted", "manager6", IND, "renovation", _one("FDXFD", "400000.00", 60, "equal_principal")),
    Case("submitted", "manager12", IB, "equipment", _one("DBBZD", "800000.00", 24)),
    # under review: with the approver (two past the SLA), with the senior approver, at the committee
    Case("review", "manager1", IND, "wedding", _one("GXED", "200000.00", 36)),
    Case("review_overdue", "manager2", IB, WC, _one("XWKD", "450000.00", 12, "interest_only")),
    Case("review_overdue", "manager9", IND, "renovation", _one("JZFQ", "260000.00", 60)),
    Case("review_senior", "manager4", IB, WC, _one("FDJYD", "480000.00", 36, "interest_only")),
    Case("review", "manager14", ENT, "equipment", _one("FDJYD", "900000.00", 36, "equal_principal")),
    Case("committee", "manager13", ENT, WC, _one("FDJYD", "5000000.00", 36, "interest_only")),
    # returned for supplement, saying what is missing
    Case("returned_lead", "manager2", IND, "travel", _one("GXED", "150000.00", 24)),
    Case("returned", "manager5", IB, WC, _one("XWKD", "350000.00", 12, "interest_only")),
    Case("returned", "manager17", IND, "car_purchase", _one("QCXFD", "220000.00", 60)),
    # rejected with reason codes
    Case(
        "rejected", "manager3", IND, "consumption", _one("GXED", "280000.00", 36), {"reasons": ["capacity"]}
    ),
    Case(
        "rejected",
        "manager10",
        IND,
        "education",
        _one("GJJXD", "300000.00", 60),
        {"reasons": ["credit_history", "capacity"]},
    ),
    Case("rejected", "manager15", ENT, WC, _one("XWKD", "900000.00", 12), {"reasons": ["policy", "purpose"]}),
    # approved with conditions; a rate concession the branch head grants; a 组合贷
    Case("approved", "manager1", IND, "renovation", _one("JZFQ", "180000.00", 48)),
    Case(
        "concession",
        "manager2",
        IB,
        WC,
        _one("XWKD", "400000.00", 12, "interest_only"),
        {"concession_bp": 35},
    ),
    Case(
        "approved",
        "manager6",
        IND,
        "home_purchase",
        (Ask("GJJDK", "300000.00", 240), Ask("SYZFDK", "150000.00", 240)),
        {"kind": "combination"},
    ),
    # approved with changes: the approver lowers the amount
    Case("changed", "manager7", IND, "consumption", _one("GXED", "300000.00", 36), {"amount": "200000.00"}),
    Case("changed", "manager11", IB, WC, _one("XWKD", "700000.00", 12), {"amount": "500000.00"}),
    # contract signed, waiting for the 放款审核 and the money
    Case("signed", "manager1", IND, "consumption", _one("GXED", "100000.00", 24)),
    Case("signed", "manager18", IND, "renovation", _one("JZFQ", "120000.00", 36)),
    # signed and 放款审核 passed by the branch's risk manager: ready for the money (``loans.seed`` pays
    # them out: 自主支付 below the threshold, 受托支付 to the car dealer)
    Case("checked", "manager1", IND, "education", _one("GXED", "60000.00", 12)),
    Case("checked", "manager8", IND, "car_purchase", _one("QCXFD", "160000.00", 36)),
    Case("checked", "manager3", IB, WC, _one("XWKD", "300000.00", 12, "interest_only")),
    # withdrawn by the CM: the customer took another bank's offer
    Case("withdrawn", "manager9", IND, "consumption", _one("GXED", "50000.00", 12)),
)


# --- what the CM writes -------------------------------------------------------------------------------------

PURPOSE_TEXT = {
    "consumption": "家庭大额消费（家电家具更新）",
    "renovation": "自住房屋装修",
    "education": "子女出国留学学费及生活费",
    "medical": "家人住院手术及康复费用",
    "travel": "家庭出境旅游",
    "wedding": "子女婚礼筹办",
    "car_purchase": "购买家用轿车",
    "home_purchase": "购买首套自住商品房",
    WC: "日常经营周转（备货、支付货款及工资）",
    "equipment": "购置生产经营设备",
}
RISK_POINTS_PERSON = (
    "借款人现有信用卡使用率偏高，需关注其消费习惯；",
    "借款人单位属民营企业，收入受经营情况影响有一定波动；",
    "近 6 个月征信查询次数较多，经询问系比较各行贷款利率所致；",
    "借款人工作年限较短，收入增长可期但稳定性有待观察；",
)
RISK_POINTS_BUSINESS = (
    "下游客户集中度较高，前两大客户占销售额约 45%，存在回款风险；",
    "行业季节性明显，旺季备货资金需求大，淡季现金流偏紧；",
    "经营场所为租赁，租期剩余约 2 年，需关注续租情况；",
    "实际控制人个人另有经营性贷款，需关注关联负债；",
)
CONDITIONS_PERSON = (
    "放款前核验借款人单位收入证明原件",
    "贷款资金不得用于购房、证券及理财投资，放款后 30 日内提供用途凭证",
)
CONDITIONS_BUSINESS = (
    "放款前提供近 3 个月增值税纳税申报表",
    "实际控制人提供个人连带责任保证",
    "贷款资金用于日常经营周转，按季提供资金用途凭证",
)
CONDITIONS_HOME = ("办妥所购房产抵押预告登记", "核验首付款银行转账凭证原件")
CONDITIONS_CAR = ("放款后 30 日内办妥车辆抵押登记",)


def _money(text: str) -> Decimal:
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def _yuan(value: Decimal | int) -> str:
    return f"{Decimal(value).quantize(Decimal(1)):,}"


def _monthly_payment(amount: Decimal, annual_rate: Decimal, term: int, method: str) -> Decimal:
    """The first month's payment, roughly as the CM estimates it in the report."""
    r = annual_rate / HUNDRED / 12
    if method == "interest_only":
        return amount * r
    if method == "equal_principal":
        return amount / term + amount * r
    if r == 0:
        return amount / term
    return amount * r / (1 - (1 + r) ** -term)


def _coverage_words(cover: Decimal) -> str:
    if cover >= Decimal("1.5"):
        return "第一还款来源充足"
    if cover >= 1:
        return "第一还款来源基本覆盖本息，安全边际不足"
    return "第一还款来源不能覆盖本息，需依赖第二还款来源"


def _investigation(rng: random.Random, application: Application, case: Case) -> dict[str, str]:
    """贷前调查: site visit, business observations, cash flow, risk points, recommendation and the text."""
    customer = application.customer
    parts = list(application.parts.order_by("position"))
    total = sum((p.amount for p in parts), Decimal(0))
    payment = sum(
        (_monthly_payment(Decimal(p.amount), Decimal(p.annual_rate), p.term_months, p.method) for p in parts),
        Decimal(0),
    )
    income = _money(customer.monthly_income)
    debts = _money(customer.monthly_debt_payments)
    visit = timezone.localdate() - timedelta(days=rng.randrange(2, 9))
    business = customer.kind != IND
    if business:
        revenue = _money(customer.annual_revenue) or income * 12 * rng.randint(4, 8)
        employees = customer.employees or rng.randint(6, 60)
        area = rng.choice((120, 260, 450, 800, 1500))
        site = (
            f"{visit:%Y年%m月%d日}客户经理与团队同事双人实地走访借款人经营场所"
            f"（{customer.address_business or customer.address_residential or '经营地址'}），"
            f"场地面积约 {area} 平方米，现场员工 {employees} 人左右，生产经营正常，库存商品摆放有序；"
            "与实际控制人面谈，核实营业执照、经营许可及主要上下游合同原件。"
        )
        founded = f"成立于{customer.founding_date:%Y年}" if customer.founding_date else "经营多年"
        observations = (
            f"借款人所属行业：{customer.industry or '批发零售'}，{founded}"
            f"，近一年营业收入约 {_yuan(revenue)} 元，纳税信用等级 {customer.tax_credit_grade or 'B'}；"
            "主要客户为本地商超及企业客户，账期 30–60 天，近 12 个月经营流水与申报收入基本匹配。"
        )
        net = income if income * 12 >= revenue / 20 else (revenue / 12 / 10).quantize(Decimal(1))
        method = parts[0].get_method_display()
        if parts[0].method == "interest_only":
            repay = (
                f"按{method}测算月付息约 {_yuan(payment)} 元，到期归还本金 {_yuan(total)} 元"
                "（还本来源为经营积累及销售回款）"
            )
        else:
            repay = f"按{method}测算月供约 {_yuan(payment)} 元"
        cover = (net / max(payment + debts, Decimal(1))).quantize(Decimal("0.1"))
        cash = (
            f"按近 12 个月经营流水测算月均经营净现金流约 {_yuan(net)} 元，现有月还款约 {_yuan(debts)} 元；"
            f"本笔 {_yuan(total)} 元、{parts[0].term_months} 个月，{repay}，月均净现金流对本息的覆盖倍数约"
            f" {cover} 倍，{_coverage_words(cover)}。"
        )
        risks = "".join(rng.sample(RISK_POINTS_BUSINESS, 2))
        strained = cover < Decimal("1.2")
    else:
        years = rng.randint(2, 15)
        site = (
            f"{visit:%Y年%m月%d日}在本行营业网点与借款人面谈，并电话核实其在"
            f"{customer.employer or '现单位'}任职（{customer.occupation or '职员'}，工作约 {years} 年）；"
            f"走访居住地（{customer.address_residential or '现住址'}），邻里反映居住稳定。"
        )
        observations = (
            f"借款人就职于{customer.industry or '服务业'}行业，单位经营正常、按月代发工资；"
            f"贷款用途为{PURPOSE_TEXT.get(case.purpose, case.purpose)}，已查看相关合同或报价单。"
        )
        after = debts + payment
        dti = (after / income * HUNDRED).quantize(Decimal(1)) if income else Decimal(0)
        cash = (
            f"借款人税后月收入约 {_yuan(income)} 元（工资流水核实），现有月还款 {_yuan(debts)} 元；"
            f"本笔 {_yuan(total)} 元、{parts[0].term_months} 期，月供约 {_yuan(payment)} 元，"
            f"还款后负债收入比约 {dti}%。"
        )
        risks = "".join(rng.sample(RISK_POINTS_PERSON, 2))
        strained = dti > 55
    if strained:
        risks += "还款后月还款额占收入比重偏高，还款能力偏弱；"
        recommendation = Recommendation.WITH_CONDITIONS.value
        conclusion = "借款人还款意愿良好，但还款能力偏弱，建议审慎审批，落实增信措施后发放。"
    else:
        recommendation = rng.choice((Recommendation.RECOMMEND, Recommendation.WITH_CONDITIONS)).value
        conclusion = "借款人还款意愿和还款能力基本可靠，" + (
            "建议按申请条件发放。" if recommendation == "recommend" else "建议落实相关条件后发放。"
        )
    text = (
        f"经调查，借款人{customer.name}申请{PURPOSE_TEXT.get(case.purpose, case.purpose)}贷款"
        f" {_yuan(total)} 元。{site}{observations}{cash}主要风险：{risks}综合评估，{conclusion}"
    )
    return {
        "purpose_detail": PURPOSE_TEXT.get(case.purpose, case.purpose),
        "site_visit_notes": site,
        "business_observations": observations,
        "cash_flow_analysis": cash,
        "risk_points": risks,
        "recommendation": recommendation,
        "investigation_text": text,
    }


def _conditions(case: Case) -> list[str]:
    if case.purpose == "home_purchase":
        return list(CONDITIONS_HOME)
    if case.purpose == "car_purchase":
        return [*CONDITIONS_CAR, CONDITIONS_PERSON[0]]
    if case.kind != IND:
        return list(CONDITIONS_BUSINESS[:2])
    return list(CONDITIONS_PERSON)


# --- the steps, each through its service --------------------------------------------------------------------


def _pdf(name: str, salt: str) -> SimpleUploadedFile:
    body = PDF_HEAD + f"% {salt}\n".encode() + PDF_TAIL
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def _inquiry(cm: User, customer: Customer, today: date) -> Any:
    """The 征信 inquiry for the application, under the customer's written authorization in force (one is
    recorded, with its scanned evidence, when the customer has none)."""
    try:
        return consent_services.credit_inquiry_request(
            actor=cm, customer_id=customer.pk, purpose=Purpose.LOAN_REVIEW
        )
    except DomainError as exc:
        if exc.code not in ("no_valid_consent", "consent_not_written"):
            raise
    signed_on = today - timedelta(days=3)
    consent_services.consent_record(
        actor=cm,
        customer_id=customer.pk,
        kind=ConsentKind.CREDIT_INQUIRY,
        purpose=Purpose.LOAN_REVIEW,
        signed_on=signed_on,
        valid_until=signed_on + timedelta(days=360),
        channel=ConsentChannel.PAPER,
        evidence=_pdf("征信查询授权书.pdf", f"consent-{customer.pk}"),
    )
    return consent_services.credit_inquiry_request(
        actor=cm, customer_id=customer.pk, purpose=Purpose.LOAN_REVIEW
    )


def _create(cm: User, customer: Customer, case: Case, inquiry: Any, today: date) -> Application:
    grade = application_services.grade_of(customer)  # the grade the service prices at
    parts = []
    for loan in case.loans:
        rate = None
        if case.extra.get("concession_bp"):
            # a rate below the product's price for the grade: the concession the approval must grant
            version = application_services.current_version(loan.product)
            asked = application_services.PartInput(loan.product, Decimal(loan.amount), loan.term, loan.method)
            priced, _breakdown = application_services.price_on_the_day(version.as_spec(), grade, asked, today)
            rate = priced - Decimal(case.extra["concession_bp"]) / HUNDRED
        parts.append(
            application_services.PartInput(
                product_code=loan.product,
                amount=Decimal(loan.amount),
                term_months=loan.term,
                method=loan.method,
                annual_rate=rate,
            )
        )
    return application_services.application_create(
        actor=cm,
        customer_id=customer.pk,
        purpose=case.purpose,
        purpose_detail=PURPOSE_TEXT.get(case.purpose, ""),
        parts=parts,
        kind=case.extra.get("kind", "new"),
        credit_inquiry_id=inquiry.pk,
    )


def _verify_identity(cm: User, application: Application, rng: random.Random, today: date) -> None:
    """联网核查 of every party, on an ID valid for years yet."""
    for party in application.parties.all():
        signing.identity_check_record(
            actor=cm,
            application_id=application.pk,
            customer_id=party.customer_id,
            result="match",
            reference=f"GA{today:%Y%m%d}{party.customer_id:07d}",
            id_expires_on=today + timedelta(days=rng.randrange(400, 3650)),
        )


def _documents(
    cm: User, application: Application, rng: random.Random, today: date, share: float = 1.0
) -> None:
    """Upload and verify the checklist's items (the first ``share`` of them; of a half-done checklist the
    last one uploaded still waits for 核验)."""
    items = [
        item
        for item in application.checklist.order_by("position")
        if item.customer_id is not None and item.document_id is None
    ]
    todo = items[: max(1, int(len(items) * share))] if share < 1 else items
    for n, item in enumerate(todo, start=1):
        document = documents.document_upload(
            actor=cm,
            customer_id=item.customer_id or 0,  # the items chosen name a customer
            kind=item.kind,
            file=_pdf(f"{item.kind}.pdf", f"{application.number}-{item.pk}"),
            issued_on=today - timedelta(days=rng.randrange(3, 40)),
            valid_until=today + timedelta(days=rng.randrange(400, 3650)) if item.must_be_unexpired else None,
            application_id=application.pk,
            item_id=item.pk,
        )
        if share < 1 and n == len(todo):
            continue
        if document.verified_at is None:
            documents.document_verify(actor=cm, document_id=document.pk)


# A draft just started: the site visit written up, the analysis and the conclusion still to come.
STARTED = ("purpose_detail", "site_visit_notes", "business_observations")


def _prepare(cm: User, customer: Customer, case: Case, rng: random.Random, today: date) -> Application:
    inquiry = _inquiry(cm, customer, today)
    application = _create(cm, customer, case, inquiry, today)
    report = _investigation(rng, application, case)
    if case.stage == "draft":
        report = {name: text for name, text in report.items() if name in STARTED}
    application_services.application_update(actor=cm, application_id=application.pk, data=report)
    return application


def _ready(cm: User, application: Application, rng: random.Random, today: date) -> None:
    _verify_identity(cm, application, rng, today)
    _documents(cm, application, rng, today)


def _submit(cm: User, application: Application, case: Case) -> Application:
    reason = ""
    if case.extra.get("concession_bp"):
        reason = "客户为本行代发工资企业上下游核心商户，他行报价低 40 个基点，为维护客户关系申请利率优惠"
    return approval.application_submit(actor=cm, application_id=application.pk, concession_reason=reason)


LEVEL_COMMENTS = {
    Level.TEAM_LEAD: "已复核调查报告及资料，借款人情况属实，同意推荐。",
    Level.BRANCH_HEAD: "同意给予利率优惠，优惠理由充分、在本人授权范围内。",
    Level.APPROVER: "经审查，借款人第一还款来源充足，风险可控，同意提交上级审批。",
    Level.SENIOR_APPROVER: "同意。",
}


def _step(application: Application) -> ApprovalStep:
    application.refresh_from_db()
    return approval.current_step(application)


def _is_last(step: ApprovalStep) -> bool:
    return not step.application.steps.filter(round=step.round, position__gt=step.position).exists()


def _decide(application: Application, outcome: str, **kwargs: Any) -> None:
    step = _step(application)
    kwargs.setdefault("comment", LEVEL_COMMENTS.get(Level(step.level), ""))
    if step.level == Level.BRANCH_HEAD and outcome in ("recommend", "approve"):
        kwargs.setdefault("concession_reason", "优质存量客户，综合贡献度高，同业竞争报价较低")
    assert step.assigned_to is not None, "the level has a person (a committee votes instead)"
    approval.application_decide(
        actor=step.assigned_to, application_id=application.pk, outcome=outcome, **kwargs
    )


def _recommend_until(application: Application, stop: Callable[[ApprovalStep], bool]) -> ApprovalStep:
    """Each level recommends until the level ``stop`` picks (or the last one) is reached."""
    while True:
        step = _step(application)
        if stop(step) or _is_last(step):
            return step
        _decide(application, Outcome.RECOMMEND)


def _at(level: Level) -> Callable[[ApprovalStep], bool]:
    return lambda step: step.level == level


def _last(step: ApprovalStep) -> bool:
    return False


def _past_sla(application: Application, hours: int) -> None:
    """THE ONE DIRECT WRITE of the seed: the SLA due time of the level the application waits at, moved
    ``hours`` into the past, so that the approver's and the CM's workbench show overdue approvals as a
    real branch has them — a seed cannot wait a day for the SLA to lapse, and no service moves a due
    time. Nothing else changes (status, assignee, stage events stay as the services wrote them)."""
    step = _step(application)
    ApprovalStep.objects.filter(pk=step.pk).update(due_at=timezone.now() - timedelta(hours=hours))


def _approve(application: Application, case: Case) -> None:
    _recommend_until(application, _last)
    changes: list[dict[str, Any]] = []
    if "amount" in case.extra:
        part = application.parts.order_by("position").first()
        assert part is not None
        changes = [{"part": part.pk, "amount": case.extra["amount"]}]
    _decide(
        application,
        Outcome.APPROVE_WITH_CHANGES if changes else Outcome.APPROVE,
        comment="经审查，同意调减金额后发放。" if changes else "同意按申请条件发放，落实放款条件后放款。",
        conditions=_conditions(case),
        changes=changes,
    )


def _sign(cm: User, application: Application, witness: str, today: date) -> None:
    for party in application.parties.filter(role__in=signing.INTERVIEWED):
        signing.interview_record(
            actor=cm,
            application_id=application.pk,
            customer_id=party.customer_id,
            kind="face_to_face",
            held_at=timezone.now() - timedelta(minutes=30),
            place="本支行二楼面签室",
            second_witness=witness,
        )
    signing.contract_sign(actor=cm, application_id=application.pk, value_date=today, place="本支行二楼面签室")


def _branch_of(cm: User) -> int:
    assert cm.branch_id is not None, "a CM belongs to a branch (through the team)"
    return cm.branch_id


def _risk_manager(cm: User) -> User:
    person = User.objects.filter(role=Role.RISK_MANAGER, branch_id=_branch_of(cm), is_active=True).order_by(
        "pk"
    )
    found = person.first()
    assert found is not None, "no risk manager in the branch"
    return found


def _check_conditions(cm: User, application: Application) -> None:
    application.refresh_from_db()
    signing.conditions_check(
        actor=_risk_manager(cm),
        application_id=application.pk,
        items=[{"condition": c, "met": True, "note": "已核验原件，落实。"} for c in application.conditions],
    )


# --- one case from start to where it stops ------------------------------------------------------------------


RETURN_MISSING = {
    "returned_lead": ["近 6 个月工资流水缺少 9 月份，请补充完整", "收入证明未加盖单位公章，请重新出具"],
    "returned": [
        "补充近 12 个月经营流水中大额进账（单笔 20 万元以上）的交易背景说明",
        "补充主要上下游购销合同",
    ],
}
RETURN_MISSING_CAR = ["补充购车合同对应的首付款支付凭证", "借款人配偶签署的知晓声明"]


def _play(case: Case, cm: User, customer: Customer, witness: str, rng: random.Random, today: date) -> None:
    application = _prepare(cm, customer, case, rng, today)
    stage = case.stage
    if stage == "draft":
        return
    if stage == "draft_half":
        _verify_identity(cm, application, rng, today)
        _documents(cm, application, rng, today, share=0.5)
        return
    _ready(cm, application, rng, today)
    if stage == "draft_ready":
        return
    if stage == "withdrawn":
        application_services.application_withdraw(
            actor=cm, application_id=application.pk, reason="客户已获他行同类贷款，主动放弃本次申请"
        )
        return
    _submit(cm, application, case)
    if stage == "submitted":
        return
    if stage in ("review", "review_overdue"):
        _recommend_until(application, _at(Level.APPROVER))
        if stage == "review_overdue":
            _past_sla(application, hours=rng.choice((6, 30)))
        return
    if stage == "review_senior":
        _recommend_until(application, _at(Level.SENIOR_APPROVER))
        return
    if stage == "committee":
        step = _recommend_until(application, _at(Level.COMMITTEE))
        voters = User.objects.filter(branch_id=_branch_of(cm), role__in=(Role.APPROVER, Role.RISK_MANAGER))
        decided = set(step.application.decisions.values_list("decided_by_id", flat=True))
        for member in voters.exclude(pk__in=decided).order_by("role", "pk")[: max(step.quorum - 1, 1)]:
            approval.committee_vote(
                actor=member,
                application_id=application.pk,
                vote="approve",
                comment="抵押物足值、经营稳定，同意。",
            )
        return
    if stage in RETURN_MISSING:
        level = Level.TEAM_LEAD if stage == "returned_lead" else Level.APPROVER
        _recommend_until(application, _at(level))
        missing = RETURN_MISSING_CAR if case.purpose == "car_purchase" else RETURN_MISSING[stage]
        _decide(application, Outcome.RETURN, missing=missing, comment="资料不完整，退回补充。")
        return
    if stage == "rejected":
        _recommend_until(application, _at(Level.APPROVER))
        _decide(
            application,
            Outcome.REJECT,
            reason_codes=case.extra["reasons"],
            comment="经审查，借款人不符合本行授信条件，不同意发放。",
        )
        return
    _approve(application, case)
    if stage in ("approved", "concession", "changed"):
        return
    _sign(cm, application, witness, today)
    if stage == "signed":
        return
    _check_conditions(cm, application)  # 放款审核 passed: the loans seeder disburses it


# --- the run ---------------------------------------------------------------------------------------------


def _fits(customer: Customer, case: Case) -> bool:
    """Whether the customer is one a CM would bring this application for: a person whose income carries
    the payment (debts and the new payment within about half the income; the reverse for a case rejected
    for capacity), a business whose annual revenue is several times the loan."""
    total = sum((Decimal(loan.amount) for loan in case.loans), Decimal(0))
    if case.kind != IND:
        return _money(customer.annual_revenue) >= total * 3
    income = _money(customer.monthly_income)
    if income <= 0:
        return False
    loan = case.loans[0]
    payment = _monthly_payment(total, Decimal("4.5"), loan.term, loan.method)
    dti = (_money(customer.monthly_debt_payments) + payment) / income
    return dti > Decimal("0.6") if "capacity" in case.extra.get("reasons", ()) else dti <= Decimal("0.5")


def _customer(rng: random.Random, manager: User, case: Case, used: set[int]) -> Customer | None:
    """One of the CM's customers of the case's kind, not used yet, that fits the case — a pre-assessed
    person first (a CM assesses before applying) — or any of the kind when none fits."""
    people = list(
        Customer.objects.filter(owner=manager, kind=case.kind, merged_into__isnull=True)
        .exclude(name__in=LEFT_ALONE)
        .exclude(pk__in=used)
        .order_by("pk")
    )
    rng.shuffle(people)
    graded = set(Assessment.objects.filter(customer__in=people).values_list("customer_id", flat=True))
    people.sort(key=lambda c: (not _fits(c, case), c.pk not in graded))
    return people[0] if people else None


def _witness(cm: User) -> str:
    other = (
        User.objects.filter(team_id=cm.team_id or 0, role=Role.MANAGER)
        .exclude(pk=cm.pk)
        .order_by("pk")
        .first()
    )
    return other.full_name if other is not None else "双人见证"


def _summary(counts: Counter[str]) -> str:
    return "、".join(f"{s.label} {counts[s.value]}" for s in Status if counts.get(s.value))


def run(*, stdout: Any = None, cases: Sequence[Case] = CASES) -> dict[str, int]:
    if Application.objects.exists():
        if stdout is not None:
            stdout.write(f"贷款申请：已存在（共 {Application.objects.count()} 笔）")
        return {"created_applications": 0}
    managers = {u.username: u for u in User.objects.filter(username__in={c.manager for c in cases})}
    if not managers or not Customer.objects.exists():
        return {"created_applications": 0}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    today = timezone.localdate()
    used: set[int] = set()
    for case in cases:
        cm = managers.get(case.manager)
        if cm is None:
            continue
        customer = _customer(rng, cm, case, used)
        if customer is None:
            continue
        used.add(customer.pk)
        _play(case, cm, customer, _witness(cm), rng, today)
    counts = Counter(Application.objects.values_list("status", flat=True))
    created = sum(counts.values())
    with transaction.atomic():
        audit_record(
            actor=None, action="seed.applications", after={"created_applications": created, **counts}
        )
    if stdout is not None:
        stdout.write(f"贷款申请：新建 {created} 笔（{_summary(counts)}）")
    return {"created_applications": created, **{f"status_{s}": n for s, n in sorted(counts.items())}}


__all__ = ["CASES", "run"]
