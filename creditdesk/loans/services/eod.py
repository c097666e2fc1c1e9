"""日终批处理 — the end-of-day run for a business date (`creditdesk eod --date YYYY-MM-DD`).

Rules (issue 16, item 5; PRODUCT.md §6):
- Dates: never in the future (``eod_future_date``); never before the last completed run
  (``eod_out_of_order``); never skipping a day (``eod_date_skipped`` — ``--until`` catches up day by day);
  a date already run returns its report and changes nothing; a run left unfinished (killed) is finished
  before any later date (``eod_unfinished``).
- Steps, each committing with its own marker on the run, so a run killed at any point (``kill -9``)
  finishes on the next call with exactly the state an uninterrupted run produces:
  1. ``loans`` — only loans with an event: an open loan whose first unsettled instalment is due on or
     before the date and that is not yet accrued through it. In chunks (one transaction each, rows locked
     in id order) each is moved to the end of the day by ``loans.services.sync``: instalments due billed,
     credit balances applied, penalty and 复利 accrued, days past due, status and class set, the CM told
     when a loan turns overdue (agenda task + notification). A loan done is accrued through the date, so
     a rerun skips it. ``worker=(k, n)`` takes the loans whose id ≡ k (mod n), so n workers share a day.
     The commonest events (an overdue loan accruing a day of penalty, a current loan billed) go first
     through the set-based paths of ``eod_sets``, equal to the engine and a chunk of 2,000 loans at a time.
  2. ``borrower_floor`` — the non-retail rule: a borrower (企业) with more than 10% of its balance here NPL
     has every loan here at best 次级; loans whose borrower no longer is get their own floor back.
  3. ``reminders`` — repayment reminders to the customer (SMS) for instalments due ``reminder_days()``
     days after the next business day (default T-3 and the due day), once each, queued as keys for
     `creditdesk deliver_notifications`, which writes each with what is owed then (``reminders``); a
     catch-up run skips due dates already past.
  4. ``snapshot`` — the end-of-day snapshot (日终快照) of every loan that changed that day: balances,
     days past due, status, class (``snapshots``), one ``INSERT … SELECT``.
  5. ``reconcile`` — each loan posted to today: its sub-ledger equals its running ledger balances (one
     query, only the differences come back); the day's postings balance.
  6. ``report`` — the run report: work done, postings by account, the book by class, NPL ratio.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.enums import CustomerKind
from creditdesk.core.exceptions import Conflict
from creditdesk.core.fields import AmountField
from creditdesk.core.money import ZERO
from creditdesk.finance.classification import NON_RETAIL_NPL_SHARE, NPL_CLASSES, RiskClass, borrower_floor
from creditdesk.ledger.chart import Account
from creditdesk.ledger.models import JournalLine
from creditdesk.ledger.selectors import posted_loans
from creditdesk.loans import locks
from creditdesk.loans.choices import EodStatus
from creditdesk.loans.models import ClassificationChange, EodRun, Loan
from creditdesk.loans.services import eod_sets, sync
from creditdesk.loans.services.calendar import last_closed_date
from creditdesk.loans.services.reconciliation import reconcile
from creditdesk.loans.services.reminders import reminders_queue
from creditdesk.loans.services.repricing import FLOATING, is_reset_day, loan_reprice
from creditdesk.loans.services.snapshots import snapshots_take
from creditdesk.products import selectors as product_selectors

CHUNK = 200
STEPS = ("reprice", "loans", "borrower_floor", "reminders", "snapshot", "reconcile", "report")
LATE_MARGIN = timedelta(minutes=10)  # a posting's time is taken before its transaction commits
NON_RETAIL = (CustomerKind.ENTERPRISE,)
NPL_DPD = 90  # more than 90 days past due: at best 次级 (RULES.md table)


class EodRefused(Conflict):
    pass


def _refuse(code: str, message: str, **extra: Any) -> EodRefused:
    return EodRefused(code, message, {"field": "business_date", **extra})


def check_date(day: date) -> EodRun | None:
    """The completed run of ``day`` when there is one (a rerun changes nothing); refuses a date the
    rules do not allow."""
    if day > timezone.localdate():
        raise _refuse("eod_future_date", _("不能为未来日期 %(date)s 运行日终。") % {"date": day.isoformat()})
    done = EodRun.objects.filter(business_date=day, status=EodStatus.DONE).first()
    if done is not None:
        return done
    last = last_closed_date()
    if last is not None and day < last:
        raise _refuse(
            "eod_out_of_order",
            _("日终已运行至 %(last)s，不能再为更早的 %(date)s 运行。")
            % {"last": last.isoformat(), "date": day.isoformat()},
            last=last.isoformat(),
        )
    if last is not None and day > last + timedelta(days=1):
        expected = last + timedelta(days=1)
        raise _refuse(
            "eod_date_skipped",
            _("日终不能跳日：下一个应运行的营业日是 %(next)s（可用 --until 逐日补跑）。")
            % {"next": expected.isoformat()},
            expected=expected.isoformat(),
        )
    unfinished = EodRun.objects.filter(status=EodStatus.RUNNING).exclude(business_date=day).first()
    if unfinished is not None:
        raise _refuse(
            "eod_unfinished",
            _("%(date)s 的日终尚未完成，请先完成它。") % {"date": unfinished.business_date.isoformat()},
            unfinished=unfinished.business_date.isoformat(),
        )
    return None


def eod_run(
    *,
    business_date: date,
    worker: tuple[int, int] | None = None,
    chunk: int = CHUNK,
    actor: User | None = None,
) -> EodRun:
    """Run (or finish) the end of day for ``business_date``; see the module docstring. With ``worker``,
    only that worker's share of step 1 is done and the run is left for the others (the worker that finds
    no loan left of any share finishes the run). ``actor``: the person who started it by hand (audited;
    their right to is checked by the caller, ``Action.EOD_RUN``); None: the scheduler."""
    done = check_date(business_date)
    if done is not None:
        return done
    run = _start(business_date, actor)
    if "reprice" not in run.steps:
        began = time.perf_counter()
        if is_reset_day(business_date):
            _reprice_step(run, chunk=chunk)
        _mark(run, "reprice", time.perf_counter() - began)
    if "loans" not in run.steps:
        began = time.perf_counter()
        _loans_step(run, worker=worker, chunk=chunk)
        if worker is not None and _pending_loans(business_date).exists():
            return run  # other workers still have loans of the day
        _mark(run, "loans", time.perf_counter() - began)
    for name, step in (
        ("borrower_floor", _borrower_floor_step),
        ("reminders", _reminders_step),
        ("snapshot", _snapshot_step),
        ("reconcile", _reconcile_step),
        ("report", _report_step),
    ):
        if name not in run.steps:
            _step(run, name, step)
    return EodRun.objects.get(pk=run.pk)


def eod_catch_up(
    *, until: date, chunk: int = CHUNK, on_day: Callable[[EodRun], None] | None = None
) -> list[EodRun]:
    """Run every business date from the one after the last completed run through ``until``, in order."""
    last = last_closed_date()
    day = until if last is None else last + timedelta(days=1)
    runs = []
    while day <= until:
        run = eod_run(business_date=day, chunk=chunk)
        runs.append(run)
        if on_day is not None:
            on_day(run)
        day += timedelta(days=1)
    return runs


@transaction.atomic
def _start(day: date, actor: User | None) -> EodRun:
    run, created = EodRun.objects.select_for_update().get_or_create(
        business_date=day, defaults={"started_at": timezone.now(), "report": _empty_report()}
    )
    if not created:
        run.attempts += 1
        run.save(update_fields=["attempts"])
    if actor is not None:
        audit_record(
            actor=actor, action="eod.run", target=run, after={"business_date": day, "attempt": run.attempts}
        )
    return run


COUNTS = ("loans_processed", "entries_posted", "turned_overdue", "closed", "reclassified")


def _empty_report() -> dict[str, Any]:
    return dict.fromkeys(COUNTS, 0)


def _timed(report: dict[str, Any], name: str, seconds: float) -> dict[str, Any]:
    """The report with the seconds ``name`` took (of the attempt that finished it): where the night went."""
    return {**report, "step_seconds": {**report.get("step_seconds", {}), name: round(seconds, 3)}}


def _mark(run: EodRun, name: str, seconds: float) -> None:
    with transaction.atomic():
        locked = EodRun.objects.select_for_update().get(pk=run.pk)
        if name not in locked.steps:
            locked.steps = [*locked.steps, name]
            locked.report = _timed(locked.report, name, seconds)
            locked.save(update_fields=["steps", "report"])
        run.steps, run.report = locked.steps, locked.report


def _step(run: EodRun, name: str, step: Callable[[EodRun], dict[str, Any]]) -> None:
    """One step and its marker in one transaction (a rerun skips a step done)."""
    with transaction.atomic():
        locked = EodRun.objects.select_for_update().get(pk=run.pk)
        if name in locked.steps:
            run.steps, run.report = locked.steps, locked.report
            return
        began = time.perf_counter()
        locked.report = _timed({**locked.report, **step(locked)}, name, time.perf_counter() - began)
        locked.steps = [*locked.steps, name]
        if name == STEPS[-1]:
            locked.status = EodStatus.DONE
            locked.finished_at = timezone.now()
        locked.save()
        run.steps, run.report, run.status = locked.steps, locked.report, locked.status


# --- step 0: rate resets (1 January) -----------------------------------------------------------------------


def _reprice_step(run: EodRun, *, chunk: int) -> None:
    """Reset floating loans not yet on the new rate; a loan done is accrued through the day, so a rerun
    after a crash skips it (and ``loan_reprice`` finds its rate already reset)."""
    day = run.business_date
    lpr, provident = product_selectors.lpr_table(), product_selectors.provident_table()
    floating = (
        Loan.objects.filter(status__in=sync.OPEN, disbursement__part__price__kind__in=FLOATING)
        .filter(Q(accrued_through__lt=day) | Q(accrued_through__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(floating)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            repriced = sum(
                loan_reprice(loan, day, lpr=lpr, provident=provident)
                for loan in locks.loans_lock(
                    ids[start : start + chunk], related=("customer", "disbursement__part__product_version")
                )
                if (loan.accrued_through or loan.value_date) < day
            )
            locked = EodRun.objects.select_for_update().get(pk=run.pk)
            locked.report = {**locked.report, "repriced": locked.report.get("repriced", 0) + repriced}
            locked.save(update_fields=["report"])


# --- step 1: the loans with an event today ---------------------------------------------------------------


def _pending_loans(day: date) -> QuerySet[Loan]:
    return Loan.objects.filter(status__in=sync.OPEN, next_due_date__lte=day).filter(
        Q(accrued_through__lt=day) | Q(accrued_through__isnull=True)
    )


def _is_pending(loan: Loan, day: date) -> bool:
    """``_pending_loans`` of one loan read under its row lock."""
    return (
        loan.status in sync.OPEN
        and loan.next_due_date is not None
        and loan.next_due_date <= day
        and (loan.accrued_through or loan.value_date) < day
    )


def _pending_by_path(day: date, worker: tuple[int, int] | None) -> dict[str, list[int]]:
    """The ids of the loans with an event on ``day`` (this worker's share), ascending, by the set-based
    path they may take (``eod_sets.PATHS``; ``""``: none, the engine) — one query. Each chunk re-checks
    its loans under their row locks (a loan that no longer qualifies is left to the engine, which checks
    again), and a rerun after a crash reads again what is left."""
    loans = _pending_loans(day)
    if worker is not None:
        k, n = worker
        loans = loans.annotate(share=Mod(F("pk"), n)).filter(share=k)
    path = Case(
        *(When(candidate.condition(day), then=Value(candidate.name)) for candidate in eod_sets.PATHS),
        default=Value(""),
        output_field=CharField(),
    )
    found: dict[str, list[int]] = defaultdict(list)
    for pk, name in loans.annotate(path=path).order_by("pk").values_list("pk", "path"):
        found[name].append(pk)
    return found


def _chunked(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _loans_step(run: EodRun, *, worker: tuple[int, int] | None, chunk: int) -> None:
    """The set-based paths first (``eod_sets``: overdue loans accruing penalty, current loans billed),
    then the engine for every loan with an event they left."""
    day = run.business_date
    pending = _pending_by_path(day, worker)
    left = pending.pop("", [])
    for path in eod_sets.PATHS:
        for ids in _chunked(pending.get(path.name, []), eod_sets.CHUNK):
            with transaction.atomic():
                done = path.advance(day, ids)
                _count(
                    run,
                    {
                        "loans_processed": done.loans,
                        "entries_posted": done.entries,
                        "reclassified": done.reclassified,
                    },
                )
            left.extend(done.left)
    for ids in _chunked(sorted(left), chunk):
        with transaction.atomic():
            _advance(run, day, ids)


def _advance(run: EodRun, day: date, ids: list[int]) -> None:
    loans = [loan for loan in locks.loans_lock(ids) if _is_pending(loan, day)]
    rows = sync.stored_rows([loan.pk for loan in loans])
    reference, memo = eod_sets.labels(day)
    outcomes = []
    for loan in loans:
        loaded = sync.load(loan, rows[loan.pk])
        loaded.book.accrue(day)
        outcomes.append(sync.settle(loaded, business_date=day, reference=reference, memo=memo))
    sync.persist(outcomes)
    _count(
        run,
        {
            "loans_processed": len(outcomes),
            "entries_posted": sum(o.saved.entries for o in outcomes),
            "turned_overdue": sum(o.saved.turned_overdue for o in outcomes),
            "closed": sum(o.saved.closed for o in outcomes),
            "reclassified": sum(o.saved.reclassified for o in outcomes),
        },
    )


def _count(run: EodRun, counts: dict[str, int]) -> None:
    """Add ``counts`` to the run report, in the caller's transaction (with the work counted)."""
    locked = EodRun.objects.select_for_update().get(pk=run.pk)
    locked.report = {**locked.report, **{key: locked.report.get(key, 0) + n for key, n in counts.items()}}
    locked.save(update_fields=["report"])


# --- step 2: the non-retail borrower rule ----------------------------------------------------------------


def _own_npl() -> Q:
    """A loan NPL by its own days past due or a risk manager's judgement (not by the borrower rule,
    which would otherwise keep itself in force)."""
    return Q(dpd__gt=NPL_DPD) | Q(risk_manual__in=NPL_CLASSES)


def _borrower_floor_step(run: EodRun) -> dict[str, Any]:
    day = run.business_date
    open_non_retail = Loan.objects.filter(status__in=sync.OPEN, customer__kind__in=NON_RETAIL)
    candidates = set(
        open_non_retail.filter(_own_npl() | Q(borrower_floor=RiskClass.SUBSTANDARD)).values_list(
            "customer_id", flat=True
        )
    )
    rows = (
        open_non_retail.filter(customer_id__in=candidates)
        .values("customer_id")
        .annotate(
            total=Sum("principal_outstanding", output_field=AmountField()),
            npl=Sum("principal_outstanding", filter=_own_npl(), output_field=AmountField()),
        )
    )
    floored = {
        row["customer_id"]
        for row in rows
        if borrower_floor(row["npl"] or ZERO, row["total"] or ZERO) != RiskClass.NORMAL
    }
    to_floor = open_non_retail.filter(customer_id__in=floored).exclude(borrower_floor=RiskClass.SUBSTANDARD)
    to_release = Loan.objects.filter(borrower_floor=RiskClass.SUBSTANDARD).exclude(customer_id__in=floored)
    changed = 0
    for queryset, floor, reason in (
        (to_floor, RiskClass.SUBSTANDARD, _("借款人在本行债务中不良占比超过 10%，其全部债务归为不良。")),
        (to_release, RiskClass.NORMAL, _("借款人在本行不良占比已不超过 10%，恢复按本笔贷款认定。")),
    ):
        ids = list(queryset.values_list("pk", flat=True))
        for loan in locks.loans_lock(ids):
            loan.borrower_floor = floor
            changed += sync.classify(loan, business_date=day, actor=None, reason=reason)
            loan.save(update_fields=["borrower_floor", "risk_class", "risk_floor", "risk_manual"])
    return {"borrower_floor_borrowers": len(floored), "borrower_floor_changes": changed}


# --- step 3: reminders -----------------------------------------------------------------------------------


def _reminders_step(run: EodRun) -> dict[str, Any]:
    return {"reminders": reminders_queue(run.business_date)}


# --- step 4: snapshots -----------------------------------------------------------------------------------


def _snapshot_step(run: EodRun) -> dict[str, Any]:
    """The day's snapshots of the loans that changed (``snapshots``). Entries of the previous date posted
    after its snapshots were taken (less ``LATE_MARGIN``: a posting's time is read before it commits)
    put their loans in today's."""
    day = run.business_date
    previous = EodRun.objects.filter(business_date=day - timedelta(days=1)).values_list("report", flat=True)
    taken = (previous.first() or {}).get("snapshot_at")
    late_since = datetime.fromisoformat(taken) - LATE_MARGIN if taken else None
    at = timezone.now()
    return {"snapshots": snapshots_take(day, late_since=late_since), "snapshot_at": at.isoformat()}


# --- step 5 and 6: reconciliation and report ------------------------------------------------------------


def _reconcile_step(run: EodRun) -> dict[str, Any]:
    day = run.business_date
    mismatches = reconcile(posted_on=day)
    sides = (
        JournalLine.objects.filter(business_date=day)
        .values("side")
        .annotate(total=Sum("amount", output_field=AmountField()))
    )
    totals = {row["side"]: row["total"] or ZERO for row in sides}
    return {
        "reconciled_loans": posted_loans(day).count(),
        "mismatches": [m.as_dict() for m in mismatches[:50]],
        "mismatch_count": len(mismatches),
        "day_debits": str(totals.get("debit", ZERO)),
        "day_credits": str(totals.get("credit", ZERO)),
        "day_balanced": totals.get("debit", ZERO) == totals.get("credit", ZERO),
    }


def _report_step(run: EodRun) -> dict[str, Any]:
    day = run.business_date
    overdue = Q(dpd__gt=0)
    book = (  # the book by class and its overdue part: one pass over the open loans
        Loan.objects.filter(status__in=sync.OPEN)
        .values("risk_class")
        .annotate(
            count=Count("pk"),
            balance=Sum("principal_outstanding", output_field=AmountField()),
            overdue_count=Count("pk", filter=overdue),
            overdue_balance=Sum("principal_outstanding", filter=overdue, output_field=AmountField()),
        )
        .order_by()
    )
    by_class = {member.value: {"count": 0, "balance": "0.00"} for member in RiskClass}
    total = npl = overdue_balance = ZERO
    overdue_count = 0
    for row in book:
        balance = row["balance"] or ZERO
        by_class[row["risk_class"]] = {"count": row["count"], "balance": str(balance)}
        total += balance
        if RiskClass(row["risk_class"]).is_npl:
            npl += balance
        overdue_count += row["overdue_count"]
        overdue_balance += row["overdue_balance"] or ZERO
    postings = (
        JournalLine.objects.filter(business_date=day)
        .values("account", "side")
        .annotate(total=Sum("amount", output_field=AmountField()))
        .order_by("account", "side")
    )
    return {
        "by_class": by_class,
        "book_balance": str(total),
        "npl_balance": str(npl),
        "npl_ratio": str((npl / total * 100).quantize(Decimal("0.01"))) if total else "0.00",
        "overdue_loans": overdue_count,
        "overdue_balance": str(overdue_balance),
        "postings": [
            {
                "account": row["account"],
                "label": Account(row["account"]).label,
                "side": row["side"],
                "amount": str(row["total"]),
            }
            for row in postings
        ],
        "classification_changes": ClassificationChange.objects.filter(business_date=day).count(),
        "npl_share_rule": str(NON_RETAIL_NPL_SHARE),
    }
