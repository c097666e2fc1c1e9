from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "creditdesk.products"
    label = "products"
    verbose_name = _("产品与方案")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="need",
                title=_("需求分析"),
                order=30,
                url_name="products:panel",
                fallback_url_name="products:need",
                fallback_label=_("需求分析"),
            )
        )
