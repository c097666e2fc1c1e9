"""The search box's ranking and its steps: exact, prefix (from an index), then "contains" to fill."""

from __future__ import annotations

import pytest
from stdnum.cn import ric

from creditdesk.customers import selectors, services
from creditdesk.customers.models import Customer
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


def test_a_given_name_finds_people_by_their_名_before_names_that_merely_contain_it(org):
    for name in ("张建国", "欧阳建国", "李建国华", "北京建国贸易有限公司", "王国建"):
        make(org, name, kind="enterprise" if "公司" in name else "individual")
    make(org, "建国")  # the whole name: exact first
    # exact, then given names starting with 建国 (by name), then "contains" (a company is never matched
    # by a given name; 王国建 does not contain 建国)
    assert names(org, "建国") == ["建国", "张建国", "李建国华", "欧阳建国", "北京建国贸易有限公司"]
    stored = {c.name: c.name_given for c in Customer.objects.all()}
    assert stored == {
        "张建国": "建国",
        "欧阳建国": "建国",
        "李建国华": "建国华",
        "北京建国贸易有限公司": "",
        "王国建": "国建",
        "建国": "国",
    }


def test_the_given_name_step_fills_the_page_without_a_contains_scan(org, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_RESULTS", 2)
    for name in ("赵建国", "钱建国", "孙建国", "建国路小店"):
        make(org, name, kind="individual_business" if "店" in name else "individual")
    # 建国路小店 starts with the text: found first; the page is then filled by given name, in
    # given-name order (ties by creation), and the "contains" step is not needed.
    assert names(org, "建国") == ["建国路小店", "赵建国"]
    Customer.objects.filter(name="赵建国").update(merged_into=Customer.objects.get(name="钱建国"))
    assert names(org, "建国") == ["建国路小店", "钱建国"]  # a merged record is never offered


def test_the_migration_fills_the_given_names_of_existing_people(org):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("creditdesk.customers.migrations.0008_customer_given_name")
    make(org, "欧阳建国")
    make(org, "建国贸易有限公司", kind="enterprise")
    Customer.objects.update(name_given="")  # as the rows were before the column existed
    migration.fill_given_names(apps, None)
    assert dict(Customer.objects.values_list("name", "name_given")) == {
        "欧阳建国": "建国",
        "建国贸易有限公司": "",
    }
