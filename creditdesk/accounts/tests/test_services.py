"""The accounts services: an API token issued (kept while valid, replaced once expired) and a password
changed, each audited in its transaction; a refused password changes nothing and audits nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token

from creditdesk.accounts import services
from creditdesk.accounts.tests.factories import TEST_PASSWORD
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_api_token_issue_keeps_a_valid_token_and_replaces_an_expired_one(org, settings):
    first = services.api_token_issue(actor=org.cm_a)
    assert services.api_token_issue(actor=org.cm_a).key == first.key
    Token.objects.filter(pk=first.pk).update(
        created=timezone.now() - timedelta(hours=settings.CREDITDESK_API_TOKEN_TTL_HOURS + 1)
    )
    fresh = services.api_token_issue(actor=org.cm_a)
    assert fresh.key != first.key
    assert list(Token.objects.filter(user=org.cm_a).values_list("key", flat=True)) == [fresh.key]
    events = AuditEvent.objects.filter(action="auth.token_issue", actor=org.cm_a)
    assert events.count() == 3
    assert first.key not in str(list(events.values("before", "after", "target_repr")))


def test_user_password_change_sets_it_and_audits(org):
    services.user_password_change(actor=org.cm_a, new_password="a-much-Better-passphrase-2026")
    org.cm_a.refresh_from_db()
    assert org.cm_a.check_password("a-much-Better-passphrase-2026")
    assert AuditEvent.objects.filter(action="auth.password_change", actor=org.cm_a).count() == 1


def test_user_password_change_refuses_a_weak_password_and_changes_nothing(org):
    with pytest.raises(ValidationError):
        services.user_password_change(actor=org.cm_a, new_password="123")
    org.cm_a.refresh_from_db()
    assert org.cm_a.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_change").exists()
