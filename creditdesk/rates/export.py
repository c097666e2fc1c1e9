"""A schedule as an Excel workbook (openpyxl), for the customer or the file."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from creditdesk.finance.terms import Method
from creditdesk.rates.calculator import Quote, percent


def schedule_workbook(result: Quote) -> bytes:
    """Summary rows (amount, rate, annualized rate first) then the full schedule; amounts as numbers
    with two decimals (Excel needs numbers to sum them; they are written from Decimal strings)."""
    schedule = result.schedule
    terms = schedule.terms
    book = Workbook()
    sheet = book.active
    sheet.title = _("还款计划")
    bold = Font(bold=True)
    summary = [
        (_("还款方式"), Method.label_of(terms.method)),
        (_("贷款金额（元）"), schedule.total_principal),
        (_("年化利率（IRR，复利，%）"), percent(result.rate.compound)),
        (_("年化利率（单利，%）"), percent(result.rate.simple)),
        (_("合同年利率（%）"), percent(terms.annual_rate)),
        (_("利息总额（元）"), schedule.total_interest),
        (_("费用合计（元）"), schedule.total_fees),
        (_("还款总额（元）"), schedule.total_payment),
        (_("放款日"), terms.start_date.isoformat()),
    ]
    for label, value in summary:
        sheet.append([label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    header = [_("期次"), _("还款日"), _("应还金额"), _("本金"), _("利息"), _("剩余本金")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in schedule.installments:
        sheet.append([row.period, row.due_date, row.payment, row.principal, row.interest, row.balance])
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = "#,##0.00"
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEF", (26, 14, 16, 16, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
