"""Editing the expert card as a new draft version (issue 14, item 2): risk1 edits the shipped card's points
and a rationale and saves 1.0.1 → a draft whose score differs exactly by the edit, with an audit row
listing the change; a card with overlapping or gapped bands, points that are not numbers or a cut-off
above the highest score is refused with its code, shown next to its band, nothing saved; a CM and the head
are refused; an existing version is refused; risk1 does not approve their own draft, risk2 does, and the
head activates it (maker-checker). The change list (``expert.diff``) is tested without a database."""

from __future__ import annotations

import copy
import re

import pytest

from creditdesk.core.exceptions import DomainError, NotAllowed
from creditdesk.core.models import AuditEvent
from creditdesk.scoring import card_drafts, engine, services
from creditdesk.scoring.choices import ModelStatus
from creditdesk.scoring.expert import load_shipped, validate
from creditdesk.scoring.expert.diff import card_changes
from creditdesk.scoring.features import applicant_values
from creditdesk.scoring.models import ScoreModel
from creditdesk.scoring.tests.test_expert import WORKED

DTI_CHANGES = [
    "「贷后负债收入比」「50.00%（含）至 60.00%（不含）」分值 12 → 20",
    "「贷后负债收入比」「50.00%（含）至 60.00%（不含）」依据改为：一半以上收入用于还款，但经营流水可佐证",
]


def shipped_data() -> dict:
    data = copy.deepcopy(dict(load_shipped().data))
    data.pop("score_range")
    return data


def feature_of(data: dict, key: str) -> dict:
    return next(item for item in data["features"] if item["key"] == key)


def dti_edit() -> dict:
    """The shipped card with the DTI band [0.5, 0.6) worth 20 points instead of 12, with a new rationale."""
    data = shipped_data()
    band = feature_of(data, "debt_to_income_after")["bands"][3]
    band["points"], band["rationale"] = 20, "一半以上收入用于还款，但经营流水可佐证"
    return data


# --- the change list and the next version (pure) ---------------------------------------------------------


def test_changes_name_feature_band_points_and_rationale():
    changes = card_changes(load_shipped(), validate(dti_edit()))
    assert [change["text"] for change in changes] == DTI_CHANGES
    assert changes[0] == {
        "what": "points",
        "feature": "debt_to_income_after",
        "band": "50.00%（含）至 60.00%（不含）",
        "before": 12.0,
        "after": 20.0,
        "text": DTI_CHANGES[0],
    }


def test_changes_match_bands_by_what_they_cover_not_by_position():
    data = shipped_data()
    inquiries = feature_of(data, "inquiries_6m")
    inquiries["bands"][1:3] = [{"lower": 3, "upper": 7, "points": 25, "rationale": "查询 3–6 次"}]  # merged
    data["base_points"] = 210
    data["grades"][0]["min_points"] = 610
    feature_of(data, "age")["missing"]["points"] = 5
    texts = [change["text"] for change in card_changes(load_shipped(), validate(data))]
    assert texts == [
        "基础分 200 → 210",
        "「年龄」缺失档分值 10 → 5",
        "「近 6 个月征信查询次数」删除档位「3–4 次」（原 30 分）",
        "「近 6 个月征信查询次数」删除档位「5–6 次」（原 15 分）",
        "「近 6 个月征信查询次数」新增档位「3–6 次」：25 分",
        "等级 A 最低分 630 → 610",
    ]


def test_an_unchanged_card_has_no_changes():
    assert card_changes(load_shipped(), validate(shipped_data())) == []


@pytest.mark.parametrize(
    ("version", "following"), [("1.0.0", "1.0.1"), ("1.2.9", "1.2.10"), ("2", "3"), ("1.0-rc", "1.0-rc.1")]
)
def test_next_patch_version(version, following):
    assert card_drafts.next_patch_version(version) == following


# --- the service -------------------------------------------------------------------------------------------


@pytest.fixture
def active(org):
    """The shipped card, registered by risk2, approved by risk1 and activated by the head: risk1 is free to
    edit it (and becomes the maker of the draft)."""
    from creditdesk.scoring.seed import expert_artefact

    model = services.score_model_register(actor=org.risk2, artefact=expert_artefact())
    services.score_model_approve(actor=org.risk1, model_id=model.pk)
    return services.score_model_activate(actor=org.head1, model_id=model.pk)


def draft(org, active, **changes):
    arguments = {"card_data": dti_edit(), "version": "1.0.1", "note": "负债收入比五至六成档上调", **changes}
    return card_drafts.card_draft_create(actor=org.risk1, base_model_id=active.pk, **arguments)


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_risk1_saves_an_edit_as_a_draft_that_scores_the_edit_and_is_audited(org, active):
    model = draft(org, active)
    assert (model.name, model.version, model.status) == ("expert_retail_sme", "1.0.1", ModelStatus.DRAFT)
    assert model.created_by == org.risk1
    base, edited = engine.load(active), engine.load(model)
    before = base.score(applicant_values(base.variable_names, WORKED))
    after = edited.score(applicant_values(edited.variable_names, WORKED))
    assert (before.points, after.points) == (519.0, 527.0)  # the DTI of 52 % is in the edited band
    assert after.grade == "D"  # 465 ≤ 527 < 530
    assert edited.content["score_range"] == {"min": 230.0, "max": 735.0}
    dti = next(v for v in edited.content["variables"] if v["name"] == "debt_to_income_after")
    assert dti["bins"][3]["rationale"] == "一半以上收入用于还款，但经营流水可佐证"
    assert card_drafts.base_card(model).version == "1.0.1"  # the next edit starts from it
    event = AuditEvent.objects.get(action="score_model.card_draft")
    assert event.actor == org.risk1
    assert event.target_id == str(model.pk)
    assert event.before == {"base_id": active.pk, "base": "expert_retail_sme 1.0.0"}
    assert event.after["version"] == "1.0.1"
    assert event.after["note"] == "负债收入比五至六成档上调"
    assert event.after["changes"] == DTI_CHANGES
    assert AuditEvent.objects.filter(action="score_model.register", target_id=str(model.pk)).count() == 1


def _refused(org, active, code, **changes) -> DomainError:
    models, events = ScoreModel.objects.count(), AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        draft(org, active, **changes)
    assert refused.value.code == code
    assert (ScoreModel.objects.count(), AuditEvent.objects.count()) == (models, events)
    return refused.value


def _with(edit) -> dict:
    data = dti_edit()
    edit(data)
    return data


def _band(data, key, number):
    return feature_of(data, key)["bands"][number - 1]


@pytestmark_db
@pytest.mark.parametrize(
    ("edit", "code", "where"),
    [
        (lambda d: _band(d, "inquiries_6m", 2).update(lower=2), "band_overlap", {"band": 2}),
        (lambda d: _band(d, "inquiries_6m", 2).update(lower=4), "band_gap", {"band": 2}),
        (lambda d: _band(d, "inquiries_6m", 1).update(points="abc"), "points_invalid", {"band": 1}),
        (lambda d: d["grades"][0].update(min_points=750), "cutoff_out_of_range", {"grade": "A"}),
    ],
)
def test_a_bad_card_is_refused_with_its_code_and_place_and_nothing_is_saved(org, active, edit, code, where):
    error = _refused(org, active, code, card_data=_with(edit))
    assert where.items() <= error.extra.items()
    assert error.extra["problems"][0]["code"] == code


@pytestmark_db
def test_every_problem_is_listed_with_the_note_and_version(org, active):
    data = _with(lambda d: _band(d, "inquiries_6m", 1).update(points="abc"))
    error = _refused(org, active, "version_invalid", card_data=data, version="", note="")
    assert [p["code"] for p in error.extra["problems"]] == [
        "version_invalid",
        "note_required",
        "points_invalid",
    ]


@pytestmark_db
def test_an_existing_version_an_unchanged_card_and_a_trained_card_are_refused(org, active):
    error = _refused(org, active, "score_model_version_exists", version="1.0.0")
    assert error.status == 409
    _refused(org, active, "card_unchanged", card_data=shipped_data())
    draft(org, active)
    _refused(org, active, "score_model_version_exists")
    from creditdesk.scoring.tests.conftest import SHIPPED_MODEL

    german = services.score_model_register(
        actor=org.risk2, artefact=SHIPPED_MODEL.read_text(encoding="utf-8")
    )
    with pytest.raises(DomainError) as refused:
        card_drafts.card_draft_create(
            actor=org.risk1, base_model_id=german.pk, card_data=dti_edit(), version="9", note="不是专家卡"
        )
    assert refused.value.code == "not_an_expert_card"


@pytestmark_db
@pytest.mark.parametrize("who", ["cm_a", "head1", "approver1", "lead1"])
def test_only_risk_managers_draft(org, active, who):
    models = ScoreModel.objects.count()
    with pytest.raises(NotAllowed) as refused:
        card_drafts.card_draft_create(
            actor=getattr(org, who),
            base_model_id=active.pk,
            card_data=dti_edit(),
            version="1.0.1",
            note="越权修改",
        )
    assert refused.value.code == "score_card_draft_not_allowed"
    assert ScoreModel.objects.count() == models


@pytestmark_db
def test_maker_checker_risk1_cannot_approve_own_draft_risk2_approves_head_activates(org, active):
    model = draft(org, active)
    with pytest.raises(NotAllowed) as refused:
        services.score_model_approve(actor=org.risk1, model_id=model.pk)
    assert refused.value.code == "score_model_own_draft"
    model.refresh_from_db()
    assert model.status == ModelStatus.DRAFT
    services.score_model_approve(actor=org.risk2, model_id=model.pk)
    with pytest.raises(NotAllowed):
        services.score_model_activate(actor=org.risk1, model_id=model.pk)
    services.score_model_activate(actor=org.head1, model_id=model.pk)
    model.refresh_from_db()
    active.refresh_from_db()
    assert (model.status, active.status) == (ModelStatus.ACTIVE, ModelStatus.RETIRED)


# --- the page -------------------------------------------------------------------------------------------


def form_data(data: dict, *, version: str = "1.0.1", note: str = "负债收入比五至六成档上调") -> dict:
    """The editor's fields for ``data`` (each feature's rows, its Missing band, base points, cut-offs)."""
    fields: dict = {"version": version, "note": note, "base_points": str(data["base_points"])}
    for row in data["grades"][:-1]:
        fields[f"cutoff-{row['grade']}"] = str(row["min_points"])
    for item in data["features"]:
        key = item["key"]
        fields[f"{key}-rows"] = str(len(item["bands"]) + 1)
        for index, band in enumerate(item["bands"]):
            if "categories" in band:
                fields[f"{key}-{index}-categories"] = band["categories"]
            else:
                for edge in ("lower", "upper"):
                    fields[f"{key}-{index}-{edge}"] = "" if band[edge] is None else str(band[edge])
            fields[f"{key}-{index}-points"] = str(band["points"])
            fields[f"{key}-{index}-rationale"] = band["rationale"]
        fields[f"{key}-missing-points"] = str(item["missing"]["points"])
        fields[f"{key}-missing-rationale"] = item["missing"]["rationale"]
    return fields


@pytestmark_db
def test_the_page_is_prefilled_saves_a_draft_and_shows_its_button_to_risk_managers_only(client, org, active):
    client.force_login(org.risk1)
    assert "编辑为新版本" in client.get(f"/scoring/models/{active.pk}/").content.decode()
    page = client.get(f"/scoring/models/{active.pk}/edit/").content.decode()
    assert 'name="version" value="1.0.1"' in page
    assert 'name="debt_to_income_after-3-points" value="12"' in page
    assert 'name="loan_to_value-1-lower" value="0.5"' in page
    assert re.search(r'name="size_class-0-categories" value="large" checked', page)
    assert "大型" in page
    fields = form_data(dti_edit())
    fields["debt_to_income_after-3-points"] = "20.0"  # "20.0" is a number too
    done = client.post(f"/scoring/models/{active.pk}/edit/", fields)
    assert done.status_code == 302
    model = ScoreModel.objects.get(version="1.0.1")
    assert done["Location"] == f"/scoring/models/{model.pk}/"
    shown = client.get(done["Location"]).content.decode()
    assert "已登记新版本 1.0.1（待审核）。" in shown
    assert "一半以上收入用于还款，但经营流水可佐证" in shown
    assert AuditEvent.objects.get(action="score_model.card_draft").after["changes"] == DTI_CHANGES
    for who in ("cm_a", "head1"):
        client.force_login(getattr(org, who))
        assert "编辑为新版本" not in client.get(f"/scoring/models/{active.pk}/").content.decode()
        assert client.get(f"/scoring/models/{active.pk}/edit/").status_code == 403
        assert client.post(f"/scoring/models/{active.pk}/edit/", fields).status_code == 403
    assert ScoreModel.objects.count() == 2


@pytestmark_db
@pytest.mark.parametrize(
    ("field", "value", "code_text", "row"),
    [
        ("inquiries_6m-1-lower", "2", "重叠", "inquiries_6m-1"),
        ("inquiries_6m-1-lower", "4", "空档", "inquiries_6m-1"),
        ("inquiries_6m-0-points", "abc", "分值应为数值（收到「abc」）", "inquiries_6m-0"),
        ("cutoff-A", "750", "超出本评分卡能给出的分数范围", "cutoff-A"),
    ],
)
def test_the_page_shows_a_refusal_next_to_its_band_and_keeps_what_was_typed(
    client, org, active, field, value, code_text, row
):
    client.force_login(org.risk1)
    fields = {**form_data(dti_edit()), field: value}
    events = AuditEvent.objects.count()
    response = client.post(f"/scoring/models/{active.pk}/edit/", fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert f'name="{field}" value="{value}"' in page  # kept
    assert 'name="debt_to_income_after-3-points" value="20"' in page  # the rest kept too
    if row.startswith("cutoff"):
        found = re.search(rf'name="{row}"[^>]*>\s*<div class="invalid-feedback[^>]*>([^<]*)', page)
    else:
        key, index = row.rsplit("-", 1)
        found = re.search(
            rf'data-row="{index}"[^>]*>(?:(?!data-testid="band-row").)*?name="{key}-{index}-points".*?'
            r'data-testid="band-error">([^<]*)',
            page,
            re.S,
        )
    assert found and code_text in found.group(1)
    assert ScoreModel.objects.count() == 1
    assert AuditEvent.objects.count() == events


# --- the API ----------------------------------------------------------------------------------------------


@pytestmark_db
def test_api_creates_a_draft_or_refuses_with_code_and_problems(api_client, org, active):
    url = f"/api/v1/score-models/{active.pk}/drafts/"
    api_client.force_authenticate(org.risk1)
    bad = _with(lambda d: _band(d, "inquiries_6m", 2).update(lower=2))
    refused = api_client.post(url, {"version": "1.0.1", "note": "重叠测试", "card": bad}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "band_overlap"
    assert body["details"]["problems"][0] == {
        "code": "band_overlap",
        "message": body["message"],
        "feature": "inquiries_6m",
        "band": 2,
    }
    done = api_client.post(
        url, {"version": "1.0.1", "note": "负债收入比五至六成档上调", "card": dti_edit()}, format="json"
    )
    assert done.status_code == 201
    model = ScoreModel.objects.get(version="1.0.1")
    assert done.json() == {
        "id": model.pk,
        "name": "expert_retail_sme",
        "version": "1.0.1",
        "title": "零售及小微贷款预筛专家评分卡",
        "status": "draft",
    }
    again = api_client.post(url, {"version": "1.0.1", "note": "再来一次", "card": dti_edit()}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "score_model_version_exists")
    api_client.force_authenticate(org.cm_a)
    assert (
        api_client.post(
            url, {"version": "1.0.2", "note": "越权", "card": dti_edit()}, format="json"
        ).status_code
        == 403
    )
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/score-models/{id}/drafts/"]["post"]
    assert set(operation["responses"]) >= {"201", "400", "403", "404", "409"}


@pytestmark_db
def test_the_page_deletes_a_band_adds_one_in_the_blank_row_and_moves_a_category(client, org, active):
    client.force_login(org.risk1)
    fields = form_data(shipped_data(), note="查询次数 3–6 次合并为一档；微型企业并入小型")
    fields["inquiries_6m-1-delete"] = "1"  # [3, 5) and [5, 7) go ...
    fields["inquiries_6m-2-delete"] = "1"
    fields.update({"inquiries_6m-4-lower": "3", "inquiries_6m-4-upper": "7"})  # ... one [3, 7) comes
    fields.update({"inquiries_6m-4-points": "22.5", "inquiries_6m-4-rationale": "查询 3–6 次"})
    fields["size_class-1-categories"] = ["small", "micro"]
    fields["size_class-2-delete"] = "1"
    done = client.post(f"/scoring/models/{active.pk}/edit/", fields)
    assert done.status_code == 302
    assert AuditEvent.objects.get(action="score_model.card_draft").after["changes"] == [
        "「企业规模」删除档位「小型」（原 15 分）",
        "「企业规模」删除档位「微型」（原 8 分）",
        "「企业规模」新增档位「小型、微型」：15 分",
        "「近 6 个月征信查询次数」删除档位「3–4 次」（原 30 分）",
        "「近 6 个月征信查询次数」删除档位「5–6 次」（原 15 分）",
        "「近 6 个月征信查询次数」新增档位「3–6 次」：22.5 分",
    ]
    card = engine.load(ScoreModel.objects.get(version="1.0.1"))
    inquiries = next(v for v in card.content["variables"] if v["name"] == "inquiries_6m")
    assert [row["points"] for row in inquiries["bins"]] == [40.0, 22.5, 0.0]
