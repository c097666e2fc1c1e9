from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "creditdesk.replies"
    label = "replies"
    verbose_name = _("话术库")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="replies",
                title=_("消息与话术"),
                order=13,  # after the contacts (10) and customer requests (12), before the tasks (15)
                url_name="replies:customer_panel",
                fallback_url_name="replies:customer_panel",
                fallback_label=_("查看消息与话术使用"),
            )
        )
