from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "creditdesk.solutions"
    label = "solutions"
    verbose_name = _("方案")
