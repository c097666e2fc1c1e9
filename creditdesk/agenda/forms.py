from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskKind
from creditdesk.core.actions import Action


class TaskForm(forms.Form):
    """New task. A team lead may choose a member of the team as the owner; everyone else gets it."""

    title = forms.CharField(label=_("事项"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=TaskKind.choices, initial=TaskKind.FOLLOW_UP)
    due_date = forms.DateField(
        label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = timezone.localdate()
        if policy.can(user, Action.TASK_ASSIGN):  # a team lead with a team: the team's active members
            self.fields["owner"].queryset = User.objects.filter(
                team_id=user.team_id, is_active=True
            ).order_by("username")
            self.fields["owner"].initial = user.pk
        else:
            del self.fields["owner"]
