"""The trial balance command and the read-only admin of the ledger."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import transaction

from creditdesk.ledger.chart import Account, EntryKind
from creditdesk.ledger.models import JournalEntry
from creditdesk.ledger.services import signed_post

pytestmark = pytest.mark.django_db

D = Decimal


def _post(on: date, deltas: dict) -> JournalEntry | None:
    with transaction.atomic():
        return signed_post(
            kind=EntryKind.DISBURSEMENT,
            business_date=on,
            deltas=deltas,
            loan_id=1,
            reference="",
            memo="",
            actor=None,
        )


def _story() -> JournalEntry:
    entry = _post(
        date(2026, 1, 15), {Account.LOANS_RECEIVABLE: D("100000.00"), Account.CLEARING: D("-100000.00")}
    )
    _post(date(2026, 2, 1), {Account.INTEREST_RECEIVABLE: D("300.00"), Account.INTEREST_INCOME: D("300.00")})
    assert entry is not None
    return entry


def test_trial_balance_json(capsys):
    _story()
    call_command("trial_balance", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "date": None,
        "accounts": {account.value: "0.00" for account in Account}
        | {
            "loans_receivable": "100000.00",
            "clearing": "-100000.00",
            "interest_receivable": "300.00",
            "interest_income": "300.00",
        },
        "debit": "100300.00",
        "credit": "100300.00",
        "balanced": True,
    }


def test_trial_balance_json_up_to_a_date(capsys):
    _story()
    call_command("trial_balance", "--json", "--date", "2026-01-31")
    out = json.loads(capsys.readouterr().out)
    assert (out["date"], out["debit"], out["credit"], out["balanced"]) == (
        "2026-01-31",
        "100000.00",
        "100000.00",
        True,
    )
    assert out["accounts"]["interest_income"] == "0.00"


def test_trial_balance_text(capsys):
    _story()
    call_command("trial_balance")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "试算平衡表"
    assert len(lines) == 1 + len(Account) + 2
    assert lines[1].split() == ["贷款本金", "loans_receivable", "借", "100,000.00"]
    assert lines[5].split() == ["现金及清算", "clearing", "借", "-100,000.00"]
    assert lines[-2] == "借方合计 100,300.00  贷方合计 100,300.00"
    assert lines[-1] == "借贷平衡"


def test_trial_balance_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("trial_balance", "--date", "2026-13-01")


def test_admin_is_read_only_and_shows_the_lines(rf, admin_user, client):
    entry = _story()
    model_admin = site._registry[JournalEntry]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    [inline] = model_admin.get_inline_instances(request, entry)
    assert not inline.has_add_permission(request, entry)
    assert not inline.has_change_permission(request, entry)
    assert not inline.has_delete_permission(request, entry)


def test_the_admin_pages_show_an_entry_and_its_lines_and_offer_no_edit(client, org):
    org.admin.is_staff = org.admin.is_superuser = True
    org.admin.save()
    client.force_login(org.admin)
    entry = _story()

    changelist = client.get("/admin/ledger/journalentry/")
    detail = client.get(f"/admin/ledger/journalentry/{entry.pk}/change/")
    assert (changelist.status_code, detail.status_code) == (200, 200)
    page = detail.content.decode()
    assert "贷款本金" in page and "现金及清算" in page and "100000.00" in page
    assert 'name="_save"' not in page  # no save button: nothing can be changed
    assert client.get("/admin/ledger/journalentry/add/").status_code == 403
    assert client.post(f"/admin/ledger/journalentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
