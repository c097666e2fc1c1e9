"""The scorecard's training table from the bank's own book (训练样本表, issue 16 item 11): for every
disbursed loan whose outcome is known, the feature values as they were at the application and whether
the loan went bad — written in the format ``creditdesk scoring train --data`` imports
(:mod:`creditdesk.scoring.training.table`), so the bank's own card is trained on its own history.

Outcome (表现, the trainer's default definition, :class:`creditdesk.scoring.training.bank.OutcomeDefinition`):
**bad = 90 days past due or more within 12 months of disbursement**. The window runs from the loan's
``value_date`` (起息日) to the same day 12 months later (``window_end``, the month's last day when it is
shorter), both included. Everything is read as of ``as_of`` (default today): an event after ``as_of`` is
not known yet.

- ``outcome = 1`` (bad): ``first_dpd90_on`` (set by the end-of-day batch the day the loan first reached
  90 days past due) is on or before ``window_end`` (and on or before ``as_of``);
- ``outcome = 0`` (good): not bad, and the loan was observed through the window — ``observed_through ≥
  window_end``, or the loan was closed (结清, ``closed_on ≤ as_of``) without going bad. ``observed_through``
  is ``accrued_through`` (the last day the batch accrued it), or, for a loan still open on ``as_of``, the
  last business date ≤ ``as_of`` the end-of-day batch completed, if later: the batch looks at a loan only on
  a day something is due or overdue, so an open loan it left alone had nothing past due that day (a
  先息后本 or 一次性还本付息 loan would otherwise look unobserved until its next due date); capped at
  ``as_of``;
- otherwise the loan is **indeterminate** (observed less than 12 months, not bad yet) and excluded
  (``excluded_indeterminate``). A written-off or restructured loan without a 90-day event is observed only
  through its ``accrued_through``.

A loan with a known outcome is still left out when:

- ``excluded_immature``: its application is less than 12 months before ``as_of``. The trainer refuses
  such a row (``outcome_immature``: ``creditdesk scoring train`` passes today), and rightly: in a cohort
  whose window has not passed only the early bads and early payoffs are known, so keeping them would
  over-state the bad rate of recent applications;
- ``skipped_no_features``: no stored application-time feature values (below);
- ``skipped_invalid_value``: a stored value the trainer would refuse (not a number, not a whole number
  for a whole-number feature, not one of the feature's categories — a registry changed since).

Each loan is counted once, in the first of these that applies (indeterminate, immature, no features,
invalid value); loans disbursed after ``as_of`` are not considered.

Application-time features (申请时的特征值): never recomputed from today's customer record. The
application does not link the pre-assessment it was priced on: ``applications.services.application_create``
copies the grade of the customer's latest pre-assessment (``grade_of``) into ``Application.grade``. The
same assessment is found again here — the customer's latest ``scoring.Assessment`` created at or before
the application's ``created_at`` — and its stored ``inputs`` (``{variable: {"value", "source"}}``, the
values the card scored, encrypted at rest) are the row's features. Only registry features
(:mod:`creditdesk.scoring.features`) are kept, under their keys; a value marked 不适用
(``NOT_APPLICABLE``) or unknown (``UNKNOWN``) is a blank cell (the card's Missing bin), as is a feature the
card of that assessment did not use. A loan whose customer had no assessment before the application, or
whose assessment holds no registry feature (the German Credit benchmark card), is skipped and counted.

The file (:func:`write_table`): UTF-8 CSV, columns ``application_date`` (the application's
``created_at``, local date), then every registry feature present in some row (registry order; a feature
blank in every row is left out, the trainer refuses an empty column), then ``outcome``; rows in
application-date order (then value date, then loan id), as the trainer requires. Identifying columns
would be refused by the trainer (``feature_unknown``), so they go to a sidecar CSV (:func:`write_keys`,
:data:`KEY_COLUMNS`), row for row in the same order (``table_row`` is the row's number in the table file,
the header being row 1).

The table holds personal information in clear (monthly income among the features, sensitive under
RULES.md): it is for the model developer's secured environment, not for sharing.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from django.db.models import Max
from django.utils import timezone

from creditdesk.loans.choices import EodStatus, LoanStatus
from creditdesk.loans.models import EodRun, Loan
from creditdesk.scoring.features import FEATURES, Feature
from creditdesk.scoring.models import Assessment
from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN
from creditdesk.scoring.training.table import APPLICATION_DATE, OUTCOME, months_before

BAD_DPD: Final = 90
WINDOW_MONTHS: Final = 12
OPEN_STATUSES: Final = (LoanStatus.ACTIVE, LoanStatus.OVERDUE)

KEY_COLUMNS: Final = (
    "table_row",
    "loan_id",
    "loan_number",
    "application_number",
    "application_date",
    "assessment_id",
    "assessed_at",
    "score_model",
    "value_date",
    "window_end",
    "first_dpd90_on",
    "observed_through",
    "outcome",
)
"""The sidecar's columns: which loan each table row is, and how its outcome was decided."""

COUNT_KEYS: Final = (
    "rows",
    "bad",
    "good",
    "excluded_indeterminate",
    "excluded_immature",
    "skipped_no_features",
    "skipped_invalid_value",
)


@dataclass(frozen=True)
class TrainingRow:
    """One loan of the table: its ``features`` (registry key → value: float, int, category text, or None
    for blank), its ``outcome`` and the identifying ``keys`` (:data:`KEY_COLUMNS` but ``table_row``)."""

    application_date: dt.date
    features: dict[str, Any]
    outcome: int
    keys: dict[str, Any]
    sort_key: tuple[dt.date, dt.date, int]

    def as_dict(self) -> dict[str, Any]:
        """The table row with its keys: ``application_date``, the features, ``outcome``, then the keys."""
        return {
            APPLICATION_DATE: self.application_date,
            **self.features,
            OUTCOME: self.outcome,
            **{k: v for k, v in self.keys.items() if k not in (APPLICATION_DATE, OUTCOME)},
        }


@dataclass(frozen=True)
class TrainingExport:
    """The rows in table order, the feature columns, and the counts (:data:`COUNT_KEYS`)."""

    rows: list[TrainingRow]
    features: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [APPLICATION_DATE, *self.features, OUTCOME]


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day when it is shorter)."""
    return months_before(day, -months)


def _last_batch_date(as_of: dt.date) -> dt.date | None:
    done = EodRun.objects.filter(status=EodStatus.DONE, business_date__lte=as_of).aggregate(
        last=Max("business_date")
    )
    return done["last"]


def outcome_of(
    loan: Loan, *, as_of: dt.date, last_batch: dt.date | None
) -> tuple[int | None, dt.date | None]:
    """(1 bad / 0 good / None indeterminate, the date observed through) of ``loan`` as of ``as_of``, by
    the rule of the module docstring."""
    window_end = months_after(loan.value_date, WINDOW_MONTHS)
    observed = loan.accrued_through
    was_open = loan.status in OPEN_STATUSES or (loan.closed_on is not None and loan.closed_on > as_of)
    if was_open and last_batch is not None and (observed is None or last_batch > observed):
        observed = last_batch
    if observed is not None and observed > as_of:
        observed = as_of
    bad_on = loan.first_dpd90_on
    if bad_on is not None and bad_on <= as_of and bad_on <= window_end:
        return 1, observed
    closed = loan.closed_on is not None and loan.closed_on <= as_of and loan.status == LoanStatus.CLOSED
    if closed or (observed is not None and observed >= window_end):
        return 0, observed
    return None, observed


def _cell(item: Feature, value: Any) -> tuple[bool, Any]:
    """(valid, the value as the table holds it): None for blank, int for a whole-number feature, float
    for another number, the category key as text."""
    if value is None or value in (NOT_APPLICABLE, UNKNOWN) or (isinstance(value, str) and not value.strip()):
        return True, None
    if item.kind == "numerical":
        if isinstance(value, bool):
            return False, value
        try:
            number = float(Decimal(value.strip()) if isinstance(value, str) else value)
        except (ArithmeticError, ValueError, TypeError):
            return False, value
        if not math.isfinite(number):
            return False, value
        if item.integer:
            return (True, int(number)) if number.is_integer() else (False, value)
        return True, number
    text = "True" if value is True else "False" if value is False else str(value).strip()
    return (text in item.category_values), text


def _assessments_by_customer(customer_ids: Iterable[int]) -> dict[int, list[Assessment]]:
    found: dict[int, list[Assessment]] = {}
    queryset = Assessment.objects.filter(customer_id__in=set(customer_ids)).select_related("model")
    for assessment in queryset.order_by("customer_id", "created_at", "id"):
        found.setdefault(assessment.customer_id, []).append(assessment)
    return found


def _assessment_at(assessments: Sequence[Assessment], moment: dt.datetime) -> Assessment | None:
    """The latest assessment created at or before ``moment`` (``grade_of`` at application time)."""
    chosen = None
    for assessment in assessments:  # ascending (created_at, id)
        if assessment.created_at <= moment:
            chosen = assessment
    return chosen


def build_training_table(*, as_of: dt.date, loan_ids: Iterable[int] | None = None) -> TrainingExport:
    """The training table of the book as of ``as_of`` (of ``loan_ids`` only, when given): see the module
    docstring for the outcome rule, the exclusions and where the features come from."""
    loans = Loan.objects.filter(value_date__lte=as_of).select_related("disbursement__application__customer")
    if loan_ids is not None:
        loans = loans.filter(pk__in=list(loan_ids))
    loans = loans.order_by("value_date", "id")
    last_batch = _last_batch_date(as_of)
    matured_by = months_before(as_of, WINDOW_MONTHS)
    counts = dict.fromkeys(COUNT_KEYS, 0)
    decided: list[tuple[Loan, int, dt.date | None, dt.date]] = []
    for loan in loans:
        outcome, observed = outcome_of(loan, as_of=as_of, last_batch=last_batch)
        if outcome is None:
            counts["excluded_indeterminate"] += 1
            continue
        application_date = timezone.localtime(loan.disbursement.application.created_at).date()
        if application_date > matured_by:
            counts["excluded_immature"] += 1
            continue
        decided.append((loan, outcome, observed, application_date))
    by_customer = _assessments_by_customer(loan.disbursement.application.customer_id for loan, *_ in decided)
    rows: list[TrainingRow] = []
    for loan, outcome, observed, application_date in decided:
        application = loan.disbursement.application
        assessment = _assessment_at(by_customer.get(application.customer_id, []), application.created_at)
        stored_inputs = assessment.inputs if assessment is not None else None
        inputs: Mapping[str, Any] = stored_inputs if isinstance(stored_inputs, Mapping) else {}
        registry = [key for key in FEATURES if key in inputs]
        if assessment is None or not registry:
            counts["skipped_no_features"] += 1
            continue
        features: dict[str, Any] = {}
        valid = True
        for key in registry:
            stored = inputs[key]
            ok, value = _cell(FEATURES[key], stored.get("value") if isinstance(stored, Mapping) else stored)
            valid = valid and ok
            features[key] = value
        if not valid:
            counts["skipped_invalid_value"] += 1
            continue
        counts["bad" if outcome else "good"] += 1
        rows.append(
            TrainingRow(
                application_date=application_date,
                features=features,
                outcome=outcome,
                keys={
                    "loan_id": loan.pk,
                    "loan_number": loan.number,
                    "application_number": application.number,
                    "application_date": application_date,
                    "assessment_id": assessment.pk,
                    "assessed_at": timezone.localtime(assessment.created_at).isoformat(),
                    "score_model": f"{assessment.model.name} {assessment.model.version}",
                    "value_date": loan.value_date,
                    "window_end": months_after(loan.value_date, WINDOW_MONTHS),
                    "first_dpd90_on": loan.first_dpd90_on,
                    "observed_through": observed,
                    "outcome": outcome,
                },
                sort_key=(application_date, loan.value_date, loan.pk),
            )
        )
    rows.sort(key=lambda row: row.sort_key)
    present = tuple(key for key in FEATURES if any(row.features.get(key) is not None for row in rows))
    for row in rows:  # every row names every column (blank where its card did not use the feature)
        row.features.update({key: row.features.get(key) for key in present})
        for key in [key for key in row.features if key not in present]:
            del row.features[key]
    counts["rows"] = len(rows)
    return TrainingExport(rows=rows, features=present, counts=counts)


def training_rows(*, as_of: dt.date, loan_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """One dict per loan of the table (:meth:`TrainingRow.as_dict`: ``application_date``, the features,
    ``outcome``, then the identifying keys), in table order."""
    return [row.as_dict() for row in build_training_table(as_of=as_of, loan_ids=loan_ids).rows]


def _text(value: Any) -> str:
    """A cell: blank for None, ISO dates, numbers plain (never in exponent notation: the trainer reads
    ``12``, ``0.35``), text as it is."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def write_table(export: TrainingExport, path: str | Path) -> None:
    """Write the table (UTF-8 CSV, the trainer's format: see the module docstring)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(export.columns)
        for row in export.rows:
            writer.writerow(
                [
                    _text(row.application_date),
                    *(_text(row.features[key]) for key in export.features),
                    _text(row.outcome),
                ]
            )


def write_keys(export: TrainingExport, path: str | Path) -> None:
    """Write the sidecar (:data:`KEY_COLUMNS`), row for row with the table."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(KEY_COLUMNS)
        for number, row in enumerate(export.rows, start=2):
            writer.writerow([_text(number), *(_text(row.keys[key]) for key in KEY_COLUMNS[1:])])
