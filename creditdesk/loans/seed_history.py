"""Demo loan history (issue 16, item 12): about ``CREDITDESK_DEMO_LOANS`` loans booked over the past
``CREDITDESK_DEMO_HISTORY_MONTHS`` months and serviced day by day by the real code, so that every figure
on every page (balances, days past due, 五级分类, NPL ratio, the end-of-day reports) is what the
servicing produces.

How: the business dates are walked from the first value date to yesterday. On each day, in the order a
bank lives it:

1. the loans whose value date is that day are booked: Application (status 已放款), ApplicationPart,
   ApplicationParty and Disbursement rows are written directly (bulk), and each loan through
   ``book_disbursed_part`` — the schedule (``applications.terms``) and the ledger entry are the real
   disbursement's. Products are the demo product versions in the database (revolving left out), amounts
   and terms within each product's ranges, the rate the product prices for the customer's grade on the
   value date (``price_on_the_day``, as the application flow does); borrowers are seeded customers of a
   kind the product admits, owned and served by their CM;
2. the repayments customers make that day, each through ``repayment_post``: the on-time payers by 代扣
   (``auto_debit``) on the due date; the late ones at the counter or by transfer, catching up everything
   overdue plus the penalty (as the Loan row shows it, with a small margin that becomes 溢缴款);
3. ``eod_run`` for the day.

Behaviour profiles (``random.Random(20261206)``, reproducible): ~88 % always on time, ~7 % sometimes late
(3–40 days, then catch up), ~3 % chronically late (30–120 days), ~2 % stop paying at some point (old enough
loans, so that they are NPL by the end); ~3 % pay something extra once (prepayment: 溢缴款 or 提前还本 as
the product says).

Idempotent: does nothing when an end-of-day run exists (the history is written once, before any day is
closed by hand). A run interrupted half way leaves its days closed; start from an empty database again.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from creditdesk.agenda.choices import TaskKind, TaskStatus
from creditdesk.agenda.models import Task
from creditdesk.applications.models import Application, ApplicationPart, ApplicationParty
from creditdesk.applications.services import application as application_services
from creditdesk.applications.terms import apr_percent, part_schedule, schedule_digest, schedule_rows
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.models import Customer
from creditdesk.finance.terms import Method
from creditdesk.loans.choices import PaymentMode, RepaymentChannel
from creditdesk.loans.models import Disbursement, EodRun, Installment, Loan, LoanStatus
from creditdesk.loans.services.disbursement import book_disbursed_part
from creditdesk.loans.services.eod import eod_run
from creditdesk.loans.services.repayments import repayment_post
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.models import Product, ProductVersion

SEED = 20261206
LEFT_ALONE = ("张三", "李四", "王五", "王建国", "老王家常菜馆")  # kept free of loans for the live demo
PROGRESS_DAYS = 30
# Relative weight of each demo product in the book (a branch lends more consumer credit than mortgages).
PRODUCT_WEIGHTS = {"GXED": 4, "GJJXD": 3, "XWKD": 3, "FDJYD": 2, "SYZFDK": 2, "QCXFD": 2, "JZFQ": 2}
AMOUNT_CAP = Decimal("3000000")  # demo loans stay below 300 万 whatever the product allows
TERMS = (3, 6, 12, 18, 24, 36, 48, 60, 120, 180, 240, 300, 360)
PROFILES = (("on_time", 88), ("sometimes_late", 7), ("chronic", 3), ("stops", 2))
LATE_CHANCE = {"on_time": 0.0, "sometimes_late": 0.3, "chronic": 0.7, "stops": 0.0}
LATE_DAYS = {"sometimes_late": (3, 40), "chronic": (30, 120)}
PREPAY_SHARE = 0.03
NPL_MARGIN_DAYS = 130  # a loan that stops paying must be this old at the end to be NPL (> 90 DPD)
HUNDRED = Decimal(100)
FEN = Decimal("0.01")


@dataclass
class Plan:
    """One demo loan to book, and how its borrower behaves."""

    index: int
    version: ProductVersion
    customer: Customer
    purpose: str
    method: str
    amount: Decimal
    term: int
    value_date: date
    profile: str
    stop_on: date | None = None
    prepay_on: date | None = None
    loan_id: int | None = None
    catch_up_on: date | None = None  # a late payment planned for this day
    credit_possible: bool = False  # paid extra once: read what is owed from the loan, not the schedule


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _versions() -> list[ProductVersion]:
    """The demo products' current versions that book a schedule (随借随还 only: left out)."""
    versions = []
    for product in Product.objects.select_related("current_version").order_by("code"):
        version = product.current_version
        if version is None:
            continue
        spec = version.as_spec()
        if any(m != Method.REVOLVING for m in spec.methods):
            versions.append(version)
    return versions


def _amount(rng: random.Random, spec: ProductSpec) -> Decimal:
    low, high = spec.min_amount, min(spec.max_amount, max(AMOUNT_CAP, spec.min_amount))
    raw = math.exp(rng.uniform(math.log(float(low)), math.log(float(high))))
    step = 10_000 if raw >= 200_000 else 1_000
    rounded = Decimal(int(raw // step) * step)
    return min(max(rounded, low), high).quantize(FEN)


def _term(rng: random.Random, spec: ProductSpec, method: str) -> int:
    terms = [t for t in TERMS if spec.min_term_months <= t <= spec.max_term_months]
    if method == Method.BULLET:
        terms = [t for t in terms if t <= 12] or terms
    if "home_purchase" in spec.purposes:
        terms = [t for t in terms if t >= 120] or terms
    return rng.choice(terms or [spec.min_term_months])


def _plans(rng: random.Random, count: int, months: int, end: date, stdout: Any) -> list[Plan]:
    versions = _versions()
    customers: dict[str, list[Customer]] = defaultdict(list)
    for customer in (
        Customer.objects.filter(owner__isnull=False).exclude(name__in=LEFT_ALONE).select_related("owner")
    ).order_by("pk"):
        customers[customer.kind].append(customer)
    usable = [v for v in versions if any(customers.get(t) for t in v.as_spec().customer_types)]
    if not usable or count <= 0:
        _say(stdout, "贷款历史：没有可用的产品或客户，跳过。")
        return []
    pool = sum(len(customers[k]) for k in customers)
    if pool < count:
        _say(stdout, f"贷款历史：只有 {pool} 户客户，{count} 笔贷款将由部分客户多笔借用。")
    weights = [PRODUCT_WEIGHTS.get(v.product.code, 1) for v in usable]
    start = end - timedelta(days=round(months * 30.44)) + timedelta(days=1)
    span = (end - start).days
    plans = []
    for index in range(count):
        version = rng.choices(usable, weights=weights)[0]
        spec = version.as_spec()
        kinds = [t for t in spec.customer_types if customers.get(t)]
        customer = rng.choice(customers[rng.choice(kinds)])
        method = str(rng.choice([m for m in spec.methods if m != Method.REVOLVING]))
        profile = rng.choices([p for p, _ in PROFILES], weights=[w for _, w in PROFILES])[0]
        last = span - NPL_MARGIN_DAYS if profile == "stops" and span > NPL_MARGIN_DAYS + 30 else span
        value_date = start + timedelta(days=rng.randint(0, max(last, 0)))
        plan = Plan(
            index=index,
            version=version,
            customer=customer,
            purpose=rng.choice(spec.purposes),
            method=method,
            amount=_amount(rng, spec),
            term=_term(rng, spec, method),
            value_date=value_date,
            profile=profile,
        )
        if profile == "stops":
            latest = max((end - value_date).days - 100, 31)
            plan.stop_on = value_date + timedelta(days=rng.randint(25, latest))
        if rng.random() < PREPAY_SHARE:
            plan.prepay_on = value_date + timedelta(days=rng.randint(10, max((end - value_date).days, 10)))
        plans.append(plan)
    return plans


class _Pricer:
    """The product's rate for the customer's grade on the value date, as ``application_create`` prices
    a part; grades read once per customer."""

    def __init__(self) -> None:
        self.grades: dict[int, str] = {}

    def price(self, plan: Plan) -> tuple[Decimal, dict[str, Any]]:
        grade = self.grades.get(plan.customer.pk)
        if grade is None:
            grade = self.grades[plan.customer.pk] = application_services.grade_of(plan.customer)
        asked = application_services.PartInput(plan.version.product.code, plan.amount, plan.term, plan.method)
        return application_services.price_on_the_day(plan.version.as_spec(), grade, asked, plan.value_date)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _book(plans: list[Plan], pricer: _Pricer, dues: dict[date, list[tuple[Plan, int, Decimal]]]) -> int:
    """Book the day's loans: the rows a real application leaves, in bulk, then each loan through
    ``book_disbursed_part``; the instalments' due dates and amounts go to ``dues``."""
    if not plans:
        return 0
    day = plans[0].value_date
    with transaction.atomic():
        applications = Application.objects.bulk_create(
            Application(
                number=f"HS{day:%Y%m%d}{plan.index:06d}",
                customer=plan.customer,
                purpose=plan.purpose,
                status="disbursed",
                owner=plan.customer.owner,
                created_by=plan.customer.owner,
                submitted_at=_at(day - timedelta(days=10), 10),
                decided_at=_at(day - timedelta(days=5), 15),
                approval_expires_on=day + timedelta(days=85),
                stage_entered_at=_at(day, 11),
            )
            for plan in plans
        )
        parts = []
        for plan, application in zip(plans, applications, strict=True):
            rate, breakdown = pricer.price(plan)
            parts.append(
                ApplicationPart(  # type: ignore[misc]  # django-stubs types AmountField as int
                    application=application,
                    position=1,
                    product_version=plan.version,
                    amount=plan.amount,
                    term_months=plan.term,
                    method=plan.method,
                    annual_rate=rate,
                    priced_rate=rate,
                    price=breakdown,
                    priced_on=day - timedelta(days=10),
                )
            )
        ApplicationPart.objects.bulk_create(parts)
        ApplicationParty.objects.bulk_create(
            ApplicationParty(application=a, customer=p.customer, role="borrower")
            for p, a in zip(plans, applications, strict=True)
        )
        disbursements = []
        for plan, application, part in zip(plans, applications, parts, strict=True):
            spec = plan.version.as_spec()
            entrusted = spec.needs_entrusted_payment(plan.amount, plan.customer.kind, plan.purpose)
            account = f"62170000{plan.customer.pk:010d}"
            disbursements.append(
                Disbursement(  # type: ignore[misc]  # django-stubs types AmountField as int
                    application=application,
                    part=part,
                    amount=plan.amount,
                    value_date=day,
                    mode=PaymentMode.ENTRUSTED if entrusted else PaymentMode.SELF,
                    payee_name="本市鑫源商贸有限公司" if entrusted else plan.customer.name,
                    payee_account="6222021002345678901" if entrusted else account,
                    payee_account_tail=("6222021002345678901" if entrusted else account)[-4:],
                    payee_bank="本行高新区支行" if entrusted else "本行",
                    payment_reference=f"采购合同 {application.number}-1" if entrusted else "",
                    idempotency_key=f"seed-history-{plan.index}",
                    disbursed_by=plan.customer.owner,
                    disbursed_at=_at(day, 14),
                )
            )
        Disbursement.objects.bulk_create(disbursements)
        for plan, application, part, disbursement in zip(
            plans, applications, parts, disbursements, strict=True
        ):
            application.customer = plan.customer
            part.application = application
            schedule = part_schedule(part, day)
            loan = book_disbursed_part(
                actor=plan.customer.owner,
                application=application,
                part=part,
                disbursement=disbursement,
                schedule=schedule,
                digest=schedule_digest(schedule_rows(schedule)),
                apr=apr_percent(schedule),
            )
            plan.loan_id = loan.pk
            for row in schedule.installments:
                dues[row.due_date].append((plan, row.period, row.payment + row.fee))
    return len(plans)


def _pay(plan: Plan, amount: Decimal, day: date, key: str, channel: str) -> bool:
    assert plan.loan_id is not None
    try:
        repayment_post(
            actor=plan.customer.owner,
            loan_id=plan.loan_id,
            amount=amount.quantize(FEN),
            idempotency_key=f"seed-history-{plan.loan_id}-{key}",
            value_date=day,
            channel=channel,
        )
    except DomainError as exc:
        if exc.code == "loan_closed":
            return False
        raise
    return True


def _loan_id(plan: Plan) -> int:
    assert plan.loan_id is not None  # booked before any of its days comes
    return plan.loan_id


def _owed_now(plan: Plan, day: date, scheduled: Decimal) -> Decimal:
    """What the borrower still owes on the instalment due ``day``: the schedule's amount, or — once the
    loan may hold a credit balance or a prepayment changed the schedule — the loan's own figures."""
    if not plan.credit_possible:
        return scheduled
    loan = Loan.objects.filter(pk=_loan_id(plan)).values("credit_balance", "status").get()
    if loan["status"] not in (LoanStatus.ACTIVE, LoanStatus.OVERDUE):
        return Decimal(0)
    row = Installment.objects.filter(loan_id=_loan_id(plan), due_date=day).first()
    if row is None:
        return Decimal(0)
    owed = row.payment + row.fee - row.principal_paid - row.interest_paid - row.fee_paid
    left = owed - Decimal(loan["credit_balance"])
    return left if left > 0 else Decimal(0)


def _catch_up(plan: Plan, day: date) -> int:
    """A late borrower pays everything overdue and the penalty as the loan shows it (accrued through
    yesterday), rounded up with a small margin for today's penalty: the rest becomes 溢缴款."""
    loan = Loan.objects.get(pk=_loan_id(plan))
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.OVERDUE):
        return 0
    owed = loan.overdue_principal + loan.overdue_interest + loan.fee_receivable + loan.penalty_receivable
    if owed <= 0:
        return 0
    amount = Decimal(math.ceil(owed * Decimal("1.002")) + 1)
    channel = RepaymentChannel.COUNTER if plan.index % 2 else RepaymentChannel.TRANSFER
    plan.credit_possible = True
    return int(_pay(plan, amount, day, f"late-{day:%Y%m%d}", channel))


def _day(
    rng: random.Random,
    day: date,
    dues: dict[date, list[tuple[Plan, int, Decimal]]],
    catch_ups: dict[date, list[Plan]],
    prepays: dict[date, list[Plan]],
) -> int:
    """The repayments customers make on ``day`` (before its end-of-day run)."""
    posted = 0
    for plan in catch_ups.pop(day, []):
        plan.catch_up_on = None
        posted += _catch_up(plan, day)
    for plan, period, scheduled in dues.pop(day, []):
        if plan.catch_up_on is not None or (plan.stop_on is not None and day >= plan.stop_on):
            continue  # still behind (the catch-up pays this one too), or stopped paying
        if rng.random() < LATE_CHANCE[plan.profile]:
            low, high = LATE_DAYS[plan.profile]
            plan.catch_up_on = day + timedelta(days=rng.randint(low, high))
            catch_ups[plan.catch_up_on].append(plan)
            continue
        amount = _owed_now(plan, day, scheduled)
        if amount > 0:
            posted += _pay(plan, amount, day, f"due-{period}", RepaymentChannel.AUTO_DEBIT)
    for plan in prepays.pop(day, []):
        if plan.stop_on is not None and day >= plan.stop_on:
            continue
        extra = max(plan.amount / plan.term, Decimal(1000)) * rng.randint(1, 3)
        plan.credit_possible = True
        posted += _pay(plan, extra.quantize(Decimal(1)), day, "prepay", RepaymentChannel.TRANSFER)
    return posted


def _close_followed_up_tasks() -> None:
    """The collection tasks the batch put on the CMs' agendas over the past year are done for every
    customer whose loans are no longer overdue (the demo's CMs followed them up); the others stay open."""
    Task.objects.filter(kind=TaskKind.COLLECTION, status=TaskStatus.OPEN).exclude(
        customer__loans__status=LoanStatus.OVERDUE
    ).update(status=TaskStatus.DONE, completed_at=timezone.now())


def run(*, stdout: Any = None) -> dict[str, int]:
    if EodRun.objects.exists():
        _say(stdout, f"贷款历史：已存在（日终已运行 {EodRun.objects.count()} 天）")
        return {"history_loans": 0, "history_repayments": 0, "history_days": 0}
    count = int(getattr(settings, "CREDITDESK_DEMO_LOANS", 5000))
    months = int(getattr(settings, "CREDITDESK_DEMO_HISTORY_MONTHS", 12))
    end = timezone.localdate() - timedelta(days=1)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    plans = _plans(rng, count, months, end, stdout)
    if not plans:
        return {"history_loans": 0, "history_repayments": 0, "history_days": 0}
    by_day: dict[date, list[Plan]] = defaultdict(list)
    prepays: dict[date, list[Plan]] = defaultdict(list)
    for plan in plans:
        by_day[plan.value_date].append(plan)
        if plan.prepay_on is not None:
            prepays[plan.prepay_on].append(plan)
    dues: dict[date, list[tuple[Plan, int, Decimal]]] = defaultdict(list)
    catch_ups: dict[date, list[Plan]] = defaultdict(list)
    pricer = _Pricer()
    day = min(by_day)
    first = day
    booked = repayments = days = 0
    while day <= end:
        booked += _book(by_day.pop(day, []), pricer, dues)
        repayments += _day(rng, day, dues, catch_ups, prepays)
        eod_run(business_date=day)
        days += 1
        if days % PROGRESS_DAYS == 0 or day == end:
            overdue = Loan.objects.filter(status=LoanStatus.OVERDUE).count()
            _say(
                stdout,
                f"贷款历史：{day.isoformat()} 已放款 {booked} 笔，还款 {repayments} 笔，逾期 {overdue} 笔",
            )
        day += timedelta(days=1)
    _close_followed_up_tasks()
    states = Counter(Loan.objects.values_list("status", "risk_class"))
    summary = "，".join(f"{status}/{risk} {n}" for (status, risk), n in sorted(states.items()))
    _say(
        stdout,
        f"贷款历史：{first.isoformat()} 至 {end.isoformat()}，{booked} 笔贷款，"
        f"{repayments} 笔还款；{summary}",
    )
    return {"history_loans": booked, "history_repayments": repayments, "history_days": days}
