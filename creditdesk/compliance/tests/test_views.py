"""The compliance pages end to end through the Django test client: the checker (typed: the HTMX preview;
posted: the same page) shows the text with the findings marked, each with the alternative and the source,
and "可以发送" when clean, logging nothing; the reusable preview fragment; the rules (a bad regex shows the
Chinese reason on the pattern field and saves nothing); the log in the reader's scope, filtered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from creditdesk.compliance import services
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


# --- the checker ----------------------------------------------------------------------------------------


def test_the_checker_is_everyones_and_previews_as_one_types(client, org):
    client.force_login(org.approver1)
    response = client.get(reverse("compliance:check"))
    assert response.status_code == 200
    html = page(response)
    assert 'hx-post="/compliance/preview/"' in html and 'hx-trigger="input delay:500ms, change"' in html
    assert "data-swap-refusals" in html and 'name="highlight" value="1"' in html
    assert "合规规则" not in html and "拦截记录" not in html  # links for those who keep / read them


def test_a_posted_text_shows_its_findings_marked_with_the_alternative_and_logs_nothing(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        reverse("compliance:check"), {"text": "王总，月息5厘\n包过！", "channel": "message"}
    )
    assert response.status_code == 200
    html = page(response)
    assert 'data-verdict="blocked"' in html and "不能发送" in html
    assert '<mark class="cd-finding-block">月息5厘</mark>' in html
    assert '<mark class="cd-finding-block">包过</mark>' in html
    assert html.count('data-testid="compliance-finding"') == 2
    assert "申请结果以银行审核为准" in html and "中国人民银行公告〔2021〕第3号" in html
    assert not ComplianceCheck.objects.exists()


def test_a_clean_text_may_be_sent(client, org):
    client.force_login(org.cm_a)
    response = client.post(reverse("compliance:check"), {"text": "您好，材料已收到🙂", "channel": "greeting"})
    assert 'data-verdict="clean"' in page(response) and "可以发送" in page(response)


def test_a_warning_may_be_sent_after_reading_it(client, org):
    client.force_login(org.cm_a)
    html = page(client.post(reverse("compliance:check"), {"text": "零风险", "channel": "message"}))
    assert 'data-verdict="warn"' in html and '<mark class="cd-finding-warn">零风险</mark>' in html


@pytest.mark.parametrize(
    ("text", "channel", "sentence"),
    [
        ("", "message", "请填写要检查的文本。"),
        ("   ", "message", "请填写要检查的文本。"),
        ("x" * 100_000, "message", "文本过长（不超过 20000 字）。"),
        ("包过", "fax", "「发送渠道」的选项无效"),
    ],
)
def test_bad_input_is_answered_with_a_clear_sentence(client, org, text, channel, sentence):
    client.force_login(org.cm_a)
    for url in (reverse("compliance:check"), reverse("compliance:preview")):
        response = client.post(url, {"text": text, "channel": channel}, **HX)
        assert response.status_code == 400
        assert sentence in page(response)
    assert not ComplianceCheck.objects.exists()


def test_the_preview_answers_the_fragment_other_forms_include(client, org):
    client.force_login(org.lead1)
    response = client.post(
        reverse("compliance:preview"), {"text": "通知你的家人", "channel": "collection"}, **HX
    )
    assert response.status_code == 200
    html = page(response)
    assert html.lstrip().startswith('<div class="cd-findings"') and "<html" not in html
    assert 'data-rule="collection_threat"' in html and 'data-verdict="blocked"' in html
    assert "<mark" not in html  # the text itself only with highlight=1 (the checker's)
    highlighted = page(
        client.post(
            reverse("compliance:preview"),
            {"text": "通知你的家人", "channel": "collection", "highlight": "1"},
            **HX,
        )
    )
    assert '<mark class="cd-finding-block">通知你的家人</mark>' in highlighted
    assert not ComplianceCheck.objects.exists()


def test_the_marked_text_is_escaped(client, org):
    client.force_login(org.cm_a)
    html = page(client.post(reverse("compliance:check"), {"text": "<b>包过</b>", "channel": "message"}))
    assert "&lt;b&gt;" in html and "<b>包过" not in html


def test_the_preview_only_answers_posts(client, org):
    client.force_login(org.cm_a)
    assert client.get(reverse("compliance:preview")).status_code == 405


def test_the_fragment_renders_findings_another_app_passes(rf, org):
    from django.template.loader import render_to_string

    result = services.compliance_check(text="包过", channel="message")
    html = render_to_string(
        "compliance/_findings.html",
        {"findings": [f.as_dict() for f in result.findings], "blocked": result.blocked},
    )
    assert 'data-verdict="blocked"' in html and 'data-rule="promise_approval"' in html
    assert (
        render_to_string("compliance/_findings.html", {"findings": [], "blocked": False}).count("可以发送")
        == 1
    )


# --- the rules ----------------------------------------------------------------------------------------------


RULE = {
    "code": "guaranteed_return",
    "name": "承诺收益",
    "kind": "phrase",
    "severity": "block",
    "pattern": "稳赚不赔\r\n保本保息\r\n",
    "channels": ["message", "script"],
    "negation_exempt": "on",
    "message": "不能承诺收益。",
    "suggestion": "收益以产品说明为准。",
    "active": "on",
}


def test_a_risk_manager_lists_the_rules(client, org):
    client.force_login(org.risk1)
    response = client.get(reverse("compliance:rules"))
    assert response.status_code == 200
    html = page(response)
    assert html.count('data-testid="rule-row"') == 11
    assert "承诺审批结果" in html and "催收沟通、短信/微信" in html and 'data-testid="rule-new"' in html
    filtered = page(client.get(reverse("compliance:rules"), {"severity": "warn"}))
    assert filtered.count('data-testid="rule-row"') == 1


def test_a_rule_is_added_through_the_form(client, org):
    client.force_login(org.risk1)
    response = client.post(reverse("compliance:rule_create"), RULE)
    assert response.status_code == 302 and response["Location"] == reverse("compliance:rules")
    rule = ComplianceRule.objects.get(code="guaranteed_return")
    assert (rule.pattern, rule.channels, rule.updated_by) == (
        "稳赚不赔\n保本保息",
        "message,script",
        org.risk1,
    )
    assert AuditEvent.objects.filter(action="compliance_rule.create", target_id=str(rule.pk)).exists()
    assert services.compliance_check(text="保本保息", channel="script").blocked


def test_a_bad_regex_shows_the_chinese_reason_on_the_pattern_field(client, org):
    client.force_login(org.admin)
    response = client.post(reverse("compliance:rule_create"), {**RULE, "kind": "regex", "pattern": "(稳赚"})
    assert response.status_code == 400
    error = response.context["form"].errors["pattern"]
    assert error == ["正则表达式无效：missing ), unterminated subpattern（位置 0）。"]
    assert 'data-testid="error-pattern"' in page(response)
    assert not ComplianceRule.objects.filter(code="guaranteed_return").exists()
    assert not AuditEvent.objects.filter(action__startswith="compliance_rule.").exists()


def test_a_rule_is_edited_and_retired_but_its_code_stays(client, org):
    client.force_login(org.risk1)
    rule = ComplianceRule.objects.get(code="superlative_claim")
    url = reverse("compliance:rule_edit", args=[rule.pk])
    form = page(client.get(url))
    assert "disabled" in form and "superlative_claim" in form
    response = client.post(
        url,
        {
            "code": "something_else",  # ignored: the field is disabled
            "name": rule.name,
            "kind": rule.kind,
            "severity": "warn",
            "pattern": rule.pattern,
            "message": rule.message,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.code, rule.active, rule.negation_exempt) == ("superlative_claim", False, False)
    assert not services.compliance_check(text="零风险", channel="message").findings


@pytest.mark.parametrize("who", ["cm_a", "lead1", "head1", "approver1"])
def test_others_may_not_open_the_rules(client, org, who):
    client.force_login(getattr(org, who))
    rule = ComplianceRule.objects.get(code="promise_approval")
    assert client.get(reverse("compliance:rules")).status_code == 403
    assert client.get(reverse("compliance:rule_create")).status_code == 403
    assert client.post(reverse("compliance:rule_create"), RULE).status_code == 403
    assert client.get(reverse("compliance:rule_edit", args=[rule.pk])).status_code == 403
    assert not ComplianceRule.objects.filter(code="guaranteed_return").exists()


def test_an_unknown_rule_is_404(client, org):
    client.force_login(org.risk1)
    assert client.get("/compliance/rules/999999/").status_code == 404
    assert client.get("/compliance/rules/99999999999999999999/").status_code == 404


# --- the log ----------------------------------------------------------------------------------------------


def _blocked(actor, text="包过", channel="message") -> ComplianceCheck:
    with pytest.raises(services.ComplianceBlocked):
        services.compliance_enforce(actor=actor, text=text, channel=channel)
    return ComplianceCheck.objects.latest("id")


def test_a_team_lead_reviews_the_teams_log(client, org):
    mine = _blocked(org.cm_a, "客户身份证11010519491231002X")
    other = _blocked(org.cm_c)
    client.force_login(org.lead1)
    response = client.get(reverse("compliance:checks"))
    assert response.status_code == 200
    html = page(response)
    assert f'id="check-{mine.pk}"' in html and f'id="check-{other.pk}"' not in html
    assert "完整身份证号" in html and "11010519491231002X" not in html and "110**************X" in html
    filtered = page(client.get(reverse("compliance:checks"), {"rule": "promise_approval"}))
    assert f'id="check-{mine.pk}"' not in filtered
    invalid = client.get(reverse("compliance:checks"), {"date_from": "yesterday"})
    assert invalid.status_code == 200 and 'data-testid="check-row"' not in page(invalid)


@pytest.mark.parametrize("who", ["cm_a", "approver1", "admin"])
def test_senders_approvers_and_administrators_do_not_open_the_log(client, org, who):
    client.force_login(getattr(org, who))
    assert client.get(reverse("compliance:checks")).status_code == 403


def test_the_subnavigation_shows_what_the_person_may_open(client, org):
    client.force_login(org.risk1)
    html = page(client.get(reverse("compliance:check")))
    assert 'data-testid="rules-link"' in html and 'data-testid="checks-link"' in html
    client.force_login(org.lead1)
    html = page(client.get(reverse("compliance:check")))
    assert 'data-testid="rules-link"' not in html and 'data-testid="checks-link"' in html


def test_an_empty_post_says_what_is_missing(client, org):
    client.force_login(org.cm_a)
    for url in (reverse("compliance:check"), reverse("compliance:preview")):
        response = client.post(url, {})
        assert response.status_code == 400
        assert "请选择「发送渠道」。" in page(response)
