"""线索评分 — learning each team's lead score from its closed leads (nightly), and scoring a lead with the
latest model of its team (``lead_scoring`` has the rules)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from creditdesk.accounts.models import Team
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import DomainError
from creditdesk.marketing import lead_scoring
from creditdesk.marketing.choices import CONTACT_OUTCOMES, ActivityOutcome, LeadStage
from creditdesk.marketing.models import Lead, LeadActivity, LeadScoring

FAST_CONTACT = timedelta(days=2)


def _annotated(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """Leads with what their behaviour features need: the first contact made, an interest expressed."""
    return leads.annotate(
        first_contact=Min("activities__happened_at", filter=Q(activities__outcome__in=CONTACT_OUTCOMES)),
        was_interested=Exists(
            LeadActivity.objects.filter(lead=OuterRef("pk"), outcome=ActivityOutcome.INTERESTED)
        ),
    )


def features_of(lead: Lead) -> dict[str, str]:
    """The score's features of a lead annotated by ``_annotated`` (or read here when it is not)."""
    first_contact = getattr(lead, "first_contact", None)
    interested = getattr(lead, "was_interested", None)
    if not hasattr(lead, "first_contact"):
        contacts = lead.activities.filter(outcome__in=CONTACT_OUTCOMES).order_by("happened_at")
        first = contacts.first()
        first_contact = first.happened_at if first else None
        interested = lead.activities.filter(outcome=ActivityOutcome.INTERESTED).exists()
    referred = lead.referrer_customer_id or lead.referrer_staff_id or lead.partner_id
    return {
        "channel": lead.get_channel_display(),
        "tier": lead.get_value_segment_display(),
        "kind": lead.get_kind_display(),
        "purpose": lead.get_need_purpose_display() or "未填",
        "amount_band": lead_scoring.amount_band(lead.need_amount),
        "referred": "是" if referred else "否",
        "contacted_fast": "是" if first_contact and first_contact - lead.created_at <= FAST_CONTACT else "否",
        "interested": "是" if interested else "否",
    }


def _examples(leads: QuerySet[Lead]) -> Iterable[tuple[dict[str, str], bool]]:
    closed = _annotated(leads.filter(stage__in=[LeadStage.DISBURSED, LeadStage.LOST]))
    for lead in closed.iterator(chunk_size=2000):
        yield features_of(lead), lead.stage == LeadStage.DISBURSED


def _fit_first(*pools: tuple[str, QuerySet[Lead]]) -> tuple[str, lead_scoring.LeadScoreModel] | None:
    """The model of the first pool with enough closed leads, and that pool's name; None if none has."""
    for basis, leads in pools:
        try:
            return basis, lead_scoring.fit(_examples(leads))
        except DomainError:
            continue
    return None


def lead_scores_fit(*, now: datetime | None = None) -> dict[str, int]:
    """Fit every active team's model from its closed leads, or its branch's when the team has too few; a
    team whose branch has too few too keeps no new model. Returns how many teams got each basis."""
    at = now or timezone.now()
    done = {"team": 0, "branch": 0, "none": 0}
    for team in Team.objects.filter(is_active=True).select_related("branch"):
        fitted = _fit_first(
            ("team", Lead.objects.filter(team=team)),
            ("branch", Lead.objects.filter(team__branch_id=team.branch_id)),
        )
        if fitted is None:
            done["none"] += 1
            continue
        basis, model = fitted
        with transaction.atomic():
            row = LeadScoring.objects.create(
                team=team,
                basis=basis,
                fitted_at=at,
                disbursed=model.disbursed,
                lost=model.lost,
                data=model.as_data(),
            )
            audit_record(
                actor=None, action="lead.score_fit", target=row, after={"basis": basis, "team": team.pk}
            )
        done[basis] += 1
    return done


def lead_score(lead: Lead) -> lead_scoring.Score | None:
    """The lead's score by its team's latest model; None when the team has none yet."""
    row = LeadScoring.objects.filter(team_id=lead.team_id).order_by("-fitted_at", "-pk").first()
    if row is None:
        return None
    return lead_scoring.score(lead_scoring.LeadScoreModel.from_data(row.data), features_of(lead))
