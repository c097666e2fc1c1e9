from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "creditdesk.core"
    label = "core"
    verbose_name = _("基础与审计")

    def ready(self) -> None:
        from django.db.models import Field

        from creditdesk.core.lookups import AnyOf

        Field.register_lookup(AnyOf)
