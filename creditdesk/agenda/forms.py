from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.agenda.choices import TaskKind
from creditdesk.core.actions import Action
from creditdesk.core.api.ids import IdFormField
from creditdesk.core.forms import DateFormField
from creditdesk.core.forms import Form as ProjectForm
from creditdesk.customers.models import Customer

NO_CUSTOMER = ("", _("— 不关联客户 —"))


class TaskForm(ProjectForm):
    """New task. A team lead may choose a member of the team as the owner; everyone else gets it. The
    customer (optional) is found with the search box next to the field (``customer_candidates`` fills
    its options); the service checks that the person and the owner can see it."""

    title = forms.CharField(label=_("事项"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=TaskKind.choices, initial=TaskKind.FOLLOW_UP)
    due_date = DateFormField(label=_("截止日期"))
    notes = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none(), required=False)
    customer = IdFormField(label=_("关联客户"), required=False, widget=forms.Select(choices=[NO_CUSTOMER]))

    def __init__(self, *args: Any, user: User, customer: Customer | None = None, **kwargs: Any):
        """``customer``: the customer already chosen (pre-filled from the 360 page, or posted), looked
        up in the person's scope by the view, shown as the selected option."""
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["customer"].widget.choices = [NO_CUSTOMER, (customer.pk, customer.name)]
            self.fields["customer"].initial = customer.pk
        self.fields["due_date"].initial = timezone.localdate()
        if policy.can(user, Action.TASK_ASSIGN):  # a team lead with a team: the team's active members
            self.fields["owner"].queryset = User.objects.filter(
                team_id=user.team_id, is_active=True
            ).order_by("username")
            self.fields["owner"].initial = user.pk
        else:
            del self.fields["owner"]


class TaskCustomerForm(ProjectForm):
    """Change the customer a task is about (the task's page); empty: about no customer."""

    customer = IdFormField(label=_("关联客户"), required=False, widget=forms.Select(choices=[NO_CUSTOMER]))

    def __init__(self, *args: Any, customer: Customer | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["customer"].widget.choices = [NO_CUSTOMER, (customer.pk, customer.name)]
            self.fields["customer"].initial = customer.pk
