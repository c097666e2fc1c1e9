"""The loans app in the generated access matrix (``creditdesk/core/testing/access.py``): the
disbursement form and API on a signed application of cm_a's 张三, a loan already booked with one
repayment and a write-off proposal of risk1 on it, and an end-of-day run left unfinished on a date long
past (so that the bank's business date stays today for every other declaration)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, SEES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid, api, page
from creditdesk.loans import services
from creditdesk.loans.models import EodRun, WriteOff
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.loans.tests.factories import make_signed_application


def build(w) -> None:
    """张三's application signed and checked by risk1 (``loan_application``), and another one already
    disbursed (``loan``) — both of cm_a."""
    version = w.product.current_version
    w.loan_application = make_signed_application(
        customer=w.customer, product_version=version, checked_by=w.risk1, amount="100000.00", term_months=24
    )
    booked = make_signed_application(
        customer=w.customer, product_version=version, checked_by=w.risk1, amount="120000.00", term_months=12
    )
    w.loan = services.loan_disburse(
        actor=w.cm_a,
        application_id=booked.pk,
        part_id=booked.parts.get().pk,
        value_date=timezone.localdate(),
        mode="self",
        payee_name="",
        payee_account="6222021234567890",
        idempotency_key="access-world",
    )
    w.repayment = repayment_post(
        actor=w.cm_a, loan_id=w.loan.pk, amount="100.00", idempotency_key="access-repayment"
    )
    # a write-off proposal by risk1 on that loan, for the branch head's decision (created as a record:
    # the loan is not NPL, and reaching NPL would need end-of-day runs that move the business date)
    w.write_off = WriteOff.objects.create(
        loan=w.loan, reason="借款人失联", proposed_by=w.risk1, proposed_at=timezone.now()
    )
    EodRun.objects.create(
        business_date=EOD_DAY, status="running", started_at=timezone.now(), report={"loans_processed": 0}
    )


EOD_DAY = date(2000, 1, 3)


def _disbursement(w, me) -> dict:
    return {
        "part": w.loan_application.parts.get().pk,
        "value_date": timezone.localdate().isoformat(),
        "mode": "self",
        "payee_account": "6222021234567890",
        "idempotency_key": "access",
    }


def _disbursement_body(w, me) -> dict:
    data = _disbursement(w, me)
    data.pop("idempotency_key")
    return data


# 放款: Action.LOAN_DISBURSE — the application's CM or the team lead; the head and risk managers see the
# application and are refused (403); anyone else 404. Exactly the rule of CHANGES.
DISBURSE = CHANGES
ON_APPLICATION = {"application_id": lambda w, me: w.loan_application.pk}


# 还款登记: Action.REPAYMENT_POST — whoever works the loan (its CM, the team lead) or a risk manager of the
# branch; the head sees the loan and is refused.
POSTS_REPAYMENT = SEES.but(
    branch_head="--FN",
    why="a repayment is recorded by whoever works the loan or by the branch's risk manager; the head reads",
)
# 冲正 and 人工认定五级分类: a risk manager of the loan's branch only (maker-checker: never the CM who
# posted it); the others who see the loan are refused (403).
RISK_OF_BRANCH = SEES.but(
    manager="FNNN",
    team_lead="-FNN",
    branch_head="--FN",
    why="reversal and classification are the branch risk manager's (maker-checker, 风险分类)",
)
# 日终: the bank's book, not a customer's — read by risk managers, branch heads and administrators
# (anyone else 403, like the other monitoring pages); run by risk managers and administrators (EOD_RUN).
EOD_READERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    branch_head=ALLOW,
    admin=ALLOW,
    why="the end-of-day reports (book by class, NPL ratio) are read by risk managers, heads and admins",
)
EOD_RUNNERS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    admin=ALLOW,
    why="an end-of-day run is started by hand only by a risk manager or an administrator (EOD_RUN)",
)
# 核销审批: Action.WRITE_OFF_DECIDE — the head of the loan's branch, never the proposer; the others who
# see the loan are refused (403).
HEAD_OF_BRANCH = SEES.but(
    manager="FNNN",
    team_lead="-FNN",
    risk_manager="--FN",
    why="a write-off is approved by the branch head, not by the risk manager who proposed it (maker-checker)",
)
FUTURE = "2999-01-01"  # refused for its date (409 / a message) after the access check: nothing runs


def _repayment(w, me) -> dict:
    return {
        "amount": "10.00",
        "value_date": timezone.localdate().isoformat(),
        "channel": "counter",
        "reference": "",
        "idempotency_key": "access-page",
    }


REPAYMENT_BODY = {"amount": "10.00", "channel": "counter"}
REASON = {"reason": "款项误入本笔贷款"}
CLASSIFY = {"risk_class": "special_mention", "reason": "借款人经营恶化"}
ON_EOD_DAY = {"day": EOD_DAY.isoformat()}


def _prepayment(w, me) -> dict:
    return {"amount": "1000.00", "keep": "term", "idempotency_key": "access-prepayment"}


PREPAYMENT_BODY = {"amount": "1000.00", "keep": "term"}
ONE_MONTH = {"months": 1}
EXTENSION = {"months": 1, "reason": "经营周转，申请展期", "financial_difficulty": False}
REFINANCE = {
    "term_months": 24,
    "method": "equal_installment",
    "reason": "借新还旧",
    "financial_difficulty": False,
}
WRITE_OFF = {"reason": "借款人失联，诉讼无可执行财产"}
APPROVE = {"decision": "approve"}
RECOVERY = {"amount": "10.00", "idempotency_key": "access-recovery"}


DECLARATIONS = [
    page("loans:customer_panel", SEES, subject="customer"),  # the 360 page's 贷款与还款 panel
    page("loans:disburse", DISBURSE, subject="loan_application", params=ON_APPLICATION),
    page(
        "loans:disburse",
        DISBURSE,
        method="POST",
        subject="loan_application",
        params=ON_APPLICATION,
        data=_disbursement,
    ),
    page("loans:list", SEES.as_list(), subject="loan", listed=lambda w: f"/loans/{w.loan.pk}/"),
    page("loans:detail", SEES, subject="loan"),
    page("loans:notice", SEES, subject="loan"),
    page("loans:notice_pdf", SEES, subject="loan"),
    api(
        "POST /api/v1/applications/{id}/disbursements/",
        DISBURSE,
        subject="loan_application",
        body=_disbursement_body,
    ),
    page("loans:repayment_new", POSTS_REPAYMENT, subject="loan"),
    page("loans:repayment_new", POSTS_REPAYMENT, method="POST", subject="loan", data=_repayment),
    page("loans:repayment_reverse", RISK_OF_BRANCH, subject="repayment"),
    page("loans:repayment_reverse", RISK_OF_BRANCH, method="POST", subject="repayment", data=REASON),
    page("loans:classify", RISK_OF_BRANCH, subject="loan"),
    page("loans:classify", RISK_OF_BRANCH, method="POST", subject="loan", data=CLASSIFY),
    # 提前结清试算、提前还款、展期、借新还旧、核销 (``views/restructuring.py``, ``api/restructuring.py``)
    page("loans:restructuring_panel", SEES, subject="loan"),
    page("loans:settlement_quote", SEES, subject="loan"),
    page("loans:prepayment", POSTS_REPAYMENT, subject="loan"),
    page("loans:prepayment", POSTS_REPAYMENT, method="POST", subject="loan", data=_prepayment),
    page("loans:extension", RISK_OF_BRANCH, subject="loan", query=ONE_MONTH),
    page("loans:extension", RISK_OF_BRANCH, method="POST", subject="loan", data=EXTENSION),
    page("loans:refinance", RISK_OF_BRANCH, subject="loan"),
    page("loans:refinance", RISK_OF_BRANCH, method="POST", subject="loan", data=REFINANCE),
    page("loans:write_off", RISK_OF_BRANCH, subject="loan"),
    page("loans:write_off", RISK_OF_BRANCH, method="POST", subject="loan", data=WRITE_OFF),
    page("loans:write_off_decide", HEAD_OF_BRANCH, subject="write_off"),
    page("loans:write_off_decide", HEAD_OF_BRANCH, method="POST", subject="write_off", data=APPROVE),
    page("loans:recovery", POSTS_REPAYMENT, subject="loan"),
    page("loans:recovery", POSTS_REPAYMENT, method="POST", subject="loan", data=RECOVERY),
    api("GET /api/v1/loans/{id}/settlement-quote/", SEES, subject="loan"),
    api("POST /api/v1/loans/{id}/prepayments/", POSTS_REPAYMENT, subject="loan", body=PREPAYMENT_BODY),
    api("GET /api/v1/loans/{id}/extension-preview/", RISK_OF_BRANCH, subject="loan", query=ONE_MONTH),
    api("POST /api/v1/loans/{id}/extensions/", RISK_OF_BRANCH, subject="loan", body=EXTENSION),
    api("POST /api/v1/loans/{id}/refinance/", RISK_OF_BRANCH, subject="loan", body=REFINANCE),
    api("POST /api/v1/loans/{id}/write-off/", RISK_OF_BRANCH, subject="loan", body=WRITE_OFF),
    api(
        "POST /api/v1/write-offs/{id}/decision/", HEAD_OF_BRANCH, subject="write_off", body={"approve": True}
    ),
    api("POST /api/v1/loans/{id}/recoveries/", POSTS_REPAYMENT, subject="loan", body={"amount": "10.00"}),
    page("loans:eod_list", EOD_READERS),
    page("loans:eod_list", EOD_RUNNERS, method="POST", data={"business_date": FUTURE}),
    page("loans:eod_detail", EOD_READERS, params=ON_EOD_DAY),
    api("GET /api/v1/loans/", SEES.as_list(), subject="loan", listed=True),
    api("GET /api/v1/loans/{id}/", SEES, subject="loan"),
    api("GET /api/v1/loans/{id}/repayment-notice/", SEES, subject="loan"),
    api("GET /api/v1/loans/{id}/schedule/", SEES, subject="loan"),
    api("GET /api/v1/loans/{id}/repayments/", SEES, subject="loan"),
    api("POST /api/v1/loans/{id}/repayments/", POSTS_REPAYMENT, subject="loan", body=REPAYMENT_BODY),
    api("POST /api/v1/repayments/{id}/reversal/", RISK_OF_BRANCH, subject="repayment", body=REASON),
    api("POST /api/v1/loans/{id}/classification/", RISK_OF_BRANCH, subject="loan", body=CLASSIFY),
    api("GET /api/v1/loans/{id}/classification-history/", SEES, subject="loan"),
    api("GET /api/v1/loans/{id}/snapshots/", SEES, subject="loan"),
    api("GET /api/v1/eod-runs/", EOD_READERS),
    api("POST /api/v1/eod-runs/", EOD_RUNNERS, body={"business_date": FUTURE}),
    api("GET /api/v1/eod-runs/{date}/", EOD_READERS, params={"date": EOD_DAY.isoformat()}),
]
