"""批量导入: files built here with openpyxl and csv; all or nothing, duplicates, formulas, scope, masking,
the page and the command."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from stdnum.cn import ric, uscc

from creditdesk.core.exceptions import NotAllowed
from creditdesk.core.models import AuditEvent
from creditdesk.customers import importing, services
from creditdesk.customers.importing import ImportRefused, customer_import, import_report_workbook, reading
from creditdesk.customers.models import Customer, CustomerOwnership
from creditdesk.customers.services import CustomerInput

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/customers/import/"
HEADER = ["名称", "客户类型", "证件号码", "手机号码", "月收入", "行业", "获客渠道"]


def valid_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


ID_1 = valid_id("11010519800101001")
ID_2 = valid_id("31010119900202002")
ID_3 = valid_id("11010519751111003")
USCC_1 = "91110000" + "600037341" + uscc.calc_check_digit("91110000600037341")
BAD_CHECKSUM = ID_1[:-1] + ("0" if ID_1[-1] != "0" else "1")

GOOD_ROWS = [
    ["张三", "个人", ID_1, "13812345678", "25000", "餐饮", "线下"],
    ["李四", "individual", ID_2, "", "", "", ""],
    ["鑫源贸易有限公司", "企业", USCC_1, "", "", "批发零售", "合作渠道"],
]


def xlsx(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, header=HEADER, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def problems(result):
    return [(p.row, p.column, p.code) for p in result.problems]


def all_messages(result) -> str:
    return "\n".join(p.message for p in result.problems)


# -- good files ----------------------------------------------------------------------------------


def test_good_xlsx_imports_every_row_with_history_and_one_audit_event(org):
    result = customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS))
    assert (result.rows, result.valid, result.created, result.problems) == (3, 3, 3, [])
    zhang = Customer.objects.get(name="张三")
    assert (zhang.kind, zhang.owner, zhang.created_by) == ("individual", org.cm_a, org.cm_a)
    assert (zhang.id_number, zhang.phone, zhang.monthly_income) == (ID_1, "13812345678", "25000.00")
    assert (zhang.name_initials, zhang.industry, zhang.channel) == ("zs", "餐饮", "offline")
    assert zhang.birth_date.isoformat() == "1980-01-01"
    company = Customer.objects.get(name="鑫源贸易有限公司")
    assert (company.kind, company.channel, company.id_number) == ("enterprise", "partner", USCC_1)
    ownerships = CustomerOwnership.objects.filter(customer__in=Customer.objects.all())
    assert (
        sorted((o.owner_id, o.changed_by_id, o.to_date, o.reason) for o in ownerships)
        == [(org.cm_a.pk, org.cm_a.pk, None, "")] * 3
    )
    assert all(o.from_date == o.customer.created_at for o in ownerships)  # opened when created
    event = AuditEvent.objects.get(action="customer.import")
    assert event.actor == org.cm_a
    assert event.after == {
        "format": "xlsx",
        "rows": 3,
        "created": 3,
        "invalid_rows": 0,
        "skipped_empty_rows": 0,
        "partial": False,
    }


def test_good_csv_in_gbk_with_semicolons_and_english_headers(org):
    header = ["name", "kind", "id_number", "phone", "monthly_income", "industry", "channel"]
    content = csv_bytes(GOOD_ROWS, header, encoding="gbk", delimiter=";")
    result = customer_import(actor=org.cm_a, file=content)
    assert (result.file_format, result.created, result.problems) == ("csv", 3, [])
    assert set(Customer.objects.values_list("name", flat=True)) == {"张三", "李四", "鑫源贸易有限公司"}


def test_csv_utf8_bom_with_explicit_mapping_and_ignored_columns(org):
    header = ["客户全称", "类别", "身份证号", "内部编号"]
    rows = [["王五", "个人", ID_3, "A-17"]]
    result = customer_import(
        actor=org.cm_a, file=csv_bytes(rows, header), mapping={"客户全称": "name", "类别": "kind"}
    )
    assert (result.created, result.ignored_columns) == (1, ["内部编号"])
    assert Customer.objects.get().id_number == ID_3


def test_header_below_a_title_row_and_numbers_as_excel_stores_them(org):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户导入（2026 年 11 月）"])
    sheet.append(HEADER)
    sheet.append(["张三", "个人", ID_1, 13812345678, 25000.5, "", ""])
    buffer = BytesIO()
    book.save(buffer)
    result = customer_import(actor=org.cm_a, file=buffer.getvalue())
    assert (result.created, result.problems) == (1, [])
    zhang = Customer.objects.get()
    assert (zhang.phone, zhang.monthly_income) == ("13812345678", "25000.50")


# -- bad files -----------------------------------------------------------------------------------


def test_missing_required_columns_refuse_the_file_naming_them(org):
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=xlsx([["张三", ID_1]], header=["姓名", "证件号码"]))
    assert caught.value.code == "columns_missing"
    assert caught.value.extra["columns"] == ["kind"]
    assert "客户类型" in caught.value.message and "第 1 行" in caught.value.message
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=csv_bytes([["x", "y"]], ["foo", "bar"]))
    assert "名称、客户类型" in caught.value.message
    assert not Customer.objects.exists() and not AuditEvent.objects.filter(action="customer.import").exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", "not_spreadsheet"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not_spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "xls_not_supported"),
        (b"", "file_empty"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(org, content, code):
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=content)
    assert caught.value.code == code
    assert caught.value.message  # a sentence for a person


def test_a_zip_that_is_not_a_workbook_is_refused(org):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=buffer.getvalue())
    assert caught.value.code == "not_spreadsheet"
    assert "不是 Excel" in caught.value.message


def test_too_many_rows_is_refused(org, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS))
    assert caught.value.code == "too_many_rows"
    assert "2 行" in caught.value.message
    assert not Customer.objects.exists()


def test_empty_rows_are_skipped_and_reported_trailing_ones_ignored(org):
    rows = [GOOD_ROWS[0], [None] * 7, ["", "  ", None, None, None, None, None], GOOD_ROWS[1], [None] * 7]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert (result.rows, result.created, result.skipped_empty) == (2, 2, [3, 4])
    assert importing.report_rows(result) == [(3, "", "空行，已跳过。"), (4, "", "空行，已跳过。")]


def test_formulas_are_refused_cell_by_cell_and_nothing_is_saved(org):
    rows = [GOOD_ROWS[0], ['=CONCAT("李","四")', "个人", ID_2, "", "=1+1", "", ""], GOOD_ROWS[2]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert problems(result) == [(3, "名称", "formula_not_allowed"), (3, "月收入", "formula_not_allowed")]
    assert result.problems[0].message == "公式不允许：请填写数值或文字，不要用公式。"
    assert result.created == 0 and not Customer.objects.exists()
    csv_result = customer_import(
        actor=org.cm_a, file=csv_bytes([["=HYPERLINK(1)", "个人", "", "", "", "", ""]])
    )
    assert problems(csv_result) == [(2, "名称", "formula_not_allowed")]


def test_every_bad_field_of_a_row_is_reported_with_the_service_rules(org):
    rows = [
        ["张三", "个人", BAD_CHECKSUM, "12345", "abc", "", "火星"],
        ["", "外星人", "", "", "", "", ""],
        ["李四", "个人", valid_id("11010519800101001")[:15], "", "", "", ""],
        ["王五", "个人", ID_3, "", "", "", ""],
    ]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert problems(result) == [
        (2, "证件号码", "id_bad_checksum"),
        (2, "手机号码", "phone_invalid"),
        (2, "月收入", "income_invalid"),
        (2, "获客渠道", "channel_invalid"),
        (3, "客户类型", "kind_unknown"),
        (4, "证件号码", "id_15_digits"),
    ]
    assert (result.rows, result.valid, result.invalid_rows) == (4, 1, 3)
    assert not Customer.objects.exists()  # all or nothing: 王五 is not saved either


def test_an_id_stored_as_an_excel_number_is_refused_with_the_reason(org):
    rows = [["张三", "个人", 110105198001010010.0, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert problems(result) == [(2, "证件号码", "id_number_as_number")]


def rewrite_sheet(content: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change`` (what Excel writes and openpyxl
    cannot: cached formula values, error cells, namespace prefixes)."""
    source, target = BytesIO(content), BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)
    return target.getvalue()


def test_a_formula_with_the_value_excel_computed_is_still_refused(org):
    """Excel saves a formula with its last value; the fast reader would see only the value."""
    content = xlsx([["占位", "个人", "", "", "", "", ""]])
    with_cached_value = rewrite_sheet(
        content,
        lambda xml: re.sub(
            r'<c r="A2"[^>]*>.*?</c>', '<c r="A2" t="str"><f>CONCAT("李","四")</f><v>李四</v></c>', xml
        ),
    )
    result = customer_import(actor=org.cm_a, file=with_cached_value)
    assert problems(result) == [(2, "名称", "formula_not_allowed")]
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ('<row r="1"><c r="A1"><v>1</v></c></row>', False),
        ('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>', True),
        ('<x:row r="1"><x:c r="A1"><x:f>1+1</x:f></x:c></x:row>', True),
        ('<row r="1"><c r="A2" t="s"><f t="shared" si="0"/></c></row>', True),
        ('<row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>', True),
        ("<conditionalFormatting><cfRule><formula>A1&gt;0</formula></cfRule></conditionalFormatting>", False),
    ],
)
def test_which_workbooks_need_the_exact_reader(xml, expected, monkeypatch):
    monkeypatch.setattr(reading, "_SCAN_CHUNK", 7)  # tags cut across chunk ends are still seen
    content = rewrite_sheet(
        xlsx([]),
        lambda text: re.sub(
            r"<sheetData\s*/>|<sheetData>.*</sheetData>", "<sheetData>" + xml + "</sheetData>", text
        ),
    )
    assert reading._needs_exact_reading(BytesIO(content)) is expected


def test_an_error_value_in_a_cell_reaches_the_validator_as_excel_shows_it(org):
    content = rewrite_sheet(
        xlsx([["张三", "个人", "", "", "", "", ""]]),
        lambda xml: re.sub(
            r'<c r="E2"[^>]*/>|(<c r="D2"[^>]*>.*?</c>)', r'\1<c r="E2" t="e"><v>#N/A</v></c>', xml, count=1
        ),
    )
    result = customer_import(actor=org.cm_a, file=content)
    assert problems(result) == [(2, "月收入", "income_invalid")]


def test_a_broken_workbook_is_refused_whole(org):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")
        archive.writestr("xl/worksheets/sheet1.xml", "not xml at all")
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=buffer.getvalue())
    assert caught.value.code == "xlsx_unreadable"


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_read(org, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)  # a "zip bomb" packs gigabytes in kilobytes
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS * 20))
    assert caught.value.code == "xlsx_too_large"
    assert not Customer.objects.exists()


def test_a_15_digit_id_typed_as_a_number_is_read_as_its_digits(org):
    """Below 10^15 Excel keeps every digit: the number is the ID, and the ID's own rules answer."""
    rows = [["张三", "个人", 110105800101001, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert problems(result) == [(2, "证件号码", "id_15_digits")]


# -- duplicates ----------------------------------------------------------------------------------


def test_duplicate_ids_within_the_file_are_all_reported_not_merged(org):
    same_with_a_space = ID_1[:6] + " " + ID_1[6:]
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], ["张三丰", "个人", same_with_a_space, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows), partial=True)
    assert problems(result) == [(2, "证件号码", "duplicate_in_file"), (4, "证件号码", "duplicate_in_file")]
    assert "第 4 行" in result.problems[0].message and "第 2 行" in result.problems[1].message
    assert list(Customer.objects.values_list("name", flat=True)) == ["李四"]


def test_an_id_already_a_customer_in_another_scope_is_reported_without_saying_whose(org):
    services.customer_create(
        actor=org.cm_d, data=CustomerInput(kind="individual", name="赵六", id_number=ID_1)
    )
    result = customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS))
    assert problems(result) == [(2, "证件号码", "duplicate_id_number")]
    message = result.problems[0].message
    assert message == "该证件号码已登记为其他客户（110***********0014），不能重复建档。".replace(
        "0014", ID_1[-4:]
    )
    assert "赵六" not in message and "cm_d" not in message
    assert Customer.objects.count() == 1


def stored(customer: Customer) -> dict:
    """Every column as the database gives it back (encrypted ones opened), but the id and the clock."""
    customer.refresh_from_db()
    volatile = {"id", "created_at", "updated_at"}
    return {
        f.attname: getattr(customer, f.attname)
        for f in Customer._meta.concrete_fields
        if f.name not in volatile
    }


def test_an_imported_customer_is_stored_exactly_as_the_service_stores_one(org):
    """The import writes its rows itself (no ``bulk_create``): the same columns as ``customer_create``."""
    customer_import(actor=org.cm_a, file=xlsx([GOOD_ROWS[0], GOOD_ROWS[2]]))
    imported = {c.name: stored(c) for c in Customer.objects.all()}
    CustomerOwnership.objects.all().delete()
    Customer.objects.all().delete()
    person = services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="张三",
            id_number=ID_1,
            phone="13812345678",
            monthly_income="25000",
            profile={"industry": "餐饮", "channel": "offline"},
        ),
    )
    company = services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="enterprise",
            name="鑫源贸易有限公司",
            id_number=USCC_1,
            profile={"industry": "批发零售", "channel": "partner"},
        ),
    )
    assert imported == {"张三": stored(person), "鑫源贸易有限公司": stored(company)}


def test_an_id_registered_by_someone_else_while_the_file_was_read_saves_nothing(org, monkeypatch):
    """The unique blind index is the last word: a customer saved between the duplicate check and the
    import's own saving makes the whole import fail with a sentence, not an error page."""
    real_duplicates = importing._duplicates

    def check_then_someone_registers(*args):
        bad = real_duplicates(*args)
        services.customer_create(
            actor=org.cm_d, data=CustomerInput(kind="individual", name="赵六", id_number=ID_2)
        )
        return bad

    monkeypatch.setattr(importing, "_duplicates", check_then_someone_registers)
    with pytest.raises(ImportRefused) as caught:
        customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS))
    assert caught.value.code == "duplicate_id_number_concurrent"
    assert list(Customer.objects.values_list("name", flat=True)) == ["赵六"]
    assert not CustomerOwnership.objects.filter(owner=org.cm_a).exists()


# -- all or nothing vs partial ---------------------------------------------------------------------


def test_all_or_nothing_saves_nothing_and_writes_no_audit_row(org):
    rows = [*GOOD_ROWS, ["坏行", "个人", BAD_CHECKSUM, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    assert (result.rows, result.valid, result.created, result.saved) == (4, 3, 0, False)
    assert not Customer.objects.exists()
    assert not CustomerOwnership.objects.exists()
    assert not AuditEvent.objects.filter(action="customer.import").exists()


def test_partial_saves_the_valid_rows_and_audits_the_counts(org):
    rows = [*GOOD_ROWS, ["坏行", "个人", BAD_CHECKSUM, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows), partial=True)
    assert (result.created, result.invalid_rows) == (3, 1)
    assert Customer.objects.count() == 3 and CustomerOwnership.objects.count() == 3
    event = AuditEvent.objects.get(action="customer.import")
    assert (event.after["created"], event.after["invalid_rows"], event.after["partial"]) == (3, 1, True)


def test_dry_run_validates_without_saving(org):
    result = customer_import(actor=org.cm_a, file=xlsx(GOOD_ROWS), dry_run=True)
    assert (result.valid, result.created) == (3, 0)
    assert not Customer.objects.exists() and not AuditEvent.objects.filter(action="customer.import").exists()


# -- scope ---------------------------------------------------------------------------------------


def test_a_cm_imports_only_as_owner_themself(org):
    rows = [[*GOOD_ROWS[0], "cm_a"], [*GOOD_ROWS[1], "cm_b"], [*GOOD_ROWS[2], ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows, [*HEADER, "客户经理"]), partial=True)
    assert problems(result) == [(3, "客户经理", "owner_not_allowed")]
    assert set(Customer.objects.values_list("owner__username", flat=True)) == {"cm_a"}


def test_a_team_lead_gives_rows_to_members_of_the_team_only(org):
    rows = [[*GOOD_ROWS[0], "cm_b"], [*GOOD_ROWS[1], "cm_c"], [*GOOD_ROWS[2], ""]]
    result = customer_import(actor=org.lead1, file=xlsx(rows, [*HEADER, "owner"]), partial=True)
    assert problems(result) == [(3, "owner", "owner_invalid")]  # cm_c is in team 2
    owners = dict(Customer.objects.values_list("name", "owner__username"))
    assert owners == {"张三": "cm_b", "鑫源贸易有限公司": "lead1"}
    assert CustomerOwnership.objects.get(customer__name="张三").changed_by == org.lead1


@pytest.mark.parametrize("who", ["head1", "risk1", "approver1", "admin"])
def test_other_roles_may_not_import(org, who):
    with pytest.raises(NotAllowed):
        customer_import(actor=getattr(org, who), file=xlsx(GOOD_ROWS))


# -- masking and the report ------------------------------------------------------------------------


def test_no_message_or_report_holds_a_full_id(org):
    services.customer_create(
        actor=org.cm_d, data=CustomerInput(kind="individual", name="赵六", id_number=ID_2)
    )
    rows = [GOOD_ROWS[0], GOOD_ROWS[0], GOOD_ROWS[1], ["坏", "个人", BAD_CHECKSUM, "", "", "", ""]]
    result = customer_import(actor=org.cm_a, file=xlsx(rows))
    text = all_messages(result)
    assert len(result.problems) == 4
    for number in (ID_1, ID_2, BAD_CHECKSUM):
        assert number not in text
    assert f"110***********{ID_1[-4:]}" in text
    book = openpyxl.load_workbook(BytesIO(import_report_workbook(result)))
    sheet = book.worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("行号", "字段", "问题")
    assert [tuple(row[:2]) for row in cells[1:]] == [
        (2, "证件号码"),
        (3, "证件号码"),
        (4, "证件号码"),
        (5, "证件号码"),
    ]
    dump = "\n".join(str(v) for row in cells for v in row) + str(list(book.worksheets[1].values))
    for number in (ID_1, ID_2, BAD_CHECKSUM):
        assert number not in dump
    csv_text = importing.import_report_csv(result).decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "行号,字段,问题" and ID_1 not in csv_text


# -- the page ------------------------------------------------------------------------------------


def upload(client, content: bytes, name="customers.xlsx", **extra):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), **extra})


def test_page_imports_and_shows_counts(client, org):
    client.force_login(org.cm_a)
    response = upload(client, xlsx(GOOD_ROWS), action="import")
    assert response.status_code == 200
    assert "已导入 3 户客户。" in response.content.decode()
    assert Customer.objects.count() == 3


def test_page_refusal_lists_problems_masked_and_saves_nothing(client, org):
    client.force_login(org.cm_a)
    rows = [GOOD_ROWS[0], GOOD_ROWS[0]]
    response = upload(client, xlsx(rows), action="import")
    page = response.content.decode()
    assert "未导入任何客户" in page and "与第 3 行重复" in page
    assert ID_1 not in page
    assert not Customer.objects.exists()


def test_page_partial_checkbox(client, org):
    client.force_login(org.cm_a)
    rows = [GOOD_ROWS[0], ["坏", "个人", BAD_CHECKSUM, "", "", "", ""]]
    upload(client, xlsx(rows), action="import", partial="on")
    assert list(Customer.objects.values_list("name", flat=True)) == ["张三"]


def test_page_report_button_downloads_the_report_and_saves_nothing(client, org):
    client.force_login(org.cm_a)
    rows = [GOOD_ROWS[0], ["坏", "个人", BAD_CHECKSUM, "", "", "", ""]]
    response = upload(client, xlsx(rows), action="report", partial="on")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(BytesIO(response.content)).worksheets[0]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        (3, "证件号码", "身份证号码校验位不正确，请核对是否有输错的数字。")
    ]
    assert not Customer.objects.exists()


def test_page_not_a_spreadsheet(client, org):
    client.force_login(org.cm_a)
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="photo.xlsx", action="import")
    assert response.status_code == 200
    assert "文件不是 Excel（.xlsx）或 CSV 表格" in response.content.decode()


def test_page_template_download(client, org):
    client.force_login(org.cm_a)
    response = client.get(URL + "?template=1")
    header = next(openpyxl.load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("名称", "客户类型", "证件号码")


def test_customer_list_links_to_the_import_for_cms_only(client, org):
    client.force_login(org.cm_a)
    assert URL in client.get("/customers/").content.decode()
    client.force_login(org.head1)
    assert URL not in client.get("/customers/").content.decode()


# -- the command ---------------------------------------------------------------------------------


def test_command_saves_and_exits_0(org, tmp_path, capsys):
    path = tmp_path / "customers.xlsx"
    path.write_bytes(xlsx(GOOD_ROWS))
    call_command("import", "customers", str(path), "--as", "cm_a")
    assert "已导入 3" in capsys.readouterr().out
    assert Customer.objects.count() == 3


def test_command_refuses_with_exit_1_errors_on_stderr_and_a_report(org, tmp_path, capsys):
    path, report = tmp_path / "customers.csv", tmp_path / "report.xlsx"
    path.write_bytes(csv_bytes([GOOD_ROWS[0], ["坏", "个人", BAD_CHECKSUM, "", "", "", ""]]))
    with pytest.raises(CommandError) as caught:
        call_command("import", "customers", str(path), "--as", "cm_a", "--report", str(report))
    assert caught.value.returncode == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["第 3 行\t证件号码\t身份证号码校验位不正确，请核对是否有输错的数字。"]
    assert BAD_CHECKSUM not in err
    assert openpyxl.load_workbook(report).worksheets[0].max_row == 2
    assert not Customer.objects.exists()
    call_command("import", "customers", str(path), "--as", "cm_a", "--partial")
    assert Customer.objects.count() == 1


def test_command_refused_file_and_unknown_user_exit_1(org, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for argv in (["--as", "cm_a"], ["--as", "nobody"], ["--as", "head1"]):
        with pytest.raises(CommandError) as caught:
            call_command("import", "customers", str(path), *argv)
        assert caught.value.returncode == 1
