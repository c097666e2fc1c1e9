from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "creditdesk.applications"
    verbose_name = _("贷款申请与审批")
    default_auto_field = "django.db.models.BigAutoField"
