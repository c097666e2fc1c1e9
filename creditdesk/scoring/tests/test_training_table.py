"""The bank's training table (training/table.py): imported all or nothing, every problem listed by row
and column with a stable code; CSV (with or without BOM) and xlsx alike."""

from __future__ import annotations

import math

import numpy as np
import pytest

from creditdesk.scoring.tests.training_tables import synthetic_rows, write_csv, write_xlsx
from creditdesk.scoring.training.table import MIN_BADS, MIN_ROWS, TableRefused, read_table


@pytest.fixture(scope="module")
def rows():
    return synthetic_rows(n=400, seed=3)


def refused(path):
    with pytest.raises(TableRefused) as caught:
        read_table(path)
    exc = caught.value
    assert exc.code == "training_table_refused"
    assert exc.extra["problems"] == [problem.to_dict() for problem in exc.problems]
    return exc


def problems(exc):
    return [(p.code, p.row, p.column) for p in exc.problems]


def test_a_valid_csv_is_imported_with_its_types(tmp_path, rows):
    table = read_table(write_csv(tmp_path / "t.csv", rows))
    assert table.rows == 400
    assert table.features == (
        "inquiries_6m",
        "business_years",
        "monthly_income",
        "has_guarantor",
        "collateral_type",
    )
    assert list(table.frame.columns) == [*table.features, "outcome"]
    assert table.frame["inquiries_6m"].dtype == np.float64
    assert table.frame["outcome"].tolist() == [row["outcome"] for row in rows]
    assert table.bads == sum(row["outcome"] for row in rows)
    first_blank = next(i for i, row in enumerate(rows) if row["collateral_type"] == "")
    assert table.frame["collateral_type"][first_blank] is None
    assert table.dates[0].isoformat() == rows[0]["application_date"]
    assert table.fingerprint.startswith("sha256:") and table.source == "t.csv"
    assert table.kinds["collateral_type"] == "categorical"


def test_csv_with_bom_and_xlsx_give_the_same_table(tmp_path, rows):
    plain = read_table(write_csv(tmp_path / "plain.csv", rows))
    bom = read_table(write_csv(tmp_path / "bom.csv", rows, bom=True))
    excel = read_table(write_xlsx(tmp_path / "book.xlsx", rows))
    excel_text = read_table(write_xlsx(tmp_path / "text.xlsx", rows, native=False))
    for other in (bom, excel, excel_text):
        assert other.features == plain.features
        assert other.dates == plain.dates
        assert other.frame.equals(plain.frame)


def test_missing_outcome_not_01_and_bad_dates_each_named_by_row(tmp_path, rows):
    broken = [dict(row) for row in rows]
    broken[0]["outcome"] = ""
    broken[1]["outcome"] = "2"
    broken[2]["application_date"] = ""
    broken[3]["application_date"] = "2022/01/05"
    broken[4]["application_date"] = "2022-02-30"
    exc = refused(write_csv(tmp_path / "t.csv", broken))
    assert problems(exc) == [
        ("outcome_missing", 2, "outcome"),
        ("outcome_invalid", 3, "outcome"),
        ("date_missing", 4, "application_date"),
        ("date_invalid", 5, "application_date"),
        ("date_invalid", 6, "application_date"),
    ]
    assert "第 2 行「outcome」列" in exc.message and "未导入任何数据" in exc.message


def test_dates_out_of_order_are_refused_row_by_row(tmp_path, rows):
    broken = [dict(row) for row in rows]
    broken[10]["application_date"] = "2021-12-31"
    broken[20]["application_date"] = "2021-06-01"
    exc = refused(write_csv(tmp_path / "t.csv", broken))
    assert problems(exc) == [
        ("date_out_of_order", 12, "application_date"),
        ("date_out_of_order", 22, "application_date"),
    ]
    assert "早于第 11 行" in exc.problems[0].message


def test_one_class_only(tmp_path, rows):
    exc = refused(write_csv(tmp_path / "t.csv", [{**row, "outcome": 0} for row in rows]))
    assert problems(exc) == [("single_class", None, "outcome")]


def test_fewer_than_200_rows(tmp_path, rows):
    exc = refused(write_csv(tmp_path / "t.csv", rows[: MIN_ROWS - 1]))
    assert ("too_few_rows", None, None) in problems(exc)


def test_fewer_than_30_bads(tmp_path, rows):
    bads = [i for i, row in enumerate(rows) if row["outcome"] == 1]
    keep = set(bads[: MIN_BADS - 1])
    few = [{**row, "outcome": 1 if i in keep else 0} for i, row in enumerate(rows)]
    exc = refused(write_csv(tmp_path / "t.csv", few))
    assert problems(exc) == [("too_few_bads", None, "outcome")]


@pytest.mark.parametrize(
    "column", ["marital_status", "sex", "ethnicity", "personal_status_and_sex", "foreign_worker"]
)
def test_a_protected_attribute_column_is_refused(tmp_path, rows, column):
    exc = refused(write_csv(tmp_path / "t.csv", [{**row, column: "x"} for row in rows]))
    assert problems(exc) == [("feature_protected", 1, column)]
    assert "不得用于信用评分" in exc.problems[0].message


def test_a_protected_attribute_column_is_refused_in_excel_too(tmp_path, rows):
    exc = refused(write_xlsx(tmp_path / "t.xlsx", [{**row, "gender": "F"} for row in rows]))
    assert problems(exc) == [("feature_protected", 1, "gender")]


def test_an_unknown_column_is_refused(tmp_path, rows):
    exc = refused(write_csv(tmp_path / "t.csv", [{**row, "favourite_colour": "blue"} for row in rows]))
    assert problems(exc) == [("feature_unknown", 1, "favourite_colour")]


def test_missing_required_columns(tmp_path, rows):
    exc = refused(
        write_csv(tmp_path / "t.csv", [{k: v for k, v in row.items() if k != "outcome"} for row in rows])
    )
    assert problems(exc) == [("column_missing", 1, "outcome")]


def test_values_of_the_wrong_type(tmp_path, rows):
    broken = [dict(row) for row in rows]
    broken[0]["inquiries_6m"] = "abc"
    broken[1]["inquiries_6m"] = "2.5"  # a count is a whole number
    broken[2]["monthly_income"] = "12,000"
    broken[3]["collateral_type"] = "villa"
    broken[4]["has_guarantor"] = "yes"
    exc = refused(write_csv(tmp_path / "t.csv", broken))
    assert problems(exc) == [
        ("value_invalid", 2, "inquiries_6m"),
        ("value_invalid", 3, "inquiries_6m"),
        ("value_invalid", 4, "monthly_income"),
        ("value_invalid", 5, "collateral_type"),
        ("value_invalid", 6, "has_guarantor"),
    ]
    assert "可选：none（无抵质押）" in exc.problems[3].message or "可选：none" in exc.problems[3].message


def test_every_problem_of_the_file_is_listed_at_once(tmp_path, rows):
    broken = [{**row, "religion": "x"} for row in rows[:150]]
    broken[5]["outcome"] = "yes"
    broken[6]["inquiries_6m"] = "many"
    exc = refused(write_csv(tmp_path / "t.csv", broken))
    assert [p[0] for p in problems(exc)] == [
        "feature_protected",
        "outcome_invalid",
        "value_invalid",
        "too_few_rows",
        "too_few_bads",
    ]


def test_not_utf8_and_unknown_file_types_are_unreadable(tmp_path, rows):
    path = tmp_path / "gbk.csv"
    path.write_bytes("application_date,outcome,年龄\n".encode("gbk"))
    assert problems(refused(path)) == [("table_unreadable", None, None)]
    other = tmp_path / "t.txt"
    other.write_text("a,b\n", encoding="utf-8")
    assert problems(refused(other)) == [("table_unreadable", None, None)]
    broken_excel = tmp_path / "bad.xlsx"
    broken_excel.write_bytes(b"not a zip")
    assert problems(refused(broken_excel)) == [("table_unreadable", None, None)]


def test_trailing_blank_rows_are_skipped_and_blank_cells_are_missing(tmp_path, rows):
    path = write_csv(tmp_path / "t.csv", rows)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(",,,,,,\n,,,,,,\n")
    table = read_table(path)
    assert table.rows == len(rows)
    blank = [{**row, "monthly_income": ""} if i == 0 else row for i, row in enumerate(rows)]
    assert math.isnan(read_table(write_csv(tmp_path / "b.csv", blank)).frame["monthly_income"][0])


def test_a_feature_blank_everywhere_is_refused(tmp_path, rows):
    exc = refused(write_csv(tmp_path / "t.csv", [{**row, "age": ""} for row in rows]))
    assert problems(exc) == [("column_empty", None, "age")]


def test_german_credit_columns_are_not_a_bank_table(tmp_path):
    from creditdesk.scoring.reference_data import german_credit_path

    exc = refused(german_credit_path())
    codes = {p.column: p.code for p in exc.problems if p.row == 1}
    assert codes["personal_status_and_sex"] == "feature_protected"
    assert codes["foreign_worker"] == "feature_protected"
    assert codes["credit_amount"] == "feature_unknown"
    assert ("column_missing", 1, "outcome") in problems(exc)


def test_a_loan_whose_outcome_window_has_not_passed_is_refused(tmp_path, rows):
    import datetime as dt

    path = write_csv(tmp_path / "t.csv", rows)
    last = dt.date.fromisoformat(str(rows[-1]["application_date"]))
    assert read_table(path, as_of=last.replace(year=last.year + 1), within_months=12).rows == len(rows)
    exc = refused_as_of(path, as_of=last.replace(year=last.year + 1), within_months=13)
    assert {p[0] for p in problems(exc)} == {"outcome_immature"}
    assert all(p.row is not None and p.column == "application_date" for p in exc.problems)
    assert "表现期未满" in exc.problems[0].message


def refused_as_of(path, **kwargs):
    with pytest.raises(TableRefused) as caught:
        read_table(path, **kwargs)
    return caught.value


def test_months_before():
    import datetime as dt

    from creditdesk.scoring.training.table import months_before

    assert months_before(dt.date(2026, 12, 6), 12) == dt.date(2025, 12, 6)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)
