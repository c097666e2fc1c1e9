"""One way to change a loan's servicing state: load its book, move it, write it back, post the difference.

Every money operation on a loan (a repayment, a backdated one, a reversal, the end-of-day accrual) goes
through here, on a loan row its caller has locked (``loans.locks``):

1. ``load`` reads the instalments and the loan's sub-ledger into a ``finance.servicing.LoanBook``;
2. the caller moves the book (``pay``, ``accrue``) or replays it from the schedule (``replayed``);
3. ``save`` writes the changed instalments and the loan's columns, and posts to the general ledger the
   difference between the sub-ledger before and after — billing and penalty accrual as one entry, money
   received or reallocated as another — so the ledger always equals the sub-ledger, whatever moved it.
   It also keeps the loan's status (正常/逾期/已结清), days past due and five-category class, and tells the
   CM when a loan turns overdue (a task on the agenda and a notification), once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.agenda import services as agenda
from creditdesk.agenda.choices import TaskKind
from creditdesk.core.bulk import array_literal, update_by_pk
from creditdesk.core.money import from_fen, to_fen
from creditdesk.finance.classification import Observation, RiskClass, dpd_floor, restructuring_floor, worse
from creditdesk.finance.servicing import (
    Bucket,
    Due,
    LoanBook,
    Payment,
    PenaltyTerms,
    Row,
    Totals,
    allocation_order,
    replay,
)
from creditdesk.ledger.chart import Account, EntryKind, signed_lines
from creditdesk.ledger.services import EntrySpec, journal_post_many
from creditdesk.loans.choices import RepaymentStatus
from creditdesk.loans.models import ClassificationChange, Installment, Loan, LoanStatus, Repayment
from creditdesk.notifications.choices import Event
from creditdesk.notifications.services import outbox_put
from creditdesk.products.models import ProductVersion

HUNDRED = Decimal(100)
OVERDUE_TASK_DAYS = 1  # the CM calls the customer the day after the loan turns overdue
OPEN = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)
# ``Loan.first_dpd90_on``: the day a loan first reaches 90 days past due (the training table's outcome)
WATCH_DPD = 90


@dataclass(frozen=True)
class ServicingRules:
    """What the product says about servicing: penalty uplift, allocation order, overpayment policy."""

    uplift: Decimal
    order: tuple[Bucket, ...]
    overpayment: str


@lru_cache(maxsize=512)
def _rules_of_version(version_id: int) -> ServicingRules:
    spec = ProductVersion.objects.get(pk=version_id).as_spec()  # a version never changes once saved
    return ServicingRules(spec.penalty_uplift, allocation_order(spec.allocation_order), spec.overpayment)


def servicing_rules(loan: Loan) -> ServicingRules:
    return _rules_of_version(loan.product_version_id)


def forget_servicing_rules() -> None:
    """Drop the cached rules (tests: a rolled-back test database gives ids out again)."""
    _rules_of_version.cache_clear()
    terms_of.cache_clear()


def penalty_terms(loan: Loan) -> PenaltyTerms:
    return terms_of(loan.penalty_rate, loan.annual_rate, loan.product_version_id)


@lru_cache(maxsize=4096)
def terms_of(penalty_rate: Decimal | None, annual_rate: Decimal, version_id: int) -> PenaltyTerms:
    """The penalty terms of a loan with these columns: its penalty rate (the rate before a reset, kept
    while penalty accrues) or else its contract rate, raised by its product version's uplift."""
    rate = penalty_rate if penalty_rate is not None else annual_rate
    return PenaltyTerms(annual_rate=rate / HUNDRED, uplift=_rules_of_version(version_id).uplift)


_ROW_FIELDS = (
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty",
    "penalty_paid",
    "compound",
    "compound_paid",
    "penalty_basis",
    "compound_basis",
    "settled_on",
)
_DUE_FIELDS = ("id", "loan_id", "period", "due_date", "principal", "interest", "fee")


@dataclass(slots=True)
class Stored:
    """An instalment as the database holds it — amounts in fen, the columns' own integers — read and
    written without model instances (the batch reads thousands a day; a model instance and a Decimal per
    amount cost more than the arithmetic). ``state``: the values of ``_ROW_FIELDS``, in that order."""

    pk: int
    loan_id: int
    period: int
    due_date: date
    principal: int
    interest: int
    fee: int
    state: tuple[Any, ...]

    @classmethod
    def of(cls, item: Installment) -> Stored:
        """A freshly created instalment (nothing paid yet)."""
        return cls(
            item.pk,
            item.loan_id,
            item.period,
            item.due_date,
            to_fen(item.principal),
            to_fen(item.interest),
            to_fen(item.fee),
            (0, 0, 0, 0, 0, 0, 0, 0, 0, None),
        )


def as_date(value: Any) -> Any:
    """A date column as read raw: a ``date`` (PostgreSQL) or ISO text (SQLite); None stays None."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def instalment_rows(
    loan_ids: Sequence[int], columns: Sequence[str], condition: str = "", params: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """``columns`` of the instalments of ``loan_ids`` (and meeting ``condition``: SQL over the instalment
    table's own columns, its values in ``params``), as stored — fen integers, dates raw (``as_date``) —
    ordered by loan, due date and period, in one raw query (no model instance, no Decimal per amount:
    the batch reads thousands a day)."""
    if not loan_ids:
        return []
    meta = Installment._meta
    connection = connections[router.db_for_read(Installment)]
    quote = connection.ops.quote_name
    selected = ", ".join(quote(meta.get_field(name).column) for name in columns)
    if connection.vendor == "postgresql":  # one array parameter, not one per id (``core.lookups``)
        where, ids = f"{quote('loan_id')} = ANY(CAST(%s AS bigint[]))", [array_literal(loan_ids)]
    else:
        where, ids = f"{quote('loan_id')} IN ({', '.join(['%s'] * len(loan_ids))})", list(loan_ids)
    where += f" AND {condition}" if condition else ""
    sql = (
        f"SELECT {selected} FROM {quote(meta.db_table)} WHERE {where} "  # noqa: S608 — quoted names only
        f"ORDER BY {quote('loan_id')}, {quote('due_date')}, {quote('period')}"
    )
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, *(adapt(p) if isinstance(p, date) else p for p in params)])
        return cursor.fetchall()


def stored_rows(loan_ids: Sequence[int]) -> dict[int, list[Stored]]:
    """The instalments of ``loan_ids`` by loan, in due-date order, read with one raw query."""
    found: dict[int, list[Stored]] = {loan_id: [] for loan_id in loan_ids}
    for pk, loan_id, period, due, principal, interest, fee, *state in instalment_rows(
        list(found), (*_DUE_FIELDS, *_ROW_FIELDS)
    ):
        state[-1] = as_date(state[-1])
        found[loan_id].append(
            Stored(pk, loan_id, period, as_date(due), principal, interest, fee, tuple(state))
        )
    return found


@dataclass
class Loaded:
    """A loan with its instalments (by period) and the book read from them."""

    loan: Loan
    installments: dict[int, Stored]
    book: LoanBook
    before: Totals
    repayments_changed: list[Repayment] = field(default_factory=list)


def _row(item: Stored) -> Row:
    paid_p, paid_i, paid_f, _penalty, penalty_paid, _compound, compound_paid, p_basis, c_basis, settled = (
        item.state
    )
    return Row(
        item.period,
        item.due_date,
        item.principal,
        item.interest,
        item.fee,
        principal_paid=paid_p,
        interest_paid=paid_i,
        fee_paid=paid_f,
        penalty_basis=p_basis,
        compound_basis=c_basis,
        penalty_paid=penalty_paid,
        compound_paid=compound_paid,
        settled_on=settled,
    )


def load(loan: Loan, installments: Sequence[Stored] | None = None) -> Loaded:
    """The loan's book as stored (``installments``: already read with ``stored_rows``, else read here)."""
    items = list(installments) if installments is not None else stored_rows([loan.pk])[loan.pk]
    book = LoanBook(
        rows=[_row(item) for item in items],
        accrued_through=loan.accrued_through or loan.value_date,
        terms=penalty_terms(loan),
        order=servicing_rules(loan).order,
        credit=to_fen(loan.credit_balance),
    )
    return Loaded(loan, {item.period: item for item in items}, book, book.totals())


def posted_payments(loan: Loan, *, excluding: int | None = None) -> list[Repayment]:
    """The loan's repayments in force (not reversed), in the order they apply."""
    queryset = Repayment.objects.filter(loan=loan, status=RepaymentStatus.POSTED).order_by("value_date", "id")
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding)
    return list(queryset)


def replayed(loaded: Loaded, repayments: Sequence[Repayment], through: date) -> None:
    """Replace ``loaded.book`` by the replay of the schedule with ``repayments`` through ``through``, and
    record each repayment's (possibly new) allocation."""
    dues = [
        Due(item.period, item.due_date, item.principal, item.interest, item.fee)
        for item in loaded.installments.values()
    ]
    book, allocations = replay(
        dues,
        [Payment(r.pk, r.value_date, to_fen(r.amount)) for r in repayments],
        start=loaded.loan.value_date,
        through=through,
        terms=loaded.book.terms,
        order=loaded.book.order,
    )
    loaded.book = book
    for repayment in repayments:
        described = describe(allocations[repayment.pk])
        if repayment.allocation != described:
            repayment.allocation = described
            loaded.repayments_changed.append(repayment)


def describe(allocation: Any) -> dict[str, Any]:
    """A repayment's allocation as stored and shown: totals by bucket, shares by instalment, credit."""
    return {
        "buckets": {str(bucket): str(from_fen(amount)) for bucket, amount in allocation.by_bucket().items()},
        "shares": [
            [share.period, str(share.bucket), str(from_fen(share.amount))] for share in allocation.shares
        ],
        "credit": str(from_fen(allocation.credit)),
    }


# --- writing back --------------------------------------------------------------------------------------


def _changed_installments(loaded: Loaded) -> list[Stored]:
    """The instalments whose stored state differs from the book's (their ``state`` updated)."""
    terms = loaded.book.terms
    changed = []
    for row in loaded.book.rows:
        item = loaded.installments[row.period]
        state = (
            row.principal_paid,
            row.interest_paid,
            row.fee_paid,
            terms.amount(row.penalty_basis),
            row.penalty_paid,
            terms.amount(row.compound_basis),
            row.compound_paid,
            row.penalty_basis,
            row.compound_basis,
            row.settled_on,
        )
        if state != item.state:
            item.state = state
            changed.append(item)
    return changed


@dataclass(frozen=True)
class Saved:
    """What ``save`` did: the totals after, the ledger entries posted, and whether the loan turned
    overdue, closed or changed class."""

    totals: Totals
    entries: int
    turned_overdue: bool
    closed: bool
    reclassified: bool


@dataclass
class Outcome:
    """What moving one loan changes, computed before anything is written (``settle``), so the batch can
    write a chunk of loans with a few statements (``persist``) and a single operation the same way."""

    loaded: Loaded
    business_date: date
    rows: list[Stored]
    entries: list[EntrySpec]
    change: ClassificationChange | None
    saved: Saved


def settle(
    loaded: Loaded,
    *,
    business_date: date,
    cash_kind: str = EntryKind.REPAYMENT,
    accrual_kind: str = EntryKind.ACCRUAL,
    reference: str = "",
    memo: str = "",
    actor: User | None = None,
) -> Outcome:
    """The loan's new columns (set on ``loaded.loan``), the instalments changed, the ledger entries of the
    difference, the change of class — nothing written yet."""
    loan, book, before = loaded.loan, loaded.book, loaded.before
    after = book.totals()
    entries = _difference(
        loan=loan,
        before=before,
        after=after,
        business_date=business_date,
        cash_kind=cash_kind,
        accrual_kind=accrual_kind,
        reference=reference,
        memo=memo,
        actor=actor,
    )
    rows = _changed_installments(loaded)
    was_overdue = loan.dpd > 0
    was_open = loan.status in OPEN
    loan.principal_outstanding = from_fen(after.principal_outstanding)
    loan.interest_receivable = from_fen(after.interest_receivable)
    loan.penalty_receivable = from_fen(after.penalty_receivable)
    loan.fee_receivable = from_fen(after.fee_receivable)
    loan.credit_balance = from_fen(after.credit)
    loan.overdue_principal = from_fen(after.overdue_principal)
    loan.overdue_interest = from_fen(after.overdue_interest)
    loan.dpd = after.dpd
    loan.max_dpd = max(loan.max_dpd, after.dpd)
    loan.oldest_unpaid_due = after.oldest_unpaid_due
    loan.next_due_date = after.next_due
    loan.accrued_through = book.accrued_through
    if after.dpd > 0 and in_observation(loan, book.accrued_through):
        loan.observation_missed = True
    if after.dpd >= WATCH_DPD and loan.first_dpd90_on is None and after.oldest_unpaid_due is not None:
        loan.first_dpd90_on = after.oldest_unpaid_due + timedelta(days=WATCH_DPD)
    closed = False
    if was_open:
        if after.settled:
            loan.status, loan.closed_on, closed = LoanStatus.CLOSED, book.accrued_through, True
        else:
            loan.status = LoanStatus.OVERDUE if after.dpd > 0 else LoanStatus.ACTIVE
    change = classification_change(loan, business_date=business_date, actor=None)
    turned_overdue = not was_overdue and after.dpd > 0 and loan.status == LoanStatus.OVERDUE
    saved = Saved(after, len(entries), turned_overdue, closed, change is not None)
    return Outcome(loaded, business_date, rows, entries, change, saved)


def persist(outcomes: Sequence[Outcome]) -> None:
    """Write what ``settle`` computed for one loan or a chunk of locked loans: the ledger entries in two
    inserts, the instalments and the loans with one statement each (executemany), the changes of class,
    and the CM told of each loan that turned overdue."""
    journal_post_many([entry for outcome in outcomes for entry in outcome.entries])
    _update_rows([row for outcome in outcomes for row in outcome.rows])
    _update_loans([outcome.loaded.loan for outcome in outcomes])
    changed = [r for outcome in outcomes for r in outcome.loaded.repayments_changed]
    if changed:
        Repayment.objects.bulk_update(changed, ["allocation"])
    ClassificationChange.objects.bulk_create([o.change for o in outcomes if o.change is not None])
    for outcome in outcomes:
        if outcome.saved.turned_overdue:
            _tell_overdue(outcome.loaded.loan, outcome.business_date)


def save(
    loaded: Loaded,
    *,
    business_date: date,
    cash_kind: str = EntryKind.REPAYMENT,
    accrual_kind: str = EntryKind.ACCRUAL,
    reference: str = "",
    memo: str = "",
    actor: User | None = None,
) -> Saved:
    """Write the book back and post the difference (see the module docstring): ``settle`` then
    ``persist`` for one loan."""
    outcome = settle(
        loaded,
        business_date=business_date,
        cash_kind=cash_kind,
        accrual_kind=accrual_kind,
        reference=reference,
        memo=memo,
        actor=actor,
    )
    persist([outcome])
    return outcome.saved


def _update_rows(rows: Sequence[Stored]) -> None:
    """UPDATE the instalments' state (fen integers and the settled date, as stored) in one statement."""
    update_by_pk(Installment, _ROW_FIELDS, [[*row.state, row.pk] for row in rows])


def _update_loans(loans: Sequence[Loan]) -> None:
    """UPDATE the loans' servicing columns in one statement (Django's ``bulk_update`` builds a CASE per row
    and field: far slower for thousands of rows)."""
    if not loans:
        return
    connection = connections[router.db_for_write(Loan)]
    columns = [Loan._meta.get_field(name) for name in _LOAN_FIELDS]
    update_by_pk(
        Loan,
        _LOAN_FIELDS,
        [
            [field.get_db_prep_save(getattr(loan, field.attname), connection) for field in columns]
            + [loan.pk]
            for loan in loans
        ],
    )


_LOAN_FIELDS = (
    "principal_outstanding",
    "interest_receivable",
    "penalty_receivable",
    "fee_receivable",
    "credit_balance",
    "overdue_principal",
    "overdue_interest",
    "dpd",
    "max_dpd",
    "oldest_unpaid_due",
    "next_due_date",
    "accrued_through",
    "first_dpd90_on",
    "status",
    "closed_on",
    "risk_class",
    "risk_floor",
    "risk_manual",
    "observation_missed",
)


def _difference(
    *,
    loan: Loan,
    before: Totals,
    after: Totals,
    business_date: date,
    cash_kind: str,
    accrual_kind: str,
    reference: str,
    memo: str,
    actor: User | None,
) -> list[EntrySpec]:
    """Two entries at most: what became receivable (billing, penalty and 复利 accrual, their
    recomputation), and what was paid (cash received, credit applied, a reallocation or a reversal)."""
    billed_interest = after.interest_billed - before.interest_billed
    billed_fee = after.fee_billed - before.fee_billed
    accrued_penalty = (after.penalty + after.compound) - (before.penalty + before.compound)
    paid_principal = after.principal_paid - before.principal_paid
    paid_interest = after.interest_paid - before.interest_paid
    paid_fee = after.fee_paid - before.fee_paid
    paid_penalty = (after.penalty_paid + after.compound_paid) - (before.penalty_paid + before.compound_paid)
    credit = after.credit - before.credit
    cash = paid_principal + paid_interest + paid_fee + paid_penalty + credit
    payment = {
        Account.CLEARING: cash,
        Account.LOANS_RECEIVABLE: -paid_principal,
        Account.INTEREST_RECEIVABLE: -paid_interest,
        Account.FEE_RECEIVABLE: -paid_fee,
        Account.PENALTY_RECEIVABLE: -paid_penalty,
        Account.CUSTOMER_CREDIT: credit,
    }
    accrual = accrual_entry(
        loan_id=loan.pk,
        business_date=business_date,
        billed_interest=billed_interest,
        billed_fee=billed_fee,
        accrued_penalty=accrued_penalty,
        kind=accrual_kind,
        reference=reference,
        memo=memo,
        actor=actor,
    )
    entries = [accrual] if accrual is not None else []
    lines = signed_lines({account: from_fen(fen) for account, fen in payment.items()})
    if lines:
        entries.append(EntrySpec(cash_kind, business_date, tuple(lines), loan.pk, reference, memo, actor))
    return entries


def accrual_deltas(billed_interest: int, billed_fee: int, accrued_penalty: int) -> dict[Account, int]:
    """The changes of balances (fen) of an accrual: each amount receivable against its income."""
    return {
        Account.INTEREST_RECEIVABLE: billed_interest,
        Account.INTEREST_INCOME: billed_interest,
        Account.FEE_RECEIVABLE: billed_fee,
        Account.FEE_INCOME: billed_fee,
        Account.PENALTY_RECEIVABLE: accrued_penalty,
        Account.PENALTY_INCOME: accrued_penalty,
    }


def accrual_entry(
    *,
    loan_id: int,
    business_date: date,
    billed_interest: int,
    billed_fee: int,
    accrued_penalty: int,
    kind: str = EntryKind.ACCRUAL,
    reference: str = "",
    memo: str = "",
    actor: User | None = None,
) -> EntrySpec | None:
    """The entry of what became receivable on a loan (fen): interest and fees billed, penalty and 复利
    accrued (or their recomputation, negative) — receivable against income; None when nothing did."""
    deltas = accrual_deltas(billed_interest, billed_fee, accrued_penalty)
    lines = signed_lines({account: from_fen(fen) for account, fen in deltas.items()})
    if not lines:
        return None
    return EntrySpec(kind, business_date, tuple(lines), loan_id, reference, memo, actor)


# --- classification ------------------------------------------------------------------------------------


def in_observation(loan: Loan, on: date) -> bool:
    """Whether a restructured loan is within its observation period on ``on``."""
    return loan.restructured_on is not None and (
        loan.observation_ends_on is None or on <= loan.observation_ends_on
    )


def rule_floor(loan: Loan) -> RiskClass:
    """The floor the rules set: days past due (RULES.md table); the borrower-level floor of a non-retail
    borrower (the 10% rule, kept on the loan by the end-of-day batch); and, for a loan restructured
    because of financial difficulty, the observation-period floor (``finance.classification``)."""
    floor = worse(dpd_floor(loan.dpd), loan.borrower_floor)
    if loan.restructured_on is not None:
        observation = Observation(
            ends_on=loan.observation_ends_on,
            missed=loan.observation_missed,
            restructured_again=False,  # a restructuring inside the observation period sets ``missed``
            was_npl=loan.observation_was_npl,
        )
        floor = worse(floor, restructuring_floor(observation, loan.accrued_through or loan.value_date))
    return floor


def classification_change(
    loan: Loan, *, business_date: date, actor: User | None, reason: str = "", manual: bool = False
) -> ClassificationChange | None:
    """Set the loan's floor and class (a manual judgement stays while it is at or below the floor; a
    floor that falls below it replaces it) and return the change of class to record (unsaved), or None.
    ``manual``: the change is a risk manager's judgement (``loans.services.classification``). The caller
    saves the loan and the change."""
    floor = rule_floor(loan)
    judged = RiskClass(loan.risk_manual) if loan.risk_manual else None
    if judged is not None and judged.rank < floor.rank:
        judged = None
        loan.risk_manual = ""
    current = judged or floor
    previous = loan.risk_class
    loan.risk_floor = floor
    if current == previous:
        return None
    loan.risk_class = current
    return ClassificationChange(
        loan=loan,
        business_date=business_date,
        from_class=previous,
        to_class=current,
        floor=floor,
        dpd=loan.dpd,
        manual=manual,
        reason=reason
        or _("逾期 %(dpd)s 天，规则下限为「%(floor)s」。")
        % {"dpd": loan.dpd, "floor": RiskClass(floor).label},
        changed_by=actor,
    )


def classify(loan: Loan, *, business_date: date, actor: User | None, reason: str = "") -> bool:
    """``classification_change`` with the change recorded at once (the caller saves the loan)."""
    change = classification_change(loan, business_date=business_date, actor=actor, reason=reason)
    if change is not None:
        change.save()
    return change is not None


# --- telling people ------------------------------------------------------------------------------------


def _tell_overdue(loan: Loan, business_date: date) -> None:
    """A loan just turned overdue: a task on the CM's agenda (the post-loan work builds its warnings and
    collection on it) and a notification, once per overdue episode (keyed by the oldest unpaid due date)."""
    due = loan.oldest_unpaid_due
    title = _("%(customer)s 贷款 %(number)s 逾期，请联系客户") % {
        "customer": loan.customer.name,
        "number": loan.number,
    }
    agenda.task_schedule(
        actor=None,  # the system
        owner=loan.owner,
        customer=loan.customer,
        title=title[:200],
        due_date=max(business_date + timedelta(days=OVERDUE_TASK_DAYS), timezone.localdate()),
        kind=TaskKind.COLLECTION,
        notes=_("%(due)s 应还的款项未还：逾期本金 %(principal)s 元，逾期利息 %(interest)s 元。")
        % {"due": due, "principal": loan.overdue_principal, "interest": loan.overdue_interest},
    )
    outbox_put(
        recipient=loan.owner,
        event=Event.LOAN_OVERDUE,
        title=title[:200],
        body=_("贷款 %(number)s 自 %(due)s 起逾期。") % {"number": loan.number, "due": due},
        link=f"/loans/{loan.pk}/",
        dedupe_key=f"loan:{loan.pk}:overdue:{due}",
        deliver_now=False,
    )
