from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "creditdesk.scoring"
    label = "scoring"
    verbose_name = _("信用评分")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="assessment",
                title=_("需求与预评估"),
                order=20,
                url_name="scoring:panel",
                fallback_url_name="scoring:assess",
                fallback_label=_("做预评估"),
            )
        )
