"""The scorecard's training table from the book (``loans.training``, issue 16 item 11): the outcome rule
(bad = 90+ DPD within 12 months of the value date), the exclusions, application-time features taken from
the assessment stored before the application, and a CSV the trainer reads."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from creditdesk.applications.models import Application
from creditdesk.loans.choices import LoanStatus
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan
from creditdesk.loans.training import (
    KEY_COLUMNS,
    TrainingExport,
    TrainingRow,
    build_training_table,
    training_rows,
    write_keys,
    write_table,
)
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN
from creditdesk.scoring.training.data import prepare
from creditdesk.scoring.training.table import TableRefused, read_table

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 12, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def _model(name: str = "bank_card") -> ScoreModel:
    return ScoreModel.objects.create(
        name=name, version="1", title=name, artefact="{}", checksum="x", data_fingerprint="x"
    )


def _assess(org, customer, model, on: dt.date, inputs: dict) -> Assessment:
    stored: Any = {key: {"value": value, "source": "customer"} for key, value in inputs.items()}
    assessment = Assessment.objects.create(
        customer=customer,
        model=model,
        inputs=stored,
        points="600.00",
        grade="B",
        created_by=org.cm_a,
    )
    Assessment.objects.filter(pk=assessment.pk).update(created_at=_at(on))
    return assessment


def _loan(org, customer, xyd, key: str, *, applied: dt.date, value_date: dt.date, **fields) -> Loan:
    loan = book_loan(org, customer, xyd, key)
    Application.objects.filter(pk=loan.disbursement.application_id).update(created_at=_at(applied, 15))
    Loan.objects.filter(pk=loan.pk).update(value_date=value_date, **fields)
    return Loan.objects.get(pk=loan.pk)


@pytest.fixture
def book(org, li, xyd):
    """李四's loans, each outcome case once, and the assessments made before (and after) them."""
    card, german = _model(), _model("german_credit")
    first = {
        "inquiries_6m": 3,
        "monthly_income": 12000.5,
        "has_guarantor": "True",
        "collateral_type": "none",
        "provident_fund_months": NOT_APPLICABLE,
        "duration_in_month": 24,  # not a registry feature: left out
    }
    _assess(org, li, card, dt.date(2024, 12, 1), first)
    _assess(
        org,
        li,
        card,
        dt.date(2025, 1, 25),
        {**first, "inquiries_6m": 1, "monthly_income": 0.00001, "has_guarantor": UNKNOWN},
    )
    # after the application it would seem to belong to: never used for it
    _assess(org, li, card, dt.date(2025, 2, 5), {**first, "inquiries_6m": 9})
    _assess(org, li, german, dt.date(2025, 3, 5), {"duration_in_month": 12, "credit_amount": 5000})
    loans = {
        # bad on the window's last day (value date + 12 months)
        "bad": _loan(
            org,
            li,
            xyd,
            "t-bad",
            applied=dt.date(2025, 1, 5),
            value_date=dt.date(2025, 1, 10),
            first_dpd90_on=dt.date(2026, 1, 10),
            accrued_through=dt.date(2026, 1, 10),
            max_dpd=90,
            status=LoanStatus.OVERDUE,
        ),
        # 90 days past due only after the window: good
        "late": _loan(
            org,
            li,
            xyd,
            "t-late",
            applied=dt.date(2025, 1, 8),
            value_date=dt.date(2025, 1, 10),
            first_dpd90_on=dt.date(2026, 1, 11),
            accrued_through=dt.date(2026, 3, 1),
            max_dpd=140,
            status=LoanStatus.OVERDUE,
        ),
        # closed early without a 90-day event: good
        "closed": _loan(
            org,
            li,
            xyd,
            "t-closed",
            applied=dt.date(2025, 1, 15),
            value_date=dt.date(2025, 1, 20),
            accrued_through=dt.date(2025, 6, 1),
            closed_on=dt.date(2025, 6, 1),
            status=LoanStatus.CLOSED,
        ),
        # observed exactly through the window: good
        "good": _loan(
            org,
            li,
            xyd,
            "t-good",
            applied=dt.date(2025, 2, 1),
            value_date=dt.date(2025, 2, 10),
            accrued_through=dt.date(2026, 2, 10),
        ),
        # one day short of the window, not bad: indeterminate
        "short": _loan(
            org,
            li,
            xyd,
            "t-short",
            applied=dt.date(2025, 2, 1),
            value_date=dt.date(2025, 2, 10),
            accrued_through=dt.date(2026, 2, 9),
        ),
        # inside its window, performing: indeterminate
        "young": _loan(
            org,
            li,
            xyd,
            "t-young",
            applied=dt.date(2026, 1, 5),
            value_date=dt.date(2026, 1, 10),
            accrued_through=dt.date(2026, 11, 10),
        ),
        # already bad, but applied for less than 12 months before as_of: the trainer refuses it
        "immature": _loan(
            org,
            li,
            xyd,
            "t-immature",
            applied=dt.date(2026, 1, 5),
            value_date=dt.date(2026, 1, 10),
            first_dpd90_on=dt.date(2026, 5, 11),
            accrued_through=dt.date(2026, 5, 11),
            status=LoanStatus.OVERDUE,
        ),
        # the latest assessment before it is the benchmark card's: no registry feature
        "german": _loan(
            org,
            li,
            xyd,
            "t-german",
            applied=dt.date(2025, 3, 6),
            value_date=dt.date(2025, 3, 10),
            accrued_through=dt.date(2026, 3, 10),
        ),
    }
    return loans


def test_rows_outcomes_and_application_time_features(book):
    export = build_training_table(as_of=AS_OF)
    assert export.counts == {
        "rows": 4,
        "bad": 1,
        "good": 3,
        "excluded_indeterminate": 2,
        "excluded_immature": 1,
        "skipped_no_features": 1,
        "skipped_invalid_value": 0,
    }
    # provident_fund_months is 不适用 in every row: no column (the trainer refuses an empty one)
    assert export.features == ("monthly_income", "has_guarantor", "inquiries_6m", "collateral_type")
    rows = training_rows(as_of=AS_OF)
    assert [(r["loan_id"], r["outcome"]) for r in rows] == [
        (book["bad"].pk, 1),
        (book["late"].pk, 0),
        (book["closed"].pk, 0),
        (book["good"].pk, 0),
    ]
    first = {"monthly_income": 12000.5, "inquiries_6m": 3, "has_guarantor": "True", "collateral_type": "none"}
    assert [{k: r[k] for k in first} for r in rows] == [
        first,
        first,
        first,
        # the assessment of 2025-01-25, not the later one (inquiries 9) nor today's data
        {"monthly_income": 0.00001, "inquiries_6m": 1, "has_guarantor": None, "collateral_type": "none"},
    ]
    assert rows[0]["application_date"] == dt.date(2025, 1, 5)
    assert rows[0]["window_end"] == dt.date(2026, 1, 10)
    assert rows[0]["first_dpd90_on"] == dt.date(2026, 1, 10)
    excluded = {book[k].pk for k in ("short", "young", "immature", "german")}
    assert not excluded & {r["loan_id"] for r in rows}


def test_as_of_hides_later_events(book):
    # as of 2026-01-09 the bad loan's event is in the future and its window is not over: indeterminate;
    # the early payoff is good but applied for less than 12 months before; later loans are not booked yet
    export = build_training_table(as_of=dt.date(2026, 1, 9))
    assert export.rows == []
    assert export.counts["excluded_indeterminate"] == 5
    assert export.counts["excluded_immature"] == 1


def test_loan_ids_restrict(book):
    rows = training_rows(as_of=AS_OF, loan_ids=[book["good"].pk, book["young"].pk])
    assert [r["loan_id"] for r in rows] == [book["good"].pk]


def test_csv_is_the_trainers_format(book, tmp_path):
    export = build_training_table(as_of=AS_OF)
    path, keys = tmp_path / "table.csv", tmp_path / "table.keys.csv"
    write_table(export, path)
    write_keys(export, keys)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines() == [
        "application_date,monthly_income,has_guarantor,inquiries_6m,collateral_type,outcome",
        "2025-01-05,12000.5,True,3,none,1",
        "2025-01-08,12000.5,True,3,none,0",
        "2025-01-15,12000.5,True,3,none,0",
        "2025-02-01,0.00001,,1,none,0",
    ]
    # the trainer's import finds nothing wrong but the size of this tiny book
    with pytest.raises(TableRefused) as refused:
        read_table(path, as_of=AS_OF)
    assert refused.value.codes <= {"too_few_rows", "too_few_bads"}
    # and the training module's reader takes it with the features as variables, their kinds from the
    # registry (as ``bank.bank_config`` gives them: a yes/no column with a blank would otherwise be
    # inferred numerical by pandas)
    data = prepare(
        path,
        target="outcome",
        config={
            "variables": list(export.features),
            "categorical": ["has_guarantor", "collateral_type"],
            "numerical": ["monthly_income", "inquiries_6m"],
            "min_rows": 2,
            "min_class_rows": 1,
        },
    )
    assert data.y.tolist() == [1, 0, 0, 0]
    assert data.kinds == {
        "monthly_income": "numerical",
        "inquiries_6m": "numerical",
        "has_guarantor": "categorical",
        "collateral_type": "categorical",
    }
    with keys.open(encoding="utf-8") as handle:
        sidecar = list(csv.DictReader(handle))
    assert list(sidecar[0]) == list(KEY_COLUMNS)
    assert [(s["table_row"], s["loan_number"], s["outcome"]) for s in sidecar] == [
        ("2", book["bad"].number, "1"),
        ("3", book["late"].number, "0"),
        ("4", book["closed"].number, "0"),
        ("5", book["good"].number, "0"),
    ]


def test_a_full_table_is_accepted_by_the_trainer(tmp_path):
    """Written by ``write_table``, 200 loans with 40 bads import without a problem (no database)."""
    start = dt.date(2023, 1, 1)
    rows = [
        TrainingRow(
            application_date=start + dt.timedelta(days=n),
            features={
                "monthly_income": [8000.25, 1e-05, 15000.0, None][n % 4],
                "inquiries_6m": n % 7,
                "has_guarantor": "True" if n % 3 else "False",
                "collateral_type": None if n % 10 == 0 else "vehicle",
            },
            outcome=1 if n % 5 == 0 else 0,
            keys={},
            sort_key=(start, start, n),
        )
        for n in range(200)
    ]
    export = TrainingExport(
        rows=rows, features=("monthly_income", "inquiries_6m", "has_guarantor", "collateral_type")
    )
    path = tmp_path / "full.csv"
    write_table(export, path)
    table = read_table(path, as_of=dt.date(2026, 12, 1))
    assert (table.rows, table.bads) == (200, 40)
    assert table.features == export.features
    assert table.frame["monthly_income"].iloc[1] == pytest.approx(1e-05)


def test_no_assessment_before_the_application_is_skipped(org, li, xyd):
    _loan(
        org,
        li,
        xyd,
        "t-none",
        applied=dt.date(2025, 1, 5),
        value_date=dt.date(2025, 1, 10),
        accrued_through=dt.date(2026, 1, 10),
    )
    _assess(org, li, _model(), dt.date(2025, 1, 6), {"inquiries_6m": 2})  # after the application
    export = build_training_table(as_of=AS_OF)
    assert export.rows == []
    assert export.counts["skipped_no_features"] == 1


def test_a_value_the_trainer_would_refuse_is_skipped(org, li, xyd):
    _assess(org, li, _model(), dt.date(2025, 1, 1), {"inquiries_6m": 2.5, "collateral_type": "none"})
    _loan(
        org,
        li,
        xyd,
        "t-invalid",
        applied=dt.date(2025, 1, 5),
        value_date=dt.date(2025, 1, 10),
        accrued_through=dt.date(2026, 1, 10),
    )
    export = build_training_table(as_of=AS_OF)
    assert export.rows == []
    assert export.counts["skipped_invalid_value"] == 1


def test_an_open_loan_is_observed_through_the_last_end_of_day(org, li, xyd):
    """A loan the batch had nothing to do for (nothing due) is observed through the batch's last date."""
    from creditdesk.loans.choices import EodStatus
    from creditdesk.loans.models import EodRun

    _assess(org, li, _model(), dt.date(2025, 1, 1), {"inquiries_6m": 2})
    loan = _loan(
        org,
        li,
        xyd,
        "t-eod",
        applied=dt.date(2025, 1, 5),
        value_date=dt.date(2025, 1, 10),
        accrued_through=dt.date(2025, 12, 10),
    )
    assert build_training_table(as_of=AS_OF).counts["excluded_indeterminate"] == 1
    EodRun.objects.create(
        business_date=dt.date(2026, 1, 10), status=EodStatus.DONE, started_at=timezone.now()
    )
    rows = training_rows(as_of=AS_OF)
    assert [(r["loan_id"], r["outcome"], r["observed_through"]) for r in rows] == [
        (loan.pk, 0, dt.date(2026, 1, 10))
    ]


def test_command_writes_the_table_and_prints_counts(book, tmp_path):
    out = tmp_path / "book.csv"
    stdout = StringIO()
    call_command("export_training_table", "--out", str(out), "--as-of", AS_OF.isoformat(), stdout=stdout)
    report = json.loads(stdout.getvalue())
    assert {k: report[k] for k in ("rows", "bad", "good", "excluded_indeterminate")} == {
        "rows": 4,
        "bad": 1,
        "good": 3,
        "excluded_indeterminate": 2,
    }
    assert report["skipped_no_features"] == 1
    assert report["excluded_immature"] == 1
    assert out.read_text(encoding="utf-8").startswith("application_date,")
    assert (tmp_path / "book.keys.csv").exists()


def test_command_refuses_a_future_as_of(tmp_path):
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError):
        call_command("export_training_table", "--out", str(tmp_path / "x.csv"), "--as-of", future)
