"""客户移交后的诉求: requests follow the customer to the new manager."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record
from creditdesk.customers.services import Handover
from creditdesk.servicedesk.choices import RequestEventKind, RequestStatus
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.services.common import record_event


def requests_follow_handover(
    *, actor: User, handovers: Sequence[Handover], new_owner: User, reason: str
) -> None:
    """The requests of a handed-over customer not closed yet that its previous manager held go to the new
    manager — the previous one no longer sees the customer, so could neither answer nor close them. The
    target stays (the customer is still waiting); the agenda moves their tasks (``tasks_follow_handover``).
    Requests held by the team lead, a specialist or the branch head stay with them. Inside the handover's
    transaction; an event and an audit row per request."""
    at = timezone.now()
    for handover in handovers:
        requests = (
            ServiceRequest.objects.filter(customer=handover.customer, assignee_id=handover.previous_owner_id)
            .exclude(status=RequestStatus.CLOSED)
            .select_for_update()
            .order_by("pk")
        )
        for request in requests:
            previous = request.assignee
            request.assignee = new_owner
            request.save(update_fields=["assignee"])
            record_event(
                request,
                kind=RequestEventKind.ROUTED,
                actor=actor,
                at=at,
                from_assignee=previous,
                to_assignee=new_owner,
                note=_("客户移交：%(reason)s") % {"reason": reason},
            )
            audit_record(
                actor=actor,
                action="service_request.handover",
                target=request,
                before={"assignee": previous.pk},
                after={"assignee": new_owner.pk, "reason": reason},
            )
