"""What every 话术库 page shares: the sub-navigation, the compliance preview's address, the "back to where
the button was" of a form posted from another page, the conversation (lead or customer) a search is for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.marketing.models import Lead
from creditdesk.marketing.selectors import lead_list_visible_to
from creditdesk.replies import services
from creditdesk.replies.selectors import review_queue


def nav(user: Any) -> dict[str, Any]:
    """The sub-navigation's links and buttons ``user`` is shown (``replies/_subnav.html``)."""
    can_review = policy.can(user, Action.SCRIPT_REVIEW)
    return {
        "can_write": policy.can(user, Action.SCRIPT_WRITE),
        "can_review": can_review,
        "pending_count": review_queue().count() if can_review else 0,
    }


def preview_url() -> str:
    """The compliance app's live check of a text being typed (``compliance:preview``), or "" while that
    page does not exist: the forms then work without the preview."""
    try:
        return reverse("compliance:preview")
    except NoReverseMatch:
        return ""


def back_or(request: HttpRequest, to: str, *args: Any, **kwargs: Any) -> HttpResponse:
    """Back to the page the form was on (``next``, same host only), else ``to`` (a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(to, *args, **kwargs)


def _id(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 19 else None


@dataclass(frozen=True)
class Context:
    """The conversation a search is for: a lead or a customer the person sees (their stage and tier rank
    the fitting scripts a little higher; their values fill the placeholders of what is copied)."""

    lead: Lead | None = None
    customer: Customer | None = None
    error: str = ""

    @property
    def given(self) -> bool:
        return self.lead is not None or self.customer is not None

    def params(self) -> dict[str, int]:
        """The query parameters that carry this conversation to the next page."""
        if self.lead is not None:
            return {"lead": self.lead.pk}
        if self.customer is not None:
            return {"customer": self.customer.pk}
        return {}

    def query(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.params().items())

    def placeholder_values(self, user: Any) -> dict[str, str]:
        if not self.given:
            return {}
        customer = self.customer if self.customer is not None else (self.lead.customer if self.lead else None)
        return services.placeholder_values(actor=user, customer=customer, lead=self.lead)


def conversation(user: Any, data: Any) -> Context:
    """The lead (``lead``) or customer (``customer``) of ``data`` that ``user`` sees; one out of scope or
    not a number is dropped with the sentence saying so (the page still searches, without it)."""
    lead_id, customer_id = data.get("lead"), data.get("customer")
    if lead_id not in (None, ""):
        pk = _id(lead_id)
        lead = (
            lead_list_visible_to(user=user).select_related("customer").filter(pk=pk).first()
            if pk is not None
            else None
        )
        if lead is None:
            return Context(error=_("线索不存在或不在您的权限范围内。"))
        return Context(lead=lead)
    if customer_id not in (None, ""):
        pk = _id(customer_id)
        customer = customer_list_visible_to(user=user).filter(pk=pk).first() if pk is not None else None
        if customer is None:
            return Context(error=_("客户不存在或不在您的权限范围内。"))
        return Context(customer=customer)
    return Context()
