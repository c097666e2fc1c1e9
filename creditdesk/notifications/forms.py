from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import Form as ProjectForm


class NotificationReadForm(ProjectForm):
    """The 已读 / 查看 buttons of a notification: ``follow`` opens the page the notification is about once
    it is marked read; ``next`` is the page to come back to otherwise (same site only, checked by the
    view)."""

    follow = forms.BooleanField(label=_("打开相关页面"), required=False)
    next = forms.CharField(label=_("返回页面"), required=False, max_length=300)
