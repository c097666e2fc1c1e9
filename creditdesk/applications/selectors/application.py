"""Reads of applications, scoped to the person asking: the CM's list, one application with its timeline,
the approver's queue (the longest waiting and the largest first), the committee's agenda, the approvals
past their SLA, and the average time per stage (for analytics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.applications.lifecycle import IN_REVIEW
from creditdesk.applications.models import (
    Application,
    ApplicationPart,
    ApprovalStep,
    StageEvent,
)
from creditdesk.applications.routing import Level
from creditdesk.core.actions import Action

REVIEWING = [s.value for s in IN_REVIEW]
# What a queue row shows (page, workbench, API list): the customer's name only, so none of the
# customer's encrypted fields is loaded and decrypted for every waiting application.
QUEUE_COLUMNS = (
    "id",
    "number",
    "kind",
    "status",
    "customer_id",
    "owner_id",
    "assigned_to_id",
    "stage_entered_at",
    "created_at",
    "customer__id",
    "customer__name",
    "owner__id",
    "owner__username",
    "owner__full_name",
    "assigned_to__id",
    "assigned_to__username",
    "assigned_to__full_name",
)


def _with_total(rows: QuerySet[Application]) -> QuerySet[Application]:
    total = (
        ApplicationPart.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return rows.annotate(total_amount=Subquery(total))


def application_list_visible_to(*, user: User) -> QuerySet[Application]:
    rows = Application.objects.select_related("customer", "owner", "assigned_to")
    return _with_total(scope.visible(user, rows))


def application_get_visible(*, user: User, application_id: int | str) -> Application:
    """The application for ``user``: in their scope (the CM's, the team's, the branch's, the approver it
    waits for); one they decided or voted on (an approver keeps the cases they decided, read only); one
    before their branch's committee (``committee_application``); else 404."""
    rows = _with_total(
        Application.objects.select_related(
            "customer", "owner", "owner__team", "assigned_to", "created_by", "proposal", "credit_inquiry"
        )
    )
    found = scope.visible(user, rows).filter(pk=application_id).first()
    if found is None and user.is_authenticated:
        took_part = Q(decisions__decided_by=user) | Q(steps__votes__member=user)
        found = rows.filter(took_part, pk=application_id).distinct().first()
    if found is None:
        found = committee_application(user=user, application_id=application_id)
    return found


def committee_application(*, user: User, application_id: int | str) -> Application:
    """An application at a 贷审会 level, for a member of its branch's committee (who sees it while the
    committee sits, whether or not it is routed to them); 404 for anyone else."""
    rows = Application.objects.select_related("customer", "owner", "assigned_to", "created_by")
    found = _with_total(rows).filter(pk=application_id, status__in=REVIEWING).first()
    if found is None or not _at_committee(found) or not policy.can(user, Action.COMMITTEE_VOTE, found):
        raise Http404("application not found")
    return found


def _at_committee(application: Application) -> bool:
    return application.steps.filter(
        position=application.current_level, level=Level.COMMITTEE, ended_at__isnull=True
    ).exists()


def approval_queue(*, user: User) -> QuerySet[Application]:
    """审批队列: the applications waiting for ``user``'s decision, the longest waiting first, then the
    largest amount, each with the SLA due time of its level (``due_at``)."""
    due = ApprovalStep.objects.filter(
        application=OuterRef("pk"), position=OuterRef("current_level"), ended_at__isnull=True
    ).order_by("-round")
    rows = (
        Application.objects.select_related("customer", "owner", "assigned_to")
        .only(*QUEUE_COLUMNS)
        .filter(assigned_to=user, status__in=REVIEWING)
        .annotate(due_at=Subquery(due.values("due_at")[:1]))
    )
    return _with_total(rows).order_by("stage_entered_at", F("total_amount").desc(nulls_last=True), "pk")


def approval_queue_count(*, user: User) -> int:
    """How many applications wait for ``user``'s decision (counted without the queue's amount total)."""
    return Application.objects.filter(assigned_to=user, status__in=REVIEWING).count()


def committee_queue(*, user: User) -> QuerySet[Application]:
    """The applications before the committee of ``user``'s branch (empty for anyone not a member)."""
    if not policy.can(user, Action.COMMITTEE_VOTE) or user.branch_id is None:
        return Application.objects.none()
    # joined from the open committee levels (few, indexed on level and ended_at), not tested row by row
    rows = (
        Application.objects.select_related("customer", "owner", "assigned_to")
        .only(*QUEUE_COLUMNS)
        .filter(
            status__in=REVIEWING,
            owner__branch_id=user.branch_id,
            steps__level=Level.COMMITTEE,
            steps__ended_at__isnull=True,
            steps__position=F("current_level"),
        )
    )
    return _with_total(rows).order_by("stage_entered_at", "pk")


def overdue_steps_visible_to(
    *, user: User, now: datetime | None = None, others_only: bool = False
) -> QuerySet[ApprovalStep]:
    """审批超时: open levels past their SLA — the approver's own, and those of the applications the
    person sees (a CM's, a team's, a branch's). ``others_only``: without the person's own levels (the
    queue page marks those in its own list)."""
    now = now or timezone.now()
    # the steps of the applications the person sees (an open step is the one its application waits
    # at, so the approver's own are among them): one join, no subquery
    steps = (
        scope.visible(user, ApprovalStep.objects.all())
        .select_related("application", "application__customer", "assigned_to")
        .only(
            "id",
            "level",
            "due_at",
            "application_id",
            "assigned_to_id",
            "application__id",
            "application__number",
            "application__customer_id",
            "application__customer__id",
            "application__customer__name",
            "assigned_to__id",
            "assigned_to__username",
            "assigned_to__full_name",
        )
        .filter(ended_at__isnull=True, started_at__isnull=False, due_at__lt=now)
        .filter(application__status__in=REVIEWING)
        .order_by("due_at")
    )
    return steps.exclude(assigned_to=user) if others_only else steps


def timeline(*, application: Application) -> QuerySet[StageEvent]:
    return application.stage_events.select_related("actor").order_by("entered_at", "id")


def steps_of(*, application: Application) -> list[ApprovalStep]:
    return list(
        application.steps.select_related("assigned_to", "decision", "decision__decided_by")
        .prefetch_related("votes__member")
        .order_by("round", "position")
    )


@dataclass(frozen=True)
class StageTime:
    status: str
    count: int
    average_hours: float


def average_time_per_stage(*, user: User) -> list[StageTime]:
    """平均阶段耗时: for each status left, how many moves out of it and the mean hours spent in it, over
    the applications ``user`` sees (the analytics issue reads this)."""
    seen = scope.visible(user, Application.objects.all()).values("pk")
    rows = (
        StageEvent.objects.filter(application__in=seen, seconds_in_previous__isnull=False)
        .exclude(from_status="")
        .values("from_status")
        .annotate(n=Count("id"), seconds=Avg("seconds_in_previous"))
        .order_by("from_status")
    )
    return [
        StageTime(status=r["from_status"], count=r["n"], average_hours=round(float(r["seconds"]) / 3600, 1))
        for r in rows
    ]
