from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "creditdesk.customers"
    label = "customers"
    verbose_name = _("客户管理")

    def ready(self) -> None:
        from creditdesk.core.panels import CustomerPanel, register_customer_panel

        # Areas not built yet: the app that builds one registers the same key and replaces it.
        for key, title, order, placeholder in (
            ("contacts", _("联系记录"), 10, _("营销与拜访记录将在此展示（营销模块即将推出）。")),
            ("applications", _("申请"), 50, _("暂无申请。")),
            ("loans", _("贷款与还款"), 60, _("暂无贷款。")),
            ("warnings", _("预警"), 70, _("暂无预警。")),
        ):
            register_customer_panel(CustomerPanel(key=key, title=title, order=order, placeholder=placeholder))
