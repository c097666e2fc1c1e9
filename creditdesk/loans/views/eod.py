"""Pages of the end of day (日终批处理): the runs, one run's report as tables, and a form to run the next
business date by hand (the scheduler normally runs it: ``creditdesk eod``).

Who reads them: risk managers, branch heads and administrators (the report is the bank's book — the
class of every balance, the NPL ratio — not one customer's); anyone else is refused (403, like the other
configuration and monitoring pages). Who runs one: ``Action.EOD_RUN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, parse_decimal
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.finance.classification import RiskClass
from creditdesk.ledger.chart import Account, Side
from creditdesk.loans import selectors
from creditdesk.loans.choices import EodStatus
from creditdesk.loans.forms import EodRunForm
from creditdesk.loans.models import EodRun
from creditdesk.loans.services.calendar import business_date
from creditdesk.loans.services.eod import eod_run


def require_eod_reader(user: Any) -> None:
    """403 unless the person may read the end-of-day reports (``Action.EOD_READ``)."""
    refused = policy.refusal(user, Action.EOD_READ)
    if refused is not None:
        raise PermissionDenied(refused.message)


def parse_day(text: str) -> date:
    """A business date of a URL (YYYY-MM-DD); 404 when it is not one."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


# --- the report as tables -------------------------------------------------------------------------------

# the work counts of a report, in the order the steps do them
COUNTS = (
    ("loans_processed", gettext_noop("处理贷款笔数")),
    ("entries_posted", gettext_noop("记账凭证数")),
    ("turned_overdue", gettext_noop("新转逾期笔数")),
    ("closed", gettext_noop("结清笔数")),
    ("reclassified", gettext_noop("分类变动笔数（逐笔）")),
    ("borrower_floor_borrowers", gettext_noop("借款人层面不良（>10%）户数")),
    ("borrower_floor_changes", gettext_noop("借款人层面分类变动笔数")),
    ("classification_changes", gettext_noop("当日五级分类变动记录")),
    ("reminders", gettext_noop("还款提醒（短信）条数")),
    ("snapshots", gettext_noop("日终快照笔数（当日有变动的贷款）")),
    ("reconciled_loans", gettext_noop("对账贷款笔数")),
)
STEP_LABELS = {
    "reprice": gettext_noop("利率重定价"),
    "loans": gettext_noop("计息、账务与分类"),
    "borrower_floor": gettext_noop("借款人层面分类"),
    "reminders": gettext_noop("还款提醒"),
    "snapshot": gettext_noop("日终快照"),
    "reconcile": gettext_noop("对账"),
    "report": gettext_noop("生成报告"),
}


def _decimal(value: Any) -> Decimal:
    try:
        return parse_decimal(value)
    except (ValueError, TypeError):
        return ZERO


@dataclass(frozen=True)
class ClassRow:
    label: str
    npl: bool
    count: int
    balance: Decimal


def report_tables(run: EodRun) -> dict[str, Any]:
    """What the run report (JSON) says, as rows the page shows."""
    report = run.report or {}
    counts = [(_(label), report[key]) for key, label in COUNTS if key in report]
    postings = [
        {
            "account": _(Account.label_of(row.get("account", ""))),
            "side": _(Side.label_of(row.get("side", ""))),
            "amount": _decimal(row.get("amount")),
        }
        for row in report.get("postings", [])
    ]
    by_class = report.get("by_class", {})
    classes = [
        ClassRow(
            _(member.label),
            member.is_npl,
            int(by_class.get(member.value, {}).get("count", 0)),
            _decimal(by_class.get(member.value, {}).get("balance", "0")),
        )
        for member in RiskClass
    ]
    mismatches = [
        {
            "number": row.get("number", ""),
            "loan_id": row.get("loan_id"),
            "account": _(Account.label_of(row.get("account", ""))),
            "sub_ledger": _decimal(row.get("sub_ledger")),
            "ledger": _decimal(row.get("ledger")),
        }
        for row in report.get("mismatches", [])
    ]
    return {
        "counts": counts,
        "postings": postings,
        "classes": classes,
        "book_balance": _decimal(report.get("book_balance")),
        "npl_balance": _decimal(report.get("npl_balance")),
        "npl_ratio": report.get("npl_ratio"),
        "overdue_loans": report.get("overdue_loans"),
        "overdue_balance": _decimal(report.get("overdue_balance")),
        "mismatches": mismatches,
        "mismatch_count": report.get("mismatch_count"),
        "day_debits": _decimal(report.get("day_debits")),
        "day_credits": _decimal(report.get("day_credits")),
        "day_balanced": report.get("day_balanced"),
        "reminders": report.get("reminders"),
        "steps": [
            (_(label), name in run.steps, report.get("step_seconds", {}).get(name))
            for name, label in STEP_LABELS.items()
        ],
    }


# --- pages --------------------------------------------------------------------------------------------


def _run(request: HttpRequest, form: EodRunForm) -> None:
    """Run the date of the form and say what happened (a refusal is a message, not an error page)."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    day = form.cleaned_data["business_date"]
    try:
        run = eod_run(business_date=day, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return
    if run.status == EodStatus.DONE:
        messages.success(
            request,
            _("%(date)s 的日终已完成：处理贷款 %(n)s 笔，对账差异 %(m)s 笔。")
            % {
                "date": day.isoformat(),
                "n": run.report.get("loans_processed", 0),
                "m": run.report.get("mismatch_count", 0),
            },
        )
    else:
        messages.warning(request, _("%(date)s 的日终尚未完成，请再次运行。") % {"date": day.isoformat()})


@login_required
@require_http_methods(["GET", "POST"])
def eod_list(request: HttpRequest) -> HttpResponse:
    """日终批处理: the runs, newest first, and (for whoever may run one) the form to run the next date."""
    require_eod_reader(request.user)
    if request.method == "POST":
        with refusals_as_http():
            policy.require(request.user, Action.EOD_RUN)
        _run(request, EodRunForm(request.POST))
        return redirect("loans:eod_list")
    page = paginate(request, selectors.eod_runs())
    can_run = policy.can(request.user, Action.EOD_RUN)
    form = EodRunForm(initial={"business_date": business_date()}) if can_run else None
    return render(request, "loans/eod_list.html", {"page": page, "form": form, "can_run": can_run})


@login_required
@require_GET
def eod_detail(request: HttpRequest, day: str) -> HttpResponse:
    """One run's report: work done, postings by account and side, the book by class, reconciliation."""
    require_eod_reader(request.user)
    run = selectors.eod_run_get(parse_day(day))
    return render(request, "loans/eod_detail.html", {"run": run, **report_tables(run)})
