from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "creditdesk.ledger"
    verbose_name = _("总账")
    default_auto_field = "django.db.models.BigAutoField"
