"""The one way an application changes status: ``application_move``, inside the caller's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import check_move
from creditdesk.applications.models import Application, StageEvent
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import NotFound


def application_lock(*, application_id: int) -> Application:
    """The application's row, locked for the rest of the transaction (every status change and every
    money movement on it takes this lock first, so concurrent requests queue instead of racing)."""
    return Application.objects.select_for_update().get(pk=application_id)


def application_lock_visible(*, actor: User, application_id: int) -> Application:
    """``application_lock`` for a person: the locked row if ``actor`` sees it, else ``not_found`` (404,
    whether it exists elsewhere or not at all)."""
    application = application_lock(application_id=application_id)
    if not scope.can_see(actor, application):
        raise NotFound("not_found", _("申请不存在或不在您的权限范围内。"))
    return application


def application_move(*, application: Application, to: str, actor: User | None, note: str = "") -> StageEvent:
    """Move ``application`` to status ``to`` (item 5): refused with ``illegal_transition`` where the
    status table does not lead there; otherwise the status, the time the stage was entered, a
    ``StageEvent`` with the seconds spent in the stage left (item 8) and an audit row, all in the
    caller's transaction (a service's ``transaction.atomic(durable=True)``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("application_move must run inside the service's transaction")
    check_move(application.status, to)
    now = timezone.now()
    before = application.status
    seconds = max(0, int((now - application.stage_entered_at).total_seconds()))
    event = StageEvent.objects.create(
        application=application,
        from_status=before,
        to_status=to,
        entered_at=now,
        seconds_in_previous=seconds,
        actor=actor,
        note=note[:500],
    )
    application.status = to
    application.stage_entered_at = now
    application.save(update_fields=["status", "stage_entered_at", "updated_at"])
    audit_record(
        actor=actor,
        action="application.status",
        target=application,
        before={"status": before},
        after={"status": to, "note": note[:500]},
    )
    return event
