"""A pre-assessment keeps the income it was scored on sealed, and shows it only to whom may unmask it.

RULES.md "Personal information": income is sensitive personal information — encrypted at rest, shown
masked ("已登记") except to the people ``Action.SENSITIVE_UNMASK`` allows (owner CM, team lead, the
branch's risk manager, a routed approver; not the branch head). Worked example: 李四's need says a monthly
income of 30,000.00 元; the expert card's income bands are split at 5,000 / 10,000 / 20,000 / 50,000, so
his income costs points and the reason reads "月收入 30,000.00 元，低于 50,000.00 元" — to the owner CM —
and "月收入低于 50,000.00 元" to the branch head, who never reads 30,000 or 30000.
"""

from __future__ import annotations

import importlib
import json

import pytest
from django.db import connection
from django.utils import timezone

from creditdesk.scoring import disclosure, engine, features, selectors, services
from creditdesk.scoring.models import Assessment
from creditdesk.scoring.tests import test_assessments as worked

pytestmark = pytest.mark.django_db

# The worked example's fixtures (the shipped expert card active; 李四 with his need; the benchmark card).
active, li, expert_artefact = worked.active, worked.li, worked.expert_artefact
german, benchmark, artefact, customer = worked.german, worked.benchmark, worked.artefact, worked.customer
LI_ASKED = worked.LI_ASKED

SEALED = ("inputs", "contributions", "reasons", "customer_reasons", "warnings")
CLEAR_REASON = "月收入 30,000.00 元，低于 50,000.00 元"
MASKED_REASON = "月收入低于 50,000.00 元"
FIGURES = ("30,000", "30000")


def _raw(assessment_id: int) -> dict[str, str]:
    """The row's JSON columns as the database holds them."""
    columns = ", ".join(SEALED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM scoring_assessment WHERE id = %s", [assessment_id])
        return dict(zip(SEALED, cursor.fetchone(), strict=True))


def _values(assessment: Assessment) -> dict[str, object]:
    return {name: getattr(assessment, name) for name in SEALED}


def _no_figure(text: str) -> None:
    assert not any(figure in text for figure in FIGURES), text


@pytest.fixture
def assessed(org, active, li) -> Assessment:
    return services.assessment_create(actor=org.cm_a, customer_id=li.pk, answers=LI_ASKED)


def test_the_feature_registry_marks_the_income_sensitive_and_nothing_read_as_a_ratio():
    assert frozenset({"monthly_income"}) == features.SENSITIVE
    income = features.feature("monthly_income")
    assert income.too_low_masked == "月收入低于 {below}" and "{value}" not in income.advice
    # a sensitive feature without a masked sentence is a bug of the registry: refused at import
    broken = features.Feature(**{**income.__dict__, "too_low_masked": ""})
    with pytest.raises(ValueError, match="masked sentence"):
        features._check_registry([broken])


def test_the_stored_row_holds_no_income_in_clear_and_reads_back_the_same(assessed):
    raw = _raw(assessed.pk)
    for name, value in raw.items():
        assert value.startswith("v1."), name  # a sealed token, not JSON
        _no_figure(value)
        assert "月收入" not in value
    again = Assessment.objects.get(pk=assessed.pk)
    assert {name: getattr(again, name) for name in SEALED} == {
        name: getattr(assessed, name) for name in SEALED
    }
    assert again.inputs["monthly_income"] == {"value": 30000.0, "source": "need"}
    assert again.customer_reasons[0]["sentence"] == CLEAR_REASON


def test_the_migration_seals_existing_rows_without_loss_and_opens_them_backwards(assessed):
    migration = importlib.import_module("creditdesk.scoring.migrations.0004_assessment_encrypted")
    clear = {name: json.dumps(getattr(assessed, name), ensure_ascii=False) for name in SEALED}
    with connection.cursor() as cursor:  # a row as it was before the migration: JSON text in clear
        cursor.execute(
            "UPDATE scoring_assessment SET inputs = %s, contributions = %s, reasons = %s, "
            "customer_reasons = %s, warnings = %s WHERE id = %s",
            [*(clear[name] for name in SEALED), assessed.pk],
        )
    assert "30000" in _raw(assessed.pk)["inputs"]
    migration._convert(connection, "scoring_assessment", migration.seal_value)
    migration._convert(connection, "scoring_assessment", migration.seal_value)  # a rerun changes nothing
    raw = _raw(assessed.pk)
    assert all(value.startswith("v1.") for value in raw.values())
    _no_figure("".join(raw.values()))
    again = Assessment.objects.get(pk=assessed.pk)
    assert {name: getattr(again, name) for name in SEALED} == {
        name: getattr(assessed, name) for name in SEALED
    }
    migration._convert(connection, "scoring_assessment", migration.open_value)
    assert {name: json.loads(value) for name, value in _raw(assessed.pk).items()} == _values(assessed)


def test_the_owner_cm_reads_the_income_on_the_page_and_in_the_api(client, api_client, org, assessed):
    client.force_login(org.cm_a)
    page = client.get(f"/scoring/assessments/{assessed.pk}/").content.decode()
    assert "<td>月收入</td><td>30,000.00 元</td>" in page
    assert CLEAR_REASON in page
    api_client.force_authenticate(org.cm_a)
    body = api_client.get(f"/api/v1/assessments/{assessed.pk}/").json()
    assert body["sensitive_masked"] is False
    assert body["inputs"]["monthly_income"] == {"value": 30000.0, "source": "need"}
    assert body["customer_reasons"][0]["sentence"] == CLEAR_REASON
    listed = api_client.get("/api/v1/assessments/").json()["results"][0]
    assert listed["sensitive_masked"] is False and listed["customer_reasons"][0]["sentence"] == CLEAR_REASON


def test_the_branch_risk_manager_reads_it_too(api_client, org, assessed):
    api_client.force_authenticate(org.risk1)
    body = api_client.get(f"/api/v1/assessments/{assessed.pk}/").json()
    assert body["sensitive_masked"] is False and body["inputs"]["monthly_income"]["value"] == 30000.0


def test_the_branch_head_reads_the_mask_on_the_page_the_list_and_the_api(client, api_client, org, assessed):
    client.force_login(org.head1)
    response = client.get(f"/scoring/assessments/{assessed.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>月收入</td><td>已登记</td>" in page
    assert MASKED_REASON in page and "提供完整的收入证明" in page
    assert "<td>申请金额</td><td>150,000.00 元</td>" in page  # what is not sensitive stays as it is
    _no_figure(page)
    listing = client.get("/scoring/").content.decode()
    assert 'data-testid="assessment-row"' in listing
    _no_figure(listing)

    api_client.force_authenticate(org.head1)
    detail = api_client.get(f"/api/v1/assessments/{assessed.pk}/")
    listed = api_client.get("/api/v1/assessments/")
    for response in (detail, listed):
        assert response.status_code == 200
        _no_figure(response.content.decode())
    body = detail.json()
    assert body == listed.json()["results"][0]
    assert body["sensitive_masked"] is True
    assert body["inputs"]["monthly_income"] == {"value": "已登记", "source": "need"}
    assert body["inputs"]["requested_amount"] == {"value": 150000.0, "source": "need"}
    assert body["customer_reasons"][0] == {
        **assessed.customer_reasons[0],
        "sentence": MASKED_REASON,
    }
    income = next(row for row in body["contributions"] if row["variable"] == "monthly_income")
    assert (income["value"], income["value_label"], income["points"]) == ("已登记", "已登记", 28.0)
    reason = next(row for row in body["reasons"] if row["variable"] == "monthly_income")
    assert reason["message"] == "「月收入」为 已登记，比该项最佳档少 7 分"


def test_a_warning_quoting_the_income_is_masked_from_the_same_template(org, assessed):
    clear = disclosure.shown(assessed, clear=True)
    assert clear.masked is False and clear.inputs == assessed.inputs
    # the shipped card designs no range for the income; a warning of a card that does quotes the value
    assessed.warnings = [
        {"code": "out_of_range", "variable": "monthly_income", "message": "「月收入」为 30000，超出…"}
    ]
    masked = disclosure.shown(assessed, clear=False)
    (warning,) = masked.warnings
    assert warning["message"].startswith("「月收入」为 已登记，超出评分卡设计的范围")
    _no_figure(json.dumps(masked.__dict__, ensure_ascii=False, default=str))


def test_the_form_shows_the_owner_the_income_and_the_mask_to_anyone_else(client, org, active, li):
    client.force_login(org.cm_a)
    page = client.get(f"/scoring/customers/{li.pk}/new/").content.decode()
    row = page[page.index('data-name="monthly_income"') :]
    assert row[: row.index("</tr>")].count("30,000.00 元") == 1
    # nobody who may run an assessment is refused the income today (CM, team lead); the form masks it
    # for anyone who would be
    card = engine.load(active)
    fields = engine.form_fields(
        card, customer=li, today=timezone.localdate(), hidden=disclosure.hidden_features(clear=False)
    )
    income = next(field for field in fields if field["name"] == "monthly_income")
    assert (income["status"], income["shown"]) == ("known", "已登记")


def test_monitoring_reads_the_sealed_contributions(org, german, customer):
    card = engine.load(german)
    assessment = services.assessment_create(
        actor=org.cm_a, customer_id=customer.pk, answers=worked.answers_for(card)
    )
    for _ in range(engine.MIN_MONITORED - 1):
        assessment.pk = None
        assessment.save()
    assert _raw(assessment.pk)["contributions"].startswith("v1.")
    report = selectors.monitoring(model=german)
    assert report["count"] == engine.MIN_MONITORED and report["enough"] and report["reference"]
    assert report["score"]["value"] >= 0
    assert {row["name"] for row in report["variables"]} == set(card.variable_names)
