"""导出 Excel: the customer list as the person sees it (same search box, same scope), masked and audited."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from creditdesk.core.audit import audit_record
from creditdesk.customers import selectors
from creditdesk.customers.export import XLSX_CONTENT_TYPE, customers_export, for_export
from creditdesk.customers.identity import mask_id, mask_phone

_PHONE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
_ID_OR_CODE = re.compile(r"^[0-9A-Za-z]{15,18}$")
_AUDIT_QUERY_MAX = 200


def audit_query(query: str) -> str:
    """The search text as the audit keeps it: a full phone, ID number or credit code typed into the box
    is masked like everywhere else (the audit never holds one in clear); anything else is kept."""
    compact = re.sub(r"[\s-]", "", query)
    if _PHONE.match(compact):
        return mask_phone(compact)
    if _ID_OR_CODE.match(compact) and any(ch.isdigit() for ch in compact):
        return mask_id(compact)
    return query[:_AUDIT_QUERY_MAX]


@login_required
@require_GET
def customer_export(request: HttpRequest) -> HttpResponse:
    """The list page's customers for ``q`` (all visible customers when empty), in the page's order."""
    query = (request.GET.get("q") or "").strip()
    customers = (
        selectors.customer_search(user=request.user, query=query)
        if query
        else selectors.customer_list_visible_to(user=request.user).order_by("-updated_at", "-id")
    )
    export = customers_export(for_export(customers).iterator(chunk_size=2000))
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="customer.export",
            after={"query": audit_query(query), "rows": export.rows},
        )
    title = _("客户列表")
    filename = f"{title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(export.content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response
