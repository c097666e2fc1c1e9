from django.urls import path

from creditdesk.core.views import audit, pages

app_name = "core"

urlpatterns = [
    path("soon/<slug:key>/", pages.coming_soon, name="coming_soon"),
    path("audit/", audit.AuditEventListView.as_view(), name="audit_list"),
    path("healthz", pages.healthz, name="healthz"),
]
