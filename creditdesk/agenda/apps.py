from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "creditdesk.agenda"
    label = "agenda"
    verbose_name = _("待办事项")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="tasks",
                title=_("待办"),
                order=15,
                url_name="agenda:customer_panel",
                fallback_url_name="agenda:customer_panel",
                fallback_label=_("查看待办"),
            )
        )
