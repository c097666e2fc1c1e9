from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "creditdesk.servicedesk"
    label = "servicedesk"
    verbose_name = _("客户诉求")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel
        from creditdesk.customers.services import register_handover_listener
        from creditdesk.servicedesk.services import requests_follow_handover

        # A handed-over customer's requests held by the previous manager go to the new one, in the
        # handover's transaction.
        register_handover_listener("servicedesk.requests", requests_follow_handover)

        register_customer_panel(
            CustomerPanel(
                key="service_requests",
                title=_("客户诉求"),
                order=12,  # beside the contacts and feedback (10), before the tasks (15)
                url_name="servicedesk:customer_panel",
                fallback_url_name="servicedesk:customer_panel",
                fallback_label=_("查看客户诉求"),
            )
        )
