from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "creditdesk.products"
    label = "products"
    verbose_name = _("产品与方案")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel
        from creditdesk.customers import sensitive
        from creditdesk.products.models import Need, NeedDebt

        # A needs record's income figures are sensitive: masked everywhere, unmasked by the one service.
        amount = (sensitive.mask_amount, sensitive.clear_amount)
        sensitive.register(
            "need",
            Need,
            {
                name: (Need._meta.get_field(name).verbose_name, *amount)
                for name in (
                    "monthly_income",
                    "monthly_debt_payments",
                    "monthly_revenue",
                    "monthly_costs",
                    "co_borrower_monthly_income",
                )
            },
            customer_of=lambda need: need.customer,
        )
        # An existing debt's balance (or limit in use) is the customer's too, reached through its need.
        sensitive.register(
            "need_debt",
            NeedDebt,
            {"balance": (NeedDebt._meta.get_field("balance").verbose_name, *amount)},
            customer_of=lambda debt: debt.need.customer,
        )

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
