"""The bank's training table (训练样本表): one row per disbursed loan, imported all or nothing.

Format (CSV in UTF-8, with or without a BOM; or an Excel ``.xlsx`` workbook, its first sheet). The first
row names the columns; each further row is one disbursed loan:

- ``application_date`` (申请日期): ``YYYY-MM-DD`` (in Excel also a date cell). Required in every row.
  **Rows are in application-date order, earliest first** (equal dates may follow each other in any
  order). Why: a training sample must precede its validation sample — the validation report's
  out-of-time check fits on the earliest rows and scores the latest ones, so the file's order *is* the
  time axis, and an unsorted export (a join gone wrong, a sheet re-sorted by another column) is refused
  rather than silently mixing the future into the past.
- ``outcome`` (表现): ``1`` = bad, ``0`` = good. Bad is, unless the trainer is told otherwise, 90 days
  past due or more within 12 months of disbursement (the definition is an option of ``creditdesk scoring
  train`` and is recorded on the card). Required in every row.
- every other column is a feature of the registry (:mod:`creditdesk.scoring.features`), under its key
  (``inquiries_6m``, ``business_years``, ``collateral_type`` …), holding its value **at the time of the
  application**: numbers plain (``12``, ``0.35``: no thousands separators, units or %; money in yuan,
  ratios as decimals), a whole-number feature (counts, months, years) as a whole number; a category as
  the registry's category key (``True`` / ``False`` for a yes/no feature, the choice key such as
  ``house`` for a choice). A blank cell is a missing value (scored by the card's Missing bin, e.g. where
  the feature does not apply).

Refusals (each listed by row and column, with a stable code and a Chinese sentence; row numbers are the
file's, the header being row 1): ``table_unreadable`` (not a CSV/xlsx, not UTF-8, no header, no rows);
``column_missing`` (no ``outcome`` or ``application_date`` column), ``column_unnamed``,
``column_duplicate``; ``feature_unknown`` / ``feature_protected`` (a column that is not a registry
feature, or a protected attribute such as sex or marital status — through
:func:`creditdesk.scoring.features.feature`); ``no_features``; ``column_empty`` (a feature blank in every
row); ``outcome_missing``, ``outcome_invalid`` (not 0/1); ``date_missing``, ``date_invalid``,
``date_out_of_order`` (earlier than a row above it), ``outcome_immature`` (when an as-of date is given
— the command gives today — a loan applied for less than the outcome window before it: its outcome is
not known yet; the window runs from disbursement, which is after the application, so this catches the
certain cases); ``value_invalid`` (not a number, not a whole
number, not one of the feature's categories); ``single_class`` (only goods or only bads),
``too_few_rows`` (fewer than :data:`MIN_ROWS` loans), ``too_few_bads`` (fewer than :data:`MIN_BADS`).
A row blank in every cell is skipped (spreadsheets keep empty rows at the end).

Every problem of the file is found before anything is refused, and a refused file produces nothing:
:func:`read_table` either returns the whole table or raises :class:`TableRefused` with the full list
(``extra["problems"]``: ``[{"code", "row", "column", "message"}]``).

pandas is imported inside :func:`read_table`; openpyxl only for an ``.xlsx`` file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.features import Feature, FeatureError, feature

if TYPE_CHECKING:
    import pandas as pd

OUTCOME: Final = "outcome"
APPLICATION_DATE: Final = "application_date"
MIN_ROWS: Final = 200
MIN_BADS: Final = 30
SHOWN_PROBLEMS: Final = 20
"""How many problems the refusal's message lists (``extra["problems"]`` has them all)."""

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: ``row`` (the file's row number, header = 1) and ``column`` where
    it applies (None for the whole file or the whole column)."""

    code: str
    message: str
    row: int | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "row": self.row, "column": self.column, "message": self.message}

    def line(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column is not None:
            where.append(f"「{self.column}」列")
        return f"{''.join(where) or '文件'}：{self.message}（{self.code}）"


class TableRefused(ScoringError):
    """The training table is refused as a whole (``training_table_refused``); ``extra["problems"]``
    lists every problem and :attr:`problems` holds them as :class:`Problem`."""

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(problem.line() for problem in self.problems[:SHOWN_PROBLEMS])
        more = len(self.problems) - SHOWN_PROBLEMS
        tail = f"\n……另有 {more} 处问题" if more > 0 else ""
        super().__init__(
            "training_table_refused",
            f"训练数据 {source} 有 {len(self.problems)} 处问题，未导入任何数据：\n{shown}{tail}",
            {"source": source, "problems": [problem.to_dict() for problem in self.problems]},
        )

    @property
    def codes(self) -> set[str]:
        return {problem.code for problem in self.problems}


@dataclass(frozen=True)
class TrainingTable:
    """An imported training table: ``frame`` has one column per feature (numbers float64 with NaN for
    blank, categories as their key or None) in the file's order, then ``outcome`` (int 0/1);
    ``dates`` the application dates in row order; ``fingerprint`` the SHA-256 of the file's bytes."""

    frame: pd.DataFrame
    features: tuple[str, ...]
    dates: tuple[dt.date, ...]
    fingerprint: str
    source: str

    @property
    def rows(self) -> int:
        return len(self.dates)

    @property
    def bads(self) -> int:
        return int(self.frame[OUTCOME].sum())

    @property
    def bad_rate(self) -> float:
        return self.bads / self.rows

    def columns(self, names: Sequence[str]) -> dict[str, Any]:
        """The columns ``names`` as arrays, as :meth:`Scorecard.score_batch` takes them."""
        return {name: self.frame[name].to_numpy() for name in names}

    @property
    def kinds(self) -> dict[str, str]:
        return {key: feature(key).kind for key in self.features}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    """A cell as text: whole floats without ".0" (an Excel number), booleans as True/False."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(raw: bytes, source: str) -> Iterator[list[object]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableRefused(
            [Problem("table_unreadable", f"文件不是 UTF-8 编码（{exc.reason}）：请另存为 UTF-8 的 CSV。")],
            source,
        ) from None
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(raw: bytes, source: str) -> Iterator[list[object]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise TableRefused([Problem("table_unreadable", f"无法读取 Excel 文件：{exc}")], source) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows_of(raw: bytes, source: str, suffix: str) -> list[list[object]]:
    if suffix == ".csv":
        return list(_csv_rows(raw, source))
    if suffix == ".xlsx":
        return list(_xlsx_rows(raw, source))
    raise TableRefused(
        [
            Problem(
                "table_unreadable",
                f"不支持的文件类型「{suffix or '无扩展名'}」：请用 .csv（UTF-8）或 .xlsx。",
            )
        ],
        source,
    )


def _outcome(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    text = _text(value)
    return int(text) if text in ("0", "1") else None


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not _DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _number(item: Feature, value: object) -> tuple[float | None, str]:
    """(the number, "") or (None, why not)."""
    if isinstance(value, bool):
        return None, "应为数值"
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text(value)
        if not _NUMBER.fullmatch(text):
            return None, "应为数值（不带千分位、单位或百分号）"
        number = float(text)
    if not math.isfinite(number):
        return None, "应为有限的数值"
    if item.integer and not number.is_integer():
        return None, "应为整数"
    return number, ""


def _category(item: Feature, value: object) -> str | None:
    text = "True" if value is True else "False" if value is False else _text(value)
    if text in item.category_values:
        return text
    if set(item.category_values) == {"True", "False"} and text.lower() in ("true", "false"):
        return text.capitalize()
    return None


def _header(cells: Sequence[object]) -> tuple[list[str], list[Problem]]:
    names = ["" if _blank(cell) else _text(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(Problem("column_unnamed", f"第 {position} 列没有列名。", 1))
        elif name in seen:
            problems.append(Problem("column_duplicate", "列名重复。", 1, name))
        seen.add(name)
    for required, label in ((OUTCOME, "表现（1 = 坏，0 = 好）"), (APPLICATION_DATE, "申请日期")):
        if required not in names:
            problems.append(
                Problem("column_missing", f"缺少必需的列「{required}」（{label}）。", 1, required)
            )
    return names, problems


def _features(names: Sequence[str]) -> tuple[dict[str, Feature], list[Problem]]:
    found: dict[str, Feature] = {}
    problems: list[Problem] = []
    for name in names:
        if not name or name in (OUTCOME, APPLICATION_DATE) or name in found:
            continue
        try:
            found[name] = feature(name)
        except FeatureError as exc:
            problems.append(Problem(exc.code, exc.message, 1, name))
    return found, problems


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    import calendar

    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def read_table(path: str | Path, *, as_of: dt.date | None = None, within_months: int = 12) -> TrainingTable:
    """Import a training table (the format and the refusals are in the module docstring): the whole
    table, or :class:`TableRefused` listing every problem. With ``as_of`` (the command passes today), a
    loan whose outcome window has not yet passed — applied for less than ``within_months`` before
    ``as_of``, or after it — is refused (``outcome_immature``): its outcome is not known yet."""
    matured_by = months_before(as_of, within_months) if as_of is not None else None
    import numpy as np
    import pandas as pd

    path = Path(path)
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TableRefused(
            [Problem("table_unreadable", f"无法读取文件：{exc.strerror or exc}")], source
        ) from None
    rows = _rows_of(raw, source, path.suffix.lower())
    if not rows:
        raise TableRefused([Problem("table_unreadable", "文件是空的：第一行应为列名。")], source)
    names, problems = _header(rows[0])
    features, feature_problems = _features(names)
    problems += feature_problems
    if not features and not feature_problems:
        problems.append(Problem("no_features", "除 outcome 和 application_date 外没有特征列。", 1))
    columns: dict[str, list[Any]] = {name: [] for name in features}
    outcomes: list[int] = []
    dates: list[dt.date] = []
    latest: tuple[dt.date, int] | None = None
    index = {name: position for position, name in enumerate(names)}
    for number, cells in enumerate(rows[1:], start=2):
        if all(_blank(cell) for cell in cells):
            continue

        def cell(name: str, cells: Sequence[object] = cells) -> object:
            position = index.get(name)
            return cells[position] if position is not None and position < len(cells) else None

        if len(cells) > len(names) and any(not _blank(c) for c in cells[len(names) :]):
            problems.append(Problem("column_unnamed", "该行在有列名的列之外还有数据。", number))
        if OUTCOME in index:
            value = cell(OUTCOME)
            if _blank(value):
                problems.append(
                    Problem(
                        "outcome_missing", "表现为空：每笔贷款都要标明 1（坏）或 0（好）。", number, OUTCOME
                    )
                )
            elif (outcome := _outcome(value)) is None:
                problems.append(
                    Problem(
                        "outcome_invalid", f"表现「{_text(value)}」应为 1（坏）或 0（好）。", number, OUTCOME
                    )
                )
            else:
                outcomes.append(outcome)
        if APPLICATION_DATE in index:
            value = cell(APPLICATION_DATE)
            if _blank(value):
                problems.append(Problem("date_missing", "申请日期为空。", number, APPLICATION_DATE))
            elif (date := _date(value)) is None:
                problems.append(
                    Problem(
                        "date_invalid",
                        f"申请日期「{_text(value)}」应为 YYYY-MM-DD 格式的日期。",
                        number,
                        APPLICATION_DATE,
                    )
                )
            else:
                if latest is not None and date < latest[0]:
                    problems.append(
                        Problem(
                            "date_out_of_order",
                            f"申请日期 {date.isoformat()} 早于第 {latest[1]} 行的 {latest[0].isoformat()}："
                            "文件须按申请日期从早到晚排列。",
                            number,
                            APPLICATION_DATE,
                        )
                    )
                if latest is None or date >= latest[0]:
                    latest = (date, number)
                if matured_by is not None and date > matured_by:
                    problems.append(
                        Problem(
                            "outcome_immature",
                            f"申请日期 {date.isoformat()} 距今不足 {within_months} 个月：表现期未满，"
                            "还不知道这笔贷款是好是坏，不能用于训练。",
                            number,
                            APPLICATION_DATE,
                        )
                    )
                dates.append(date)
        for name, item in features.items():
            value = cell(name)
            if _blank(value):
                columns[name].append(np.nan if item.kind == "numerical" else None)
                continue
            if item.kind == "numerical":
                parsed, why = _number(item, value)
                if parsed is None:
                    problems.append(
                        Problem("value_invalid", f"「{_text(value)}」{why}（{item.label}）。", number, name)
                    )
                columns[name].append(parsed)
            else:
                category = _category(item, value)
                if category is None:
                    allowed = "、".join(f"{c.value}（{c.label}）" for c in item.categories)
                    problems.append(
                        Problem(
                            "value_invalid",
                            f"「{_text(value)}」不是「{item.label}」的取值，可选：{allowed}。",
                            number,
                            name,
                        )
                    )
                columns[name].append(category)
    data_rows = sum(1 for cells in rows[1:] if not all(_blank(cell) for cell in cells))
    if data_rows == 0:
        problems.append(Problem("too_few_rows", f"没有数据行：至少需要 {MIN_ROWS} 笔贷款。"))
    elif data_rows < MIN_ROWS:
        problems.append(Problem("too_few_rows", f"只有 {data_rows} 笔贷款，至少需要 {MIN_ROWS} 笔。"))
    if data_rows:
        for name, values in columns.items():
            if all(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
                problems.append(Problem("column_empty", "该特征在每一行都为空，无法训练。", None, name))
    bads = sum(outcomes)
    if outcomes and (bads == 0 or bads == len(outcomes)):
        kind = "好" if bads == 0 else "坏"
        problems.append(
            Problem("single_class", f"所有贷款的表现都是{kind}：训练需要好、坏两类样本。", None, OUTCOME)
        )
    elif outcomes and bads < MIN_BADS:
        problems.append(
            Problem("too_few_bads", f"只有 {bads} 笔坏样本，至少需要 {MIN_BADS} 笔。", None, OUTCOME)
        )
    if problems:
        raise TableRefused(problems, source)
    # pandas 3 would turn a text column into its string dtype (None → NaN): categories stay objects
    frame = pd.DataFrame(
        {
            **{
                name: pd.Series(values, dtype=np.float64 if item.kind == "numerical" else object)
                for (name, values), item in zip(columns.items(), features.values(), strict=True)
            },
            OUTCOME: pd.Series(outcomes, dtype=np.int64),
        }
    )
    return TrainingTable(
        frame=frame,
        features=tuple(features),
        dates=tuple(dates),
        fingerprint=f"sha256:{hashlib.sha256(raw).hexdigest()}",
        source=source,
    )
