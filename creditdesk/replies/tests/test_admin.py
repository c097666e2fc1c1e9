"""The library in the admin is read-only: scripts, their versions and their uses are listed and shown, never
added, changed or deleted there (the pages write through the services, so versions and review are never
bypassed)."""

from __future__ import annotations

import pytest

from creditdesk.replies.models import ReplyScript

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client, org):
    org.admin.is_superuser = True
    org.admin.is_staff = True
    org.admin.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(org.admin)
    return org.admin


@pytest.mark.parametrize("model", ["replyscript", "replyscriptversion", "scriptuse"])
def test_listed_never_added(client, superuser, model):
    assert client.get(f"/admin/replies/{model}/").status_code == 200
    assert client.get(f"/admin/replies/{model}/add/").status_code == 403


def test_a_script_is_shown_not_changed(client, superuser):
    script = ReplyScript.objects.get(key="rate-too-high")
    page = client.get(f"/admin/replies/replyscript/{script.pk}/change/")
    assert page.status_code == 200 and 'name="answer"' not in page.content.decode()
    response = client.post(f"/admin/replies/replyscript/{script.pk}/change/", {"answer": "改了"})
    assert response.status_code == 403
    script.refresh_from_db()
    assert script.answer != "改了"
    assert client.post(f"/admin/replies/replyscript/{script.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReplyScript.objects.filter(pk=script.pk).exists()
