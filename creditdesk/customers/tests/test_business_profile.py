"""Business customers first-class (issue 13): 经营信息 of enterprises and 个体工商户 — founding date and
经营年限, the GB/T 4754 industry code, employees, revenue and assets (sensitive), the size class computed
from them, 纳税信用等级 — and a person's 公积金 and 代发工资; written by the service, the form and the API
with the same rules, shown on the 360 page without a sensitive figure; the industry search; the
worked case of seed-004 (隔壁老王's restaurant and its operator)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.core.exceptions import DomainError
from creditdesk.core.models import AuditEvent
from creditdesk.customers import seed, selectors, services
from creditdesk.customers.models import Customer, Relationship
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db

SHOP = {
    "founding_date": "2019-03-15",
    "industry_code": "6210",
    "employees": "8",
    "annual_revenue": "180万",
    "total_assets": "3,200,000",
    "tax_credit_grade": "b",
}
REVENUE, ASSETS = "1800000.00", "3200000.00"
CLEAR = ("1800000", "3200000", "180.00 万", "320.00 万", "12345.67")
FORM = {
    "kind": "individual_business",
    "name": "老王家常菜馆",
    "quality_segment": "standard",
    "value_segment": "mass",
    "source": "new",
    "channel": "offline",
}


def _uscc() -> str:
    from stdnum.cn import uscc

    body = "91110105MA01ABCD1"
    return body + uscc.calc_check_digit(body)


def create(org, kind="individual_business", name="老王家常菜馆", **fields):
    return services.customer_create(actor=org.cm_a, data=CustomerInput(kind=kind, name=name, **fields))


# --- the service --------------------------------------------------------------------------------------


def test_a_business_profile_is_stored_normalised_and_its_figures_encrypted(org):
    shop = create(org, id_number=_uscc(), **SHOP)
    fresh = Customer.objects.get(pk=shop.pk)
    assert fresh.industry_code == "H6210"  # typed "6210": the standard's digits, read with its letter
    assert (fresh.founding_date, fresh.employees, fresh.tax_credit_grade) == (date(2019, 3, 15), 8, "B")
    assert (fresh.annual_revenue, fresh.total_assets) == (REVENUE, ASSETS)
    assert fresh.get_tax_credit_grade_display() == "B 级"
    with connection.cursor() as cursor:
        cursor.execute("SELECT annual_revenue, total_assets FROM customers_customer WHERE id = %s", [shop.pk])
        row = cursor.fetchone()
    assert all(column.startswith("v1.") for column in row)
    assert not any(clear in "".join(row) for clear in CLEAR)


def test_business_years_are_whole_years_since_founding(org):
    shop = create(org, founding_date="2019-03-15")
    assert shop.business_years_on(date(2024, 3, 14)) == 4
    assert shop.business_years_on(date(2024, 3, 15)) == 5
    assert create(org, name="无成立日期").business_years_on(date(2024, 3, 15)) is None


def test_size_class_follows_the_2011_standard_for_catering(org):
    """餐饮业 (第四条第十项): 小型 from 10 people and 100 万元 of revenue, else 微型."""
    micro = create(org, **SHOP)  # 8 people, 180 万元: fewer than 10 people → 微型
    assert micro.size_class_result.size_class == "micro"
    small = create(org, name="老王家常菜馆二店", **{**SHOP, "employees": "12"})
    assert small.size_class_result.size_class == "small"
    medium = create(org, name="王记酒楼", **{**SHOP, "employees": "150", "annual_revenue": "3000万"})
    assert medium.size_class_result.size_class == "medium"
    assert create(org, name="缺营业收入", **{**SHOP, "annual_revenue": ""}).size_class_result is None
    person = create(org, kind="individual", name="王建国")
    assert person.size_class_result is None


def test_an_unknown_industry_code_is_refused_naming_the_code_and_nothing_is_saved(org):
    with pytest.raises(DomainError) as refused:
        create(org, **{**SHOP, "industry_code": "6211"})
    assert (refused.value.code, refused.value.extra["field"]) == ("industry_code_unknown", "industry_code")
    assert "6211" in refused.value.message and "GB/T 4754" in refused.value.message
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code", "words"),
    [
        ({"founding_date": "2999-01-01"}, "founding_date_in_future", "不能晚于今天"),
        ({"founding_date": "2019-02-30"}, "founding_date_invalid", "YYYY-MM-DD"),
        ({"employees": "-3"}, "employees_invalid", "从业人员数"),
        ({"employees": "8.5"}, "employees_invalid", "整数"),
        ({"annual_revenue": "-1"}, "annual_revenue_invalid", "年营业收入"),
        ({"tax_credit_grade": "E"}, "tax_credit_grade_invalid", "A、B、M、C、D"),
    ],
)
def test_bad_business_values_are_refused_naming_the_field(org, fields, code, words):
    with pytest.raises(DomainError) as refused:
        create(org, **{**SHOP, **fields})
    assert refused.value.code == code
    assert words in refused.value.message
    assert not Customer.objects.exists()


def test_a_founding_date_of_today_is_accepted():
    today = timezone.localdate()
    assert services.business.parse_founding_date(today.isoformat(), today=today) == today


def test_a_person_may_not_carry_business_fields_nor_a_business_the_provident_fund(org):
    with pytest.raises(DomainError) as refused:
        create(org, kind="individual", name="王建国", industry_code="H6210", employees="3")
    assert refused.value.code == "business_fields_for_person"
    assert "国民经济行业代码" in refused.value.message and "从业人员数" in refused.value.message
    with pytest.raises(DomainError) as refused:
        create(org, kind="enterprise", name="某某餐饮有限公司", provident_fund_months="24")
    assert refused.value.code == "person_fields_for_business"
    assert "公积金连续缴存月数" in refused.value.message
    assert not Customer.objects.exists()


def test_a_person_has_the_provident_fund_and_payroll(org):
    person = create(
        org,
        kind="individual",
        name="王建国",
        provident_fund_months="36",
        provident_fund_base="12,345.67",
        payroll_with_bank="是",
    )
    fresh = Customer.objects.get(pk=person.pk)
    assert (fresh.provident_fund_months, fresh.provident_fund_base, fresh.payroll_with_bank) == (
        36,
        "12345.67",
        True,
    )


def test_changing_the_kind_of_a_business_keeps_its_fields_until_cleared(org):
    shop = create(org, **SHOP)
    with pytest.raises(DomainError) as refused:
        services.customer_update(
            actor=org.cm_a, customer_id=shop.pk, data=CustomerInput(kind="individual", name="王建国")
        )
    assert refused.value.code == "business_fields_for_person"
    assert Customer.objects.get(pk=shop.pk).kind == "individual_business"


def test_update_and_audit_mask_the_figures(org):
    shop = create(org, **SHOP)
    services.customer_update(
        actor=org.cm_a,
        customer_id=shop.pk,
        data=CustomerInput(
            kind="individual_business", name="老王家常菜馆", employees="12", annual_revenue="200万"
        ),
    )
    fresh = Customer.objects.get(pk=shop.pk)
    assert (fresh.employees, fresh.annual_revenue, fresh.total_assets) == (12, "2000000.00", ASSETS)
    assert fresh.industry_code == "H6210"  # not given: kept
    created = AuditEvent.objects.get(action="customer.create")
    assert created.after["industry_code"] == "H6210" and created.after["employees"] == 8
    for field in ("annual_revenue", "total_assets"):
        assert created.after[field] == "***"
    updated = AuditEvent.objects.get(action="customer.update")
    assert set(updated.after) == {"employees", "annual_revenue"}
    assert updated.after["annual_revenue"] == updated.before["annual_revenue"] == "***"
    text = json.dumps([created.after, updated.before, updated.after])
    assert not any(clear in text for clear in (*CLEAR, "2000000"))


def test_the_provident_fund_base_is_masked_in_the_audit(org):
    create(org, kind="individual", name="王建国", provident_fund_base="12345.67")
    after = AuditEvent.objects.get(action="customer.create").after
    assert after["provident_fund_base"] == "***"
    assert "12345" not in json.dumps(after)


# --- the form ----------------------------------------------------------------------------------------


def test_the_form_creates_a_business_with_the_code_typed_as_digits(client, org):
    client.force_login(org.cm_a)
    response = client.post("/customers/new/", {**FORM, **SHOP, "tax_credit_grade": "B"})
    assert response.status_code == 302, response.content.decode()
    shop = Customer.objects.get()
    assert (shop.industry_code, shop.employees, shop.annual_revenue) == ("H6210", 8, REVENUE)
    assert shop.founding_date == date(2019, 3, 15)


def test_the_form_refuses_an_unknown_code_in_chinese_and_saves_nothing(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/customers/new/", {**FORM, **SHOP, "tax_credit_grade": "B", "industry_code": "6211"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "行业代码「6211」不在国民经济行业分类（GB/T 4754-2017）中" in html
    assert not Customer.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="customer.").exists()


def test_the_form_refuses_a_future_founding_date(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/customers/new/", {**FORM, **SHOP, "tax_credit_grade": "B", "founding_date": "2999-01-01"}
    )
    assert response.status_code == 200
    assert "成立日期（2999-01-01）不能晚于今天" in response.content.decode()
    assert not Customer.objects.exists()


def test_the_edit_form_shows_the_fields_but_never_the_figures_and_keeps_them_when_blank(client, org):
    shop = create(org, **SHOP)
    client.force_login(org.cm_a)
    page = client.get(f"/customers/{shop.pk}/edit/").content.decode()
    assert 'value="H6210"' in page and 'value="2019-03-15"' in page
    assert not any(clear in page for clear in CLEAR)
    response = client.post(
        f"/customers/{shop.pk}/edit/",
        {
            **FORM,
            "founding_date": "2019-03-15",
            "industry_code": "H6210",
            "employees": "9",
            "tax_credit_grade": "A",
        },
    )
    assert response.status_code == 302, response.content.decode()
    fresh = Customer.objects.get(pk=shop.pk)
    assert (fresh.employees, fresh.tax_credit_grade, fresh.annual_revenue) == (9, "A", REVENUE)
    response = client.post(
        f"/customers/{shop.pk}/edit/",
        {**FORM, "industry_code": "H6210", "clear": ["annual_revenue"]},
    )
    assert response.status_code == 302, response.content.decode()
    assert Customer.objects.get(pk=shop.pk).annual_revenue == ""


# --- the API -----------------------------------------------------------------------------------------

API_SHOP = {"kind": "individual_business", "name": "老王家常菜馆", **SHOP, "tax_credit_grade": "B"}


def test_the_api_refuses_an_unknown_code_with_its_code_and_saves_nothing(api_client, org):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post("/api/v1/customers/", {**API_SHOP, "industry_code": "6211"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "industry_code_unknown"
    assert "6211" in response.json()["message"]
    assert not Customer.objects.exists()


def test_the_api_writes_and_reads_the_business_profile_without_the_figures(api_client, org):
    api_client.force_authenticate(org.cm_a)
    created = api_client.post("/api/v1/customers/", API_SHOP, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["industry_code"], data["industry_label"], data["employees"]) == (
        "H6210",
        "H6210 正餐服务",
        8,
    )
    assert (data["founding_date"], data["tax_credit_grade"]) == ("2019-03-15", "B")
    assert data["business_years"] == Customer.objects.get().business_years_on(timezone.localdate())
    assert data["size_class"]["value"] == "micro" and data["size_class"]["label"] == "微型"
    assert data["sensitive_recorded"]["annual_revenue"] is True
    assert data["sensitive_recorded"]["provident_fund_base"] is False
    for response in (created, api_client.get(f"/api/v1/customers/{data['id']}/")):
        assert not any(clear in response.content.decode() for clear in CLEAR)
    person = api_client.post(
        "/api/v1/customers/", {"kind": "individual", "name": "王建国", "employees": 3}, format="json"
    )
    assert person.status_code == 400 and person.json()["code"] == "business_fields_for_person"


# --- the industry search ------------------------------------------------------------------------------


def test_the_industry_picker_finds_by_pinyin_initials_and_name(client, org):
    client.force_login(org.cm_a)
    html = client.get("/customers/industries/", {"q": "cy"}).content.decode()
    assert '<option value="H62">H62 餐饮业</option>' in html
    typed = client.get("/customers/industries/", {"industry_code": "正餐"}).content.decode()
    assert 'value="H6210"' in typed
    assert client.get("/customers/industries/").content.decode().strip() == ""


def test_the_industries_api_searches_and_lists_the_sections(api_client, org):
    api_client.force_authenticate(org.cm_d)
    found = api_client.get("/api/v1/industries/", {"q": "餐饮"}).json()
    assert {"code": "H62", "name": "餐饮业", "level": "division", "label": "H62 餐饮业"} in found
    by_initials = api_client.get("/api/v1/industries/", {"q": "cy", "limit": 5}).json()
    assert "H62" in [row["code"] for row in by_initials] and len(by_initials) == 5
    sections = api_client.get("/api/v1/industries/").json()
    assert len(sections) == 20 and sections[7]["code"] == "H"


# --- the 360 page and the worked case ----------------------------------------------------------------


def test_the_360_page_of_lao_wangs_restaurant(client, org):
    """seed-004: 老王家常菜馆, H6210 正餐服务, 8 people and about 180 万元 (微型), its operator 王建国."""
    org.cm_a.username = "manager1"
    org.cm_a.save(update_fields=["username"])
    assert seed._worked_cases() == 2
    assert seed._worked_cases() == 0  # once
    shop = Customer.objects.get(name=seed.WANG_SHOP)
    wang = Customer.objects.get(name=seed.WANG)
    assert shop.kind == "individual_business" and shop.has_property is True
    assert 44 <= (timezone.localdate() - wang.birth_date).days // 365 <= 46
    assert shop.business_years_on(timezone.localdate()) == 5
    kinds = set(
        Relationship.objects.filter(from_customer=wang, to_customer=shop).values_list("kind", flat=True)
    )
    assert kinds == {"operator", "legal_representative"}
    assert selectors.business_persons(customer=shop) == [wang]

    client.force_login(org.cm_a)
    html = client.get(f"/customers/{shop.pk}/").content.decode()
    assert "H6210 正餐服务" in html
    assert "住宿和餐饮业 › 餐饮业 › 正餐服务" in html
    assert "微型" in html and "从业人员 10 人以下" in html
    assert "B 级" in html
    assert "王建国 是 老王家常菜馆 的经营者" in html
    revenue = html.split('data-testid="annual-revenue"', 1)[1][:1500]
    assert "已登记" in revenue and 'data-testid="unmask-form"' in revenue  # the owner may ask, with a reason
    assert 'name="field" value="annual_revenue"' in revenue
    assert not any(clear in html for clear in ("1800000", "180.00", "3200000", "320.00", "2600000"))
    person_page = client.get(f"/customers/{wang.pk}/").content.decode()
    assert (
        'data-testid="provident-fund"' in person_page and 'data-testid="business-profile"' not in person_page
    )


def test_business_persons_lists_operators_first_and_people_only(org):
    shop = create(org, **SHOP)
    legal = create(org, kind="individual", name="李法人")
    operator = create(org, kind="individual", name="王经营")
    parent = create(org, kind="enterprise", name="母公司")
    for person, kind in (
        (legal, "legal_representative"),
        (operator, "operator"),
        (parent, "legal_representative"),
    ):
        services.relationship_add(
            actor=org.cm_a, from_customer_id=person.pk, to_customer_id=shop.pk, kind=kind
        )
    services.relationship_add(
        actor=org.cm_a, from_customer_id=operator.pk, to_customer_id=shop.pk, kind="legal_representative"
    )
    assert selectors.business_persons(customer=shop) == [operator, legal]
    assert selectors.business_persons(customer=shop, kinds=("legal_representative",)) == [legal, operator]


# --- the import ---------------------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> bytes:
    header = [
        "名称",
        "客户类型",
        "国民经济行业代码",
        "成立日期",
        "从业人员数",
        "年营业收入（元）",
        "纳税信用等级",
    ]
    return "\n".join(",".join(row) for row in [header, *rows]).encode("utf-8-sig")


@pytest.mark.django_db(transaction=True)
def test_the_import_reads_the_business_columns_and_refuses_an_unknown_code(org):
    from creditdesk.customers.importing import customer_import

    refused = customer_import(
        actor=org.cm_a,
        file=_csv(
            [
                ["老王家常菜馆", "个体户", "6210", "2019-03-15", "8", "180万", "B"],
                ["某店", "个体户", "6211", "", "", "", ""],
            ]
        ),
    )
    assert [(p.row, p.column, p.code) for p in refused.problems] == [
        (3, "国民经济行业代码", "industry_code_unknown")
    ]
    assert not Customer.objects.exists()
    result = customer_import(
        actor=org.cm_a, file=_csv([["老王家常菜馆", "个体户", "6210", "2019-03-15", "8", "180万", "B"]])
    )
    assert (result.created, result.problems) == (1, [])
    shop = Customer.objects.get()
    assert (shop.industry_code, shop.employees, shop.annual_revenue, shop.tax_credit_grade) == (
        "H6210",
        8,
        REVENUE,
        "B",
    )


@pytest.mark.django_db(transaction=True)
def test_the_export_shows_the_industry_code_and_name_never_the_figures(client, org):
    from io import BytesIO

    import openpyxl

    create(org, **SHOP)
    client.force_login(org.cm_a)
    response = client.get("/customers/export/")
    rows = [
        list(r) for r in openpyxl.load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
    ]
    assert rows[0][-1] == "国民经济行业（GB/T 4754）" and rows[1][-1] == "H6210 正餐服务"
    assert not any(clear in str(value) for row in rows for value in row for clear in CLEAR)
