"""导出 Excel: the customer list as the person sees it (same search box, same scope), masked and audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creditdesk.customers import services
from creditdesk.customers.export import XLSX_CONTENT_TYPE


@login_required
@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    """The list page's customers for ``q`` (all visible customers when empty), in the page's order."""
    query = (request.GET.get("q") or "").strip()
    export = services.customer_list_export(actor=request.user, query=query)
    title = _("客户列表")
    filename = f"{title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(export.content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
