"""Reading an import file: what it is, its rows, and which column is which field.

Rule: a file is sniffed from its first bytes, never trusted by its name; anything that is not an .xlsx
workbook or a CSV (UTF-8 or GBK) is refused whole (``ImportRefused``) with a sentence saying why.

A workbook is read by calamine (Rust, about fifteen times faster than openpyxl) when none of its sheets
holds a formula or an error value; calamine sees only a formula's last computed value, so a workbook
that has any is read by openpyxl with ``data_only=False`` instead, where a formula arrives as its text
and is refused cell by cell. Headers are matched by field name, model label (both languages) and
``ALIASES``; 名称 and 客户类型 are required.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from python_calamine import CalamineWorkbook, SheetTypeEnum

from creditdesk.core.exceptions import DomainError
from creditdesk.customers import services
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.models import Customer

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


class ImportRefused(DomainError):
    """The whole file was refused (not a spreadsheet, wrong columns, too many rows); nothing was read
    into the database. ``extra["columns"]`` lists the missing columns when that is the reason."""


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


# A formula (``<f>``, with or without a namespace prefix) or an error value (``t="e"``) in a sheet's XML.
_EXACT_READING_NEEDED = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?f[\s/>]|\st="e"')
_SCAN_CHUNK = 1 << 20
# Worksheets unpacked: a 200,000-row sheet of customers is well under 100 MB; a "zip bomb" is not.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


def _needs_exact_reading(stream: IO[bytes]) -> bool:
    """Whether any worksheet of the workbook holds a formula or an error value (which calamine would
    turn into its cached value or an empty cell). Streams each sheet's XML in chunks, overlapping by a
    few bytes so that a tag cut by a chunk's end is still seen."""
    try:
        with zipfile.ZipFile(stream) as archive:
            sheets = [
                info
                for info in archive.infolist()
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            ]
            if sum(info.file_size for info in sheets) > MAX_UNPACKED_BYTES:
                raise _refuse(
                    "xlsx_too_large", _("Excel 文件解压后过大，请删除多余的工作表或拆分后分批导入。")
                )
            for info in sheets:
                with archive.open(info) as xml:
                    tail = b""
                    while chunk := xml.read(_SCAN_CHUNK):
                        if _EXACT_READING_NEEDED.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _unreadable_workbook() from None
    finally:
        stream.seek(0)
    return False


def _unreadable_workbook() -> ImportRefused:
    return _refuse("xlsx_unreadable", _("Excel 文件已损坏或无法读取，请在 Excel 中打开并重新保存后再试。"))


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first worksheet's rows, numbered as Excel numbers them. Empty cells are ``None`` (openpyxl)
    or ``""`` (calamine); numbers may be ``int`` or ``float`` — the validator treats both alike."""
    if _needs_exact_reading(stream):
        yield from _openpyxl_rows(stream)
    else:
        yield from _calamine_rows(stream)


def _calamine_rows(stream: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        with CalamineWorkbook.from_filelike(stream) as book:
            first = next(
                (i for i, sheet in enumerate(book.sheets_metadata) if sheet.typ == SheetTypeEnum.WorkSheet),
                None,
            )
            if first is None:
                return
            # skip_empty_area=False: the grid starts at A1, so row numbers are Excel's.
            grid = book.get_sheet_by_index(first).to_python(skip_empty_area=False)
    except Exception:  # calamine's errors (zip, XML, password, format) all mean the same to the person
        raise _unreadable_workbook() from None
    yield from enumerate(map(tuple, grid), start=1)


def _openpyxl_rows(stream: IO[bytes]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        book = load_workbook(stream, read_only=True, data_only=False)
    except Exception:
        raise _unreadable_workbook() from None
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
