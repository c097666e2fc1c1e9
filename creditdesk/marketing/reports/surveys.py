"""满意度 per customer manager — the surveys sent in a period that the person asking sees, per CM measured:
sent, answered, response rate, NPS and CSAT.

- **NPS** (净推荐值) = share of promoters (9–10) − share of detractors (0–6) among NPS answers, in points
  from −100 to 100; None without an answer.
- **CSAT** = share of CSAT answers of 4 or 5 (satisfied), as a fraction; and the mean score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError
from creditdesk.marketing.choices import SurveyKind, SurveyStatus
from creditdesk.marketing.models import Survey
from creditdesk.marketing.reports.sources import rate

PROMOTER, DETRACTOR_MAX, SATISFIED = 9, 6, 4


@dataclass(frozen=True)
class SatisfactionRow:
    owner_id: int
    name: str
    sent: int
    answered: int
    response_rate: float | None
    nps: float | None
    nps_answers: int
    csat_satisfied: float | None
    csat_mean: float | None
    csat_answers: int


def satisfaction_by_cm(
    *, user: User, start: date | None = None, end: date | None = None
) -> list[SatisfactionRow]:
    """Per CM (best NPS first, then name) over the surveys ``user`` sees, sent from ``start`` to ``end``
    (an end before the start: ``source_period_invalid``, as every marketing report)."""
    if start is not None and end is not None and end < start:
        raise DomainError("source_period_invalid", _("结束日期不能早于开始日期。"), {"field": "end"})
    surveys = scope.visible(user, Survey.objects.all())
    if start is not None:
        surveys = surveys.filter(sent_on__gte=start)
    if end is not None:
        surveys = surveys.filter(sent_on__lte=end)
    answered = Q(status=SurveyStatus.ANSWERED)
    nps = answered & Q(kind=SurveyKind.NPS)
    csat = answered & Q(kind=SurveyKind.CSAT)
    rows = (
        surveys.values("owner_id")
        .annotate(
            sent=Count("pk"),
            answered=Count("pk", filter=answered),
            nps_answers=Count("pk", filter=nps),
            promoters=Count("pk", filter=nps & Q(score__gte=PROMOTER)),
            detractors=Count("pk", filter=nps & Q(score__lte=DETRACTOR_MAX)),
            csat_answers=Count("pk", filter=csat),
            satisfied=Count("pk", filter=csat & Q(score__gte=SATISFIED)),
            csat_mean=Avg("score", filter=csat),
        )
        .order_by()
    )
    rows = list(rows)
    people = {person.pk: person for person in User.objects.filter(pk__in=[row["owner_id"] for row in rows])}
    result = []
    for row in rows:
        person = people[row["owner_id"]]
        name = person.get_full_name() or person.username
        promoters, detractors = (
            rate(row["promoters"], row["nps_answers"]),
            rate(row["detractors"], row["nps_answers"]),
        )
        result.append(
            SatisfactionRow(
                owner_id=row["owner_id"],
                name=name,
                sent=row["sent"],
                answered=row["answered"],
                response_rate=rate(row["answered"], row["sent"]),
                nps=round((promoters - detractors) * 100, 1)
                if promoters is not None and detractors is not None
                else None,
                nps_answers=row["nps_answers"],
                csat_satisfied=rate(row["satisfied"], row["csat_answers"]),
                csat_mean=round(float(row["csat_mean"]), 2) if row["csat_mean"] is not None else None,
                csat_answers=row["csat_answers"],
            )
        )
    return sorted(result, key=lambda r: (r.nps is None, -(r.nps or 0), r.name))
