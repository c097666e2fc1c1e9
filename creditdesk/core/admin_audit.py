"""Django admin pages that audit every change they make, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from creditdesk.core.audit import audit_record, audit_snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes leave ``admin.<model>.create|update|delete`` audit rows.

    Django admin views already run inside a transaction, so the audit row commits with the change.
    """

    def _audit_fields(self, obj: models.Model) -> list[str]:
        return [f.name for f in obj._meta.concrete_fields if f.name not in ("password", "last_login")]

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before: dict[str, Any] = {}
        if change and obj.pk:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            if previous is not None:
                before = audit_snapshot(previous, self._audit_fields(previous))
        super().save_model(request, obj, form, change)
        after = audit_snapshot(obj, self._audit_fields(obj))
        changed_keys = [k for k in after if before.get(k) != after[k]] if change else list(after)
        audit_record(
            actor=request.user,
            action=f"admin.{obj._meta.model_name}.{'update' if change else 'create'}",
            target=obj,
            before={k: before.get(k) for k in changed_keys} if change else {},
            after={k: after[k] for k in changed_keys},
        )

    def delete_model(self, request: Any, obj: Any) -> None:
        before = audit_snapshot(obj, self._audit_fields(obj))
        audit_record(
            actor=request.user, action=f"admin.{obj._meta.model_name}.delete", target=obj, before=before
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
