"""The 校验报告 (as .xlsx or CSV) and the empty 导入模板 workbook.

Rule: the report says what the page says — no ID in clear — and text stays text: a value starting with
``=`` is never turned into a formula, and characters Excel refuses are removed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from creditdesk.customers.importing.core import ImportResult


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
