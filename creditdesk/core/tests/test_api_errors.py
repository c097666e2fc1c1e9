"""Every API failure answers ``{"code", "message", "details"}`` with the right status, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def assert_shape(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_unknown_url(api_client):
    assert_shape(api_client.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_missing_token(api_client):
    response = api_client.get("/api/v1/me/")
    assert_shape(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_method(api_client, org):
    api_client.force_authenticate(org.cm_a)
    body = assert_shape(api_client.delete("/api/v1/me/"), 405, "method_not_allowed")
    assert body["details"]["method"] == "DELETE"


def test_malformed_json(api_client, org):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post("/api/v1/tasks/", data="{not json", content_type="application/json")
    assert_shape(response, 400, "malformed_request")


def test_wrong_content_type(api_client, org):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        "/api/v1/tasks/", data="title=x", content_type="application/x-www-form-urlencoded"
    )
    assert_shape(response, 415, "unsupported_media_type")


def test_validation_errors_name_the_field(api_client, org):
    api_client.force_authenticate(org.cm_a)
    body = assert_shape(api_client.post("/api/v1/tasks/", {"title": ""}, format="json"), 400, "invalid")
    assert set(body["details"]) >= {"title", "due_date"}


def test_domain_error_code(api_client, org):
    api_client.force_authenticate(org.cm_a)
    response = api_client.post("/api/v1/tasks/", {"title": "x", "due_date": "2000-01-01"}, format="json")
    body = assert_shape(response, 400, "task_due_in_past")
    assert body["details"]["field"] == "due_date"


def test_other_branch_object_is_404(api_client, org):
    from creditdesk.agenda.models import Task

    task = Task.objects.create(owner=org.cm_d, created_by=org.cm_d, title="x", due_date="2099-01-01")
    api_client.force_authenticate(org.cm_a)
    assert_shape(api_client.get(f"/api/v1/tasks/{task.pk}/"), 404, "not_found")
    assert_shape(api_client.get("/api/v1/tasks/abc/"), 404, "not_found")


def test_unexpected_error_is_500_in_the_same_shape_without_a_trace(org, monkeypatch):
    from creditdesk.accounts.api import views

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.MeSerializer, "to_representation", explode)
    client = Client(raise_request_exception=False)
    client.force_login(org.cm_a)
    response = client.get("/api/v1/me/")
    body = assert_shape(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert body["details"]["request_id"] == response["X-Request-ID"]


# --- Pages answer with friendly Chinese pages --------------------------------------------------------


def test_unknown_page_is_a_friendly_404(client, org):
    client.force_login(org.cm_a)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_page_500_is_friendly(org, monkeypatch):
    from creditdesk.workbench import views

    monkeypatch.setattr(views, "agenda_for", lambda **kw: 1 / 0)
    client = Client(raise_request_exception=False)
    client.force_login(org.cm_a)
    response = client.get("/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "系统繁忙" in text
    assert "ZeroDivisionError" not in text


def test_wrong_method_on_a_page(client, org):
    client.force_login(org.cm_a)
    response = client.post("/")
    assert response.status_code == 405
    assert "操作方式不正确" in response.content.decode()
    assert response["Allow"] == "GET"


def test_schema_and_docs_for_signed_in_staff_only(client, org):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(org.cm_a)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/tasks/",
        "/api/v1/audit-events/",
        "/api/v1/calculator/quote/",
        "/api/v1/calculator/prepayment/",
        "/api/v1/lpr/",
    ):
        assert path in text
    assert client.get("/api/docs/").status_code == 200
