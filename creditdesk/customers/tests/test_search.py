"""The search box's ranking and its steps: exact, prefix (from an index), then "contains" to fill."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from creditdesk.customers import selectors, services
from creditdesk.customers.selectors import MAX_RESULTS, customer_search
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)


def make(org, name, kind="individual", **fields):
    return services.customer_create(actor=org.cm_a, data=CustomerInput(kind=kind, name=name, **fields))


def names(org, query):
    return [c.name for c in customer_search(user=org.cm_a, query=query)]


def test_exact_then_prefix_then_contains_each_by_name(org):
    for name in ("李张华", "张三丰", "张", "弓张", "张三", "王五"):
        make(org, name)
    assert names(org, "张") == ["张", "张三", "张三丰", "弓张", "李张华"]
    assert names(org, "张三") == ["张三", "张三丰"]


def test_contains_only_fills_up_to_the_first_page(org, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    for name in ("张一", "张二", "李张", "王张"):
        make(org, name)
    assert names(org, "张") == ["张一", "张二", "李张"]  # 2 prefixes + 1 to fill
    make(org, "张三")
    assert names(org, "张") == ["张一", "张三", "张二"]  # prefixes fill the page: no "contains" step


def test_many_prefix_matches_keep_the_exact_name_first_and_the_team_lead_sees_the_same(org, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 3)
    for name in ("张二", "张", "张一", "李张", "张三"):
        make(org, name)
    assert names(org, "张") == ["张", "张一", "张三", "张二"]  # name order: the exact name sorts first
    as_lead = [c.name for c in customer_search(user=org.lead1, query="张")]
    assert as_lead == ["张", "张一", "张三", "张二"]  # a team's scope written as its members


def test_pinyin_exact_first_and_a_prefix_is_not_a_like(org):
    for name in ("张三", "赵氏", "张思远", "周顺"):
        make(org, name)
    # exact initials first, then in pinyin order (zhangsan, zhaoshi, zhoushun): a Chinese name list
    assert names(org, "zs") == ["张三", "赵氏", "周顺", "张思远"]
    assert names(org, "ZS") == names(org, "zs")
    assert names(org, "zhangs") == ["张三", "张思远"]
    assert names(org, "zz") == []


def test_tails_phone_first_then_id(org):
    body = "11010519800101123"
    id_number = body + str(ric.calc_check_digit(body + "0"))
    tail = id_number[-4:]
    make(org, "阿id", id_number=id_number)
    make(org, "赵phone", phone="1390000" + tail)
    make(org, "别人", phone="13900009999")
    assert names(org, tail) == ["赵phone", "阿id"]  # the phone tail first, although 阿 sorts first


def test_credit_code_tail_is_a_tail_not_a_name(org):
    make(org, "鑫源贸易有限公司", kind="enterprise", id_number="91350100M000100Y43")
    make(org, "同名89jm公司", kind="enterprise")
    assert names(org, "0Y43") == names(org, "0y43") == ["鑫源贸易有限公司"]


def test_exact_number_lookups_do_not_order_by_name(org):
    make(org, "张三", phone="13812345678", id_number="11010519491231002X")
    by_phone = customer_search(user=org.cm_a, query="13812345678")
    by_id = customer_search(user=org.cm_a, query="11010519491231002X")
    assert [c.name for c in by_phone] == [c.name for c in by_id] == ["张三"]
    assert by_phone.query.order_by == by_id.query.order_by == ("id",)


def test_max_results_is_the_page_size():
    assert MAX_RESULTS == 50
