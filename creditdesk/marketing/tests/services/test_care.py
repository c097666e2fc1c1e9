"""Satisfaction surveys (sent once per event, answered once, never by the CM measured; NPS/CSAT per CM)
and the feedback log (follow-up task; a complaint closed by the team lead with its resolution)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import services
from creditdesk.marketing.models import Survey
from creditdesk.marketing.reports.surveys import satisfaction_by_cm
from creditdesk.marketing.tests.conftest import customer_of
from creditdesk.solutions.tests.conftest import li, small_catalogue  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def test_a_survey_follows_each_disbursement_once(org, li, xyd):  # noqa: F811
    loan = book_loan(org, li, xyd)  # value date 2026-01-10
    assert services.surveys_after_disbursement(day=date(2026, 1, 10)) == 1
    assert services.surveys_after_disbursement(day=date(2026, 1, 10)) == 0  # run twice: nothing new
    survey = Survey.objects.get()
    assert (survey.customer, survey.owner, survey.kind, survey.trigger_key) == (
        li,
        org.cm_a,
        "nps",
        f"loan:{loan.pk}",
    )


def test_an_answer_is_recorded_once_and_never_by_the_cm_measured(org):
    zhang = customer_of(org.cm_a)
    survey = services.survey_send(
        actor=org.cm_a, customer_id=zhang.pk, kind="csat", trigger_key="repayment:0301"
    )
    with pytest.raises(Conflict) as twice:
        services.survey_send(actor=org.cm_a, customer_id=zhang.pk, kind="csat", trigger_key="repayment:0301")
    assert twice.value.code == "survey_duplicate"
    with pytest.raises(NotAllowed) as own:
        services.survey_answer(actor=org.cm_a, survey_id=survey.pk, score=5)
    assert own.value.code == "survey_record_not_allowed"
    with pytest.raises(NotFound):
        services.survey_answer(actor=org.lead2, survey_id=survey.pk, score=5)  # another team
    for score in (0, 6, True, "5", 4.5):
        with pytest.raises(DomainError) as bad:
            services.survey_answer(actor=org.lead1, survey_id=survey.pk, score=score)
        assert bad.value.code == "survey_score_invalid"
    answered = services.survey_answer(actor=org.lead1, survey_id=survey.pk, score=4, comment="办理很快")
    assert (answered.status, answered.score, answered.recorded_by) == ("answered", 4, org.lead1)
    with pytest.raises(Conflict) as again:
        services.survey_answer(actor=None, survey_id=survey.pk, score=5)
    assert again.value.code == "survey_already_answered"
    assert Survey.objects.get().score == 4


def test_nps_and_csat_per_cm(org):
    zhang, wang = customer_of(org.cm_a), customer_of(org.cm_b, name="王五", phone="13700137000")
    scores = {zhang: [10, 9, 7, 3], wang: [10]}
    for customer, values in scores.items():
        for n, score in enumerate(values):
            survey = services.survey_send(
                actor=customer.owner, customer_id=customer.pk, kind="nps", trigger_key=f"e{n}"
            )
            services.survey_answer(actor=None, survey_id=survey.pk, score=score)
    services.survey_send(actor=org.cm_a, customer_id=zhang.pk, kind="nps", trigger_key="unanswered")
    rows = {row.owner_id: row for row in satisfaction_by_cm(user=org.lead1)}
    mine = rows[org.cm_a.pk]
    assert (mine.sent, mine.answered, mine.response_rate, mine.nps) == (5, 4, 0.8, 25.0)  # 2/4 − 1/4
    assert rows[org.cm_b.pk].nps == 100.0
    assert [row.owner_id for row in satisfaction_by_cm(user=org.cm_a)] == [org.cm_a.pk]  # a CM: their own
    assert satisfaction_by_cm(user=org.cm_c) == []


def test_feedback_gets_a_follow_up_and_a_complaint_is_closed_by_the_team_lead(org):
    zhang = customer_of(org.cm_a)
    complaint = services.feedback_record(
        actor=org.cm_a, customer_id=zhang.pk, kind="complaint", text="放款慢了三天"
    )
    task = complaint.task
    assert (task.owner, task.due_date) == (org.cm_a, timezone.localdate() + timedelta(days=1))
    with pytest.raises(NotAllowed) as own:
        services.feedback_close(actor=org.cm_a, feedback_id=complaint.pk, resolution="已解释")
    assert own.value.code == "complaint_close_not_allowed"
    with pytest.raises(DomainError) as empty:
        services.feedback_close(actor=org.lead1, feedback_id=complaint.pk, resolution=" ")
    assert empty.value.code == "feedback_resolution_required"
    closed = services.feedback_close(
        actor=org.lead1, feedback_id=complaint.pk, resolution="致电道歉，说明原因"
    )
    assert (closed.status, closed.closed_at is not None) == ("closed", True)
    with pytest.raises(Conflict):
        services.feedback_close(actor=org.lead1, feedback_id=complaint.pk, resolution="再次")
    praise = services.feedback_record(actor=org.head1, customer_id=zhang.pk, kind="praise", text="服务好")
    assert (
        services.feedback_close(actor=org.cm_a, feedback_id=praise.pk, resolution="已感谢").status == "closed"
    )


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "rant"}, "feedback_kind_unknown"),
        ({"text": "  "}, "feedback_text_required"),
        ({"text": "字" * 2001}, "feedback_text_too_long"),
        ({"received_on": "tomorrow"}, "feedback_in_future"),
    ],
)
def test_bad_feedback_is_refused(org, fields, code):
    zhang = customer_of(org.cm_a)
    values = {"kind": "suggestion", "text": "希望能线上还款", **fields}
    if values.get("received_on") == "tomorrow":
        values["received_on"] = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        services.feedback_record(actor=org.cm_a, customer_id=zhang.pk, **values)
    assert refused.value.code == code
    assert Task.objects.count() == 0
