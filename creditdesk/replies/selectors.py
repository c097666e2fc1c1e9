"""Reads of the reply-script library: what a person may see of it, and which answers work."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.core.exceptions import NotFound
from creditdesk.core.models import AuditEvent
from creditdesk.customers.models import Customer
from creditdesk.marketing import pipeline
from creditdesk.marketing.models import Lead
from creditdesk.replies.choices import ScriptStatus, UseOutcome
from creditdesk.replies.models import ReplyScript, ReplyScriptVersion, ScriptUse
from creditdesk.replies.services.library import CONTENT_FIELDS

_ORDER = {stage: i for i, stage in enumerate(pipeline.FORWARD)}


def scripts_visible_to(user: User) -> QuerySet[ReplyScript]:
    """Every signed-in person reads the scripts in use; a writer also sees their own drafts; a risk manager
    (the reviewer) and an administrator see the whole library."""
    if user.role in (Role.RISK_MANAGER, Role.ADMIN):
        return ReplyScript.objects.all()
    return ReplyScript.objects.filter(Q(approved_version__isnull=False) | Q(owner=user)).exclude(
        Q(status=ScriptStatus.RETIRED) & ~Q(owner=user)
    )


def script_get_visible(*, user: User, script_id: Any) -> ReplyScript:
    """One script of the library ``user`` may read (``scripts_visible_to``), or ``NotFound``."""
    text = str(script_id)
    found = (
        scripts_visible_to(user)
        .select_related("owner", "submitted_by", "reviewed_by")
        .filter(pk=int(text))
        .first()
        if text.isascii() and text.isdigit() and len(text) < 19
        else None
    )
    if found is None:
        raise NotFound("not_found", _("话术不存在，或不在您的权限范围内。"))
    return found


def sees_drafts(user: User, script: ReplyScript) -> bool:
    """Whether ``user`` reads the text of ``script`` being edited (not yet approved): its keeper, and the
    risk managers and administrators who see the whole library. Everyone else reads the text in use."""
    return script.owner_id == user.pk or user.role in (Role.RISK_MANAGER, Role.ADMIN)


def texts_shown(user: User, scripts: list[ReplyScript]) -> dict[int, dict[str, Any]]:
    """For each script (by id), the text ``user`` reads of it: the text being edited for those who see
    drafts (``sees_drafts``), else the approved text in use — read in one query for the scripts being
    edited."""
    current = {s.pk: {name: getattr(s, name) for name in CONTENT_FIELDS} for s in scripts}
    edited = {
        (s.pk, s.approved_version): s
        for s in scripts
        if not sees_drafts(user, s)
        and s.approved_version is not None
        and (s.status != ScriptStatus.APPROVED or s.version != s.approved_version)
    }
    if edited:
        rows = ReplyScriptVersion.objects.filter(
            script_id__in={pk for pk, _v in edited}, status=ScriptStatus.APPROVED
        ).order_by("created_at", "id")
        for row in rows:
            if (row.script_id, row.version) in edited:
                current[row.script_id] = row.content
    return current


def versions_of(script: ReplyScript) -> QuerySet[ReplyScriptVersion]:
    """The script's history (submitted, approved, returned, retired versions), newest first."""
    return script.versions.select_related("actor").order_by("-created_at", "-id")


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


def uses_visible_to(
    user: User, *, customer_id: int | None = None, script_id: int | None = None
) -> QuerySet[ScriptUse]:
    """The uses of scripts ``user`` sees (a CM their own, a team lead the team's, the branch head and risk
    managers the branch's), newest first, with what a list shows of each; optionally of one customer (the
    customer's own uses and those of the customer's leads) or one script."""
    uses = scope.visible(user, ScriptUse.objects.all()).select_related("script", "actor", "customer", "lead")
    if customer_id is not None:
        uses = uses.filter(Q(customer_id=customer_id) | Q(lead__customer_id=customer_id))
    if script_id is not None:
        uses = uses.filter(script_id=script_id)
    return uses.order_by("-used_at", "-id")


def use_effective(use: ScriptUse) -> str:
    """The outcome of ``use`` as the lists show it (``effective``: recorded, or read from the lead)."""
    return effective(use.outcome, use.stage_at_use, use.lead.stage if use.lead_id else None)


def messages_to(*, user: User, customer: Customer) -> QuerySet[AuditEvent]:
    """The messages sent to ``customer`` (a customer ``user`` sees) or to the customer's leads that ``user``
    sees, newest first, as their audit rows record them (who, when, the purpose, the script used; never the
    text)."""
    leads = scope.visible(user, Lead.objects.filter(customer=customer)).values_list("pk", flat=True)
    return (
        AuditEvent.objects.filter(action="message.send")
        .filter(
            Q(target_type="customers.customer", target_id=str(customer.pk))
            | Q(target_type="marketing.lead", target_id__in=[str(pk) for pk in leads])
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
