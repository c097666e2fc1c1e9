from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "creditdesk.consents"
    label = "consents"
    verbose_name = _("授权与征信查询")
