"""Sign-in, lockout, session timeout, password change, tokens, security headers, CSRF."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings as project_settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creditdesk.accounts.middleware import LAST_SEEN_KEY
from creditdesk.accounts.tests.factories import TEST_PASSWORD
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    assert project_settings.PASSWORD_HASHERS != []
    from config import settings as config_settings

    assert config_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_good_login_lands_on_the_workbench(client, org):
    response = client.post("/accounts/login/", {"username": "cm_a", "password": TEST_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "我的工作台" in response.content.decode()


def test_bad_login_shows_a_chinese_error(client, org):
    response = client.post("/accounts/login/", {"username": "cm_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures_even_with_the_right_password(client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "cm_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "cm_a", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "账号已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another person is not locked by cm_a's failures
    other = Client()
    ok = other.post("/accounts/login/", {"username": "cm_b", "password": TEST_PASSWORD})
    assert ok.status_code == 302


def test_api_token_lockout(api_client, org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        bad = api_client.post("/api/v1/auth/token/", {"username": "cm_a", "password": "wrong"}, format="json")
        assert bad.status_code in (401, 403)
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "cm_a", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "account_locked"
    assert not Token.objects.filter(user=org.cm_a).exists()


def test_idle_session_expires(client, org, settings):
    client.force_login(org.cm_a)
    assert client.get("/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.CREDITDESK_IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "会话已过期" in response.content.decode()


def test_active_session_is_kept(client, org, settings):
    client.force_login(org.cm_a)
    client.get("/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 60 * (settings.CREDITDESK_IDLE_TIMEOUT_MINUTES - 1)
    session.save()
    assert client.get("/").status_code == 200


def test_password_change_is_audited_and_works(client, org):
    client.force_login(org.cm_a)
    new = "a-much-Better-passphrase-2026"
    response = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    org.cm_a.refresh_from_db()
    assert org.cm_a.check_password(new)
    assert AuditEvent.objects.filter(action="auth.password_change", actor=org.cm_a).count() == 1
    assert new not in str(list(AuditEvent.objects.values("before", "after")))


def test_password_change_refuses_a_weak_password(client, org):
    client.force_login(org.cm_a)
    response = client.post(
        "/accounts/password/", {"old_password": TEST_PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    org.cm_a.refresh_from_db()
    assert org.cm_a.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_change").exists()


def test_logout_needs_post(client, org):
    client.force_login(org.cm_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_csrf_is_enforced_on_forms(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.cm_a)
    response = client.post("/agenda/new/", {"title": "x", "kind": "other", "due_date": "2099-01-01"})
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_security_headers(client, org):
    client.force_login(org.cm_a)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


# --- API tokens ----------------------------------------------------------------------------------


def test_token_then_me(api_client, org):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "cm_a", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == "cm_a"
    assert me["role"] == "manager"
    assert me["role_display"] == "客户经理"
    assert me["team"]["id"] == org.t1.pk
    assert me["branch"]["id"] == org.b1.pk


def test_token_with_a_bad_password(api_client, org):
    response = api_client.post("/api/v1/auth/token/", {"username": "cm_a", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_token_request_missing_fields(api_client, org):
    response = api_client.post("/api/v1/auth/token/", {"username": "cm_a"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "password" in body["details"]


def test_expired_token_is_refused_and_replaced(api_client, org, settings):
    token = Token.objects.create(user=org.cm_a)
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(hours=settings.CREDITDESK_API_TOKEN_TTL_HOURS + 1)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    api_client.credentials()
    fresh = api_client.post(
        "/api/v1/auth/token/", {"username": "cm_a", "password": TEST_PASSWORD}, format="json"
    ).json()["token"]
    assert fresh != token.key


def test_invalid_token(api_client, org):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
