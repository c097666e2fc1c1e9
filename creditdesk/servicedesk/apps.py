from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "creditdesk.servicedesk"
    label = "servicedesk"
    verbose_name = _("客户诉求")
