"""Scorecards in the product: versions (register, approve, activate — risk managers only, audited, one
active), pre-assessments (profile and need fill what they can, the rest is asked; the version is kept;
refusals store nothing), the grade override by a second person, pages, API, CLI and seed."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from creditdesk.core.models import AuditEvent
from creditdesk.customers import services as customer_services
from creditdesk.customers.services import CustomerInput
from creditdesk.scoring import engine, services
from creditdesk.scoring.choices import ModelStatus
from creditdesk.scoring.models import Assessment, ScoreModel
from creditdesk.scoring.scorecard import Scorecard
from creditdesk.scoring.tests.conftest import SHIPPED_MODEL

pytestmark = pytest.mark.django_db

# A German Credit applicant (the first row of the data set) minus age, housing and property, which the
# customer's profile gives.
ASKED = {
    "status_of_existing_checking_account": "... < 0 DM",
    "duration_in_month": "6",
    "credit_history": "critical account/ other credits existing (not at this bank)",
    "purpose": "radio/television",
    "credit_amount": "1169",
    "savings_account_and_bonds": "unknown/ no savings account",
    "present_employment_since": "... >= 7 years",
    "installment_rate_in_percentage_of_disposable_income": "4",
    "personal_status_and_sex": "male : single",
    "other_debtors_or_guarantors": "none",
    "present_residence_since": "4",
    "other_installment_plans": "none",
    "number_of_existing_credits_at_this_bank": "2",
    "job": "skilled employee / official",
    "number_of_people_being_liable_to_provide_maintenance_for": "1",
    "telephone": "yes, registered under the customers name",
    "foreign_worker": "yes",
}


@pytest.fixture
def artefact() -> str:
    return SHIPPED_MODEL.read_text(encoding="utf-8")


@pytest.fixture
def active(org, artefact):
    model = services.score_model_register(actor=org.risk1, artefact=artefact)
    services.score_model_approve(actor=org.risk1, model_id=model.pk)
    return services.score_model_activate(actor=org.risk1, model_id=model.pk)


@pytest.fixture
def customer(org):
    # born 1970-01-01 (age from the ID), owns property → housing "own", property "real estate"
    created = customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(kind="individual", name="张三", id_number="110101197001010016"),
    )
    created.has_property = True
    created.save(update_fields=["has_property"])
    return created


def answers_for(card: Scorecard) -> dict[str, str]:
    return {name: value for name, value in ASKED.items() if name in card.variable_names}


def test_lifecycle_is_for_risk_managers_and_keeps_one_active_version(org, artefact):
    model = services.score_model_register(actor=org.risk1, artefact=artefact)
    assert model.status == ModelStatus.DRAFT and model.checksum.startswith("sha256:")
    with pytest.raises(services.NotAllowed):
        services.score_model_approve(actor=org.lead1, model_id=model.pk)
    with pytest.raises(services.Conflict) as refused:
        services.score_model_activate(actor=org.risk1, model_id=model.pk)  # not approved yet
    assert refused.value.code == "score_model_status_invalid"
    services.score_model_approve(actor=org.risk1, model_id=model.pk)
    first = services.score_model_activate(actor=org.risk1, model_id=model.pk)
    assert (first.status, first.approved_by, first.activated_by) == ("active", org.risk1, org.risk1)

    card = Scorecard.from_json(artefact)
    content = dict(card.content, version="2")
    from creditdesk.scoring.scorecard import dump_artefact, seal

    second = services.score_model_register(actor=org.risk1, artefact=dump_artefact(seal(content)))
    services.score_model_approve(actor=org.risk1, model_id=second.pk)
    services.score_model_activate(actor=org.risk1, model_id=second.pk)
    assert ScoreModel.objects.get(pk=first.pk).status == ModelStatus.RETIRED
    assert list(ScoreModel.objects.filter(status="active").values_list("version", flat=True)) == ["2"]
    actions = list(
        AuditEvent.objects.filter(action__startswith="score_model.").values_list("action", flat=True)
    )
    assert actions.count("score_model.activate") == 2 and actions.count("score_model.register") == 2


def test_a_tampered_artefact_is_refused_and_nothing_is_registered(org, artefact):
    envelope = json.loads(artefact)
    envelope["content"]["variables"][0]["bins"][0]["points"] += 1
    with pytest.raises(services.DomainError) as refused:
        services.score_model_register(actor=org.risk1, artefact=json.dumps(envelope))
    assert refused.value.code == "model_tampered"
    assert (
        not ScoreModel.objects.exists()
        and not AuditEvent.objects.filter(action="score_model.register").exists()
    )


def test_assessment_fills_from_the_profile_asks_the_rest_and_keeps_the_version(org, active, customer):
    card = engine.load(active)
    assessment = services.assessment_create(
        actor=org.cm_a, customer_id=customer.pk, answers=answers_for(card)
    )
    applicant = {**answers_for(card), "housing": "own", "property": "real estate"}
    applicant["age_in_years"] = engine._age(customer, assessment.created_at.date())
    expected = card.score(
        engine.applicant_values(card, {k: v for k, v in applicant.items() if k in card.variable_names})
    )
    assert assessment.model == active
    assert assessment.points == Decimal(repr(round(expected.points, 2)))
    assert assessment.grade == expected.grade and assessment.final_grade == expected.grade
    if "housing" in card.variable_names:
        assert assessment.inputs["housing"] == {"value": "own", "source": "customer"}
    if "duration_in_month" in card.variable_names:
        assert assessment.inputs["duration_in_month"] == {"value": 6.0, "source": "asked"}
    assert [r["message"] for r in assessment.reasons] == [r.message for r in expected.reasons]
    assert AuditEvent.objects.filter(action="assessment.create", target_id=str(assessment.pk)).exists()


def test_a_missing_or_bad_answer_is_refused_naming_it_and_nothing_is_stored(org, active, customer):
    card = engine.load(active)
    answers = answers_for(card)
    numeric = next(v.name for v in card.variables if v.kind == "numerical" and v.name in answers)
    asked = next(iter(answers))
    for broken, code in (
        ({**answers, asked: ""}, "missing_value"),
        ({**answers, numeric: "十二"}, "not_numeric"),
        ({**answers, "no_such_variable": "1"}, "variable_unknown"),
    ):
        with pytest.raises(services.DomainError) as refused:
            services.assessment_create(actor=org.cm_a, customer_id=customer.pk, answers=broken)
        assert refused.value.code == code
    assert (
        not Assessment.objects.exists() and not AuditEvent.objects.filter(action="assessment.create").exists()
    )


def test_who_may_assess_and_who_may_override(org, active, customer):
    answers = answers_for(engine.load(active))
    with pytest.raises(services.NotFound):
        services.assessment_create(actor=org.cm_c, customer_id=customer.pk, answers=answers)  # other team
    with pytest.raises(services.NotAllowed):
        services.assessment_create(actor=org.head1, customer_id=customer.pk, answers=answers)  # reads only
    assessment = services.assessment_create(actor=org.cm_a, customer_id=customer.pk, answers=answers)
    with pytest.raises(services.NotAllowed):
        services.assessment_override(
            actor=org.cm_a, assessment_id=assessment.pk, grade="A", reason="客户很好"
        )
    with pytest.raises(services.DomainError) as refused:
        services.assessment_override(actor=org.lead1, assessment_id=assessment.pk, grade="A", reason="好")
    assert refused.value.code == "reason_required"
    with pytest.raises(services.NotFound):
        services.assessment_override(
            actor=org.risk2, assessment_id=assessment.pk, grade="A", reason="另一支行"
        )
    done = services.assessment_override(
        actor=org.risk1, assessment_id=assessment.pk, grade="A", reason="有房产抵押，风险可控"
    )
    assert (done.grade, done.final_grade, done.overridden_by) == (assessment.grade, "A", org.risk1)
    event = AuditEvent.objects.get(action="assessment.override")
    assert event.after["grade"] == "A" and event.after["override_reason"] == "有房产抵押，风险可控"


def test_no_active_model_is_a_clear_refusal(org, customer):
    with pytest.raises(services.Conflict) as refused:
        services.assessment_create(actor=org.cm_a, customer_id=customer.pk, answers={})
    assert refused.value.code == "no_active_model"


def test_pages_form_result_and_report(client, org, active, customer):
    client.force_login(org.cm_a)
    form = client.get(f"/scoring/customers/{customer.pk}/new/")
    assert form.status_code == 200 and "来自客户资料" in form.content.decode()
    answers = answers_for(engine.load(active))
    bad = client.post(f"/scoring/customers/{customer.pk}/new/", {**answers, next(iter(answers)): ""})
    assert bad.status_code == 400 and not Assessment.objects.exists()
    done = client.post(f"/scoring/customers/{customer.pk}/new/", answers)
    assessment = Assessment.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/scoring/assessments/{assessment.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert str(assessment.points) in page and active.version in page
    panel = client.get(f"/scoring/customers/{customer.pk}/panel/").content.decode()
    assert str(assessment.points) in panel
    report = client.get(f"/scoring/models/{active.pk}/")
    assert (
        report.status_code == 200
        and "WoE" in report.content.decode()
        and "稳定性监测" in report.content.decode()
    )
    client.force_login(org.cm_c)  # another team
    assert client.get(f"/scoring/assessments/{assessment.pk}/").status_code == 404
    assert client.get(f"/scoring/customers/{customer.pk}/new/").status_code == 404
    assert client.post(f"/scoring/models/{active.pk}/approve/").status_code == 403
    client.logout()
    assert client.get("/scoring/").status_code == 302


def test_api_score_batch_assess_and_override(api_client, org, active, customer):
    card = engine.load(active)
    api_client.force_authenticate(org.cm_a)
    applicant = {**answers_for(card), "age_in_years": "40", "housing": "own", "property": "real estate"}
    applicant = {k: v for k, v in applicant.items() if k in card.variable_names}
    one = api_client.post("/api/v1/score-models/score/", {"applicant": applicant}, format="json")
    assert one.status_code == 200 and one.json()["grade"] in "ABCDE"
    batch = api_client.post(
        "/api/v1/score-models/score-batch/", {"rows": [applicant, applicant]}, format="json"
    )
    assert batch.status_code == 200 and len(batch.json()["scores"]) == 2
    broken = dict(applicant)
    broken.pop(next(iter(broken)))
    refused = api_client.post(
        "/api/v1/score-models/score-batch/", {"rows": [applicant, broken]}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "missing_value"
    assert refused.json()["details"]["row"] == 2
    created = api_client.post(
        "/api/v1/assessments/", {"customer": customer.pk, "answers": answers_for(card)}, format="json"
    )
    assert created.status_code == 201 and created.json()["model"] == active.pk
    api_client.force_authenticate(org.cm_c)
    assert api_client.get(f"/api/v1/assessments/{created.json()['id']}/").status_code == 404
    api_client.force_authenticate(org.lead1)
    overridden = api_client.post(
        f"/api/v1/assessments/{created.json()['id']}/override/",
        {"grade": "B", "reason": "补充了收入证明"},
        format="json",
    )
    assert overridden.status_code == 200 and overridden.json()["final_grade"] == "B"
    assert api_client.post(f"/api/v1/score-models/{active.pk}/activate/").status_code == 403


def test_cli_register_list_and_batch(org, artefact, tmp_path, capsys):
    path = tmp_path / "model.json"
    path.write_text(artefact, encoding="utf-8")
    call_command("score", "register", str(path), "--as", "risk1")
    model = ScoreModel.objects.get()
    call_command("score", "list")
    assert model.version in capsys.readouterr().out
    card = Scorecard.from_json(artefact)
    rows = tmp_path / "rows.csv"
    applicant = {**answers_for(card), "age_in_years": "40", "housing": "own", "property": "real estate"}
    with rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(card.variable_names))
        writer.writeheader()
        writer.writerow({k: applicant[k] for k in card.variable_names})
    out = tmp_path / "scores.csv"
    call_command("score", "batch", "--data", str(rows), "--model", str(model.pk), "--out", str(out))
    assert out.read_text(encoding="utf-8").splitlines()[0] == "row,points,probability_of_default,grade"
    with pytest.raises(CommandError):
        call_command("score", "batch", "--data", str(rows), "--out", str(out))  # none active


def test_seed_registers_activates_and_assesses_once(org, customer):
    from creditdesk.scoring import seed

    first = seed.run()
    assert first["created_models"] == 1 and ScoreModel.objects.get().status == "active"
    assert seed.run() == {"created_models": 0, "created_assessments": 0}
    assert Path(seed.SHIPPED) == SHIPPED_MODEL


def test_permission_matrix_of_every_scoring_page(client, org, active, customer):
    assessment = services.assessment_create(
        actor=org.cm_a, customer_id=customer.pk, answers=answers_for(engine.load(active))
    )
    gets = [
        "/scoring/",
        "/scoring/models/",
        f"/scoring/models/{active.pk}/",
        f"/scoring/customers/{customer.pk}/new/",
        f"/scoring/customers/{customer.pk}/panel/",
        f"/scoring/assessments/{assessment.pk}/",
    ]
    posts = [
        f"/scoring/assessments/{assessment.pk}/override/",
        f"/scoring/models/{active.pk}/approve/",
        f"/scoring/models/{active.pk}/activate/",
    ]
    for url in gets + posts:  # anonymous: to the login page, nothing else
        response = client.post(url) if url in posts else client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url

    customer_bound = gets[3:]
    for user, expected in ((org.cm_c, 404), (org.risk2, 404), (org.head1, 200), (org.lead1, 200)):
        client.force_login(user)
        for url in customer_bound:
            status = client.get(url).status_code
            # a branch head reads; pre-assessments are made by the customer's CM and team lead
            expected_here = 403 if user is org.head1 and url.endswith("/new/") else expected
            assert status == expected_here, (user.username, url, status)
        assert client.get("/scoring/models/").status_code == 200  # reference data, no customer in it
    client.force_login(org.cm_a)
    override = client.post(posts[0], {"grade": "A", "reason": "我自己的客户很好"})
    assert override.status_code == 403  # the CM may not override their own customer's grade
    assert Assessment.objects.get().override_grade == ""
    assert client.post(posts[1]).status_code == 403 and client.post(posts[2]).status_code == 403
