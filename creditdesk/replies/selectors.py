"""Reads of the reply-script library: what a person may see of it, and which answers work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.marketing import pipeline
from creditdesk.replies.choices import ScriptStatus, UseOutcome
from creditdesk.replies.models import ReplyScript, ScriptUse

_ORDER = {stage: i for i, stage in enumerate(pipeline.FORWARD)}


def scripts_visible_to(user: User) -> QuerySet[ReplyScript]:
    """Every signed-in person reads the scripts in use; a writer also sees their own drafts; a risk manager
    (the reviewer) and an administrator see the whole library."""
    if user.role in (Role.RISK_MANAGER, Role.ADMIN):
        return ReplyScript.objects.all()
    return ReplyScript.objects.filter(Q(approved_version__isnull=False) | Q(owner=user)).exclude(
        Q(status=ScriptStatus.RETIRED) & ~Q(owner=user)
    )


def review_queue() -> QuerySet[ReplyScript]:
    return ReplyScript.objects.filter(status=ScriptStatus.PENDING).order_by("updated_at", "id")


def effective(outcome: str, stage_at_use: str, lead_stage: str | None) -> str:
    """The outcome of a use: what the person recorded; else the lead lost → 线索流失; the lead at a later
    stage than when the script was used → 线索推进; else still pending."""
    if outcome != UseOutcome.PENDING:
        return outcome
    if not lead_stage:
        return UseOutcome.PENDING
    if lead_stage == pipeline.LeadStage.LOST:
        return UseOutcome.LOST
    if stage_at_use in _ORDER and lead_stage in _ORDER and _ORDER[lead_stage] > _ORDER[stage_at_use]:
        return UseOutcome.ADVANCED
    return UseOutcome.PENDING


@dataclass
class ScriptResult:
    script: ReplyScript
    uses: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def worked(self) -> int:
        return self.counts[UseOutcome.ADVANCED] + self.counts[UseOutcome.RESOLVED]

    @property
    def decided(self) -> int:
        return self.uses - self.counts[UseOutcome.PENDING]

    @property
    def success_rate(self) -> float | None:
        """Of the uses whose outcome is known, the share that worked (the lead moved on or the objection
        was resolved); None before any outcome is known."""
        return round(self.worked / self.decided, 4) if self.decided else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "script": self.script.pk,
            "key": self.script.key,
            "question": self.script.question,
            "category": self.script.category,
            "uses": self.uses,
            **{o: self.counts[o] for o in UseOutcome.values},
            "success_rate": self.success_rate,
        }


def script_results(user: User, *, since: date | None = None, until: date | None = None) -> list[ScriptResult]:
    """Which answers work, over the uses ``user`` sees (a CM their own, a team lead the team's, the branch
    head and risk managers the branch's), most used first."""
    uses = scope.visible(user, ScriptUse.objects.all())
    if since is not None:
        uses = uses.filter(used_at__date__gte=since)
    if until is not None:
        uses = uses.filter(used_at__date__lte=until)
    results: dict[int, ScriptResult] = {}
    rows = uses.select_related("script").values_list("script_id", "outcome", "stage_at_use", "lead__stage")
    scripts = {s.pk: s for s in ReplyScript.objects.filter(pk__in={r[0] for r in rows})}
    for script_id, outcome, stage_at_use, lead_stage in rows:
        result = results.setdefault(script_id, ScriptResult(scripts[script_id]))
        result.uses += 1
        result.counts[effective(outcome, stage_at_use, lead_stage)] += 1
    return sorted(results.values(), key=lambda r: (-r.uses, r.script.key))
