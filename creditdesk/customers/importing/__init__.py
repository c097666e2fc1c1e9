"""批量导入客户: an Excel (.xlsx) or CSV file of customers, validated row by row, saved all or nothing.

Every row goes through ``services._apply`` — the same rules as the form and the API — and every problem
is reported with the row number as the person sees it in Excel, the column and a Chinese sentence; the
identity module's messages never contain the number typed, and the duplicate messages show it masked
(``110***********002X``). A file is refused whole (``ImportRefused``) when it is not a spreadsheet, lacks
the 名称 or 客户类型 column, or has more than ``MAX_ROWS`` rows. Formulas are refused cell by cell: a
workbook that holds any is read so that a formula arrives as its text (``=…``), never as a value Excel
computed from something the importer cannot see (``reading``).

Duplicates are reported, never merged: the same ID twice in the file (every occurrence), and an ID that
is already a customer in the database — in anyone's scope; the message says that it exists, never whose.

All or nothing by default: one problem and nothing is saved and nothing is audited. ``partial=True``
saves the valid rows only. Saving is one durable transaction (``saving``): the customers, an open
``CustomerOwnership`` row per customer and one ``customer.import`` audit event with the counts.

Owner: the customer manager who imports; a team lead may name a member of the team per row in an
optional 客户经理 column (usernames), or leave it empty to own the customers.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.customers.importing.core import (
    _FIELD_ORDER,
    LOOKUP_CHUNK,
    ImportResult,
    RowProblem,
    _duplicates,
    _read,
)
from creditdesk.customers.importing.reading import (
    ALIASES,
    EXTRA_KIND_ALIASES,
    HEADER_SEARCH_ROWS,
    OWNER,
    REQUIRED,
    ImportRefused,
    _csv_rows,
    _refuse,
    _size,
    _sniff,
    _stream,
    _xlsx_rows,
)
from creditdesk.customers.importing.report import (
    import_report_csv,
    import_report_workbook,
    import_template_workbook,
    report_rows,
    summary_lines,
)
from creditdesk.customers.importing.saving import BATCH, _save

__all__ = [
    "ALIASES",
    "BATCH",
    "EXTRA_KIND_ALIASES",
    "HEADER_SEARCH_ROWS",
    "LOOKUP_CHUNK",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "OWNER",
    "REQUIRED",
    "ImportRefused",
    "ImportResult",
    "RowProblem",
    "customer_import",
    "import_report_csv",
    "import_report_workbook",
    "import_template_workbook",
    "report_rows",
    "summary_lines",
]

# The entry point and its limits live here, in the package itself, so that ``importing.MAX_ROWS`` is the
# one setting read at call time (the tests lower it with ``monkeypatch.setattr(importing, "MAX_ROWS", …)``).
MAX_ROWS = 200_000
MAX_FILE_BYTES = 64 * 1024 * 1024


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
    refused whole; row problems are in the result. See the package docstring for the rules.
    """
    policy.require(actor, Action.CUSTOMER_IMPORT)
    # The import holds every row's customer until it saves (all or nothing): with 100,000 of them alive
    # Python's cyclic garbage collector scans them again and again, a third of the saving time. Pause it
    # for the import (reference counting still frees everything else at once); it runs again afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import(actor=actor, file=file, partial=partial, dry_run=dry_run, mapping=mapping)
    finally:
        if collecting:
            gc.enable()


def _import(
    *,
    actor: User,
    file: IO[bytes] | bytes | str | Path,
    partial: bool,
    dry_run: bool,
    mapping: Mapping[str, str] | None,
) -> ImportResult:
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
        kept, index_rows, validate_seconds = _read(
            actor, rows, mapping, result, keep=not dry_run, max_rows=MAX_ROWS
        )
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
