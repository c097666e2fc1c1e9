from django.urls import path

from creditdesk.core.views import audit, pages

app_name = "core"

urlpatterns = [
    path("audit/", audit.AuditEventListView.as_view(), name="audit_list"),
    path("healthz", pages.healthz, name="healthz"),
]
