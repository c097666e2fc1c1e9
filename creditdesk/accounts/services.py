"""Writes of the accounts app that are a person's own doing: changing their password, getting an API
token. Each is one durable transaction with its audit row (the password and the token never in it)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.db import transaction
from rest_framework.authtoken.models import Token

from creditdesk.accounts.api.authentication import token_is_expired
from creditdesk.accounts.models import User
from creditdesk.core.audit import audit_record


@transaction.atomic(durable=True)
def user_password_change(*, actor: User, new_password: str) -> User:
    """修改密码. Rules: a person changes their own password, once the form has checked the current one;
    the new one passes Django's password validators (``AUTH_PASSWORD_VALIDATORS``: length, common
    passwords, likeness to the person's names). Audited as ``auth.password_change``."""
    password_validation.validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="auth.password_change", target=actor)
    return actor


@transaction.atomic(durable=True)
def api_token_issue(*, actor: User) -> Token:
    """签发 API 令牌. Rules: given to an active person who has just proved their password (the view signs
    them in, through the same lockout as the sign-in page); the token they hold while it is valid, a new
    key once it has expired (``CREDITDESK_API_TOKEN_TTL_HOURS``). The row is locked so that two sign-ins
    at once agree on one key. Audited as ``auth.token_issue``."""
    token, created = Token.objects.select_for_update().get_or_create(user=actor)
    if not created and token_is_expired(token):
        token.delete()
        token = Token.objects.create(user=actor)
    audit_record(actor=actor, action="auth.token_issue", target=actor)
    return token
