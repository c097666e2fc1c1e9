from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "creditdesk.accounts"
    label = "accounts"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from creditdesk.accounts import policy, receivers  # noqa: F401  (receivers: login/logout audit)
        from creditdesk.core.actions import answered_by

        answered_by(policy)  # core's navigation and audit trail ask the one policy
