"""The pages as each person sees them: the list (late ones red, with how late), a new request (the
suggestion preview, a refusal in Chinese on the field), a request's page with only the buttons the policy
allows, its forms end to end, and the 360 page's panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from creditdesk.core.testing.queries import assert_same_queries
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.tests.conftest import customer_of
from creditdesk.servicedesk.tests.conftest import record as record_at

pytestmark = pytest.mark.django_db


def record(actor, customer, text="请问还款日是哪天？", **fields):
    """A request received now (so that the pages' "late" is about today)."""
    return record_at(actor, customer, text, now=timezone.now(), **fields)


def page(client, person, url, **data):
    client.force_login(person)
    return client.post(url, data) if data else client.get(url)


# --- the list -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "shown"),
    [("cm_a", True), ("lead1", True), ("head1", True), ("risk1", True), ("cm_b", False), ("head2", False)],
)
def test_the_list_shows_each_person_their_scope(client, org, zhang, person, shown):
    request = record(org.cm_a, zhang)
    response = page(client, getattr(org, person), "/servicedesk/")
    assert response.status_code == 200
    body = response.content.decode()
    assert (f"/servicedesk/{request.pk}/" in body) is shown
    assert "客户诉求" in body


@pytest.mark.parametrize("person", ["approver1", "admin"])
def test_the_list_is_the_front_lines(client, org, person):
    assert page(client, getattr(org, person), "/servicedesk/").status_code == 403


def test_a_late_request_is_red_and_says_how_late(client, org, zhang):
    late = record(org.cm_a, zhang)
    ServiceRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=3, minutes=5))
    record(org.cm_a, zhang, "还有一个问题？")
    body = page(client, org.cm_a, "/servicedesk/").content.decode()
    assert body.count('data-testid="request-late"') == 1
    assert "已超时 3" in body and "table-danger" in body
    late_only = page(client, org.cm_a, "/servicedesk/?late=true").content.decode()
    assert late_only.count('data-testid="request-row"') == 1


def test_the_filters(client, org, zhang):
    record(org.cm_a, zhang, "我要投诉")
    record(org.cm_a, zhang, "请问还款日？")
    for query, rows in (
        ("kind=complaint", 1),
        ("tier=cm", 1),
        ("status=open", 2),
        ("status=closed", 0),
        ("mine=true", 1),  # cm_a answers the question; the complaint is lead1's
        ("q=张三", 2),
        ("late=maybe", 2),  # an invalid filter is shown with its error, the list unfiltered
    ):
        body = page(client, org.cm_a, f"/servicedesk/?{query}").content.decode()
        assert body.count('data-testid="request-row"') == rows, query


def test_the_list_reads_the_same_number_of_queries_for_one_row_or_ten(client, org, zhang):
    client.force_login(org.lead1)
    other = customer_of(org.cm_b, name="李四", phone="13900139000")
    record(org.cm_a, zhang)

    def grow():
        for i in range(9):
            owner, customer = (org.cm_b, other) if i % 2 else (org.cm_a, zhang)
            record(owner, customer, "我要投诉" if i % 3 else "问题？")

    client.get("/servicedesk/")  # the session is saved once, at the first page

    assert_same_queries(lambda: client.get("/servicedesk/"), grow, at_most=8, label="servicedesk list")


# --- a new request ------------------------------------------------------------------------------------------


def test_a_new_request_from_the_360_page_and_its_routing(client, org, zhang):
    form = page(client, org.cm_a, f"/servicedesk/new/?customer={zhang.pk}").content.decode()
    assert f'<option value="{zhang.pk}" selected>张三</option>' in form
    response = page(
        client, org.cm_a, "/servicedesk/new/", customer=zhang.pk, channel="phone", text="我要投诉，你们乱收费"
    )
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/servicedesk/{request.pk}/"
    assert (request.kind, request.assignee) == ("complaint", org.lead1)
    detail = client.get(response["Location"]).content.decode()
    assert "已登记客户诉求" in detail and request.number in detail


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("", "诉求内容"),  # the form's own: required
        ("   ", "请填写客户诉求的内容。"),
        ("字" * 100_000, "诉求内容不能超过 2000 个字（现为 100000 个字）。"),
    ],
)
def test_bad_text_is_told_in_chinese_on_the_field(client, org, zhang, text, sentence):
    response = page(client, org.cm_a, "/servicedesk/new/", customer=zhang.pk, channel="phone", text=text)
    assert response.status_code == 400
    assert sentence in response.content.decode()
    assert 'data-testid="error-text"' in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_an_unknown_kind_and_a_customer_out_of_scope_are_told_on_their_fields(client, org, zhang):
    fields = {"customer": zhang.pk, "channel": "phone", "text": "问", "kind": "x"}
    bad_kind = page(client, org.cm_a, "/servicedesk/new/", **fields)
    assert bad_kind.status_code == 400 and 'data-testid="error-kind"' in bad_kind.content.decode()
    other = customer_of(org.cm_c, name="王五", phone="13700137000")
    out = page(client, org.cm_a, "/servicedesk/new/", customer=other.pk, channel="phone", text="问题")
    assert out.status_code == 400
    assert "客户不存在或不在您的权限范围内。" in out.content.decode()
    assert not ServiceRequest.objects.exists()


def test_emoji_are_kept(client, org, zhang):
    page(client, org.cm_a, "/servicedesk/new/", customer=zhang.pk, channel="wechat", text="谢谢 🙏 还款日？")
    assert ServiceRequest.objects.get().text == "谢谢 🙏 还款日？"


@pytest.mark.parametrize("person", ["approver1", "admin"])
def test_those_who_see_no_customer_record_nothing(client, org, person):
    assert page(client, getattr(org, person), "/servicedesk/new/").status_code == 403


def test_the_suggestion_preview(client, org):
    client.force_login(org.cm_a)
    body = client.post("/servicedesk/suggest/", {"text": "我要向12378投诉"}).content.decode()
    assert "投诉" in body and "团队主管" in body and "2 个工作小时" in body
    chosen = client.post("/servicedesk/suggest/", {"text": "我要投诉", "urgency": "normal"}).content.decode()
    assert "4 个工作小时" in chosen
    long = client.post("/servicedesk/suggest/", {"text": "字" * 2001}).content.decode()
    assert 'data-testid="suggestion-too-long"' in long
    empty = client.post("/servicedesk/suggest/", {"text": ""})
    assert empty.status_code == 200 and "输入诉求内容后" in empty.content.decode()


# --- a request's page ---------------------------------------------------------------------------------------

BUTTONS = ("respond-form", "close-form", "escalate-form")


@pytest.mark.parametrize(
    ("person", "shown"),
    [
        ("cm_a", {"respond-form", "close-form", "escalate-form"}),  # the assignee
        ("lead1", {"respond-form", "close-form"}),  # takes over, does not escalate for cm_a
        ("head1", {"respond-form", "close-form"}),
        ("risk1", set()),  # reads
    ],
)
def test_the_buttons_follow_the_policy(client, org, zhang, person, shown):
    request = record(org.cm_a, zhang)
    body = page(client, getattr(org, person), f"/servicedesk/{request.pk}/").content.decode()
    assert {b for b in BUTTONS if f'data-testid="{b}"' in body} == shown
    assert "张三" in body and "请问还款日是哪天？" in body


@pytest.mark.parametrize("person", ["cm_b", "lead2", "head2", "approver1", "admin"])
def test_a_request_out_of_scope_is_not_found(client, org, zhang, person):
    request = record(org.cm_a, zhang)
    assert page(client, getattr(org, person), f"/servicedesk/{request.pk}/").status_code == 404


def test_a_complaint_page_tells_the_cm_who_closes_it(client, org, zhang):
    complaint = record(org.cm_a, zhang, "我要投诉")
    ServiceRequest.objects.filter(pk=complaint.pk).update(assignee=org.cm_a)
    body = page(client, org.cm_a, f"/servicedesk/{complaint.pk}/").content.decode()
    assert 'data-testid="close-form"' not in body
    assert "投诉由团队主管或支行行长办结。" in body


def test_respond_escalate_and_close_through_the_page(client, org, zhang):
    request = record(org.cm_a, zhang)
    url = f"/servicedesk/{request.pk}/"
    blocked = page(client, org.cm_a, f"{url}respond/", response="放心，包过！")
    assert blocked.status_code == 400 and "合规检查未通过" in blocked.content.decode()
    empty = page(client, org.cm_a, f"{url}respond/", response="   ")
    assert empty.status_code == 400 and "请填写给客户的答复。" in empty.content.decode()
    escalated = page(client, org.cm_a, f"{url}escalate/", note="客户要求主管回复")
    assert escalated.status_code == 302
    assert ServiceRequest.objects.get().assignee == org.lead1
    assert page(client, org.cm_a, f"{url}respond/", response="答复").status_code == 403  # no longer hers
    assert page(client, org.lead1, f"{url}respond/", response="您好，还款日为每月 15 日。").status_code == 302
    again = page(client, org.lead1, f"{url}respond/", response="再答一次")
    assert again.status_code == 409 and "不能再执行此操作" in again.content.decode()
    assert page(client, org.lead1, f"{url}close/", resolution="").status_code == 400
    assert page(client, org.lead1, f"{url}close/", resolution="已答复").status_code == 302
    body = client.get(url).content.decode()
    for text in ("您好，还款日为每月 15 日。", "已答复", "升级", "响应", "办结"):
        assert text in body
    assert ServiceRequest.objects.get().status == "closed"


def test_a_risk_manager_may_not_post_the_forms(client, org, zhang):
    request = record(org.cm_a, zhang)
    forms = (
        ("respond", {"response": "答复"}),
        ("close", {"resolution": "好"}),
        ("escalate", {"note": "请主管"}),
    )
    for action, data in forms:
        assert page(client, org.risk1, f"/servicedesk/{request.pk}/{action}/", **data).status_code == 403


# --- the 360 page's panel -----------------------------------------------------------------------------------


def test_the_customer_panel(client, org, zhang):
    request = record(org.cm_a, zhang)
    body = page(client, org.cm_a, f"/servicedesk/customers/{zhang.pk}/panel/").content.decode()
    assert request.number in body and "1 项诉求待响应。" in body
    assert f"/servicedesk/new/?customer={zhang.pk}" in body
    assert page(client, org.cm_c, f"/servicedesk/customers/{zhang.pk}/panel/").status_code == 404


def test_the_panel_is_on_the_360_page(client, org, zhang):
    body = page(client, org.cm_a, f"/customers/{zhang.pk}/").content.decode()
    assert f"/servicedesk/customers/{zhang.pk}/panel/" in body
