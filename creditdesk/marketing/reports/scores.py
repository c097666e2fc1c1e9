"""线索评分 of many leads at once (the board's cards, a page of the list): what ``services.lead_score`` gives
one lead, in two queries whatever the number of leads — the latest model of each of their teams, and their
first contact and expressed interest (the behaviour features) — so a card costs no query of its own."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Min, OuterRef, Q, Subquery

from creditdesk.marketing import lead_scoring
from creditdesk.marketing.choices import CONTACT_OUTCOMES, ActivityOutcome
from creditdesk.marketing.models import Lead, LeadActivity, LeadScoring
from creditdesk.marketing.services.scoring import features_of


def latest_models(team_ids: set[int]) -> dict[int, lead_scoring.LeadScoreModel]:
    """The latest scoring model of each of ``team_ids`` that has one (one query)."""
    if not team_ids:
        return {}
    latest = LeadScoring.objects.filter(team_id=OuterRef("team_id")).order_by("-fitted_at", "-pk")
    rows = LeadScoring.objects.filter(team_id__in=team_ids, pk=Subquery(latest.values("pk")[:1]))
    return {
        team_id: lead_scoring.LeadScoreModel.from_data(data)
        for team_id, data in rows.values_list("team_id", "data")
    }


def card_scores(leads: Sequence[Lead]) -> dict[int, lead_scoring.Score]:
    """The score of each open lead of ``leads`` whose team has a model (the others: none)."""
    open_leads = [lead for lead in leads if lead.is_open]
    models = latest_models({lead.team_id for lead in open_leads})
    scored = [lead for lead in open_leads if lead.team_id in models]
    if not scored:
        return {}
    behaviour = {
        row["lead_id"]: row
        for row in LeadActivity.objects.filter(lead_id__in=[lead.pk for lead in scored])
        .order_by()
        .values("lead_id")
        .annotate(
            first_contact=Min("happened_at", filter=Q(outcome__in=CONTACT_OUTCOMES)),
            interested=Count("pk", filter=Q(outcome=ActivityOutcome.INTERESTED)),
        )
    }
    scores = {}
    for lead in scored:
        row = behaviour.get(lead.pk, {})
        # ``features_of`` reads these two as ``services.scoring`` annotates them
        lead.first_contact = row.get("first_contact")  # type: ignore[attr-defined]
        lead.was_interested = bool(row.get("interested"))  # type: ignore[attr-defined]
        scores[lead.pk] = lead_scoring.score(models[lead.team_id], features_of(lead))
    return scores
