from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    name = "creditdesk.agenda"
    label = "agenda"
    verbose_name = _("待办事项")

    def ready(self) -> None:
        from creditdesk.agenda.services import tasks_follow_handover
        from creditdesk.core.panels import CustomerPanel, register_customer_panel
        from creditdesk.customers.services import register_handover_listener

        # A handed-over customer's open tasks go to the new owner, in the handover's transaction.
        register_handover_listener("agenda.tasks", tasks_follow_handover)

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
