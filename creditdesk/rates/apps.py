from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatesConfig(AppConfig):
    name = "creditdesk.rates"
    label = "rates"
    verbose_name = _("利率与还款试算")
