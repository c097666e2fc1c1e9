"""Roles and levels of the people who use CreditDesk (PRODUCT.md, "Users and what each may see").

``Role`` is written once, in ``accounts/roles.py`` (a pure enum with its Chinese labels); this module
re-exports it and derives the Django choices from it, each label through Django's translation.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.roles import BRANCH_ROLES, TEAM_ROLES, Role
from creditdesk.core.choices import django_choices

__all__ = ["BRANCH_ROLES", "ROLE_CHOICES", "TEAM_ROLES", "ManagerLevel", "Role"]

# The model field's choices, in the enum's order: (value, translated label).
ROLE_CHOICES = django_choices(Role)


class ManagerLevel(models.TextChoices):
    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    SENIOR = "senior", _("高级")
