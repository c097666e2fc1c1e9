"""Sign-in, sign-out, password change and the staff directory."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from creditdesk.accounts import services
from creditdesk.accounts.choices import ROLE_CHOICES
from creditdesk.accounts.forms import LoginForm
from creditdesk.accounts.selectors import staff_visible_to


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, so a link on another site cannot sign a person out)."""


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("workbench:home")

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.user_password_change(actor=form.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)  # stay signed in with the new password
        messages.success(self.request, _("密码已修改。"))
        return HttpResponseRedirect(self.get_success_url())


class StaffListView(LoginRequiredMixin, ListView):
    """同事 — the people in the signed-in person's scope, with their roles and teams."""

    template_name = "accounts/staff_list.html"
    context_object_name = "staff"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return staff_visible_to(
            user=self.request.user,
            role=self.request.GET.get("role") or None,
            search=(self.request.GET.get("q") or "").strip() or None,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["roles"] = ROLE_CHOICES
        context["selected_role"] = self.request.GET.get("role", "")
        context["q"] = self.request.GET.get("q", "")
        return context
