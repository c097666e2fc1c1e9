"""批量导入客户: an Excel (.xlsx) or CSV file of customers, validated row by row, saved all or nothing.

Every row goes through ``services._apply`` — the same rules as the form and the API — and every problem
is reported with the row number as the person sees it in Excel, the column and a Chinese sentence; the
identity module's messages never contain the number typed, and the duplicate messages show it masked
(``110***********002X``). A file is refused whole (``ImportRefused``) when it is not a spreadsheet, lacks
the 名称 or 客户类型 column, or has more than ``MAX_ROWS`` rows. Formulas are refused cell by cell: the
workbook is read with ``data_only=False`` so a formula arrives as its text (``=…``), never as a value
Excel computed from something the importer cannot see.

Duplicates are reported, never merged: the same ID twice in the file (every occurrence), and an ID that
is already a customer in the database — in anyone's scope; the message says that it exists, never whose.

All or nothing by default: one problem and nothing is saved and nothing is audited. ``partial=True``
saves the valid rows only. Saving is one durable transaction: ``bulk_create`` in batches, an open
``CustomerOwnership`` row per customer and one ``customer.import`` audit event with the counts.

Owner: the customer manager who imports; a team lead may name a member of the team per row in an
optional 客户经理 column (usernames), or leave it empty to own the customers.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError, NotAllowed
from creditdesk.customers import services
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.identity import mask_id
from creditdesk.customers.models import Customer, CustomerOwnership

MAX_ROWS = 200_000
MAX_FILE_BYTES = 64 * 1024 * 1024
BATCH = 1000  # rows per INSERT
LOOKUP_CHUNK = 900  # blind indexes per "already a customer?" query (SQLite's variable limit)
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row or two
REQUIRED = ("name", "kind")
OWNER = "owner"

# Headers recognised besides each field's own name and its model label (both languages).
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("名称", "姓名", "客户名称", "客户姓名", "企业名称", "名字"),
    "kind": ("客户类型", "类型", "客户类别", "type"),
    "id_number": (
        "证件号码",
        "证件号",
        "身份证号",
        "身份证号码",
        "统一社会信用代码",
        "信用代码",
        "id",
        "idnumber",
        "id_no",
    ),
    "phone": ("手机", "手机号", "手机号码", "mobile"),
    "monthly_income": ("月收入", "月收入(元)", "income"),
    "industry": ("行业",),
    "occupation": ("职业",),
    "employer": ("工作单位", "单位"),
    "source": ("客户来源", "来源"),
    "channel": ("获客渠道", "渠道"),
    "channel_detail": ("渠道说明",),
    "quality_segment": ("风险分层",),
    "value_segment": ("价值分层",),
    "notes": ("备注",),
    OWNER: ("客户经理", "归属客户经理", "客户经理用户名", "owner", "username"),
}
EXTRA_KIND_ALIASES = {"小微企业": CustomerKind.ENTERPRISE, "个体户": CustomerKind.INDIVIDUAL_BUSINESS}

# Binary formats people pick by mistake; anything else that does not decode as text is refused too.
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"BM", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_OLE2 = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
_ZIP = b"PK\x03\x04"
_PARENTHESISED = re.compile(r"\(.*\)$")
_FIELD_ORDER = {
    name: i for i, name in enumerate(("", "name", "kind", "id_number", "phone", "monthly_income"))
}


class ImportRefused(DomainError):
    """The whole file was refused (not a spreadsheet, wrong columns, too many rows); nothing was read
    into the database. ``extra["columns"]`` lists the missing columns when that is the reason."""


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


# -- reading ---------------------------------------------------------------------------------------


def _normalise(header: Any) -> str:
    text = unicodedata.normalize("NFKC", str(header or "")).strip().lower()
    return re.sub(r"[\s*:：]+", "", text)


def _input_fields() -> tuple[list[str], list[str]]:
    """(CustomerInput's own string fields, profile fields), read at call time so that fields added to
    the service are imported without a change here."""
    direct = [f.name for f in dataclasses.fields(services.CustomerInput) if f.name != "profile"]
    return direct, [f for f in services.PROFILE_FIELDS if f not in direct]


def _field_label(name: str) -> Any:
    """The field's label (lazy, so it can be read in both languages), or None when it has none."""
    labels = getattr(services, "CREDIT_LABELS", {})  # inputs without a model field of their own
    if name in labels:
        return labels[name]
    try:
        return Customer._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return None


def _header_aliases() -> dict[str, str]:
    direct, profile = _input_fields()
    known = [*direct, *profile, OWNER]
    aliases: dict[str, str] = {}
    for name in known:
        aliases[_normalise(name)] = name
        label = _field_label(name)
        for language in ("zh-hans", "en"):
            if label is not None:
                with translation.override(language):
                    aliases.setdefault(_normalise(label), name)
        for alias in ALIASES.get(name, ()):
            aliases.setdefault(_normalise(alias), name)
    return aliases


def _choice_aliases() -> dict[str, dict[str, str]]:
    """Per choice field: the code, and the label in every language, to the code (个人 → individual)."""
    choices = {"kind": CustomerKind, **services.CHOICES}
    result: dict[str, dict[str, str]] = {}
    for name, kind in choices.items():
        table: dict[str, str] = {}
        for value, label in kind.choices:
            table[_normalise(value)] = value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    table.setdefault(_normalise(label), value)
        result[name] = table
    result["kind"].update({_normalise(k): v for k, v in EXTRA_KIND_ALIASES.items()})
    return result


def _refuse(code: str, message: str, **extra: Any) -> ImportRefused:
    return ImportRefused(code, message, {"field": "file", **extra})


def _not_spreadsheet() -> ImportRefused:
    return _refuse("not_spreadsheet", _("文件不是 Excel（.xlsx）或 CSV 表格，请检查所选的文件。"))


def _stream(file: IO[bytes] | bytes | str | Path) -> IO[bytes]:
    if isinstance(file, bytes):
        return io.BytesIO(file)
    if isinstance(file, (str, Path)):
        return open(file, "rb")
    return file


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _sniff(stream: IO[bytes]) -> str:
    """ "xlsx" or "csv" from the first bytes; refuses what is neither, with a sentence saying why."""
    head = stream.read(8)
    stream.seek(0)
    if not head:
        raise _refuse("file_empty", _("文件是空的。"))
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(stream) as archive:
                is_workbook = "xl/workbook.xml" in archive.namelist()
        except zipfile.BadZipFile:
            is_workbook = False
        stream.seek(0)
        if not is_workbook:
            raise _refuse("not_spreadsheet", _("文件是压缩包，但不是 Excel（.xlsx）工作簿。"))
        return "xlsx"
    if head.startswith(_OLE2):
        raise _refuse(
            "xls_not_supported", _("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后再导入。")
        )
    if head.startswith(_MAGIC) or b"\x00" in head:
        raise _not_spreadsheet()
    return "csv"


def _is_formula(value: Any) -> bool:
    return isinstance(value, (ArrayFormula, DataTableFormula)) or (
        isinstance(value, str) and value.lstrip().startswith("=")
    )


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception:
        raise _refuse(
            "xlsx_unreadable", _("Excel 文件已损坏或无法读取，请在 Excel 中打开并重新保存后再试。")
        ) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read what is there
        yield from enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True), start=1)
    finally:
        book.close()


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    raw = stream.read()
    if b"\x00" in raw:
        raise _not_spreadsheet()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # GBK, as Excel saves a CSV on a Chinese Windows
        except UnicodeDecodeError:
            raise _refuse("csv_encoding", _("CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK 编码。")) from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text[:4096]):
        raise _not_spreadsheet()
    sample = "\n".join(text[:65536].splitlines()[:20])
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        yield from enumerate((tuple(row) for row in reader), start=1)
    except csv.Error as exc:
        raise _refuse(
            "csv_malformed", _("CSV 文件格式有误（第 %(row)s 行附近）。") % {"row": reader.line_num}
        ) from exc


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _empty(row: tuple[Any, ...]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


@dataclass
class _Columns:
    header_row: int
    by_field: dict[str, int]  # field → column position
    labels: dict[str, str]  # field → the header as the file writes it
    ignored: list[str]


def _map_header(number: int, row: tuple[Any, ...], mapping: Mapping[str, str] | None) -> _Columns:
    aliases = _header_aliases()
    explicit = {_normalise(k): v for k, v in (mapping or {}).items()}
    known = set(aliases.values())
    for target in explicit.values():
        if target and target not in known:
            raise _refuse("mapping_invalid", _("列对应关系中的字段“%(field)s”不存在。") % {"field": target})
    by_field: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(row):
        header = _text(cell)
        if not header:
            continue
        key = _normalise(header)
        if key in explicit:
            target = explicit[key]
        else:
            target = aliases.get(key) or aliases.get(_PARENTHESISED.sub("", key), "")
        if not target:
            ignored.append(header)
            continue
        if target in by_field:
            raise _refuse(
                "column_twice",
                _("“%(first)s”和“%(second)s”两列对应同一个字段，请只保留一列。")
                % {"first": labels[target], "second": header},
            )
        by_field[target], labels[target] = position, header
    return _Columns(header_row=number, by_field=by_field, labels=labels, ignored=ignored)


def _find_header(rows: Iterator[tuple[int, tuple[Any, ...]]], mapping: Mapping[str, str] | None) -> _Columns:
    first: _Columns | None = None
    seen = 0
    for number, row in rows:
        if _empty(row):
            continue
        columns = _map_header(number, row, mapping)
        if all(name in columns.by_field for name in REQUIRED):
            return columns
        first = first or columns
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise _refuse("no_rows", _("文件中没有任何数据。"))
    missing = [name for name in REQUIRED if name not in first.by_field]
    labels = {"name": _("名称"), "kind": _("客户类型")}
    raise _refuse(
        "columns_missing",
        _("缺少必需的列：%(columns)s。请在第 %(row)s 行的表头中加上这些列（如“名称”“客户类型”）。")
        % {"columns": "、".join(labels[name] for name in missing), "row": first.header_row},
        columns=missing,
    )


# -- validating ------------------------------------------------------------------------------------


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
            elif name == "id_number" and isinstance(raw, float):  # Excel keeps 15 digits of a number
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
        if self.actor.role != Role.TEAM_LEAD:
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


def _owners_for(actor: User) -> dict[str, User]:
    if actor.role != Role.TEAM_LEAD or not actor.team_id:
        return {}
    people = User.objects.filter(
        is_active=True, role__in=(Role.MANAGER, Role.TEAM_LEAD), team_id=actor.team_id
    )
    return {person.username: person for person in people}


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


def can_import(user: Any) -> bool:
    return getattr(user, "role", None) in (Role.MANAGER, Role.TEAM_LEAD)


def customer_import(
    *,
    actor: User,
    file: IO[bytes] | bytes | str | Path,
    partial: bool = False,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """批量导入: validate every row of ``file`` by the service's rules and save the customers, all or
    nothing (``partial=True``: the valid rows only; ``dry_run=True``: validate only, never save).

    Raises ``NotAllowed`` for a role that may not create customers and ``ImportRefused`` for a file
    refused whole; row problems are in the result. See the module docstring for the rules.
    """
    if not can_import(actor):
        raise NotAllowed("customer_import_not_allowed", _("只有客户经理和团队主管可以批量导入客户。"))
    started = time.perf_counter()
    stream = _stream(file)
    try:
        if _size(stream) > MAX_FILE_BYTES:
            raise _refuse(
                "file_too_large",
                _("文件超过 %(size)s MB，请拆分后分批导入。") % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            )
        file_format = _sniff(stream)
        rows = _xlsx_rows(stream) if file_format == "xlsx" else _csv_rows(stream)
        result = ImportResult(file_format=file_format, partial=partial, dry_run=dry_run)
        kept, index_rows, validate_seconds = _read(actor, rows, mapping, result, keep=not dry_run)
    finally:
        if isinstance(file, (str, Path)):
            stream.close()
    result.timings["validate"] = validate_seconds
    result.timings["read"] = time.perf_counter() - started - validate_seconds

    began = time.perf_counter()
    bad = _duplicates(index_rows, result, result.column_labels)
    result.timings["duplicates"] = time.perf_counter() - began
    result.problems.sort(key=lambda p: (p.row, _FIELD_ORDER.get(p.field, 99)))
    result.valid = result.rows - result.invalid_rows
    customers = [customer for row, customer in kept if row not in bad]
    if dry_run or not customers or (result.problems and not partial):
        return result

    began = time.perf_counter()
    _save(actor=actor, customers=customers, result=result)
    result.timings["save"] = time.perf_counter() - began
    return result


def _read(
    actor: User,
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    mapping: Mapping[str, str] | None,
    result: ImportResult,
    *,
    keep: bool,
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
        if result.rows > MAX_ROWS:
            raise _refuse(
                "too_many_rows",
                _("文件超过 %(limit)s 行数据，请拆分为多个文件分批导入。") % {"limit": f"{MAX_ROWS:,}"},
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


def _save(*, actor: User, customers: list[Customer], result: ImportResult) -> None:
    try:
        with transaction.atomic(durable=True):
            Customer.objects.bulk_create(customers, batch_size=BATCH)
            CustomerOwnership.objects.bulk_create(
                [
                    CustomerOwnership(
                        customer_id=c.pk, owner_id=c.owner_id, from_date=c.created_at, changed_by=actor
                    )
                    for c in customers
                ],
                batch_size=BATCH,
            )
            audit_record(
                actor=actor,
                action="customer.import",
                after={
                    "format": result.file_format,
                    "rows": result.rows,
                    "created": len(customers),
                    "invalid_rows": result.invalid_rows,
                    "skipped_empty_rows": len(result.skipped_empty),
                    "partial": result.partial,
                },
            )
    except IntegrityError:  # the same ID registered by someone else while this file was being read
        raise _refuse(
            "duplicate_id_number_concurrent",
            _("导入期间有其他人登记了文件中的证件号码，本次未导入任何客户：请重新导入。"),
        ) from None
    result.created = len(customers)


# -- the report ------------------------------------------------------------------------------------


def report_rows(result: ImportResult) -> list[tuple[int, str, str]]:
    """(行号, 字段, 问题) for every problem and every empty row skipped, by row."""
    rows = [(p.row, p.column, p.message) for p in result.problems]
    rows += [(number, "", _("空行，已跳过。")) for number in result.skipped_empty]
    return sorted(rows, key=lambda r: r[0])


def summary_lines(result: ImportResult) -> list[tuple[str, Any]]:
    return [
        (_("数据行"), result.rows),
        (_("通过校验"), result.valid),
        (_("有问题的行"), result.invalid_rows),
        (_("跳过的空行"), len(result.skipped_empty)),
        (_("已导入"), result.created),
    ]


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    """Text stays text (``=…`` is not turned into a formula), with characters Excel refuses removed."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def import_report_workbook(result: ImportResult) -> bytes:
    """校验报告 as .xlsx: sheet 1 行号 / 字段 / 问题 (one line per problem or skipped row), sheet 2 the
    counts. Messages are the ones shown on the page: no ID in clear."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("校验报告"))
    for letter, width in zip("ABC", (8, 16, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, bold=True) for h in (_("行号"), _("字段"), _("问题"))])
    for row in report_rows(result):
        sheet.append([_cell(sheet, value) for value in row])
    summary = book.create_sheet(_("汇总"))
    summary.column_dimensions["A"].width = 14
    for label, value in summary_lines(result):
        summary.append([_cell(summary, label, bold=True), _cell(summary, value)])
    if result.ignored_columns:
        summary.append(
            [
                _cell(summary, _("未识别的列（已忽略）"), bold=True),
                _cell(summary, "、".join(result.ignored_columns)),
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_report_csv(result: ImportResult) -> bytes:
    """The same table as CSV, UTF-8 with a BOM so that Excel opens it with the Chinese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("行号"), _("字段"), _("问题")])
    for row, column, message in report_rows(result):
        writer.writerow([row, ("'" + column) if column.startswith("=") else column, message])
    return buffer.getvalue().encode("utf-8-sig")


def import_template_workbook() -> bytes:
    """An empty workbook with the headers the import recognises first (the 导入模板)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("客户"))
    headers = [
        _("名称"),
        _("客户类型"),
        _("证件号码"),
        _("手机号码"),
        _("月收入"),
        _("职业"),
        _("行业"),
        _("工作单位"),
    ]
    headers += [_("客户来源"), _("获客渠道"), _("备注")]
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    sheet.append([_cell(sheet, v) for v in ("张三", "个人", "", "", "", "", "", "", "增量客户", "线下", "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
