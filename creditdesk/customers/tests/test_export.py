"""导出 Excel: the caller's scope only, IDs and phones masked, one audit row, formulas kept as text."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import openpyxl
import pytest
from stdnum.cn import ric

from creditdesk.core.models import AuditEvent
from creditdesk.customers import export, services
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/customers/export/"
ID_ZHANG = "11010519491231002X"  # RULES.md: valid, born 1949-12-31
PHONE_ZHANG = "13812345678"
PHONE_LI = "13998765432"
HEADER = [
    "名称",
    "类型",
    "证件号码",
    "手机",
    "风险分层",
    "价值分层",
    "来源",
    "渠道",
    "行业",
    "客户经理",
    "国民经济行业（GB/T 4754）",
]


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


ID_WANG = valid_id("11010519800101001")
ID_LI = valid_id("31010119900202002")


@pytest.fixture
def customers(org):
    """cm_a (branch 1) owns 张三 and 王五; cm_d (branch 2) owns 李四."""
    zhang = services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="张三",
            id_number=ID_ZHANG,
            phone=PHONE_ZHANG,
            monthly_income="25000",
            profile={"industry": "餐饮", "quality_segment": "prime"},
        ),
    )
    wang = services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="王五", id_number=ID_WANG)
    )
    li = services.customer_create(
        actor=org.cm_d,
        data=CustomerInput(kind="individual", name="李四", id_number=ID_LI, phone=PHONE_LI),
    )
    return {"zhang": zhang, "wang": wang, "li": li}


def rows_of(response) -> list[list[object]]:
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def every_cell(rows: list[list[object]]) -> str:
    return "\n".join(str(value) for row in rows for value in row if value is not None)


def test_export_opens_with_the_callers_customers_masked(client, org, customers):
    client.force_login(org.cm_a)
    response = client.get(URL)
    assert "xlsx" in unquote(response["Content-Disposition"])
    rows = rows_of(response)
    assert rows[0] == HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"张三", "王五"}  # not cm_d's 李四
    zhang = by_name["张三"]
    assert zhang[1:5] == ["个人", "110***********002X", "138****5678", "优质"]
    assert zhang[8] == "餐饮" and zhang[9] == org.cm_a.get_full_name()
    text = every_cell(rows)
    for clear in (ID_ZHANG, PHONE_ZHANG, ID_WANG, "25000", ID_LI, PHONE_LI, "李四"):
        assert clear not in text


def test_export_follows_the_search_box_and_the_scope(client, org, customers):
    client.force_login(org.cm_a)
    assert [row[0] for row in rows_of(client.get(URL, {"q": "zs"}))[1:]] == ["张三"]
    assert rows_of(client.get(URL, {"q": "ls"}))[1:] == []  # 李四 is cm_d's
    client.force_login(org.cm_d)
    rows = rows_of(client.get(URL))
    assert [row[0] for row in rows[1:]] == ["李四"]
    assert rows[1][2:4] == ["310***********" + ID_LI[-4:], "139****5432"]
    client.force_login(org.head1)  # branch 1: cm_a's customers, not branch 2's
    assert {row[0] for row in rows_of(client.get(URL))[1:]} == {"张三", "王五"}


def test_export_writes_exactly_one_audit_row(client, org, customers):
    client.force_login(org.cm_a)  # signing in is audited too: count after it
    before = AuditEvent.objects.count()
    rows_of(client.get(URL, {"q": "zs"}))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="customer.export")
    assert event.actor == org.cm_a
    assert event.after == {"query": "zs", "rows": 1}


def test_a_full_number_typed_into_the_box_is_masked_in_the_audit(client, org, customers):
    client.force_login(org.cm_a)
    assert [row[0] for row in rows_of(client.get(URL, {"q": PHONE_ZHANG}))[1:]] == ["张三"]
    assert [row[0] for row in rows_of(client.get(URL, {"q": ID_ZHANG}))[1:]] == ["张三"]
    queries = [e.after["query"] for e in AuditEvent.objects.filter(action="customer.export").order_by("id")]
    assert queries == ["138****5678", "110***********002X"]


def test_anonymous_is_sent_to_sign_in(client, customers):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="customer.export").exists()


def test_a_name_that_looks_like_a_formula_stays_text(client, org):
    services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="enterprise", name='=HYPERLINK("http://x","点我")')
    )
    client.force_login(org.cm_a)
    book = openpyxl.load_workbook(BytesIO(client.get(URL).content))
    cell = book.active["A2"]
    assert cell.value == '=HYPERLINK("http://x","点我")'
    assert cell.data_type == "s"


def test_above_the_cap_the_file_says_it_was_cut(client, org, customers, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    client.force_login(org.cm_a)
    rows = rows_of(client.get(URL))
    assert len(rows) == 3  # header, one customer, the notice
    assert "仅导出了前 1 户客户" in str(rows[2][0])
    assert AuditEvent.objects.get(action="customer.export").after["rows"] == 1


def test_list_page_links_to_the_export_with_the_query(client, org, customers):
    client.force_login(org.cm_a)
    page = client.get("/customers/", {"q": "zs"}).content.decode()
    assert 'href="/customers/export/?q=zs"' in page
    partial = client.get("/customers/", {"q": "张"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="customer-export"' in partial and 'hx-swap-oob="true"' in partial
    assert "/customers/export/?q=%E5%BC%A0" in partial
