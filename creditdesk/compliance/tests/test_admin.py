"""The compliance data in the admin: a rule edited there is audited and a pattern that does not compile is
refused with the reason (``ComplianceRule.clean``); the code stays; no rule is deleted; the log is read-only.

The demo administrator's group (``accounts.seed.ADMIN_PERMISSIONS``) does not list the compliance models
yet: these tests sign in a superuser."""

from __future__ import annotations

import pytest

from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.compliance.services import ComplianceBlocked, compliance_enforce
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client, org):
    org.admin.is_superuser = True
    org.admin.save(update_fields=["is_superuser"])
    client.force_login(org.admin)
    return org.admin


def form(rule: ComplianceRule, **changes) -> dict:
    values = {
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "pattern": rule.pattern,
        "channels": rule.channels,
        "negation_exempt": "on" if rule.negation_exempt else "",
        "message": rule.message,
        "suggestion": rule.suggestion,
        "source": rule.source,
        "active": "on" if rule.active else "",
    }
    return {key: value for key, value in {**values, **changes}.items() if value != ""}


def test_a_rule_edited_in_the_admin_is_audited(client, superuser):
    rule = ComplianceRule.objects.get(code="superlative_claim")
    assert client.get("/admin/compliance/compliancerule/").status_code == 200
    response = client.post(
        f"/admin/compliance/compliancerule/{rule.pk}/change/", form(rule, severity="block")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.severity, rule.updated_by, rule.code) == ("block", superuser, "superlative_claim")
    event = AuditEvent.objects.get(action="admin.compliancerule.update")
    assert (event.before["severity"], event.after["severity"]) == ("warn", "block")


def test_a_bad_pattern_is_refused_in_the_admin_with_the_reason(client, superuser):
    rule = ComplianceRule.objects.get(code="upfront_fee")
    response = client.post(f"/admin/compliance/compliancerule/{rule.pk}/change/", form(rule, pattern="(先交"))
    assert response.status_code == 200
    assert "正则表达式无效" in response.content.decode()
    rule.refresh_from_db()
    assert rule.pattern.startswith("(先|提前")
    assert not AuditEvent.objects.filter(action="admin.compliancerule.update").exists()


def test_no_rule_is_deleted_and_the_log_is_read_only(client, superuser):
    rule = ComplianceRule.objects.get(code="promise_approval")
    assert (
        client.post(f"/admin/compliance/compliancerule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ComplianceRule.objects.filter(pk=rule.pk).exists()
    with pytest.raises(ComplianceBlocked):
        compliance_enforce(actor=superuser, text="包过", channel="message")
    check = ComplianceCheck.objects.get()
    assert client.get("/admin/compliance/compliancecheck/").status_code == 200
    assert client.get(f"/admin/compliance/compliancecheck/{check.pk}/change/").status_code == 200
    assert client.post(f"/admin/compliance/compliancecheck/{check.pk}/change/", {}).status_code == 403
    assert client.get("/admin/compliance/compliancecheck/add/").status_code == 403
