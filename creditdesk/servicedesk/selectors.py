"""Reads of customer requests, each narrowed to the person's scope (through the customer: the manager
their own customers', the team lead the team's, the branch head and risk managers the branch's)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.exceptions import NotFound
from creditdesk.servicedesk import tiering
from creditdesk.servicedesk.choices import RequestStatus
from creditdesk.servicedesk.models import ServiceRequest, ServiceRequestEvent, TierRule


def late_q(now: datetime) -> Q:
    """Requests still unanswered after their response target (超时)."""
    return Q(status=RequestStatus.OPEN, due_at__lt=now)


def requests_visible_to(*, user: User, customer_id: int | None = None) -> QuerySet[ServiceRequest]:
    """The requests of the customers ``user`` sees — the unanswered first, soonest due first, then the
    answered and closed ones by their target — with the customer's name only (their encrypted fields are
    not read) and the assignee."""
    rows = scope.visible(user, ServiceRequest.objects.select_related("assignee"))
    rows = rows.annotate(
        customer_name=F("customer__name"),
        open_first=Case(
            When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by("open_first", "due_at", "id")
    return rows if customer_id is None else rows.filter(customer_id=customer_id)


def request_get_visible(*, user: User, request_id: int | str) -> ServiceRequest:
    """One request ``user`` sees, or ``NotFound`` (whether it exists elsewhere or not at all)."""
    try:
        found = requests_visible_to(user=user).filter(pk=request_id).first()
    except (ValueError, TypeError):
        found = None
    if found is None:
        raise NotFound("not_found", _("客户诉求不存在或不在您的权限范围内。"))
    return found


def events_of(request: ServiceRequest) -> QuerySet[ServiceRequestEvent]:
    """A request's history, oldest first, with the people named."""
    return ServiceRequestEvent.objects.filter(request=request).select_related(
        "actor", "from_assignee", "to_assignee"
    )


def tier_rules() -> QuerySet[TierRule]:
    return TierRule.objects.order_by("kind", "urgency", "complexity")


def tier_specs() -> list[tiering.TierRuleSpec]:
    """The tier matrix as the pure core reads it."""
    return [rule.spec() for rule in tier_rules()]
