"""The expert card editor in a real browser: risk1 opens the shipped card's page, edits it as a new
version — one band's points changed, the refusal of an overlapping band shown next to that band first —
saves, and lands on the new draft's page, which says another person must approve and activate it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from creditdesk.core.models import AuditEvent
from creditdesk.scoring import seed as scoring_seed
from creditdesk.scoring.models import ScoreModel
from tests.browser.test_shell import login

pytestmark = pytest.mark.browser


def test_risk_manager_edits_the_expert_card_as_a_new_draft(
    page: Page, live_server, demo_org, screenshot_dir, console_errors
):
    scoring_seed.run()  # the shipped card 1.0.0: registered by risk1, approved and activated by risk2
    active = ScoreModel.objects.get(version="1.0.0")
    login(page, live_server.url, "risk1")
    page.goto(f"{live_server.url}/scoring/models/{active.pk}/")
    page.get_by_test_id("card-edit").click()
    editor = page.get_by_test_id("card-editor")
    expect(editor).to_be_visible()
    expect(page.locator("#id_version")).to_have_value("1.0.1")

    inquiries = editor.locator("[data-testid=card-feature][data-key=inquiries_6m]")
    inquiries.locator("[name=inquiries_6m-1-lower]").fill("2")  # overlaps the first band
    inquiries.locator("[name=inquiries_6m-0-points]").fill("35")
    page.locator("#id_note").fill("近 6 个月查询少于 3 次的档位分值下调至 35")
    editor.get_by_role("button", name="保存为新版本").click()

    expect(page.get_by_test_id("error-summary")).to_contain_text("重叠")
    inquiries = page.locator("[data-testid=card-feature][data-key=inquiries_6m]")
    expect(inquiries.get_by_test_id("band-error")).to_contain_text("第 1 档与第 2 档重叠")
    expect(inquiries.locator("[name=inquiries_6m-0-points]")).to_have_value("35")  # kept
    assert ScoreModel.objects.count() == 1
    page.screenshot(path=screenshot_dir / "scoring-card-editor-refused.png", full_page=True)

    inquiries.locator("[name=inquiries_6m-1-lower]").fill("3")
    page.screenshot(path=screenshot_dir / "scoring-card-editor.png", full_page=False)
    page.get_by_role("button", name="保存为新版本").click()

    expect(page.get_by_test_id("model-status")).to_have_text("待审核")
    expect(page.get_by_text("已登记新版本 1.0.1（待审核）。")).to_be_visible()
    expect(page.get_by_test_id("maker-checker-note")).to_be_visible()
    expect(page.get_by_test_id("scorecard-table")).to_contain_text("35")
    draft = ScoreModel.objects.get(version="1.0.1")
    assert draft.created_by.username == "risk1"
    assert AuditEvent.objects.get(action="score_model.card_draft").after["changes"] == [
        "「近 6 个月征信查询次数」「少于 3 次」分值 40 → 35"
    ]
    page.screenshot(path=screenshot_dir / "scoring-card-draft.png", full_page=True)
    # the refused form is answered 400 (as every refused form is), which Chromium logs as a failed load
    assert [error for error in console_errors if "status of 400" not in error] == []
