"""批量导入 page: upload an .xlsx or CSV, see the counts and the problems; or download the full report.

The report is not kept between requests (it can be large and holds masked data only for a moment):
the second button, 下载校验报告, validates the same file again without saving and returns the report.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.forms import Form
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.customers import importing
from creditdesk.customers.export import XLSX_CONTENT_TYPE

PROBLEMS_SHOWN = 200


class ImportForm(Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("Excel（.xlsx）或 CSV 文件，第一行为表头，最多 200,000 行。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    partial = forms.BooleanField(
        label=gettext_lazy("只导入通过校验的行（其余行列在报告中）"),
        required=False,
        help_text=gettext_lazy("不勾选时全部或全无：只要有一行有问题，就不导入任何客户。"),
    )


def _download(content: bytes, title: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def customer_import(request: HttpRequest) -> HttpResponse:
    with refusals_as_http():  # the upload page is the action's form: asked before it is drawn
        policy.require(request.user, Action.CUSTOMER_IMPORT)
    if request.method == "GET" and request.GET.get("template"):
        return _download(importing.import_template_workbook(), _("客户导入模板"))
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "max_rows": f"{importing.MAX_ROWS:,}"}
    if request.method == "POST" and form.is_valid():
        report_only = request.POST.get("action") == "report"
        try:
            with refusals_as_http():
                result = importing.customer_import(
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    partial=form.cleaned_data["partial"],
                    dry_run=report_only,
                )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            if report_only:
                return _download(importing.import_report_workbook(result), _("客户导入校验报告"))
            context |= {
                "result": result,
                "problems": result.problems[:PROBLEMS_SHOWN],
                "problems_hidden": max(len(result.problems) - PROBLEMS_SHOWN, 0),
                "skipped_shown": result.skipped_empty[:20],
            }
    return render(request, "customers/import.html", context)
