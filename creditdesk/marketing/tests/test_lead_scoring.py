"""Lead scoring: naive Bayes counts a person can check by hand, the factors named, too few outcomes refused;
each team's model learnt from its own closed leads (or its branch's)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.marketing import lead_scoring
from creditdesk.marketing.models import Lead, LeadScoring, LostReason
from creditdesk.marketing.services.scoring import lead_score, lead_scores_fit
from creditdesk.marketing.tests.conftest import enter


def examples(disbursed_referred=15, disbursed_other=5, lost_referred=5, lost_other=15):
    rows = []
    for outcome, referred, n in (
        (True, "是", disbursed_referred),
        (True, "否", disbursed_other),
        (False, "是", lost_referred),
        (False, "否", lost_other),
    ):
        rows += [({"referred": referred}, outcome)] * n
    return rows


def test_weights_are_smoothed_log_ratios_one_can_check_by_hand():
    model = lead_scoring.fit(examples())
    assert (model.disbursed, model.lost) == (20, 20)
    assert model.prior == pytest.approx(0.0)
    # P(是|disbursed) = (15+1)/(20+2+1), P(是|lost) = (5+1)/(20+2+1)
    assert model.weight("referred", "是") == pytest.approx(math.log(16 / 6))
    assert model.weight("referred", "从未见过") == pytest.approx(0.0)
    referred = lead_scoring.score(model, {"referred": "是"})
    other = lead_scoring.score(model, {"referred": "否"})
    assert referred.points > 50 > other.points
    assert referred.factors[0].label == f"转介绍：是 +{math.log(16 / 6):.2f}"


def test_too_few_outcomes_are_not_scored():
    with pytest.raises(DomainError) as refused:
        lead_scoring.fit(examples(5, 5, 5, 5))  # 20 < 30
    assert refused.value.code == "lead_score_too_few"
    with pytest.raises(DomainError):
        lead_scoring.fit(examples(20, 20, 0, 0))  # nothing lost: nothing to contrast


def test_the_model_survives_storage():
    model = lead_scoring.fit(examples())
    again = lead_scoring.LeadScoreModel.from_data(model.as_data())
    assert again.weight("referred", "是") == model.weight("referred", "是")


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (None, "未填"),
        (Decimal("99999.99"), "10万以下"),
        (Decimal("100000"), "10–50万"),
        (Decimal("2000000"), "200万以上"),
    ],
)
def test_amount_bands(amount, band):
    assert lead_scoring.amount_band(amount) == band


@pytest.mark.django_db
def test_a_team_learns_from_its_closed_leads(org):
    assert lead_scores_fit()["none"] >= 1  # nothing closed yet: no model
    reason = LostReason.objects.get(code="rate_too_high")
    for _ in range(20):
        Lead.objects.filter(pk=enter(org.cm_a, channel="referral").pk).update(stage="disbursed")
        Lead.objects.filter(pk=enter(org.cm_a, channel="online").pk).update(stage="lost", lost_reason=reason)
    done = lead_scores_fit()
    assert done["team"] == 1 and done["branch"] == 1  # T1 from its own leads; T2 from branch B1's
    assert LeadScoring.objects.get(team=org.cm_a.team, basis="team").disbursed == 20
    assert LeadScoring.objects.get(team=org.cm_c.team).basis == "branch"
    warm, cold = enter(org.cm_a, channel="referral"), enter(org.cm_a, channel="online")
    assert lead_score(warm).points > 80 and lead_score(cold).points < 20
    assert lead_score(warm).factors[0].feature == "channel"
    assert lead_score(enter(org.cm_d)) is None  # branch B2: no model


@pytest.mark.django_db
def test_the_nightly_command_reports_what_it_did(org):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("marketing_daily", "--date", "2026-01-10", stdout=out)
    assert '"surveys": 0' in out.getvalue() and '"lead_scores"' in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("marketing_daily", "--date", "yesterday")
