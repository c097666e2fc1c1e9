from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "creditdesk.applications"
    verbose_name = _("贷款申请与审批")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="applications",
                title=_("申请"),
                order=50,
                url_name="applications:customer_panel",
                fallback_url_name="applications:customer_documents",
                fallback_label=_("客户资料"),
            )
        )
