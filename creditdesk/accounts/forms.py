"""Sign-in and password forms with Chinese messages that say what to do."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import ProjectMessagesMixin


class LoginForm(ProjectMessagesMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("用户名或密码错误，请重新输入。连续多次输入错误，账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }
