"""End of day at scale, in process: ``loans.services.eod.eod_run`` over a synthetic book, compared with
one hand-written SQL pass, and repayment posting with concurrent writers (issue 16, "Figures").

What is measured, printed to stdout one JSON object per line::

    {"name": "eod_typical_seconds", "value": 41.2, "unit": "s", "scale": "100000 loans", ...}
    {"name": "eod_typical_loans_per_second", ...}   loans moved by the run (its report) / its seconds
    {"name": "eod_typical_book_loans_per_second", ...}   the whole book / its seconds
    {"name": "eod_quiet_seconds", ...}              a day with almost nothing due (only the overdue loans)
    {"name": "eod_quiet_loans_per_second", ...}
    {"name": "eod_sql_pass_seconds", ...}           the minimal due/overdue/DPD/floor UPDATE, rolled back
    {"name": "eod_to_sql_pass_ratio", "value": 12.3, "unit": "x", ...}   goal (issue 16): ≤ 5
    {"name": "repayment_posts_per_second", ..., "reconciled": true, "ledger_balanced": true}
    {"name": "repayment_reconciled", "value": true, ...}
    {"name": "ledger_balanced", "value": true, ...}

Every line also has ``"db"`` (``sqlite`` or ``postgresql``). Goal (issue 16): 1,000,000 loans (≈36,000,000
instalments) on PostgreSQL, and the end of day within 5× the SQL pass.

How:

1. Database. As ``bench_approval``: without DATABASE_URL (or with a SQLite one) a private temporary
   CREDITDESK_VAR_DIR with a fresh SQLite database (``migrate``), removed on leaving; with a PostgreSQL
   DATABASE_URL, Django's test database next to it (``test_<name>``, created, migrated, destroyed on
   leaving) — the real database is never written. CREDITDESK_ENV=development, MD5 password hasher.
2. Real rows to copy from: the demo organisation (``accounts.seed.run``), the solutions tests' small
   catalogue (信用贷 XYD, ``product_create``), one customer of manager1 per BENCH_EOD_PER_APPLICATION
   loans (default 5,000; ``customer_create``) each with one signed application (the loans tests'
   ``make_signed_application``), and one loan booked through the real ``loan_disburse`` (today, 150,000 /
   36 months / 等额本息 at 4.20 %) — that loan stays in the book (BENCH_EOD_LOANS + 1 loans in all).
3. The synthetic book: BENCH_EOD_LOANS loans (default 30,000: at 100,000 the SQLite run took longer
   than run.py's 900 s BENCH_TIMEOUT on a 2-core host — 3.6 M instalments inserted in 263 s, then two
   end-of-day runs of ~6,500 loans with events and ~6,700 reminders each at ~20–30 loans/s, before the
   end-of-day writes were batched), all 36 months / 等额本息 at 4.20 % of
   30,000 / 80,000 / 150,000 / 200,000 yuan, manager1's, in "templates" computed with the real code:
   - 97 % are fresh: the schedule of ``applications.terms.part_schedule`` (digest, APR as the contract
     has them) for a value date one month before a first due date on D … D+29 (D = today, the typical
     day), spread evenly, so ≈1/30 of the book has its first instalment due on D and nothing is due on
     D−1 (the quiet day). As ``book_disbursed_part`` leaves a loan: accrued through its value date, next
     due date its first instalment, and the disbursement entry (``chart.signed_lines`` of
     ``_post_disbursement``'s deltas: 贷款本金 debit / 现金及清算 credit; JournalEntry + 2 lines, loan_id
     set, business date the value date).
   - 3 % are overdue: value dates 1–4 months before D (first due dates D−3 … D−91), nothing ever paid.
     Their state on D−2 is computed by the real servicing engine (``sync.load`` of the schedule, then
     ``LoanBook.accrue(D−2)``) and written as ``sync.save`` would: the instalments' penalty and 复利 bases
     and amounts, the loan's receivables, days past due, status 逾期, floor and class
     (``finance.classification.dpd_floor``); the ledger gets the disbursement entry and one accrual entry
     on D−2 (应收利息 / 利息收入, 应收罚息及复利 / 罚息收入, as ``sync._post_difference`` posts them).
   The rows (ApplicationPart — one per loan, positions 2… of the shared applications —, Disbursement,
   Loan, Installment ×36, JournalEntry, JournalLine) are written by ``INSERT … SELECT`` joins of a map
   table (one row per loan, written by ``executemany`` / ``COPY``) with template tables (one row per
   template and instalment, values prepared by the model fields), so a million loans take minutes, not
   a service call each. The loans' running ledger balances are then built from those lines
   (``ledger.services.loan_balances_rebuild``). Then the sequences are reset (PostgreSQL), ``reconcile``
   is run on every template's first loan and a random sample (it must find nothing), and the helper
   tables dropped.
   BENCH_EOD_PARTITIONED=1 (PostgreSQL) then runs `creditdesk partition_tables`, so the runs read and
   write monthly partitions. SQLite: no ``ANALYZE`` unless BENCH_EOD_ANALYZE=1; PostgreSQL:
   ``VACUUM ANALYZE`` unless BENCH_EOD_ANALYZE=0. Generation times go to stderr, not into the figures.
   BENCH_EOD_BOOK=<name> (PostgreSQL; for trying a change at 1M without 8 minutes of generation each
   time): the book, once generated (and analysed), is saved as the database <name>; a later run with
   the same setting copies it (``CREATE DATABASE … TEMPLATE … STRATEGY FILE_COPY``, then a checkpoint
   and ``sync``, so no write of the copy is left to share the disk with the timing) instead of
   generating, and refuses a copy that is not a fresh book of BENCH_EOD_LOANS loans for today. Drop
   <name> after a schema change or on another day (its field-encryption keys are kept in the temporary
   directory, ``creditdesk-bench-book-<name>.keys.json``). BENCH_EOD_STATEMENTS=1 (PostgreSQL started with
   ``shared_preload_libraries=pg_stat_statements``) logs the typical day's costliest statements.
4. Measured, ``perf_counter`` around each, in this order on the same data: ``eod_run`` for D−1 (the
   quiet day: the first run of the database; only the overdue loans have an event, plus the reminders
   of the loans due on D and D+3); the SQL pass on the state after it (the loans with an unpaid
   instalment due on or before D: ``UPDATE loans_loan SET dpd, max_dpd, oldest_unpaid_due, risk_floor
   = CASE … END, risk_class, status FROM (SELECT loan_id, MIN(due_date) … GROUP BY loan_id)``, inside a
   transaction that is rolled back); ``eod_run`` for D (the typical day: ≈1/30 of the book due, 3 %
   overdue accruing penalty). Each run's report must show ``mismatch_count`` 0 and the day balanced, or
   the benchmark fails with nothing printed. BENCH_EOD_WORKERS=n (default 1) runs each day as n workers
   sharing its loans (``eod_run(worker=(k, n))``, a process and connection each, started together; then
   ``eod_run`` once more for the steps after the loans) — the scale-out of several app servers.
   BENCH_EOD_PROFILE=1 profiles both days with cProfile
   (top 25 cumulative to stderr, and the whole profile to BENCH_EOD_PROFILE_OUT.<date>, if set;
   the figures are then the profiled ones — use it for hotspots only).
5. Repayments: BENCH_EOD_WRITERS threads (default 16 on PostgreSQL, 1 on SQLite, which serialises
   writers), each with its own database connection, started together, each posting
   BENCH_EOD_POSTINGS repayments (default 40) of 300.00 yuan through ``repayments.repayment_post`` as
   manager1 on the business date D+1: its own loans (distinct per writer), and every fifth posting to one
   of 4 loans shared by all writers (row-lock contention on the same loan). Postings per second = all
   postings / wall time. Afterwards ``reconcile`` of every loan touched must be empty and the whole
   ledger must balance (``ledger.selectors.debit_credit_totals().balanced``).

Caveats: D is today (``eod_run`` refuses a future date), so the calendar of the figures moves with the
day the benchmark runs; the book is uniform (one product, one method, 16 distinct schedules per value
date) and the customers few, so customer rows are cached hot; nothing was ever repaid, so no
``Repayment`` rows exist before step 5; on a small host the load of other processes shows in the figures
(the load average goes to stderr).
"""

from __future__ import annotations

import cProfile
import io
import json
import logging
import multiprocessing
import os
import pstats
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from _server import benchmark_database, configure_in_process, db_label, exit_on_sigterm, log

ROOT = Path(__file__).resolve().parent.parent
LOANS = int(os.environ.get("BENCH_EOD_LOANS", "30000"))  # see the docstring, step 3
PER_APPLICATION = int(os.environ.get("BENCH_EOD_PER_APPLICATION", "5000"))  # part positions are smallint
POSTINGS = int(os.environ.get("BENCH_EOD_POSTINGS", "40"))
PROFILE = os.environ.get("BENCH_EOD_PROFILE", "0") == "1"
# PostgreSQL: `creditdesk partition_tables` before the runs
PARTITIONED = os.environ.get("BENCH_EOD_PARTITIONED", "0") == "1"
# end-of-day workers sharing each measured day (``eod_run(worker=(k, n))``, one process and connection each)
WORKERS = int(os.environ.get("BENCH_EOD_WORKERS", "1"))
# PostgreSQL: a database holding a generated book, copied instead of generating again (saved when missing)
SAVED_BOOK = os.environ.get("BENCH_EOD_BOOK", "")
# PostgreSQL started with shared_preload_libraries=pg_stat_statements: the typical day's top statements
STATEMENTS = os.environ.get("BENCH_EOD_STATEMENTS", "0") == "1"
OVERDUE_SHARE = 0.03
AMOUNTS = ("30000.00", "80000.00", "150000.00", "200000.00")
TERM, RATE = 36, "4.2000"
OVERDUE_VALUE_DATES = 12
SEED = 20261216
CM, RISK = "manager1", "risk1"
HOT_LOANS = 4
REPAY_AMOUNT = "300.00"
ZERO_FIELDS = (
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty",
    "penalty_paid",
    "compound",
    "compound_paid",
)


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError


# --- the real rows the book is copied from ------------------------------------------------------------


def real_rows(applications: int) -> dict[str, Any]:
    """The organisation, XYD, ``applications`` customers each with one signed application, and one loan
    disbursed through ``loan_disburse`` (its rows are the templates' columns)."""
    from bench_approval import catalogue, resident_id
    from django.utils import timezone

    from creditdesk.accounts import seed as accounts_seed
    from creditdesk.accounts.models import User
    from creditdesk.customers.services import CustomerInput, customer_create
    from creditdesk.loans.services import loan_disburse
    from creditdesk.loans.tests.factories import make_signed_application

    accounts_seed.run()
    people = {u.username: u for u in User.objects.filter(username__in=[CM, RISK])}
    xyd = catalogue(people[RISK])["XYD"]
    cm = people[CM]
    apps = []
    for index in range(applications):
        customer = customer_create(
            actor=cm,
            data=CustomerInput(
                kind="individual",
                name=f"批量{'甲乙丙丁戊己庚辛壬癸'[index % 10]}{index}",
                id_number=resident_id(index),
                monthly_income="30000",
                monthly_debt_payments="2000",
                profile={"industry": "教育"},
                credit_current_overdue="0",
                credit_worst_overdue_days="0",
                credit_inquiries_6m="2",
            ),
        )
        apps.append(
            make_signed_application(
                customer=customer,
                product_version=xyd,
                checked_by=people[RISK],
                amount="150000.00",
                term_months=TERM,
                annual_rate=RATE,
            )
        )
    first = apps[0]
    loan = loan_disburse(
        actor=cm,
        application_id=first.pk,
        part_id=first.parts.get().pk,
        value_date=timezone.localdate(),
        mode="self",
        payee_name="",
        payee_account="6222021234567890",
        idempotency_key="bench-eod-template",
    )
    return {"cm": cm, "xyd": xyd, "applications": apps, "loan": loan}


# --- templates -----------------------------------------------------------------------------------------


def fresh_value_dates(day: date) -> list[tuple[date, date]]:
    """(value date, first due date) with first due dates D … D+29 (as the schedule computes them)."""
    from creditdesk.finance.schedule import build_schedule
    from creditdesk.finance.terms import LoanTerms, Method

    found: dict[date, date] = {}
    for back in range(0, 70):
        value_date = day + timedelta(days=29) - timedelta(days=back)
        terms = LoanTerms(
            method=Method.EQUAL_INSTALLMENT,
            principal=Decimal("100000"),
            annual_rate=Decimal("0.042"),
            periods=TERM,
            start_date=value_date,
        )
        first = build_schedule(terms).installments[0].due_date
        if day <= first <= day + timedelta(days=29) and value_date < day:
            found.setdefault(first, value_date)
    return sorted((v, f) for f, v in found.items())


def templates(day: date, rows: dict[str, Any]) -> list[dict[str, Any]]:
    """Every template: its part, disbursement, loan, instalments and ledger entries as model objects
    (unsaved), computed with the real schedule and servicing code."""
    from creditdesk.applications.models import ApplicationPart
    from creditdesk.applications.terms import apr_percent, part_schedule, schedule_digest, schedule_rows
    from creditdesk.core.money import from_fen
    from creditdesk.finance.classification import dpd_floor
    from creditdesk.ledger.chart import Account, EntryKind, signed_lines
    from creditdesk.loans.choices import LoanStatus
    from creditdesk.loans.models import Disbursement, Installment, Loan
    from creditdesk.loans.services import sync

    real_loan = Loan.objects.get(pk=rows["loan"].pk)  # the stored values (amounts as Decimal)
    real_part = ApplicationPart.objects.get(pk=real_loan.disbursement.part_id)
    real_disb = Disbursement.objects.get(pk=real_loan.disbursement_id)
    fresh = fresh_value_dates(day)
    if not any(first == day for _, first in fresh):
        raise RuntimeError(f"no value date gives a first instalment due on {day}")
    overdue: list[date] = []
    for j in range(OVERDUE_VALUE_DATES):
        overdue.append(months_before(day - timedelta(days=3 + 8 * j), 1))
    accrued = day - timedelta(days=2)
    out = []
    for kind, dates in (("fresh", [v for v, _ in fresh]), ("overdue", overdue)):
        for value_date in dates:
            for amount in AMOUNTS:
                part = ApplicationPart(
                    **{f.attname: getattr(real_part, f.attname) for f in real_part._meta.concrete_fields}
                )
                part.amount = Decimal(amount)
                schedule = part_schedule(part, value_date)
                digest = schedule_digest(schedule_rows(schedule))
                disb = Disbursement(
                    **{f.attname: getattr(real_disb, f.attname) for f in real_disb._meta.concrete_fields}
                )
                disb.amount, disb.value_date = part.amount, value_date
                loan = Loan(
                    **{f.attname: getattr(real_loan, f.attname) for f in real_loan._meta.concrete_fields}
                )
                insts = [
                    Installment(
                        period=r.period,
                        due_date=r.due_date,
                        principal=r.principal,
                        interest=r.interest,
                        fee=r.fee,
                        payment=r.payment,
                        balance=r.balance,
                        **{name: Decimal("0.00") for name in ZERO_FIELDS},
                    )
                    for r in schedule.installments
                ]
                loan.principal = loan.principal_outstanding = part.amount
                loan.apr = apr_percent(schedule)
                loan.value_date = loan.accrued_through = value_date
                loan.maturity_date = insts[-1].due_date
                loan.next_due_date = insts[0].due_date
                loan.schedule_sha256 = digest
                loan.status = LoanStatus.ACTIVE
                entries = [
                    (
                        EntryKind.DISBURSEMENT,
                        value_date,
                        "disbursement:",
                        "放款 ",
                        True,
                        signed_lines(
                            {
                                Account.LOANS_RECEIVABLE: loan.principal,
                                Account.CLEARING: -(loan.principal - schedule.upfront_fees),
                                Account.FEE_INCOME: schedule.upfront_fees,
                            }
                        ),
                    )
                ]
                if kind == "overdue":
                    loaded = sync.load(loan, [sync.Stored.of(item) for item in insts])
                    by_period = {item.period: item for item in insts}
                    loaded.book.accrue(accrued)
                    after = loaded.book.totals()
                    before = loaded.before
                    terms = loaded.book.terms
                    for row in loaded.book.rows:
                        item = by_period[row.period]
                        item.principal_paid = from_fen(row.principal_paid)
                        item.interest_paid = from_fen(row.interest_paid)
                        item.fee_paid = from_fen(row.fee_paid)
                        item.penalty = from_fen(terms.amount(row.penalty_basis))
                        item.compound = from_fen(terms.amount(row.compound_basis))
                        item.penalty_basis = row.penalty_basis
                        item.compound_basis = row.compound_basis
                        item.settled_on = row.settled_on
                    loan.principal_outstanding = from_fen(after.principal_outstanding)
                    loan.interest_receivable = from_fen(after.interest_receivable)
                    loan.penalty_receivable = from_fen(after.penalty_receivable)
                    loan.fee_receivable = from_fen(after.fee_receivable)
                    loan.credit_balance = from_fen(after.credit)
                    loan.overdue_principal = from_fen(after.overdue_principal)
                    loan.overdue_interest = from_fen(after.overdue_interest)
                    loan.dpd = loan.max_dpd = after.dpd
                    loan.oldest_unpaid_due = after.oldest_unpaid_due
                    loan.next_due_date = after.next_due
                    loan.accrued_through = accrued
                    if after.dpd >= 90 and after.oldest_unpaid_due is not None:
                        loan.first_dpd90_on = after.oldest_unpaid_due + timedelta(days=90)
                    loan.status = LoanStatus.OVERDUE if after.dpd > 0 else LoanStatus.ACTIVE
                    loan.risk_floor = loan.risk_class = dpd_floor(after.dpd).value
                    billed = after.interest_billed - before.interest_billed
                    fee = after.fee_billed - before.fee_billed
                    penalty = (after.penalty + after.compound) - (before.penalty + before.compound)
                    lines = signed_lines(
                        {
                            Account.INTEREST_RECEIVABLE: from_fen(billed),
                            Account.INTEREST_INCOME: from_fen(billed),
                            Account.FEE_RECEIVABLE: from_fen(fee),
                            Account.FEE_INCOME: from_fen(fee),
                            Account.PENALTY_RECEIVABLE: from_fen(penalty),
                            Account.PENALTY_INCOME: from_fen(penalty),
                        }
                    )
                    if lines:
                        entries.append(
                            (EntryKind.ACCRUAL, accrued, f"eod:{accrued.isoformat()}", "日终", False, lines)
                        )
                out.append(
                    {
                        "kind": kind,
                        "part": part,
                        "disb": disb,
                        "loan": loan,
                        "insts": insts,
                        "entries": entries,
                        "number": f"LN{value_date:%Y%m%d}",
                    }
                )
    return out


# --- writing the book ----------------------------------------------------------------------------------


def _prep(obj: Any, field: Any, connection: Any) -> Any:
    return field.get_db_prep_save(getattr(obj, field.attname), connection)


def write_book(
    day: date, rows: dict[str, Any], tpls: list[dict[str, Any]], rng: random.Random
) -> dict[str, Any]:
    """The synthetic book by INSERT … SELECT (see the module docstring); returns loan ids by kind."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from creditdesk.applications.models import ApplicationPart
    from creditdesk.ledger.models import JournalEntry, JournalLine
    from creditdesk.ledger.services import loan_balances_rebuild
    from creditdesk.loans.models import Disbursement, Installment, Loan

    postgres = connection.vendor == "postgresql"
    qn = connection.ops.quote_name
    apps = rows["applications"]
    cm = rows["cm"]
    fresh = [i for i, t in enumerate(tpls) if t["kind"] == "fresh"]
    late = [i for i, t in enumerate(tpls) if t["kind"] == "overdue"]
    overdue_count = round(LOANS * OVERDUE_SHARE)

    with connection.cursor() as cur:

        def max_id(model: Any) -> int:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(model._meta.db_table)}")
            return int(cur.fetchone()[0]) + 1000

        part_base, disb_base, loan_base, entry_base = (
            max_id(ApplicationPart),
            max_id(Disbursement),
            max_id(Loan),
            max_id(JournalEntry),
        )

    def create_like(name: str, model: Any, extra: str) -> list[Any]:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        cols = ", ".join(qn(f.column) for f in fields)
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(
                f"CREATE TABLE {name} AS SELECT {extra}, {cols} FROM {qn(model._meta.db_table)} WHERE 1 = 0"
            )
        return fields

    def fill(name: str, fields: list[Any], extra_names: list[str], values: list[tuple[Any, ...]]) -> None:
        cols = ", ".join([*extra_names, *(qn(f.column) for f in fields)])
        marks = ", ".join(["%s"] * (len(extra_names) + len(fields)))
        with connection.cursor() as cur:
            cur.executemany(f"INSERT INTO {name} ({cols}) VALUES ({marks})", values)

    started = time.perf_counter()
    # template tables, typed like the real ones
    part_fields = create_like("bench_tpl_part", ApplicationPart, "0 AS tpl")
    fill(
        "bench_tpl_part",
        part_fields,
        ["tpl"],
        [(i, *(_prep(t["part"], f, connection) for f in part_fields)) for i, t in enumerate(tpls)],
    )
    disb_fields = create_like("bench_tpl_disb", Disbursement, "0 AS tpl")
    fill(
        "bench_tpl_disb",
        disb_fields,
        ["tpl"],
        [(i, *(_prep(t["disb"], f, connection) for f in disb_fields)) for i, t in enumerate(tpls)],
    )
    loan_fields = create_like("bench_tpl_loan", Loan, "0 AS tpl, number AS prefix")
    fill(
        "bench_tpl_loan",
        loan_fields,
        ["tpl", "prefix"],
        [
            (i, t["number"], *(_prep(t["loan"], f, connection) for f in loan_fields))
            for i, t in enumerate(tpls)
        ],
    )
    inst_fields = create_like("bench_tpl_inst", Installment, "0 AS tpl")
    fill(
        "bench_tpl_inst",
        inst_fields,
        ["tpl"],
        [
            (i, *(_prep(item, f, connection) for f in inst_fields))
            for i, t in enumerate(tpls)
            for item in t["insts"]
        ],
    )
    entry_fields = create_like("bench_tpl_entry", JournalEntry, "0 AS tpl, 0 AS k, 0 AS actor")
    line_fields = create_like("bench_tpl_line", JournalLine, "0 AS tpl, 0 AS k")
    entry_rows, line_rows = [], []
    for i, t in enumerate(tpls):
        for k, (kind, on, reference, memo, by_actor, lines) in enumerate(t["entries"]):
            entry = JournalEntry(business_date=on, kind=kind, reference=reference, memo=memo)
            entry_rows.append((i, k, int(by_actor), *(_prep(entry, f, connection) for f in entry_fields)))
            for line in lines:
                obj = JournalLine(business_date=on, account=line.account, side=line.side, amount=line.amount)
                line_rows.append((i, k, *(_prep(obj, f, connection) for f in line_fields)))
    fill("bench_tpl_entry", entry_fields, ["tpl", "k", "actor"], entry_rows)
    fill("bench_tpl_line", line_fields, ["tpl", "k"], line_rows)

    # the map: one row per loan
    kinds = [late[n % len(late)] for n in range(overdue_count)] + [
        fresh[n % len(fresh)] for n in range(LOANS - overdue_count)
    ]
    rng.shuffle(kinds)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_map")
        cur.execute(
            "CREATE TABLE bench_map (n bigint PRIMARY KEY, tpl integer, app_id bigint, customer_id bigint, "
            "position integer)"
        )
    map_rows = []
    for n, tpl in enumerate(kinds):
        app = apps[n // PER_APPLICATION]
        map_rows.append((n, tpl, app.pk, app.customer_id, n % PER_APPLICATION + 2))
    with connection.cursor() as cur:
        if postgres:
            with cur.cursor.copy("COPY bench_map (n, tpl, app_id, customer_id, position) FROM STDIN") as copy:
                for row in map_rows:
                    copy.write_row(row)
        else:
            cur.executemany("INSERT INTO bench_map VALUES (%s, %s, %s, %s, %s)", map_rows)
    log(
        f"templates ({len(tpls)}) and map ({len(map_rows):,} loans) written in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def insert(
        model: Any,
        fields: list[Any],
        tpl_table: str,
        special: dict[str, str],
        join: str = "",
        params: tuple[Any, ...] = (),
    ) -> None:
        began = time.perf_counter()
        cols = ["id"] if "id" in special else []
        exprs = [special["id"]] if "id" in special else []
        for f in fields:
            cols.append(qn(f.column))
            exprs.append(special.get(f.column, f"t.{qn(f.column)}"))
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
            f"FROM bench_map m JOIN {tpl_table} t ON t.tpl = m.tpl {join}"
        )
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
            count = cur.rowcount
        log(f"  {model._meta.db_table}: {count:,} rows in {time.perf_counter() - began:.1f} s")

    insert(
        ApplicationPart,
        part_fields,
        "bench_tpl_part",
        {"id": f"m.n + {part_base}", "application_id": "m.app_id", "position": "m.position"},
    )
    insert(
        Disbursement,
        disb_fields,
        "bench_tpl_disb",
        {
            "id": f"m.n + {disb_base}",
            "application_id": "m.app_id",
            "part_id": f"m.n + {part_base}",
            "idempotency_key": f"'bench-' || (m.n + {disb_base})",
        },
    )
    insert(
        Loan,
        loan_fields,
        "bench_tpl_loan",
        {
            "id": f"m.n + {loan_base}",
            "number": f"t.prefix || (m.n + {disb_base})",
            "disbursement_id": f"m.n + {disb_base}",
            "customer_id": "m.customer_id",
        },
    )
    insert(Installment, inst_fields, "bench_tpl_inst", {"loan_id": f"m.n + {loan_base}"})
    insert(
        JournalEntry,
        entry_fields,
        "bench_tpl_entry",
        {
            "id": f"{entry_base} + 2 * m.n + t.k",
            "loan_id": f"m.n + {loan_base}",
            "reference": f"CASE WHEN t.k = 0 THEN t.reference || (m.n + {disb_base}) ELSE t.reference END",
            "memo": f"CASE WHEN t.k = 0 THEN t.memo || l.prefix || (m.n + {disb_base}) ELSE t.memo END",
            "posted_by_id": f"CASE WHEN t.actor = 1 THEN {int(cm.pk)} ELSE NULL END",
        },
        join="JOIN bench_tpl_loan l ON l.tpl = m.tpl",
    )
    insert(
        JournalLine,
        line_fields,
        "bench_tpl_line",
        {"entry_id": f"{entry_base} + 2 * m.n + t.k", "loan_id": f"m.n + {loan_base}"},
    )
    started = time.perf_counter()
    with transaction.atomic():  # the lines were written around the ledger's writer: their loans' balances
        balances = loan_balances_rebuild()
    log(f"  ledger_loanaccountbalance: {balances:,} rows in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cur:
        for name in (
            "bench_map",
            "bench_tpl_part",
            "bench_tpl_disb",
            "bench_tpl_loan",
            "bench_tpl_inst",
            "bench_tpl_entry",
            "bench_tpl_line",
        ):
            cur.execute(f"DROP TABLE {name}")
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [ApplicationPart, Disbursement, Loan, Installment, JournalEntry, JournalLine]
        ):
            cur.execute(sql)
    by_kind: dict[str, list[int]] = {"fresh": [], "overdue": []}
    first_of_tpl: dict[int, int] = {}
    for n, tpl in enumerate(kinds):
        by_kind[tpls[tpl]["kind"]].append(loan_base + n)
        first_of_tpl.setdefault(tpl, loan_base + n)
    return {"by_kind": by_kind, "first_of_tpl": first_of_tpl}


# --- measuring -----------------------------------------------------------------------------------------


def sql_pass(day: date) -> tuple[float, int]:
    """The minimal due/overdue/DPD/floor update, timed inside a transaction that is rolled back. It reads
    the unsettled instalments due by ``day`` (an instalment with anything unpaid is unsettled) through
    their index, as the end of day does."""
    from django.db import connection, transaction

    if connection.vendor == "postgresql":
        dpd = "(%s::date - o.oldest)"
        update = (
            "UPDATE loans_loan SET dpd = {dpd}, max_dpd = GREATEST(max_dpd, {dpd}), "
            "oldest_unpaid_due = o.oldest, risk_floor = {floor}, risk_class = {floor}, "
            "status = CASE WHEN {dpd} > 0 THEN 'overdue' ELSE status END "
            "FROM ({sub}) o WHERE loans_loan.id = o.loan_id"
        )
    else:
        dpd = "CAST(julianday(%s) - julianday(o.oldest) AS INTEGER)"
        update = (
            "UPDATE loans_loan SET dpd = {dpd}, max_dpd = MAX(max_dpd, {dpd}), "
            "oldest_unpaid_due = o.oldest, risk_floor = {floor}, risk_class = {floor}, "
            "status = CASE WHEN {dpd} > 0 THEN 'overdue' ELSE status END "
            "FROM ({sub}) o WHERE loans_loan.id = o.loan_id"
        )
    floor = (
        f"CASE WHEN {dpd} <= 0 THEN 'normal' WHEN {dpd} <= 90 THEN 'special_mention' "
        f"WHEN {dpd} <= 270 THEN 'substandard' WHEN {dpd} <= 360 THEN 'doubtful' ELSE 'loss' END"
    )
    sub = (
        "SELECT i.loan_id, MIN(i.due_date) AS oldest FROM loans_installment i "
        "JOIN loans_loan l ON l.id = i.loan_id "
        "WHERE i.settled_on IS NULL AND i.due_date <= %s AND l.status IN ('active', 'overdue') "
        "AND (i.principal_paid < i.principal "
        "OR i.interest_paid < i.interest OR i.fee_paid < i.fee) GROUP BY i.loan_id"
    )
    sql = update.format(dpd=dpd, floor=floor, sub=sub)
    n_dpd = sql.count("%s") - 1
    # parameters in textual order: the SET clause's day placeholders come before the subquery's
    set_part, from_part = sql.split(" FROM (", 1)
    params = [day] * set_part.count("%s") + [day] * from_part.count("%s")
    assert len(params) == n_dpd + 1
    began = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.rowcount
            elapsed = time.perf_counter() - began
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, rows


class _Rollback(Exception):
    pass


def workers_share(day: date) -> None:
    """``WORKERS`` processes, each with its own connection, each running ``eod_run`` for its share of the
    day's loans (``worker=(k, WORKERS)``, as ``creditdesk eod --worker k/n`` on n servers would); they
    start together. Processes, not threads: the Python of one worker runs while the other waits on the
    database (forked after the parent's connections are closed, so none is shared)."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WORKERS)
    workers = [context.Process(target=_share, args=(day, k, barrier)) for k in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    failed = [k for k, worker in enumerate(workers) if worker.exitcode != 0]
    if failed:
        raise RuntimeError(f"end-of-day workers {failed} failed (their tracebacks are above)")


def _share(day: date, k: int, barrier: Any) -> None:
    """One worker process: its share of ``day``; exits non-zero on any error."""
    import traceback

    from django.db import connections

    from creditdesk.loans.services.eod import eod_run

    code = 0
    try:
        barrier.wait()
        eod_run(business_date=day, worker=(k, WORKERS))
    except Exception:  # reported on stderr, the parent fails the benchmark
        traceback.print_exc(file=sys.stderr)
        code = 1
    finally:
        connections.close_all()
    os._exit(code)


def eod(day: date, profile: bool = False) -> tuple[float, dict[str, Any]]:
    from creditdesk.loans.services.eod import eod_run

    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    if WORKERS > 1:
        workers_share(day)
    run = eod_run(business_date=day)  # with workers: the steps after the loans (once, by the last)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - began
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        sys.stderr.write(out.getvalue())
        if os.environ.get("BENCH_EOD_PROFILE_OUT"):
            profiler.dump_stats(f"{os.environ['BENCH_EOD_PROFILE_OUT']}.{day.isoformat()}")
    report = run.report
    if run.status != "done" or report.get("mismatch_count") or not report.get("day_balanced"):
        raise RuntimeError(
            f"eod {day}: status {run.status}, report {json.dumps(report, ensure_ascii=False)[:800]}"
        )
    keys = (
        "loans_processed",
        "entries_posted",
        "turned_overdue",
        "reclassified",
        "reminders",
        "reconciled_loans",
    )
    log(
        f"eod {day}: {elapsed:.2f} s; "
        + ", ".join(f"{k} {report.get(k)}" for k in keys)
        + f"; step seconds {report.get('step_seconds')}"
    )
    return elapsed, report


def repayments(cm: Any, fresh: list[int], writers: int) -> tuple[float, int, list[int]]:
    from django.db import connection

    from creditdesk.loans.services.repayments import repayment_post

    rng = random.Random(SEED + 1)
    pool = rng.sample(fresh, HOT_LOANS + writers * POSTINGS)
    hot, own = pool[:HOT_LOANS], pool[HOT_LOANS:]
    plans = []
    for w in range(writers):
        mine = own[w * POSTINGS : (w + 1) * POSTINGS]
        plans.append([hot[(w + i) % HOT_LOANS] if i % 5 == 4 else mine[i] for i in range(POSTINGS)])
    errors: list[str] = []
    barrier = threading.Barrier(writers)

    def work(w: int) -> None:
        try:
            barrier.wait()
            for i, loan_id in enumerate(plans[w]):
                repayment_post(
                    actor=cm, loan_id=loan_id, amount=REPAY_AMOUNT, idempotency_key=f"bench-{w}-{i}"
                )
        except Exception as exc:  # reported below
            errors.append(f"writer {w}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()

    began = time.perf_counter()
    if writers == 1:
        for i, loan_id in enumerate(plans[0]):
            repayment_post(actor=cm, loan_id=loan_id, amount=REPAY_AMOUNT, idempotency_key=f"bench-0-{i}")
    else:
        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError("; ".join(errors[:5]))
    touched = sorted({loan_id for plan in plans for loan_id in plan})
    return elapsed, writers * POSTINGS, touched


def generate(day: date, postgres: bool, analyze: bool) -> tuple[Any, dict[str, Any]]:
    """Steps 2 and 3 of the module docstring: the real rows, the templates, the synthetic book."""
    from django.core.management import call_command
    from django.db import connection

    from creditdesk.loans.services.reconciliation import reconcile

    started = time.perf_counter()
    if not postgres:
        call_command("migrate", verbosity=0, interactive=False)
    applications = max(1, -(-LOANS // PER_APPLICATION))
    rows = real_rows(applications)
    log(
        f"organisation, XYD, {applications} customers and applications, 1 real loan: "
        f"{time.perf_counter() - started:.1f} s"
    )
    rng = random.Random(SEED)
    began = time.perf_counter()
    tpls = templates(day, rows)
    log(f"{len(tpls)} templates computed in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    book = write_book(day, rows, tpls, rng)
    log(f"book written in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    sample = sorted(
        set(book["first_of_tpl"].values())
        | set(rng.sample(book["by_kind"]["fresh"], min(2000, len(book["by_kind"]["fresh"]))))
        | set(book["by_kind"]["overdue"][:2000])
    )
    mismatches = reconcile(sample)
    if mismatches:
        raise RuntimeError(f"the generated book does not reconcile: {[m.as_dict() for m in mismatches[:5]]}")
    log(
        f"reconcile of {len(sample):,} generated loans: none mismatched ({time.perf_counter() - began:.1f} s)"
    )
    if PARTITIONED:
        began = time.perf_counter()
        call_command("partition_tables", stdout=io.StringIO())
        log(f"partition_tables (instalments and ledger lines by month): {time.perf_counter() - began:.1f} s")
    if analyze:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if postgres else "ANALYZE")
        log(f"{'VACUUM ANALYZE' if postgres else 'ANALYZE'} in {time.perf_counter() - began:.1f} s")
    log(f"generation total {time.perf_counter() - started:.1f} s")
    return rows["cm"], book


# --- where the database's time goes (PostgreSQL, BENCH_EOD_STATEMENTS) --------------------------------


def statements_reset() -> None:
    """Forget the statements timed so far (``pg_stat_statements``), when BENCH_EOD_STATEMENTS=1."""
    from django.db import connection

    if STATEMENTS:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            cursor.execute("SELECT pg_stat_statements_reset()")


def statements_log(top: int = 30) -> None:
    """The statements that took the most database time since ``statements_reset``, to stderr."""
    from django.db import connection

    if not STATEMENTS:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT total_exec_time, calls, rows, jit_generation_time + jit_inlining_time "
            "+ jit_optimization_time + jit_emission_time, query FROM pg_stat_statements "
            "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "ORDER BY total_exec_time DESC LIMIT %s",
            [top],
        )
        found = cursor.fetchall()
    total = sum(row[0] for row in found)
    log(f"database time of the typical day, top {top} statements: {total / 1000:.2f} s")
    for ms, calls, rows, jit, query in found:
        log(
            f"  {ms / 1000:7.3f} s {calls:6d} calls {rows:8d} rows (JIT {jit / 1000:.3f} s)  "
            + " ".join(query.split())[:200]
        )


def server_settings() -> str:
    """The PostgreSQL settings the figures depend on most, as they were for this run (the server's
    defaults keep 128 MB of pages in memory; PostgreSQL's documentation advises a quarter of the RAM)."""
    from django.db import connection

    names = ("shared_buffers", "fsync", "synchronous_commit")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)", [list(names)]
        )
        found = dict(cursor.fetchall())
    return "; PostgreSQL " + ", ".join(f"{name} {found[name]}" for name in names if name in found)


# --- a saved book (PostgreSQL, BENCH_EOD_BOOK) ---------------------------------------------------------


def _database_exists(name: str) -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("BENCH_EOD_BOOK needs PostgreSQL (a database is copied from another)")
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _book_keys(name: str) -> Path:
    """Where the field-encryption keys of the saved book ``name`` are kept (its customers' ID numbers and
    phones are sealed with the keys of the run that generated it; each run otherwise makes fresh ones)."""
    return Path(tempfile.gettempdir()) / f"creditdesk-bench-book-{name}.keys.json"


def use_book_keys() -> None:
    """Before ``django.setup``: the keys of the saved book, when there is one."""
    keys = _book_keys(SAVED_BOOK)
    if SAVED_BOOK and keys.exists():
        os.environ.update(json.loads(keys.read_text()))


def save_book(name: str) -> None:
    """Copy the freshly generated test database (nothing run on it yet) to the database ``name``, and
    keep this run's field-encryption keys beside it (``_book_keys``, readable by this user only)."""
    from django.conf import settings
    from django.db import connection

    began = time.perf_counter()
    keys = _book_keys(name)
    keys.touch(mode=0o600)
    keys.write_text(
        json.dumps(
            {
                "CREDITDESK_FIELD_KEYS": settings.CREDITDESK_FIELD_KEYS,
                "CREDITDESK_BLIND_INDEX_KEY": settings.CREDITDESK_BLIND_INDEX_KEY,
            }
        )
    )
    test_name = connection.settings_dict["NAME"]
    connection.close()  # a database is copied only while nobody is connected to it
    with connection.creation._nodb_cursor() as cursor:
        quote = connection.ops.quote_name
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(test_name)}")
    log(f"book saved as database {name!r} in {time.perf_counter() - began:.1f} s")


def saved_book(day: date) -> tuple[Any, dict[str, Any]]:
    """The test database replaced by a copy of the saved book ``SAVED_BOOK``; refused unless it is a
    book of ``LOANS`` loans for ``day`` on which no end of day has run."""
    from django.db import connection

    from creditdesk.accounts.models import User
    from creditdesk.loans.models import EodRun, Loan

    if not _book_keys(SAVED_BOOK).exists():
        raise RuntimeError(f"the keys of the saved book {SAVED_BOOK!r} are gone: drop it and generate again")
    began = time.perf_counter()
    test_name = connection.settings_dict["NAME"]
    quote = connection.ops.quote_name
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE {quote(test_name)}")
        # copied file by file, not through the write-ahead log (PostgreSQL 15's default), and the copy
        # flushed before anything is timed: else the timed runs share the disk with gigabytes of it
        strategy = " STRATEGY FILE_COPY" if connection.pg_version >= 150000 else ""
        cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(SAVED_BOOK)}{strategy}")
        cursor.execute("CHECKPOINT")
    os.sync()
    loans = Loan.objects.count()
    if loans != LOANS + 1 or EodRun.objects.exists() or not Loan.objects.filter(next_due_date=day).exists():
        raise RuntimeError(
            f"database {SAVED_BOOK!r} is not a fresh book of {LOANS:,} loans for {day} "
            f"({loans:,} loans): drop it and generate again"
        )
    ids = Loan.objects.order_by("pk").values_list("pk", "status")
    real = min(pk for pk, _status in ids)
    by_kind: dict[str, list[int]] = {"fresh": [], "overdue": []}
    for pk, status in ids:
        if pk != real:
            by_kind["overdue" if status == "overdue" else "fresh"].append(pk)
    log(f"book copied from database {SAVED_BOOK!r} in {time.perf_counter() - began:.1f} s")
    return User.objects.get(username=CM), {"by_kind": by_kind}


def run(postgres: bool) -> int:
    from django.utils import timezone

    from creditdesk.ledger.selectors import debit_credit_totals
    from creditdesk.loans.models import Installment, Loan, Repayment
    from creditdesk.loans.services.reconciliation import reconcile

    started = time.perf_counter()
    day = timezone.localdate()
    quiet = day - timedelta(days=1)
    analyze = os.environ.get("BENCH_EOD_ANALYZE", "1" if postgres else "0") == "1"
    if SAVED_BOOK and _database_exists(SAVED_BOOK):
        cm, book = saved_book(day)
    else:
        cm, book = generate(day, postgres, analyze)
        if SAVED_BOOK:
            save_book(SAVED_BOOK)
    loans = Loan.objects.count()
    instalments = Installment.objects.count()
    due_today = Loan.objects.filter(next_due_date=day).count()
    log(
        f"book: {loans:,} loans, {instalments:,} instalments, {len(book['by_kind']['overdue']):,} overdue, "
        f"{due_today:,} first due on {day}; ready in {time.perf_counter() - started:.1f} s"
    )
    log("load average before the timing: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    quiet_s, quiet_report = eod(quiet, profile=PROFILE)
    sql_s, sql_rows = sql_pass(day)
    log(f"SQL pass for {day}: {sql_rows:,} loans updated in {sql_s:.3f} s (rolled back)")
    statements_reset()
    typical_s, typical_report = eod(day, profile=PROFILE)
    statements_log()

    writers = int(os.environ.get("BENCH_EOD_WRITERS") or (16 if postgres else 1))
    posting_s, postings, touched = repayments(cm, book["by_kind"]["fresh"], writers)
    posted = Repayment.objects.filter(idempotency_key__startswith="bench-").count()
    if posted != postings:
        raise RuntimeError(f"{posted} repayments stored, {postings} posted")
    reconciled = reconcile(touched) == []
    balanced = debit_credit_totals().balanced
    log(
        f"repayments: {postings} by {writers} writers in {posting_s:.2f} s = {postings / posting_s:.1f}/s; "
        f"{len(touched)} loans reconciled: {reconciled}; ledger balanced: {balanced}"
    )
    if not (reconciled and balanced):
        raise RuntimeError(f"after the repayments: reconciled {reconciled}, ledger balanced {balanced}")

    db = db_label()
    scale = f"{loans} loans"
    server = server_settings() if postgres else ""
    book_how = (
        f"{loans:,} loans / {instalments:,} instalments (36 months 等额本息), "
        f"{len(book['by_kind']['overdue']):,} overdue (3 %), generated by INSERT … SELECT from templates"
        + ((", VACUUM ANALYZE" if postgres else ", ANALYZE") if analyze else "")
        + server
        + (", cProfile on" if PROFILE else "")
        + (", instalments and ledger lines partitioned by month" if PARTITIONED else "")
        + (
            f", end of day shared by {WORKERS} worker processes (eod_run worker=(k, {WORKERS}))"
            if WORKERS > 1
            else ""
        )
    )
    typical_n = typical_report["loans_processed"]
    quiet_n = quiet_report["loans_processed"]
    typical_how = (
        f"eod_run({day}): {typical_n:,} loans with an event ({due_today:,} due that day + the overdue); "
        f"{book_how}"
    )
    quiet_how = (
        f"eod_run({quiet}): {quiet_n:,} loans with an event (the overdue; nothing falls due); {book_how}"
    )
    sql_how = (
        f"one UPDATE … FROM (unpaid instalments due ≤ {day} grouped by loan): {sql_rows:,} loans, "
        f"rolled back; {book_how}"
    )
    post_how = (
        f"{postings} repayment_post of {REPAY_AMOUNT} by {writers} writer thread(s), own connection each, "
        "1 in 5 "
        f"to one of {HOT_LOANS} shared loans; {len(touched)} loans touched; {book_how}"
    )
    lines: list[tuple[str, Any, str, str, dict[str, Any]]] = [
        ("eod_typical_seconds", round(typical_s, 3), "s", typical_how, {}),
        ("eod_typical_loans_per_second", round(typical_n / typical_s, 1), "loans/s", typical_how, {}),
        ("eod_typical_book_loans_per_second", round(loans / typical_s, 1), "loans/s", typical_how, {}),
        ("eod_quiet_seconds", round(quiet_s, 3), "s", quiet_how, {}),
        ("eod_quiet_loans_per_second", round(quiet_n / quiet_s, 1), "loans/s", quiet_how, {}),
        ("eod_sql_pass_seconds", round(sql_s, 3), "s", sql_how, {}),
        (
            "eod_to_sql_pass_ratio",
            round(typical_s / sql_s, 1),
            "x",
            f"eod_typical_seconds / eod_sql_pass_seconds (goal ≤ 5); {book_how}",
            {},
        ),
        (
            "repayment_posts_per_second",
            round(postings / posting_s, 1),
            "posts/s",
            post_how,
            {"writers": writers, "reconciled": reconciled, "ledger_balanced": balanced},
        ),
        (
            "repayment_reconciled",
            reconciled,
            "bool",
            f"reconcile({len(touched)} loans touched) == []",
            {"reconciled": reconciled},
        ),
        ("ledger_balanced", balanced, "bool", "debit_credit_totals().balanced over the whole ledger", {}),
    ]
    for name, value, unit, detail, extra in lines:
        line = {
            "name": name,
            "value": value,
            "unit": unit,
            "scale": scale,
            "detail": detail,
            "db": db,
            **extra,
        }
        print(json.dumps(line, ensure_ascii=False), flush=True)
    log(
        f"total {time.perf_counter() - started:.1f} s; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    return 0


def main() -> int:
    exit_on_sigterm()
    var_dir, postgres = configure_in_process("creditdesk-bench-eod-")
    use_book_keys()
    sys.path.insert(0, str(ROOT))
    try:
        import django

        django.setup()
        from django.conf import settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.MEDIA_ROOT = var_dir / "media"
        # the reminders' SMS fail at once (the synthetic customers have no phone): one warning each
        logging.getLogger("creditdesk.notifications.services").setLevel(logging.ERROR)
        log(f"database: {db_label()}; temporary CREDITDESK_VAR_DIR: {var_dir}; {LOANS:,} loans")
        with benchmark_database(postgres):
            return run(postgres)
    except Exception as exc:  # reported on stderr; exit non-zero, print no figures
        import traceback

        traceback.print_exc(file=sys.stderr)
        log(f"error: {type(exc).__name__}: {exc}")
        return 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
