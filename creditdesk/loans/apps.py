from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "creditdesk.loans"
    label = "loans"
    verbose_name = _("贷款")

    def ready(self) -> None:
        # 统一授信 counts the loans' outstanding principal (applications is below loans in the layers:
        # it asks through a registry, never by importing this app).
        from creditdesk.applications.selectors.exposure import register_balance_source
        from creditdesk.loans.selectors import loan_balances

        register_balance_source(loan_balances)

        # 贷后管理: a credit inquiry without authorization only for a customer with a loan under management
        from creditdesk.consents.selectors import register_loan_book
        from creditdesk.loans.selectors import customer_has_managed_loan

        register_loan_book(customer_has_managed_loan)

        # the end of day queues repayment reminders as keys; their text is written when they are sent
        from creditdesk.loans.services.reminders import compose_repayment_reminder
        from creditdesk.notifications.choices import Event
        from creditdesk.notifications.composers import register_composer

        register_composer(Event.REPAYMENT_DUE, compose_repayment_reminder)

        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        register_customer_panel(
            CustomerPanel(
                key="loans",
                title=_("贷款与还款"),
                order=60,
                url_name="loans:customer_panel",
                fallback_url_name="loans:customer_panel",
                fallback_label=_("该客户的贷款"),
            )
        )
