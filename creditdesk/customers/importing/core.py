"""Rows to customers: validating each row, finding duplicate IDs, and saving.

Rule: every row goes through ``services._apply`` — the same rules as the form and the API — and every
problem is a ``RowProblem`` with the row as Excel numbers it, the column as the file's header says it and a
Chinese sentence (IDs masked). Duplicates are reported, never merged. Saving is in ``saving``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.choices import TEAM_ROLES
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.customers import services
from creditdesk.customers.identity import mask_id
from creditdesk.customers.importing.reading import (
    OWNER,
    REQUIRED,
    _choice_aliases,
    _Columns,
    _empty,
    _find_header,
    _input_fields,
    _is_formula,
    _normalise,
    _refuse,
    _text,
)
from creditdesk.customers.models import Customer

LOOKUP_CHUNK = 900  # values per IN (…) query: blind indexes, new customer ids (SQLite's variable limit)

_FIELD_ORDER = {
    name: i for i, name in enumerate(("", "name", "kind", "id_number", "phone", "monthly_income"))
}


@dataclass(frozen=True)
class RowProblem:
    """One problem in one row: ``row`` as Excel numbers it, ``column`` as the file's header says it."""

    row: int
    field: str
    column: str
    code: str
    message: str


@dataclass
class ImportResult:
    file_format: str
    partial: bool
    dry_run: bool
    rows: int = 0  # non-empty data rows read
    valid: int = 0  # rows without any problem
    created: int = 0  # customers saved
    skipped_empty: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    column_labels: dict[str, str] = field(default_factory=dict)  # field → the file's header
    timings: dict[str, float] = field(default_factory=dict)  # seconds, for the benchmark

    @property
    def invalid_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def saved(self) -> bool:
        return self.created > 0


@dataclass
class _Validator:
    actor: User
    columns: _Columns
    owners: dict[str, User]  # username → who a row may name as its customer manager
    choices: dict[str, dict[str, str]]
    today: date
    direct: list[str]
    profile: list[str]

    def label(self, name: str) -> str:
        return self.columns.labels.get(name, name)

    def problem(self, row: int, name: str, code: str, message: str) -> RowProblem:
        return RowProblem(
            row=row, field=name, column=self.label(name) if name else "", code=code, message=message
        )

    def row(self, number: int, cells: tuple[Any, ...]) -> tuple[Customer, list[RowProblem], bool]:
        """The customer the row describes, its problems (every one found; the customer is not to be
        saved when there is any) and whether its ID passed (so that duplicates are found anyway)."""
        problems: list[RowProblem] = []
        values: dict[str, str] = {}
        width = len(cells)
        for name, position in self.columns.by_field.items():
            raw = cells[position] if position < width else None
            if _is_formula(raw):
                message = _("公式不允许：请填写数值或文字，不要用公式。")
                problems.append(self.problem(number, name, "formula_not_allowed", message))
            elif name == "id_number" and _digits_lost(raw):
                message = _("证件号码被存成了数字，15 位以后的数字已丢失：请把该列设为文本格式后重新填写。")
                problems.append(self.problem(number, name, "id_number_as_number", message))
            else:
                values[name] = _text(raw)
        owner = self._owner(number, values.pop(OWNER, ""), problems)
        for name, table in self.choices.items():
            if values.get(name):
                values[name] = table.get(_normalise(values[name]), values[name])
        reported = {p.field for p in problems}
        if "name" in reported:
            values["name"] = "-"  # a stand-in, to go on checking the other fields
        customer = Customer(owner=owner or self.actor, created_by=self.actor)
        id_passed = self._apply(number, customer, values, problems, reported)
        return customer, problems, id_passed

    def _owner(self, number: int, username: str, problems: list[RowProblem]) -> User | None:
        if not username or username == self.actor.username:
            return self.actor
        if not policy.can(self.actor, Action.CUSTOMER_ASSIGN):
            problems.append(
                self.problem(
                    number,
                    OWNER,
                    "owner_not_allowed",
                    _("客户经理只能导入归属自己的客户：请清空该列或填写您自己的用户名。"),
                )
            )
            return None
        owner = self.owners.get(username)
        if owner is None:
            problems.append(
                self.problem(
                    number,
                    OWNER,
                    "owner_invalid",
                    _("“%(username)s”不是本团队在职的客户经理（请填写用户名）。")
                    % {"username": username[:30]},
                )
            )
        return owner

    def _apply(
        self,
        number: int,
        customer: Customer,
        values: dict[str, str],
        problems: list[RowProblem],
        reported: set[str],
    ) -> bool:
        """``services._apply`` until the row passes: after each refusal of a field the field is left out
        (a name replaced) and the row tried again, so one pass reports every field that is wrong.
        Returns whether the row's ID (if any) passed; a refused kind stops the checks, as the ID's
        rules depend on it."""
        had_id = bool(values.get("id_number"))
        for _attempt in range(len(values) + 2):
            data = services.CustomerInput(
                **{name: values.get(name, "") for name in self.direct if name in values or name in REQUIRED},
                profile={name: values[name] for name in self.profile if values.get(name)},
            )
            try:
                services._apply(customer, data, today=self.today)
            except DomainError as exc:
                name = str(exc.extra.get("field", ""))
                if name not in reported:  # a formula in the kind column: said once is enough
                    problems.append(self.problem(number, name, exc.code, exc.message))
                if name == "name" and values.get("name") != "-":
                    values["name"] = "-"  # a stand-in, to go on checking the other fields
                elif name in values and name not in REQUIRED:
                    del values[name]
                else:
                    return False
            else:
                return had_id and bool(values.get("id_number"))
        return False


def _digits_lost(value: Any) -> bool:
    """An ID typed into Excel as a number: Excel keeps 15 significant digits, so from 10^15 on (every
    18-digit ID, every credit code that is all digits) the last digits are gone. A smaller integral
    number is exact and is read as its digits."""
    return isinstance(value, float) and abs(value) >= 1e15


def _owners_for(actor: User) -> dict[str, User]:
    """The people ``actor`` may give imported customers to (besides themself), by username."""
    if not policy.can(actor, Action.CUSTOMER_ASSIGN):
        return {}
    people = User.objects.filter(is_active=True, role__in=TEAM_ROLES, team_id=actor.team_id)
    return {person.username: person for person in people if policy.can(actor, Action.CUSTOMER_ASSIGN, person)}


def _rows_listed(rows: list[int]) -> str:
    shown = "、".join(str(row) for row in rows[:5])
    return shown + ("…" if len(rows) > 5 else "")


def _duplicates(
    index_rows: dict[str, list[tuple[int, str]]], result: ImportResult, labels: dict[str, str]
) -> set[int]:
    """Every row whose ID appears twice in the file, or is already a customer (anyone's)."""
    column = labels.get("id_number", "id_number")
    bad: set[int] = set()
    for rows in index_rows.values():
        if len(rows) < 2:
            continue
        numbers = [row for row, _masked in rows]
        for row, masked in rows:
            others = [n for n in numbers if n != row]
            result.problems.append(
                RowProblem(
                    row,
                    "id_number",
                    column,
                    "duplicate_in_file",
                    _("证件号码（%(masked)s）与第 %(rows)s 行重复：同一证件号码只能建档一次。")
                    % {"masked": masked, "rows": _rows_listed(others)},
                )
            )
            bad.add(row)
    indexes = list(index_rows)
    for start in range(0, len(indexes), LOOKUP_CHUNK):
        chunk = indexes[start : start + LOOKUP_CHUNK]
        for index in Customer.objects.filter(id_number_index__in=chunk).values_list(
            "id_number_index", flat=True
        ):
            for row, masked in index_rows[index]:
                result.problems.append(
                    RowProblem(
                        row,
                        "id_number",
                        column,
                        "duplicate_id_number",
                        _("该证件号码已登记为其他客户（%(masked)s），不能重复建档。") % {"masked": masked},
                    )
                )
                bad.add(row)
    return bad


def _read(
    actor: User,
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    mapping: Mapping[str, str] | None,
    result: ImportResult,
    *,
    keep: bool,
    max_rows: int,
) -> tuple[list[tuple[int, Customer]], dict[str, list[tuple[int, str]]], float]:
    """Read and validate every row. Returns the valid customers worth keeping (none once an
    all-or-nothing import has failed), the rows of each ID blind index, and the seconds validating."""
    columns = _find_header(rows, mapping)
    result.ignored_columns, result.column_labels = columns.ignored, columns.labels
    direct, profile = _input_fields()
    validator = _Validator(
        actor=actor,
        columns=columns,
        owners=_owners_for(actor),
        choices={k: v for k, v in _choice_aliases().items() if k in columns.by_field},
        today=timezone.localdate(),
        direct=direct,
        profile=profile,
    )
    kept: list[tuple[int, Customer]] = []
    index_rows: dict[str, list[tuple[int, str]]] = {}
    pending_empty: list[int] = []
    seconds = 0.0
    clock = time.perf_counter
    for number, cells in rows:
        if _empty(cells):
            pending_empty.append(number)  # counted only if data follows (not trailing blank rows)
            continue
        result.skipped_empty.extend(pending_empty)
        pending_empty.clear()
        result.rows += 1
        if result.rows > max_rows:
            raise _refuse(
                "too_many_rows",
                _("文件超过 %(limit)s 行数据，请拆分为多个文件分批导入。") % {"limit": f"{max_rows:,}"},
            )
        began = clock()
        customer, problems, id_passed = validator.row(number, cells)
        seconds += clock() - began
        if id_passed and customer.id_number_index:
            index_rows.setdefault(customer.id_number_index, []).append((number, mask_id(customer.id_number)))
        if problems:
            result.problems.extend(problems)
            if not result.partial:
                keep = False  # all or nothing, and it is nothing: stop holding customers
                kept.clear()
        elif keep:
            kept.append((number, customer))
    return kept, index_rows, seconds
