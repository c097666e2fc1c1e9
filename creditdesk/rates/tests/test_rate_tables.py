"""The LPR and 公积金 rate tables as data: the migrations' rows, the publication rule on save, the read API,
and every LPR-priced rate shown with its basis (calculator page and API)."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from creditdesk.core.audit import AuditEvent
from creditdesk.finance.pricing import SEEDED_LPR, LprQuote
from creditdesk.finance.provident import SEEDED_PROVIDENT, ProvidentQuote
from creditdesk.rates.models import LprRate
from creditdesk.rates.selectors import lpr_table, provident_table

pytestmark = pytest.mark.django_db
D = Decimal
LPR_MIGRATION = importlib.import_module("creditdesk.rates.migrations.0002_lpr_history")
PROVIDENT_MIGRATION = importlib.import_module("creditdesk.rates.migrations.0003_providentrate")


# --- the LPR history ------------------------------------------------------------------------------------


def test_the_migration_rows_are_seeded_lpr():
    """The migration carries its rows inline (it must not change when SEEDED_LPR grows): same rows today."""
    assert [
        LprQuote(date.fromisoformat(day), one / 100, five / 100) for day, one, five in LPR_MIGRATION.LPR
    ] == list(SEEDED_LPR)


def test_a_migrated_database_holds_the_whole_history_and_not_the_wrong_row():
    assert lpr_table() == list(SEEDED_LPR)
    assert not LprRate.objects.filter(effective_from=date(2025, 1, 20)).exists()
    row = LprRate.objects.get(effective_from=date(2024, 10, 21))
    assert (row.one_year, row.five_year, row.source) == (
        D("3.1000"),
        D("3.6000"),
        "全国银行间同业拆借中心公告",
    )


def test_the_correction_is_idempotent_and_leaves_an_administrators_rows_alone():
    LprRate.objects.filter(effective_from=date(2024, 10, 21)).delete()
    LprRate.objects.create(  # the old seed's wrong row, as 0002_seed_lpr_table wrote it
        effective_from=date(2025, 1, 20),
        one_year=D("3.10"),
        five_year=D("3.60"),
        source="全国银行间同业拆借中心公告",
    )
    LprRate.objects.create(  # an administrator's own row (another source): not the migration's to remove
        effective_from=date(2025, 6, 20), one_year=D("3.00"), five_year=D("3.50"), source="管理员录入"
    )
    LprRate.objects.filter(effective_from=date(2025, 5, 20)).update(source="管理员核对")
    LPR_MIGRATION.forward(apps, None)
    LPR_MIGRATION.forward(apps, None)  # twice: nothing more changes
    dates = list(LprRate.objects.order_by("effective_from").values_list("effective_from", flat=True))
    assert dates == [quote.effective_from for quote in SEEDED_LPR] + [date(2025, 6, 20)]
    assert LprRate.objects.get(effective_from=date(2025, 5, 20)).source == "管理员核对"


def test_a_different_row_on_the_wrong_date_is_kept():
    LprRate.objects.create(
        effective_from=date(2025, 1, 20), one_year=D("3.10"), five_year=D("3.60"), source="管理员录入"
    )
    LPR_MIGRATION.forward(apps, None)
    assert LprRate.objects.filter(effective_from=date(2025, 1, 20)).count() == 1


# --- the publication rule when a row is saved -------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 5, 21), date(2024, 10, 20)])
def test_clean_refuses_a_date_that_is_not_a_publication_date(day):
    row = LprRate(effective_from=day, one_year=D("3.00"), five_year=D("3.50"))
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    [message] = refused.value.message_dict["effective_from"]
    assert "不是 LPR 发布日：LPR 于每月 20 日发布（遇节假日顺延至下一工作日）" in message


def test_clean_accepts_a_publication_date():
    LprRate.objects.filter(effective_from=date(2024, 10, 21)).delete()
    LprRate(effective_from=date(2024, 10, 21), one_year=D("3.10"), five_year=D("3.60")).full_clean()


def test_the_admin_form_refuses_a_wrong_date_and_saves_nothing(admin_client):
    before = LprRate.objects.count()
    response = admin_client.post(
        "/admin/rates/lprrate/add/",
        {
            "effective_from": "2025-05-21",
            "one_year": "3.00",
            "five_year": "3.50",
            "source": "全国银行间同业拆借中心公告",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025-05-21 不是 LPR 发布日" in page and "2025 年 5 月的发布日是 2025-05-20" in page
    assert LprRate.objects.count() == before
    assert not AuditEvent.objects.filter(action="admin.lprrate.create").exists()


# --- 公积金 rates ---------------------------------------------------------------------------------------


def test_the_provident_migration_rows_are_seeded_provident():
    assert [
        ProvidentQuote(date.fromisoformat(day), *(rate / 100 for rate in rates))
        for day, *rates, _source in PROVIDENT_MIGRATION.PROVIDENT
    ] == list(SEEDED_PROVIDENT)
    assert provident_table() == list(SEEDED_PROVIDENT)


def test_provident_rates_api(api_client, org):
    assert api_client.get("/api/v1/provident-rates/").status_code == 401
    api_client.force_authenticate(org.cm_a)
    body = api_client.get("/api/v1/provident-rates/").json()
    assert body["results"] == [
        {
            "effective_from": "2025-05-08",
            "first_home_up_to_5y": "2.1000",
            "first_home_over_5y": "2.6000",
            "second_home_up_to_5y": "2.5250",
            "second_home_over_5y": "3.0750",
            "source": "中国人民银行：自 2025-05-08 起下调个人住房公积金贷款利率 0.25 个百分点",
        }
    ]


def test_the_provident_admin_lists_the_table(admin_client):
    page = admin_client.get("/admin/rates/providentrate/").content.decode()
    assert "2025" in page and "2.5250" in page


# --- every LPR-priced rate names its basis --------------------------------------------------------------


LPR_LOAN = {
    "method": "equal_installment",
    "principal": "1000000.00",
    "spread_bp": -45,
    "months": 360,
    "start_date": "2026-01-20",
    "pricing_date": "2026-01-20",
}


def test_the_api_names_the_lpr_it_used(api_client, org):
    api_client.force_authenticate(org.cm_a)
    body = api_client.post("/api/v1/calculator/quote/", LPR_LOAN, format="json").json()
    assert body["rate_basis"] == "LPR 3.50%（2025-05-20）− 45 bp = 3.05%"
    assert body["lpr"] == {"tenor": "5y", "rate": "3.5000", "effective_from": "2025-05-20"}
    short = dict(LPR_LOAN, months=12, spread_bp=35, pricing_date="2024-11-01")
    body = api_client.post("/api/v1/calculator/quote/", short, format="json").json()
    assert body["rate_basis"] == "LPR 3.10%（2024-10-21）+ 35 bp = 3.45%"
    assert body["lpr"] == {"tenor": "1y", "rate": "3.1000", "effective_from": "2024-10-21"}


def test_a_fixed_rate_quote_says_so(api_client, org):
    api_client.force_authenticate(org.cm_a)
    fixed = {"method": "equal_installment", "principal": "100000.00", "annual_rate": "4.35", "months": 12}
    body = api_client.post("/api/v1/calculator/quote/", fixed, format="json").json()
    assert (body["rate_basis"], body["lpr"]) == ("固定年利率 4.35%", None)


def test_a_pricing_date_before_the_reform_is_refused(api_client, org):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        "/api/v1/calculator/quote/", dict(LPR_LOAN, pricing_date="2019-08-19"), format="json"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["details"]["field"]) == ("lpr_before_reform", "date")


def test_the_schema_documents_rate_basis_and_lpr(api_client, org):
    api_client.force_authenticate(org.cm_a)
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    quote = schema["components"]["schemas"]["QuoteResponse"]["properties"]
    assert {"rate_basis", "lpr"} <= set(quote)


def test_the_calculator_page_shows_the_lpr_used_and_the_applied_rate(client, org):
    client.force_login(org.cm_a)
    page = client.get(
        "/calculator/",
        {
            "principal": "1000000",
            "months": "360",
            "pricing_mode": "lpr",
            "annual_rate": "4.90",  # left in the box from before: not the rate applied
            "spread_bp": "-45",
            "lpr_tenor": "auto",
            "frequency": "monthly",
            "start_date": "2026-01-20",
            "method": "equal_installment",
        },
    ).content.decode()
    basis = "LPR 3.50%（2025-05-20）− 45 bp = 3.05%"
    assert f"按 5 年期以上 LPR 加点定价：{basis}" in page
    assert 'name="annual_rate" value="3.05"' in page
    assert "+ -45 bp" not in page


def test_the_command_line_names_the_lpr_it_used(capsys):
    from django.core.management import call_command

    call_command(
        "calc",
        *("--method", "equal_installment", "--principal", "1000000", "--spread-bp", "-45"),
        *("--months", "360", "--start", "2026-01-20"),
    )
    assert "合同年利率：LPR 3.50%（2025-05-20）− 45 bp = 3.05%" in capsys.readouterr().out
