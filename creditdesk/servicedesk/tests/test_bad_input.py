"""Bad input never crashes and is refused with a stable code and a Chinese sentence: an empty text, one of
100,000 characters, a NUL, an unknown kind or channel, a moment in the future — while emoji, full-width
text and rare characters are kept as typed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creditdesk.core.exceptions import DomainError, NotFound
from creditdesk.servicedesk.models import ServiceRequest
from creditdesk.servicedesk.tests.conftest import MONDAY, record

pytestmark = pytest.mark.django_db

HAN = "\u4e00"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"text": ""}, "service_request_text_required", "text"),
        ({"text": " \n\t "}, "service_request_text_required", "text"),
        ({"text": None}, "service_request_text_required", "text"),
        ({"text": "字" * 100_000}, "service_request_text_too_long", "text"),
        ({"text": "字" * 2001}, "service_request_text_too_long", "text"),
        ({"text": "含\x00空字符"}, "service_request_text_invalid", "text"),
        ({"text": "孤立代理\ud800"}, "service_request_text_invalid", "text"),
        ({"text": 12345}, "service_request_text_invalid", "text"),
        ({"kind": "praise"}, "service_request_kind_unknown", "kind"),
        ({"kind": "投诉"}, "service_request_kind_unknown", "kind"),
        ({"kind": ["complaint"]}, "service_request_kind_unknown", "kind"),
        ({"urgency": "urgent"}, "service_request_urgency_unknown", "urgency"),
        ({"complexity": "hard"}, "service_request_complexity_unknown", "complexity"),
        ({"channel": "pigeon"}, "service_request_channel_unknown", "channel"),
        ({"channel": ""}, "service_request_channel_unknown", "channel"),
        ({"received_at": MONDAY + timedelta(hours=1)}, "service_request_received_in_future", "received_at"),
        ({"received_at": MONDAY - timedelta(days=91)}, "service_request_received_too_old", "received_at"),
    ],
)
def test_refused_with_a_code_and_a_sentence(org, zhang, fields, code, field):
    data = {"text": "还款日是哪天？", "channel": "phone", **fields}
    with pytest.raises(DomainError) as refused:
        record(org.cm_a, zhang, **data)
    assert (refused.value.code, refused.value.extra["field"]) == (code, field)
    assert any(HAN <= ch <= "\u9fff" for ch in refused.value.message)  # a Chinese sentence
    assert not ServiceRequest.objects.exists()


def test_the_length_sentence_says_how_long_it_is(org, zhang):
    with pytest.raises(DomainError) as refused:
        record(org.cm_a, zhang, "字" * 100_000)
    assert refused.value.message == "诉求内容不能超过 2000 个字（现为 100000 个字）。"


def test_exactly_2000_characters_and_emoji_are_kept(org, zhang):
    full = record(org.cm_a, zhang, "字" * 2000)
    assert len(full.text) == 2000
    emoji = record(org.cm_a, zhang, "  谢谢你们 🙏👍🏻，还款日是哪天？𠀀  ")
    assert emoji.text == "谢谢你们 🙏👍🏻，还款日是哪天？𠀀"  # trimmed, nothing else changed
    assert ServiceRequest.objects.get(pk=emoji.pk).text == emoji.text


@pytest.mark.parametrize("customer_id", ["abc", "", None, -1, 10**30, "1; DROP TABLE"])
def test_a_malformed_customer_id_is_not_found(org, customer_id):
    from creditdesk.servicedesk import services

    with pytest.raises(NotFound):
        services.request_record(actor=org.cm_a, customer_id=customer_id, text="问题", channel="phone")


@pytest.mark.parametrize("request_id", ["abc", None, 10**30, 999999])
def test_a_malformed_request_id_is_not_found(org, request_id):
    from creditdesk.servicedesk import services

    with pytest.raises(NotFound):
        services.request_respond(actor=org.cm_a, request_id=request_id, response="答复")
    with pytest.raises(NotFound):
        services.request_close(actor=org.cm_a, request_id=request_id, resolution="结果")
    with pytest.raises(NotFound):
        services.request_escalate(actor=org.cm_a, request_id=request_id)
