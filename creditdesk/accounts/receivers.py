"""Sign-ins and sign-outs are security events: each leaves an audit row.

They are Django auth signals, not services, so the audit is written here (in its own transaction);
failed attempts are recorded by django-axes (AccessAttempt / AccessFailureLog).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.dispatch import receiver

from creditdesk.core.audit import audit_record


@receiver(user_logged_in, dispatch_uid="creditdesk_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out, dispatch_uid="creditdesk_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, action="auth.logout", target=user)
