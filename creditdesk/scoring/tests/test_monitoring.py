"""Stability monitoring (issue 14 item 8): PSI of the score and of each feature of the recent
pre-assessments (the last ``MONITORING_DAYS``) against a reference population, with the 0.10 / 0.25
bands. A trained card's reference is its development sample (unchanged); an expert card has none, so its
reference is the version's own baseline — its pre-assessments in its first 90 days in use — once that
period is over and holds at least 30 of them. Until then the page says which is missing."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.scoring import engine, psi, selectors, services
from creditdesk.scoring.choices import ModelStatus
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.tests.conftest import SHIPPED_MODEL
from creditdesk.scoring.tests.test_assessments import ASKED, LI_ASKED, LI_ID, NEED

pytestmark = pytest.mark.django_db

# 公积金 months: one per band of the expert card (少于 6 个月 / 6–23 个月 / 24 个月及以上), 0 / 15 / 30 points
MIXED = ["0", "12", "36"]


@pytest.fixture
def active(org):
    """The shipped expert card: registered by risk1, approved by risk2, activated by the branch head."""
    from creditdesk.scoring.seed import expert_artefact

    model = services.score_model_register(actor=org.risk1, artefact=expert_artefact())
    services.score_model_approve(actor=org.risk2, model_id=model.pk)
    return services.score_model_activate(actor=org.head1, model_id=model.pk)


@pytest.fixture
def li(org):
    from creditdesk.products import services as product_services

    created = customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="李四",
            id_number=LI_ID,
            monthly_income="30000",
            profile={"has_property": "yes"},
            monthly_debt_payments="2000",
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )
    product_services.need_record(actor=org.cm_a, customer_id=created.pk, data=dict(NEED))
    return created


def _assess(org, li, months: list[str], n: int, *, days_ago: float | None = None) -> list[int]:
    """``n`` pre-assessments of 李四 with 公积金 months cycling through ``months`` (every other feature
    the same), dated ``days_ago`` days back (else now)."""
    ids = [
        services.assessment_create(
            actor=org.cm_a,
            customer_id=li.pk,
            answers={**LI_ASKED, "provident_fund_months": months[i % len(months)]},
        ).pk
        for i in range(n)
    ]
    if days_ago is not None:
        Assessment.objects.filter(pk__in=ids).update(created_at=timezone.now() - timedelta(days=days_ago))
    return ids


def _activated(model: ScoreModel, days_ago: float | None) -> ScoreModel:
    at = None if days_ago is None else timezone.now() - timedelta(days=days_ago)
    ScoreModel.objects.filter(pk=model.pk).update(activated_at=at)
    return ScoreModel.objects.get(pk=model.pk)


def _day(days_ago: float) -> str:
    return timezone.localtime(timezone.now() - timedelta(days=days_ago)).date().isoformat()


def _psi_all_in_first(shares: list[float]) -> float:
    """PSI when every recent row falls in the first of bins with the expected ``shares`` (an empty
    actual bin counts as 0.0001)."""
    first = (1 - shares[0]) * math.log(1 / shares[0])
    return first + sum((1e-4 - share) * math.log(1e-4 / share) for share in shares[1:])


def test_a_strong_shift_from_the_baseline_is_unstable_and_names_the_feature(
    org, active, li, django_assert_num_queries
):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 40, days_ago=199)  # baseline: 14 / 13 / 13 in the three 公积金 bands
    _assess(org, li, ["0"], 40)  # recent: all below 6 months
    with django_assert_num_queries(2):  # the recent pre-assessments and the baseline, however many
        report = selectors.monitoring(model=model)

    assert (report["reference"], report["reference_kind"], report["count"], report["enough"]) == (
        True,
        "baseline",
        40,
        True,
    )
    assert report["reference_label"] == f"基线期 {_day(200)} 至 {_day(110)} 的 40 次预评估"
    assert report["baseline"]["missing"] == [] and report["baseline"]["count"] == 40
    expected = _psi_all_in_first([14 / 40, 13 / 40, 13 / 40])  # 5.9369…
    # three distinct scores: the baseline's deciles give the same three bins (and an empty one below)
    assert report["score"]["value"] == pytest.approx(expected, abs=1e-12)
    assert report["score"]["expected_counts"] == [0.0, 14.0, 13.0, 13.0]
    assert report["score"]["actual_counts"] == [0.0, 40.0, 0.0, 0.0]
    assert (report["score"]["status"], report["score"]["status_label"]) == ("unstable", "不稳定")
    first, *others = report["variables"]
    assert (first["name"], first["status"]) == ("provident_fund_months", "unstable")
    assert first["value"] == pytest.approx(expected, abs=1e-12)
    # the card's bins: three bands, Special, Missing (counted, empty here)
    assert first["expected_counts"] == [14.0, 13.0, 13.0, 0.0, 0.0]
    assert len(report["variables"]) == len(engine.load(model).variables)
    assert all(row["value"] == 0.0 and row["status"] == "stable" for row in others)


def test_the_same_population_is_stable(org, active, li):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 40, days_ago=150)
    _assess(org, li, MIXED, 40, days_ago=10)
    report = selectors.monitoring(model=model)
    assert report["reference"] and report["score"]["value"] == 0.0 < psi.WATCH
    assert report["score"]["status"] == "stable"
    assert {row["status"] for row in report["variables"]} == {"stable"}


def test_a_mild_shift_is_watched(org, active, li):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 39, days_ago=150)  # 13 / 13 / 13
    _assess(org, li, ["0", "0", "12", "36"], 40)  # 20 / 10 / 10
    report = selectors.monitoring(model=model)
    third, half, quarter = 1 / 3, 1 / 2, 1 / 4
    expected = (half - third) * math.log(half / third) + 2 * (quarter - third) * math.log(quarter / third)
    assert report["score"]["value"] == pytest.approx(expected, abs=1e-12)  # 0.1155…
    assert report["score"]["status"] == "watch" and report["variables"][0]["status"] == "watch"


def test_until_the_baseline_period_is_over_nothing_is_computed_and_the_page_says_why(
    client, org, active, li, django_assert_num_queries
):
    model = _activated(active, 30)
    _assess(org, li, MIXED, 40, days_ago=20)
    with django_assert_num_queries(2):
        report = selectors.monitoring(model=model)
    assert report["reference"] is False and "score" not in report and "variables" not in report
    assert [row["code"] for row in report["baseline"]["missing"]] == ["baseline_period_open"]
    message = f"基线期（启用后 90 天）尚未结束：自 {_day(30)} 起，至 {_day(-60)} 结束。"
    assert report["baseline"]["missing"][0]["message"] == message
    assert report["reference_label"] == f"基线期 {_day(30)} 至 {_day(-60)} 的 40 次预评估"

    client.force_login(org.risk1)
    page = client.get(f"/scoring/models/{model.pk}/").content.decode()
    assert 'data-testid="no-reference"' in page and message in page
    assert 'data-testid="psi-score"' not in page


def test_too_few_baseline_assessments_are_said_with_the_count(org, active, li):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 10, days_ago=150)
    _assess(org, li, ["0"], 40)
    report = selectors.monitoring(model=model)
    assert report["reference"] is False and "score" not in report
    assert report["baseline"]["missing"] == [
        {"code": "baseline_too_few", "message": "基线期预评估不足 30 次：目前 10 次。"}
    ]
    assert report["count"] == 40


def test_both_missing_are_said(org, active, li):
    model = _activated(active, 5)
    _assess(org, li, MIXED, 3)
    report = selectors.monitoring(model=model)
    assert [row["code"] for row in report["baseline"]["missing"]] == [
        "baseline_period_open",
        "baseline_too_few",
    ]


def test_a_version_never_activated_here_starts_its_baseline_at_its_first_assessment(org, active, li):
    model = _activated(active, None)
    _assess(org, li, MIXED, 40, days_ago=200)
    _assess(org, li, ["0"], 5, days_ago=100)  # after the 90 days: neither baseline nor recent
    _assess(org, li, ["36"], 40)
    report = selectors.monitoring(model=model)
    assert report["reference_label"] == f"基线期 {_day(200)} 至 {_day(110)} 的 40 次预评估"
    assert report["variables"][0]["name"] == "provident_fund_months"
    assert report["variables"][0]["actual_counts"] == [0.0, 0.0, 40.0, 0.0, 0.0]


def test_a_version_reactivated_keeps_the_baseline_of_its_first_period(org, active, li):
    _assess(org, li, MIXED, 40, days_ago=180)
    model = _activated(active, 1)  # retired and activated again yesterday
    _assess(org, li, MIXED, 40)
    report = selectors.monitoring(model=model)
    assert report["reference_label"] == f"基线期 {_day(180)} 至 {_day(90)} 的 40 次预评估"
    assert report["score"]["value"] == 0.0


def test_the_page_states_the_baseline_and_the_psi(client, org, active, li):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 40, days_ago=199)
    _assess(org, li, ["0"], 40)
    client.force_login(org.risk1)
    page = client.get(f"/scoring/models/{model.pk}/").content.decode()
    assert f"参照群体：基线期 {_day(200)} 至 {_day(110)} 的 40 次预评估。" in page
    assert "vs 基线期" in page and 'data-testid="no-reference"' not in page
    assert page.count('data-testid="psi-variable"') == len(engine.load(model).variables)
    assert 'data-testid="psi-score"><td>总分</td><td class="text-end">5.9369</td>' in page


# The German Credit card (trained: a development sample) keeps its behaviour: recent against training.


@pytest.fixture
def german(org):
    """A database from before issue 14, where the German Credit card was active for customers."""
    model = services.score_model_register(actor=org.risk1, artefact=SHIPPED_MODEL.read_text(encoding="utf-8"))
    ScoreModel.objects.filter(pk=model.pk).update(status=ModelStatus.ACTIVE)
    return ScoreModel.objects.get(pk=model.pk)


def test_a_trained_card_is_still_compared_with_its_development_sample(org, german, django_assert_num_queries):
    customer = customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="张三", id_number="110101197001010016")
    )
    customer.has_property = True  # the card's 主要财产, from the profile
    customer.save(update_fields=["has_property"])
    card = engine.load(german)
    answers = {name: value for name, value in ASKED.items() if name in card.variable_names}
    assessment = services.assessment_create(actor=org.cm_a, customer_id=customer.pk, answers=answers)
    for _ in range(engine.MIN_MONITORED - 1):
        assessment.pk = None
        assessment.save()
    Assessment.objects.create(  # older than the window: not counted
        **{
            field: getattr(assessment, field)
            for field in ("customer", "model", "inputs", "points", "grade", "contributions", "created_by")
        }
    )
    Assessment.objects.filter(pk=Assessment.objects.order_by("-pk").first().pk).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    with django_assert_num_queries(1):
        report = selectors.monitoring(model=german)
    assert set(report) == {
        "days",
        "count",
        "enough",
        "reference",
        "reference_kind",
        "reference_label",
        "score",
        "variables",
    }
    assert (report["reference_kind"], report["reference_label"]) == ("development", "开发样本")
    assert (report["days"], report["count"], report["enough"], report["reference"]) == (90, 30, True, True)
    # the score against the training deciles, every recent row the same score
    reference = card.score_reference
    edges = np.asarray(reference["edges"], dtype=np.float64)
    actual = np.bincount(
        np.searchsorted(edges, [float(assessment.points)] * 30, side="right"), minlength=len(edges) + 1
    )
    assert report["score"] == psi.psi_by_bins(reference["counts"], actual).to_dict()
    assert report["score"]["status"] == "unstable"
    assert {row["name"] for row in report["variables"]} == set(card.variable_names)
    values = [row["value"] for row in report["variables"]]
    assert values == sorted(values, reverse=True)


def test_answers_scored_missing_count_in_the_missing_bin(org, active, li):
    model = _activated(active, 200)
    _assess(org, li, MIXED, 40, days_ago=150)
    _assess(org, li, ["不详"], 40)  # the customer cannot say: the card's Missing band
    report = selectors.monitoring(model=model)
    first = report["variables"][0]
    assert first["name"] == "provident_fund_months" and first["status"] == "unstable"
    assert first["actual_counts"] == [0.0, 0.0, 0.0, 0.0, 40.0]


def test_a_version_neither_activated_nor_used_has_no_baseline_yet(org, active):
    model = _activated(active, None)
    report = selectors.monitoring(model=model)
    assert report["reference_label"] == "" and report["baseline"]["start"] is None
    assert report["baseline"]["missing"] == [
        {"code": "baseline_not_started", "message": "基线期尚未开始：该版本尚未启用，也没有预评估。"},
        {"code": "baseline_too_few", "message": "基线期预评估不足 30 次：目前 0 次。"},
    ]
