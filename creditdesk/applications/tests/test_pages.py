"""The application pages as their users work them: the CM creates and submits, the team lead and the
approver decide from their queue, the risk manager checks the conditions, the CM records the signing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from creditdesk.applications.models import Application
from creditdesk.applications.tests import flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(media, li_graded):
    """Media in a temporary folder; 李四 graded B (the team lead → approver route)."""


def _detail(application) -> str:
    return reverse("applications:detail", args=[application.pk])


def test_the_cm_creates_an_application_from_the_form(client, org, small_catalogue, li):
    client.force_login(org.cm_a)
    url = reverse("applications:create") + f"?customer={li.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "customer": li.pk,
            "kind": "new",
            "purpose": "renovation",
            "product": "xyd",
            "amount": "15万",
            "term_months": "36",
            "method": "equal_installment",
        },
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(application)
    page = client.get(_detail(application))
    assert page.status_code == 200
    assert "150,000.00" in page.content.decode()
    assert 'data-testid="checklist"' in page.content.decode()


def test_a_refused_form_says_why_and_creates_nothing(client, org, small_catalogue, li):
    client.force_login(org.cm_a)
    url = reverse("applications:create") + f"?customer={li.pk}"
    response = client.post(
        url,
        {
            "customer": li.pk,
            "kind": "new",
            "purpose": "renovation",
            "product": "XYD",
            "amount": "900000",
            "term_months": "36",
            "method": "equal_installment",
        },
    )
    assert response.status_code == 200
    assert "金额须在" in response.content.decode()
    assert not Application.objects.exists()


def test_submitting_an_incomplete_file_shows_the_reason(client, org, small_catalogue, li):
    application = flow.create(org.cm_a, li)
    client.force_login(org.cm_a)
    response = client.post(reverse("applications:submit", args=[application.pk]), {})
    assert response.status_code == 400
    assert "请先完成贷前调查" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"


def test_from_submission_to_signing_through_the_pages(client, org, small_catalogue, li):
    application = flow.ready(org.cm_a, li)
    client.force_login(org.cm_a)
    assert client.post(reverse("applications:submit", args=[application.pk]), {}).status_code == 302

    client.force_login(org.lead1)
    queue = client.get(reverse("applications:queue")).content.decode()
    assert application.number in queue
    decided = client.post(reverse("applications:decide", args=[application.pk]), {"outcome": "recommend"})
    assert decided.status_code == 302

    client.force_login(org.approver1)
    assert application.number in client.get(reverse("applications:queue")).content.decode()
    page = client.get(_detail(application)).content.decode()
    assert 'data-testid="decision-form"' in page
    assert 'data-testid="exposure"' in page
    decided = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"outcome": "approve", "conditions": "落实收入证明原件核验"},
    )
    assert decided.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"

    client.force_login(org.risk1)
    checked = client.post(reverse("applications:conditions", args=[application.pk]), {"met_0": "on"})
    assert checked.status_code == 302
    assert application.condition_checks.get().passed

    client.force_login(org.cm_a)
    held = (timezone.localtime() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    interviewed = client.post(
        reverse("applications:interview", args=[application.pk]),
        {
            "customer": li.pk,
            "kind": "video",
            "held_at": held,
            "place": "营业部",
            "recording_reference": "SL-1",
        },
    )
    assert interviewed.status_code == 302
    signed = client.post(
        reverse("applications:sign", args=[application.pk]),
        {"value_date": timezone.localdate().isoformat(), "place": "营业部"},
    )
    assert signed.status_code == 302
    application.refresh_from_db()
    assert application.status == "contract_signed"
    pdf = client.get(reverse("applications:contract_pdf", args=[application.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment")
    assert bytes(pdf.content).startswith(b"%PDF")


def test_the_list_shows_only_what_the_person_sees(client, org, small_catalogue, li):
    application = flow.create(org.cm_a, li)
    client.force_login(org.cm_a)
    assert application.number in client.get(reverse("applications:list")).content.decode()
    client.force_login(org.cm_c)
    assert application.number not in client.get(reverse("applications:list")).content.decode()
    assert client.get(_detail(application)).status_code == 404


def test_an_approval_past_its_sla_shows_on_the_approver_and_the_cm_workbench(
    client, org, small_catalogue, li
):
    application = flow.ready(org.cm_a, li)
    client.force_login(org.cm_a)
    client.post(reverse("applications:submit", args=[application.pk]), {})
    step = application.steps.get(position=1)
    step.due_at = timezone.now() - timedelta(hours=1)
    step.save()
    for person in (org.lead1, org.cm_a):
        client.force_login(person)
        home = client.get(reverse("workbench:home")).content.decode()
        assert 'data-testid="overdue-approval"' in home
        assert application.number in home
    client.force_login(org.cm_c)
    assert application.number not in client.get(reverse("workbench:home")).content.decode()


def test_the_customer_360_panel_lists_applications_and_starts_a_new_one(client, org, small_catalogue, li):
    application = flow.create(org.cm_a, li)
    client.force_login(org.cm_a)
    panel = client.get(reverse("applications:customer_panel", args=[li.pk])).content.decode()
    assert application.number in panel
    assert 'data-testid="new-application"' in panel
    client.force_login(org.head1)  # reads the branch's customers, does not apply for them
    panel = client.get(reverse("applications:customer_panel", args=[li.pk])).content.decode()
    assert application.number in panel
    assert 'data-testid="new-application"' not in panel
    client.force_login(org.cm_c)
    assert client.get(reverse("applications:customer_panel", args=[li.pk])).status_code == 404


def test_an_approver_keeps_the_cases_they_decided_read_only(client, org, small_catalogue, li):
    application = flow.approved(org, li)
    client.force_login(org.approver1)
    page = client.get(_detail(application))
    assert page.status_code == 200
    assert 'data-testid="decision-form"' not in page.content.decode()
    other = flow.create(org.cm_a, li)  # never routed to approver1
    assert client.get(_detail(other)).status_code == 404


def test_the_queue_marks_what_is_past_its_sla_and_lists_others_apart(client, org, small_catalogue, li):
    application = flow.ready(org.cm_a, li)
    client.force_login(org.cm_a)
    client.post(reverse("applications:submit", args=[application.pk]), {})
    application.steps.filter(position=1).update(due_at=timezone.now() - timedelta(hours=2))
    client.force_login(org.lead1)  # it waits for lead1: marked in lead1's own list, not listed again
    queue = client.get(reverse("applications:queue")).content.decode()
    assert queue.count('data-testid="queue-overdue"') == 1
    assert 'data-testid="overdue-row"' not in queue
    client.force_login(org.head1)  # the branch head sees it late at someone else's desk
    queue = client.get(reverse("applications:queue")).content.decode()
    assert 'data-testid="queue-overdue"' not in queue
    assert queue.count('data-testid="overdue-row"') == 1
