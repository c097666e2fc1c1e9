"""The 话术库 pages end to end through the Django test client: the CM's search (typed, pasted, with emoji,
empty or far too long — always a sentence, never an error page), the library by category, a script's page,
writing and the compliance review (returned, edited, approved, retired), the composer (a script used, its
placeholders, a message sent, a blocked one kept), the uses and their outcome, which answers work, the
customer 360 panel and the link on a lead's page."""

from __future__ import annotations

import json

import pytest

from creditdesk.compliance.models import ComplianceCheck
from creditdesk.core.testing.queries import assert_same_queries
from creditdesk.marketing.models import LeadActivity
from creditdesk.marketing.tests.conftest import customer_of, enter
from creditdesk.notifications.models import OutboxMessage
from creditdesk.replies import services
from creditdesk.replies.choices import ScriptStatus, UseOutcome
from creditdesk.replies.models import ReplyScript, ReplyScriptVersion, ScriptUse
from creditdesk.replies.services import MessageInput, ScriptInput

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

DRAFT = {
    "category": "faq",
    "response_tier": "cm",
    "question": "可以用微信还款吗",
    "variants": "微信能还贷款吗\n能不能用支付宝还",
    "answer": "{客户称呼}，目前还款通过您的还款账户自动扣款，请在还款日前存足金额。",
    "disclosures": "",
    "source": "",
    "then": "save",
}


def page_of(response) -> str:
    return response.content.decode()


def rate_script() -> ReplyScript:
    return ReplyScript.objects.get(key="rate-too-high")


# --- the search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["cm_a", "lead1", "approver1", "risk1", "head1", "admin"])
def test_the_library_opens_for_everyone(client, org, library, who):
    client.force_login(getattr(org, who))
    response = client.get("/replies/")
    assert response.status_code == 200
    assert "粘贴或输入客户的问题" in page_of(response)
    assert page_of(response).count('data-testid="library-row"') == 20  # 67 in use, 20 a page


def test_a_colloquial_question_with_emoji_finds_the_answer_in_place(client, org, library):
    client.force_login(org.cm_a)
    response = client.post("/replies/", {"q": "🙏🙏利率太高了吧😭 APR多少"}, **HX)
    assert response.status_code == 200
    html = page_of(response)
    assert html.startswith('<div id="search-results"')  # the fragment only: htmx swaps it in place
    assert html.index('data-key="rate-too-high"') < html.index('data-key="', html.index("rate-too-high") + 20)
    assert '<mark class="cd-ph">{客户称呼}</mark>' in html  # placeholders shown, to be filled
    assert "年化利率按实际现金流" in html  # the disclosure travels with the answer
    assert 'data-testid="hit-copy"' in html and f"/replies/compose/?script={rate_script().pk}" in html
    assert '<span class="cd-term">利率</span>' in html


def test_the_search_without_javascript_shows_the_whole_page(client, org, library):
    client.force_login(org.cm_a)
    response = client.post("/replies/", {"q": "正信有逾期还能带款吗"})
    assert response.status_code == 200
    html = page_of(response)
    assert 'data-testid="search-hit"' in html and 'data-testid="category-tabs"' in html
    assert "正信有逾期还能带款吗" in html  # the question stays in the box


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("", "请输入客户的问题。"),
        ("   \n ", "请输入客户的问题。"),
        ("贷" * 100_000, "问题过长（不超过 2000 字），请只粘贴客户的问题部分。"),
    ],
)
def test_an_empty_or_huge_question_is_answered_with_a_sentence(client, org, library, question, sentence):
    client.force_login(org.cm_a)
    for headers in (HX, {}):
        response = client.post("/replies/", {"q": question}, **headers)
        assert response.status_code == 400
        assert sentence in page_of(response)
        assert 'data-testid="search-error"' in page_of(response)


@pytest.mark.parametrize("question", ["😭😭😭", "!!!???", "🙏"])
def test_a_question_of_emoji_only_finds_nothing_and_says_so(client, org, library, question):
    client.force_login(org.cm_a)
    response = client.post("/replies/", {"q": question}, **HX)
    assert response.status_code == 200
    assert "没有找到合适的话术" in page_of(response)


def test_mixed_scripts_and_a_null_character_never_crash(client, org, library):
    client.force_login(org.cm_a)
    response = client.post("/replies/", {"q": "my 征信 有问题 can I 贷款? ｄａｉｋｕａｎ"}, **HX)
    assert response.status_code == 200 and 'data-testid="search-hit"' in page_of(response)
    response = client.post("/replies/", {"q": "征信\x00有问题"}, **HX)
    assert response.status_code == 400 and 'data-testid="search-error"' in page_of(response)


def test_a_search_for_a_lead_fills_what_is_copied(client, org, library):
    lead = enter(org.cm_a, name="王小明")
    client.force_login(org.cm_a)
    html = page_of(client.get(f"/replies/?lead={lead.pk}"))
    assert 'data-testid="search-context"' in html and "王小明" in html
    response = client.post("/replies/", {"q": "要准备什么材料", "lead": lead.pk}, **HX)
    html = page_of(response)
    assert 'data-copy="王小明' in html  # {客户称呼} filled for the copy
    assert f"/replies/compose/?lead={lead.pk}&amp;script=" in html
    # another team's CM: the lead is dropped with the sentence, the page still works
    client.force_login(org.cm_c)
    response = client.get(f"/replies/?lead={lead.pk}")
    assert response.status_code == 200 and "线索不存在或不在您的权限范围内。" in page_of(response)
    response = client.post("/replies/", {"q": "要准备什么材料", "lead": lead.pk}, **HX)
    assert response.status_code == 400 and "线索不存在或不在您的权限范围内。" in page_of(response)


def test_the_library_by_category(client, org, library):
    client.force_login(org.cm_a)
    html = page_of(client.get("/replies/?category=collection"))
    shown = html.count('data-testid="library-row"')
    assert shown == ReplyScript.objects.filter(category="collection").count() > 0
    assert html.count("cd-cat-collection") >= shown
    assert client.get("/replies/?category=nonsense").status_code == 200


def test_drafts_are_listed_only_for_those_who_see_them(client, org):
    services.script_save(
        actor=org.cm_a,
        data=ScriptInput(**{k: DRAFT[k] for k in ("category", "response_tier", "question", "answer")}),
    )
    client.force_login(org.cm_a)
    assert "可以用微信还款吗" in page_of(client.get("/replies/"))
    client.force_login(org.cm_b)
    assert "可以用微信还款吗" not in page_of(client.get("/replies/"))
    client.force_login(org.risk2)
    assert "可以用微信还款吗" in page_of(client.get("/replies/?status=draft"))


# --- writing and the review ---------------------------------------------------------------------------------


def test_a_cm_writes_a_draft_and_sees_the_placeholders(client, org):
    client.force_login(org.cm_a)
    form = client.get("/replies/new/")
    assert form.status_code == 200
    assert "{年化利率}" in page_of(form) and "最近方案书的年化利率" in page_of(form)
    response = client.post("/replies/new/", DRAFT)
    script = ReplyScript.objects.get(question="可以用微信还款吗")
    assert response.status_code == 302 and response["Location"] == f"/replies/{script.pk}/"
    assert (script.status, script.owner, script.variant_list()) == (
        ScriptStatus.DRAFT,
        org.cm_a,
        ["微信能还贷款吗", "能不能用支付宝还"],
    )
    html = page_of(client.get(f"/replies/{script.pk}/"))
    assert 'data-testid="script-submit"' in html and 'data-testid="approve"' not in html


@pytest.mark.parametrize(
    ("changes", "field", "sentence"),
    [
        ({"answer": "您好，{客户名字}，欢迎咨询。"}, "answer", "未知的占位符：{客户名字}"),
        ({"category": "risk"}, "disclosures", "风险提示、催收和合规类话术须附带至少一句提示。"),
        ({"question": ""}, "question", "请填写「客户问题」。"),
        ({"variants": "\n".join(f"问法{i}" for i in range(21))}, "variants", "其他问法最多 20 种"),
    ],
)
def test_a_bad_script_is_refused_on_its_field(client, org, changes, field, sentence):
    client.force_login(org.cm_a)
    response = client.post("/replies/new/", {**DRAFT, **changes})
    assert response.status_code == 400
    html = page_of(response)
    start = html.index(f'data-testid="error-{field}"')
    assert sentence in html[start : start + 300]
    assert not ReplyScript.objects.filter(owner=org.cm_a).exists()


def test_the_form_is_403_for_those_who_write_no_scripts(client, org):
    for person in (org.approver1, org.head1, org.admin):
        client.force_login(person)
        assert client.get("/replies/new/").status_code == 403
        assert client.post("/replies/new/", DRAFT).status_code == 403
    assert not ReplyScript.objects.filter(question="可以用微信还款吗").exists()


def test_a_forbidden_promise_stays_a_draft_with_the_findings(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/replies/new/", {**DRAFT, "answer": "放心，我们保证放款，三天到账。", "then": "submit"}
    )
    assert response.status_code == 400
    html = page_of(response)
    script = ReplyScript.objects.get(question="可以用微信还款吗")
    assert script.status == ScriptStatus.DRAFT
    assert 'data-rule="promise_approval"' in html and "“保证放款”" in html
    assert f'action="/replies/{script.pk}/edit/"' in html  # posting again edits the saved draft
    assert "放心，我们保证放款，三天到账。" in html  # nothing typed is lost


def test_the_review_flow_through_the_pages(client, org, library):
    client.force_login(org.cm_a)
    client.post("/replies/new/", {**DRAFT, "then": "submit"})
    script = ReplyScript.objects.get(question="可以用微信还款吗")
    assert script.status == ScriptStatus.PENDING
    # the queue is the risk managers'
    assert client.get("/replies/review/").status_code == 403
    client.force_login(org.risk1)
    queue = page_of(client.get("/replies/review/"))
    assert f'data-key="{script.key}"' in queue and "新话术" in queue
    # returned without a reason: refused, nothing changes
    response = client.post(
        f"/replies/{script.pk}/review/", {"decision": "return", "next": "/replies/review/"}
    )
    assert response.status_code == 302 and response["Location"] == "/replies/review/"
    script.refresh_from_db()
    assert script.status == ScriptStatus.PENDING
    client.post(f"/replies/{script.pk}/review/", {"decision": "return", "note": "请补充扣款失败的处理"})
    script.refresh_from_db()
    assert (script.status, script.review_note) == (ScriptStatus.REJECTED, "请补充扣款失败的处理")
    # the writer sees the note, edits and submits again
    client.force_login(org.cm_a)
    assert "请补充扣款失败的处理" in page_of(client.get(f"/replies/{script.pk}/"))
    answer = "{客户称呼}，还款通过还款账户自动扣款；扣款失败请当天存足金额并告诉我。"
    client.post(f"/replies/{script.pk}/edit/", {**DRAFT, "answer": answer, "then": "submit"})
    client.force_login(org.risk1)
    client.post(f"/replies/{script.pk}/review/", {"decision": "approve"})
    script.refresh_from_db()
    assert (script.status, script.approved_version) == (ScriptStatus.APPROVED, script.version)
    # an edit of the approved script: the text in use stays, the draft shows what changed
    client.force_login(org.cm_a)
    client.post(f"/replies/{script.pk}/edit/", {**DRAFT, "answer": answer.replace("当天", "两小时内")})
    html = page_of(client.get(f"/replies/{script.pk}/"))
    assert 'data-testid="in-use"' in html and 'data-testid="draft"' in html
    assert "<del>当天</del>" in html and "<ins>两小时内</ins>" in html
    client.post(f"/replies/{script.pk}/submit/")
    client.force_login(org.risk2)
    queue = page_of(client.get("/replies/review/"))
    assert "修改稿" in queue and "<ins>两小时内</ins>" in queue
    assert ReplyScriptVersion.objects.filter(script=script).count() == 5


def test_a_reviewer_cannot_approve_their_own_script(client, org, library):
    script = services.script_save(
        actor=org.risk1,
        data=ScriptInput(
            category="faq", question="利率怎么算", answer="按年化利率计算。", response_tier="cm"
        ),
    )
    services.script_submit(actor=org.risk1, script_id=script.pk)
    client.force_login(org.risk1)
    assert "须由其他风险经理审核" in page_of(client.get("/replies/review/"))
    assert client.post(f"/replies/{script.pk}/review/", {"decision": "approve"}).status_code == 403
    script.refresh_from_db()
    assert script.status == ScriptStatus.PENDING


def test_an_edit_in_progress_is_read_only_by_its_keeper_and_the_reviewers(client, org):
    data = {k: DRAFT[k] for k in ("category", "response_tier", "question", "answer")}
    script = services.script_save(actor=org.cm_a, data=ScriptInput(**data))
    services.script_submit(actor=org.cm_a, script_id=script.pk)
    services.script_review(actor=org.risk1, script_id=script.pk, approve=True)
    services.script_save(
        actor=org.cm_a, data=ScriptInput(**{**data, "question": "微信和支付宝能还款吗"}), script_id=script.pk
    )
    client.force_login(org.cm_b)
    html = page_of(client.get(f"/replies/{script.pk}/"))
    assert 'data-testid="in-use"' in html and 'data-testid="draft"' not in html
    assert "微信和支付宝能还款吗" not in page_of(client.get("/replies/?category=faq&q=还款吗"))
    assert "可以用微信还款吗" in page_of(client.get("/replies/?category=faq&q=还款吗"))
    for keeper in (org.cm_a, org.risk2):
        client.force_login(keeper)
        assert 'data-testid="draft"' in page_of(client.get(f"/replies/{script.pk}/"))
        assert "微信和支付宝能还款吗" in page_of(client.get("/replies/?category=faq&q=还款吗"))


def test_a_risk_manager_retires_a_script(client, org, library):
    script = rate_script()
    client.force_login(org.cm_a)
    assert 'data-testid="retire"' not in page_of(client.get(f"/replies/{script.pk}/"))
    assert client.post(f"/replies/{script.pk}/retire/").status_code == 403
    client.force_login(org.risk1)
    response = client.post(f"/replies/{script.pk}/retire/", {"note": "利率口径调整"})
    assert response.status_code == 302
    script.refresh_from_db()
    assert script.status == ScriptStatus.RETIRED and script.approved_version is None
    client.force_login(org.cm_a)
    assert client.get(f"/replies/{script.pk}/").status_code == 404  # out of use, not the CM's
    assert 'data-key="rate-too-high"' not in page_of(client.post("/replies/", {"q": "利率太高了"}, **HX))


def test_a_draft_is_404_to_those_who_do_not_see_it(client, org):
    script = services.script_save(
        actor=org.cm_a, data=ScriptInput(category="faq", question="问", answer="答", response_tier="cm")
    )
    client.force_login(org.cm_b)
    assert client.get(f"/replies/{script.pk}/").status_code == 404
    assert client.get(f"/replies/{script.pk}/edit/").status_code == 404
    assert client.get("/replies/99999999999999999999/").status_code == 404


# --- the composer ------------------------------------------------------------------------------------------


def test_compose_a_message_to_a_lead_with_a_script(client, org, library):
    lead = enter(org.cm_a, name="李四", phone="13900139017")
    script = ReplyScript.objects.get(key="documents-needed")
    client.force_login(org.cm_a)
    html = page_of(client.get(f"/replies/compose/?lead={lead.pk}&script={script.pk}"))
    assert "139****9017" in html and "13900139017" not in html
    assert "您好，一般需要本人有效身份证件" in html  # the approved text in the box
    assert 'data-testid="compose-missing"' in html and "还需填写：{产品名称}" in html
    # "使用" by htmx: only the draft comes back
    draft = page_of(client.get(f"/replies/compose/?lead={lead.pk}&script={script.pk}", **HX))
    assert draft.startswith('<div id="compose-draft"') and f'value="{script.pk}"' in draft
    rendered = services.script_render(actor=org.cm_a, script_id=script.pk, lead_id=lead.pk)
    text = rendered.text.replace("{产品名称}", "经营贷")
    response = client.post(
        "/replies/compose/", {"lead": lead.pk, "purpose": "answer", "text": text, "script": script.pk}
    )
    assert response.status_code == 302 and response["Location"] == f"/marketing/leads/{lead.pk}/"
    use = ScriptUse.objects.get()
    assert (use.script, use.lead, use.actor, use.stage_at_use) == (script, lead, org.cm_a, "new")
    assert OutboxMessage.objects.filter(event="customer_message", body=text, channel="sms").count() == 1
    assert LeadActivity.objects.filter(lead=lead, kind="message").exists()
    assert "消息已发送给李四（短信）。" in page_of(client.get(response["Location"]))


def test_a_blocked_message_comes_back_with_the_findings_and_the_text(client, org, library):
    customer = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    text = "张先生放心，包过！月息只要5厘。"
    response = client.post("/replies/compose/", {"customer": customer.pk, "purpose": "answer", "text": text})
    assert response.status_code == 400
    html = page_of(response)
    assert 'data-testid="blocked"' in html and "合规检查未通过，未发送" in html
    assert 'data-rule="promise_approval"' in html and 'data-rule="rate_without_apr"' in html
    assert f">{text}</textarea>" in html  # nothing lost
    assert not OutboxMessage.objects.filter(event="customer_message").exists()
    assert ComplianceCheck.objects.filter(blocked=True, target=f"customer:{customer.pk}").count() == 1


def test_a_message_with_a_reminder_is_sent_and_the_reminder_shown(client, org):
    customer = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    response = client.post(
        "/replies/compose/",
        {
            "customer": customer.pk,
            "purpose": "answer",
            "text": "张先生您好，这是我们利率最低的产品，年化利率 4.2%。",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/customers/{customer.pk}/"
    assert "合规提醒" in page_of(response)
    assert OutboxMessage.objects.filter(event="customer_message").count() == 1


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "请填写消息内容。"),
        ("字" * 100_000, "消息不能超过 500 个字。"),
        ("{客户称呼}您好", "请先填写：{客户称呼}。"),
        ("您好，{年化利息}", "请先填写：{年化利息}。"),
    ],
)
def test_a_bad_message_is_refused_on_the_text(client, org, text, sentence):
    customer = customer_of(org.cm_a)
    client.force_login(org.cm_a)
    response = client.post("/replies/compose/", {"customer": customer.pk, "purpose": "answer", "text": text})
    assert response.status_code == 400
    html = page_of(response)
    assert sentence in html[html.index('data-testid="error-text"') :][:200]
    assert not OutboxMessage.objects.filter(event="customer_message").exists()


def test_the_composer_search_and_its_use_buttons(client, org, library):
    lead = enter(org.cm_a)
    client.force_login(org.cm_a)
    response = client.post("/replies/compose/search/", {"lead": lead.pk, "q": "利率太高了"}, **HX)
    html = page_of(response)
    assert response.status_code == 200 and 'data-testid="hit-use"' in html
    assert f'hx-get="/replies/compose/?lead={lead.pk}&amp;script={rate_script().pk}"' in html
    assert 'data-testid="hit-copy"' not in html
    response = client.post("/replies/compose/search/", {"lead": lead.pk, "q": ""}, **HX)
    assert response.status_code == 400 and "请输入客户的问题。" in page_of(response)
    client.force_login(org.cm_c)
    assert client.post("/replies/compose/search/", {"lead": lead.pk, "q": "利率"}).status_code == 404


def test_the_composer_scope(client, org, library):
    lead = enter(org.cm_a)
    for person, status in ((org.cm_a, 200), (org.lead1, 200), (org.cm_b, 404), (org.head1, 403)):
        client.force_login(person)
        assert client.get(f"/replies/compose/?lead={lead.pk}").status_code == status
    client.force_login(org.cm_a)
    assert client.get("/replies/compose/?lead=abc").status_code == 404
    page = client.get(f"/replies/compose/?lead={lead.pk}&script=999999")
    assert page.status_code == 200 and "话术不存在或未经合规审核，不能使用。" in page_of(page)


def test_the_composer_without_a_recipient_asks_whom_to(client, org, library):
    lead = enter(org.cm_a, name="赵六")
    client.force_login(org.cm_a)
    html = page_of(client.get(f"/replies/compose/?script={rate_script().pk}"))
    assert f"/replies/compose/?lead={lead.pk}&amp;script={rate_script().pk}" in html
    customer_of(org.cm_a, name="赵大")
    assert "赵大" in page_of(client.get("/replies/compose/?who=赵"))
    client.force_login(org.head1)
    assert client.get("/replies/compose/").status_code == 403


# --- uses, results, the 360 panel --------------------------------------------------------------------------


def _use(org, customer, key="rate-too-high"):
    script = ReplyScript.objects.get(key=key)
    text = "张先生，给您的方案年化利率 4.35%（含费用），具体以合同为准。"
    return services.message_send(
        actor=org.cm_a, data=MessageInput(text=text, customer=customer.pk, script=script.pk)
    ).use


def test_uses_and_their_outcome(client, org, library):
    customer = customer_of(org.cm_a)
    use = _use(org, customer)
    client.force_login(org.cm_a)
    html = page_of(client.get("/replies/uses/"))
    assert f'data-use="{use.pk}"' in html and "待观察" in html
    response = client.post(
        f"/replies/uses/{use.pk}/outcome/", {"outcome": "resolved", "next": "/replies/uses/"}
    )
    assert response.status_code == 302
    use.refresh_from_db()
    assert use.outcome == UseOutcome.RESOLVED
    # the team lead sees it and may correct it; a CM of the team does not see it; the branch head reads it
    client.force_login(org.lead1)
    assert f'data-use="{use.pk}"' in page_of(client.get("/replies/uses/"))
    client.force_login(org.cm_b)
    assert f'data-use="{use.pk}"' not in page_of(client.get("/replies/uses/"))
    assert client.post(f"/replies/uses/{use.pk}/outcome/", {"outcome": "unresolved"}).status_code == 404
    client.force_login(org.head1)
    assert 'data-testid="mark-resolved"' not in page_of(client.get("/replies/uses/"))
    assert client.post(f"/replies/uses/{use.pk}/outcome/", {"outcome": "unresolved"}).status_code == 403
    use.refresh_from_db()
    assert use.outcome == UseOutcome.RESOLVED


def test_which_answers_work(client, org, library):
    customer = customer_of(org.cm_a)
    services.use_outcome_set(actor=org.cm_a, use_id=_use(org, customer).pk, outcome="resolved")
    _use(org, customer)
    client.force_login(org.lead1)
    response = client.get("/replies/results/")
    html = page_of(response)
    assert response.status_code == 200 and html.count('data-testid="results-row"') == 1
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    chart = json.loads(html[start : html.index("</script>", start)])["charts"][0]
    assert (chart["labels"], chart["bars"]["data"], chart["line"]["data"]) == (["利率太高了"], [2], [1.0])
    client.force_login(org.lead2)
    assert 'data-testid="results-row"' not in page_of(client.get("/replies/results/"))
    response = client.get("/replies/results/?since=2026-03-31&until=2026-03-01")
    assert response.status_code == 200 and "结束日期不能早于开始日期。" in page_of(response)


def test_the_customer_panel(client, org, library):
    customer = customer_of(org.cm_a)
    _use(org, customer)
    client.force_login(org.cm_a)
    html = page_of(client.get(f"/replies/customers/{customer.pk}/panel/"))
    assert 'data-testid="panel-message"' in html and "答复咨询" in html and "“利率太高了”" in html
    assert 'data-testid="panel-use"' in html
    assert f'href="/replies/compose/?customer={customer.pk}"' in html
    client.force_login(org.head1)  # reads the customer, does not write to them
    html = page_of(client.get(f"/replies/customers/{customer.pk}/panel/"))
    assert 'data-testid="panel-message"' in html and 'data-testid="panel-send"' not in html
    client.force_login(org.cm_c)
    assert client.get(f"/replies/customers/{customer.pk}/panel/").status_code == 404
    client.force_login(org.cm_a)
    assert 'data-testid="replies"' in page_of(client.get(f"/customers/{customer.pk}/"))  # registered


def test_a_leads_page_links_to_the_composer(client, org):
    lead = enter(org.cm_a)
    client.force_login(org.cm_a)
    html = page_of(client.get(f"/marketing/leads/{lead.pk}/"))
    assert f'href="/replies/compose/?lead={lead.pk}"' in html and "发消息（话术库）" in html


# --- query counts ------------------------------------------------------------------------------------------


def test_the_uses_list_reads_a_fixed_number_of_queries(client, org, library):
    customers = [customer_of(org.cm_a, name=f"客户{i}", phone=f"1380013{8100 + i}") for i in range(10)]
    _use(org, customers[0])
    client.force_login(org.lead1)

    def render() -> None:
        assert client.get("/replies/uses/").status_code == 200

    def grow() -> None:
        for customer in customers[1:]:
            _use(org, customer, key="other-bank-cheaper")

    render()  # the session is saved on the first request after signing in
    assert_same_queries(render, grow, at_most=8, label="/replies/uses/")


def test_the_library_reads_a_fixed_number_of_queries(client, org):
    client.force_login(org.risk1)

    def render() -> None:
        assert client.get("/replies/").status_code == 200

    def grow() -> None:
        for i in range(20):
            services.script_save(
                actor=[org.cm_a, org.lead1][i % 2],
                data=ScriptInput(category="faq", question=f"问题{i}", answer="答复", response_tier="cm"),
            )

    render()
    assert_same_queries(render, grow, at_most=8, label="/replies/")
