"""A list of customers as an Excel workbook (openpyxl, write-only mode), masked by construction.

Only what a list shows leaves the system: name, kind, segments, source, channel, industry (the free text
and the GB/T 4754 code with its name), the customer manager, and the ID number and phone *masked*
(``110***********002X``, ``138****5678``; RULES.md, "Personal information"). The clear ID, phone and
income are never written: the loaded fields leave the income out altogether (``EXPORT_FIELDS``), and the
two numbers go through ``mask_id`` / ``mask_phone``.

At most ``MAX_ROWS`` customers are written; when there are more, a last row says the list was cut and
asks for a narrower search. Cells are written as text, never as formulas: a name beginning with ``=`` is
shown as typed, not evaluated by Excel (formula injection).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from creditdesk.customers import industries
from creditdesk.customers.choices import Channel, CustomerKind, QualitySegment, Source, ValueSegment
from creditdesk.customers.identity import mask_id, mask_phone
from creditdesk.customers.models import Customer

MAX_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The fields an export loads: the encrypted income is never read (so never decrypted) for an export.
EXPORT_FIELDS = (
    "kind",
    "name",
    "id_number",
    "phone",
    "quality_segment",
    "value_segment",
    "source",
    "channel",
    "industry",
    "owner__username",
    "owner__full_name",
    "industry_code",
)
COLUMN_WIDTHS = (30, 12, 22, 15, 10, 10, 10, 10, 14, 12, 24)


@dataclass(frozen=True)
class CustomerExport:
    content: bytes  # the .xlsx file
    rows: int  # customers written (at most MAX_ROWS)
    truncated: bool  # True when there were more than MAX_ROWS and the rest was left out


def for_export(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """``customers`` (already scoped and ordered) loading only the exported fields, cut at the cap + 1
    (the one extra row tells the writer that the list was longer than the cap)."""
    return customers.select_related("owner").only(*EXPORT_FIELDS)[: MAX_ROWS + 1]


def _headers() -> list[str]:
    return [
        _("名称"),
        _("类型"),
        _("证件号码"),
        _("手机"),
        _("风险分层"),
        _("价值分层"),
        _("来源"),
        _("渠道"),
        _("行业"),
        _("客户经理"),
        _("国民经济行业（GB/T 4754）"),
    ]


def _text(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell value as text: characters Excel cannot store removed; ``=…`` kept as text, not a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels in the active language, looked up once per export (``get_FOO_display`` resolves a
    lazy translation per cell, which is most of the time on a large export)."""
    choices = {
        "kind": CustomerKind,
        "quality_segment": QualitySegment,
        "value_segment": ValueSegment,
        "source": Source,
        "channel": Channel,
    }
    return {name: {str(value): str(label) for value, label in kind.choices} for name, kind in choices.items()}


def _row(sheet: WriteOnlyWorksheet, customer: Customer, labels: dict[str, dict[str, str]]) -> list[Any]:
    values = (
        customer.name,
        labels["kind"].get(customer.kind, customer.kind),
        mask_id(customer.id_number) if customer.id_number else "",
        mask_phone(customer.phone) if customer.phone else "",
        labels["quality_segment"].get(customer.quality_segment, customer.quality_segment),
        labels["value_segment"].get(customer.value_segment, customer.value_segment),
        labels["source"].get(customer.source, customer.source),
        labels["channel"].get(customer.channel, customer.channel),
        customer.industry,
        customer.owner.get_full_name(),
        industries.label(customer.industry_code) if customer.industry_code else "",
    )
    return [_text(sheet, value) for value in values]


def customers_export(customers: Iterable[Customer]) -> CustomerExport:
    """Write ``customers`` (in the order given) to a workbook; see the module docstring."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("客户列表"))
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for label in _headers():
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    labels = _labels()
    rows, truncated = 0, False
    for customer in customers:
        if rows == MAX_ROWS:
            truncated = True
            break
        sheet.append(_row(sheet, customer, labels))
        rows += 1
    if truncated:
        notice = WriteOnlyCell(
            sheet,
            value=_(
                "仅导出了前 %(limit)s 户客户：结果超过单次导出上限，其余未导出。请缩小搜索范围后分批导出。"
            )
            % {"limit": f"{MAX_ROWS:,}"},
        )
        notice.font = bold
        sheet.append([notice])
    buffer = BytesIO()
    book.save(buffer)
    return CustomerExport(content=buffer.getvalue(), rows=rows, truncated=truncated)


def customers_workbook(customers: Iterable[Customer]) -> bytes:
    """The .xlsx bytes of ``customers_export``: masked IDs and phones, at most ``MAX_ROWS`` rows."""
    return customers_export(customers).content
