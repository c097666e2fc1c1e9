"""Training tables for the tests of the bank's training path: a synthetic table with a known signal.

:func:`synthetic_rows` (seeded): 2,000 loans in application-date order; the bad probability rises with
``inquiries_6m`` and falls with ``business_years`` (logit −2.2 + 0.35·inquiries − 0.12·years);
``monthly_income`` and ``has_guarantor`` are noise; ``collateral_type`` is blank (missing) for a tenth of
the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

Row = dict[str, object]


def synthetic_rows(n: int = 2000, seed: int = 7) -> list[Row]:
    rng = np.random.default_rng(seed)
    inquiries = rng.poisson(2.5, n)
    years = rng.integers(0, 20, n)
    income = rng.normal(12000, 4000, n).round(2).clip(2000)
    guarantor = rng.choice(["True", "False"], n)
    collateral = rng.choice(["none", "residential_property", "vehicle", ""], n, p=[0.5, 0.3, 0.1, 0.1])
    logit = -2.2 + 0.35 * inquiries - 0.12 * years
    bad = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    start = dt.date(2022, 1, 1)
    dates = sorted(start + dt.timedelta(days=int(d)) for d in rng.integers(0, 700, n))
    return [
        {
            "application_date": d.isoformat(),
            "inquiries_6m": int(i),
            "business_years": int(y),
            "monthly_income": f"{m:.2f}",
            "has_guarantor": g,
            "collateral_type": c,
            "outcome": int(b),
        }
        for d, i, y, m, g, c, b in zip(
            dates, inquiries, years, income, guarantor, collateral, bad, strict=True
        )
    ]


def write_csv(path: Path, rows: Sequence[Mapping[str, object]], *, bom: bool = False) -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[Mapping[str, object]], *, native: bool = True) -> Path:
    """An Excel workbook of ``rows``; ``native``: dates as date cells, numbers as numbers."""
    from openpyxl import Workbook

    columns = list(dict.fromkeys(key for row in rows for key in row))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        cells: list[object] = []
        for column in columns:
            value = row.get(column, "")
            if native and column == "application_date" and value:
                value = dt.date.fromisoformat(str(value))
            elif native and column == "monthly_income" and value not in ("", None):
                value = float(str(value))
            cells.append(None if value == "" else value)
        sheet.append(cells)
    workbook.save(path)
    return path


def with_more_features(rows: Sequence[Mapping[str, object]], seed: int = 11) -> list[Row]:
    """``rows`` with every other feature of the shipped expert card added as noise (some blank)."""
    rng = np.random.default_rng(seed)
    n = len(rows)
    extra = {
        "age": rng.integers(22, 60, n),
        "size_class": rng.choice(["small", "micro", ""], n),
        "provident_fund_months": [str(v) if v >= 0 else "" for v in rng.integers(-20, 120, n)],
        "debt_to_income_after": rng.uniform(0.1, 0.8, n).round(4),
        "current_overdue": rng.choice(["False", "True"], n, p=[0.95, 0.05]),
        "overdue_months_consecutive_24m": rng.integers(0, 3, n),
        "overdue_months_cumulative_24m": rng.integers(0, 6, n),
        "loan_to_value": rng.uniform(0.3, 0.9, n).round(4),
        "requested_amount": rng.integers(5, 200, n) * 10000,
        "term_months": rng.choice([12, 24, 36, 60], n),
        "owns_property": rng.choice(["True", "False", ""], n),
        "credit_line_usage": rng.uniform(0.0, 1.1, n).round(4),
    }
    return [
        {
            **row,
            **{
                key: values[i].item() if hasattr(values[i], "item") else values[i]
                for key, values in extra.items()
            },
        }
        for i, row in enumerate(rows)
    ]
