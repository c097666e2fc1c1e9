from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "creditdesk.consents"
    label = "consents"
    verbose_name = _("授权与征信查询")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="consents",
                title=_("授权与征信查询"),
                order=80,
                url_name="consents:panel",
                fallback_url_name="consents:customer",
                fallback_label=_("授权与征信查询"),
            )
        )
        # Replaces the customers app's 预警 placeholder: a current overdue in the latest credit report.
        register_customer_panel(
            CustomerPanel(
                key="warnings",
                title=_("预警"),
                order=70,
                url_name="consents:warnings",
                fallback_url_name="consents:customer",
                fallback_label=_("授权与征信查询"),
            )
        )
