"""The case library (written by the team, naming nobody) and education content sent once per customer."""

from __future__ import annotations

import pytest

from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.marketing import services
from creditdesk.marketing.models import CaseStudy, EducationArticle
from creditdesk.marketing.services import CaseInput
from creditdesk.marketing.tests.conftest import customer_of
from creditdesk.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

RESTAURANT = CaseInput(
    title="餐饮店主续贷加增额",
    outcome="won",
    customer_kind="individual_business",
    industry="H6210 正餐服务",
    need="开第二家店，需要 50 万装修和备货资金",
    solution="原经营贷到期续贷，另配 30 万增额，按月付息",
    lessons="提前三个月联系；用收款码流水佐证经营",
    tags="餐饮,续贷",
)


def test_a_cm_writes_a_case_for_the_team(org):
    case = services.case_write(actor=org.cm_a, data=RESTAURANT)
    assert (case.team, case.author, case.outcome) == (org.cm_a.team, org.cm_a, "won")
    with pytest.raises(NotAllowed):
        services.case_write(actor=org.head1, data=RESTAURANT)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": " "}, "case_title_required"),
        ({"need": "客户张三 13800138000 想借钱"}, "case_personal_data"),
        ({"lessons": "身份证 11010519491231002X 已核"}, "case_personal_data"),
        ({"solution": "字" * 2001}, "case_solution_too_long"),
        ({"outcome": "draw"}, "case_outcome_unknown"),
        ({"lead": 999999}, "case_lead_not_found"),
    ],
)
def test_bad_cases_are_refused(org, changes, code):
    data = CaseInput(**{**RESTAURANT.__dict__, **changes})
    with pytest.raises(DomainError) as refused:
        services.case_write(actor=org.cm_a, data=data)
    assert refused.value.code == code
    assert CaseStudy.objects.count() == 0


def test_education_is_sent_once_to_a_customer_one_works(org):
    zhang = customer_of(org.cm_a)
    article = EducationArticle.objects.get(topic="credit_report")
    assert "20日内" in article.body and "征信修复" not in article.summary.replace("“征信修复”是骗局", "")
    services.education_send(actor=org.cm_a, customer_id=zhang.pk, article_id=article.pk)
    with pytest.raises(Conflict) as again:
        services.education_send(actor=org.cm_a, customer_id=zhang.pk, article_id=article.pk)
    assert again.value.code == "education_already_sent"
    (message,) = OutboxMessage.objects.filter(event="customer_education")
    assert (message.channel, message.title) == ("sms", "征信记录与异议申诉")
    with pytest.raises(NotFound):
        services.education_send(actor=org.cm_c, customer_id=zhang.pk, article_id=article.pk)
    with pytest.raises(DomainError) as unknown:
        services.education_send(actor=org.cm_a, customer_id=zhang.pk, article_id=999999)
    assert unknown.value.code == "education_article_unknown"
