"""导出客户列表: the list as the person sees it, as an Excel workbook, masked and audited."""

from __future__ import annotations

import re

from django.db import transaction

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.export import CustomerExport, customers_export, for_export
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


def customer_list_export(*, actor: User, query: str = "") -> CustomerExport:
    """导出 Excel. Rules: exactly the customer list ``actor`` sees for ``query`` (scope, search and order of
    ``selectors.customer_list``); IDs and phones masked, income never read, at most ``MAX_ROWS`` rows
    (``customers.export``); every export leaves an audit row with the search text (masked) and the number
    of rows. The workbook is built before the transaction, which holds only the audit row."""
    from creditdesk.customers import selectors  # selectors import this package (the blind indexes)

    export = customers_export(
        for_export(selectors.customer_list(user=actor, query=query)).iterator(chunk_size=2000)
    )
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action="customer.export",
            after={"query": audit_query(query), "rows": export.rows},
        )
    return export
