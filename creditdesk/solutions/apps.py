from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "creditdesk.solutions"
    label = "solutions"
    verbose_name = _("方案")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="solutions",
                title=_("方案"),
                order=40,
                url_name="solutions:panel",
                fallback_url_name="solutions:match",
                fallback_label=_("产品匹配"),
            )
        )
