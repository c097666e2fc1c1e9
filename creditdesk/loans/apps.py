from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "creditdesk.loans"
    label = "loans"
    verbose_name = _("贷款")
