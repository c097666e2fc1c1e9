from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "creditdesk.marketing"
    label = "marketing"
    verbose_name = _("营销与客户关系")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel
        from creditdesk.customers.services import register_handover_listener
        from creditdesk.marketing.services import leads_follow_handover

        # A handed-over customer's open leads go to the new owner, in the handover's transaction.
        register_handover_listener("marketing.leads", leads_follow_handover)

        register_customer_panel(
            CustomerPanel(
                key="contacts",
                title=_("营销与客户关怀"),
                order=10,
                url_name="marketing:customer_panel",
                fallback_url_name="marketing:customer_panel",
                fallback_label=_("查看线索、反馈与推荐"),
                wide=True,  # leads and follow-ups beside feedback, offers, education and surveys
            )
        )
