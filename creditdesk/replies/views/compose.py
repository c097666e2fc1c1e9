"""发消息 (issue 18 item 3): a message to a customer or a lead, from a script of the library or typed.

The composer says whom it goes to (the phone masked), searches the library in place (htmx), and "使用"
puts the script's approved text in the box with the placeholders it could fill filled — those it could
not are listed in red for the CM to type. The compliance guard previews the text while it is typed (the
compliance app's ``compliance:preview``, on the channel of the purpose) and checks it again when it is
sent: a blocked text comes back with the findings and nothing of it lost. Sent: back to the lead or the
customer's page, with the guard's reminders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.compliance.services import ComplianceBlocked
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.masking import mask_phone
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_search
from creditdesk.marketing.choices import LeadStage
from creditdesk.marketing.models import Lead
from creditdesk.marketing.selectors import lead_list_visible_to
from creditdesk.replies import placeholders, services
from creditdesk.replies.choices import UsePurpose
from creditdesk.replies.forms.compose import MessageForm, SearchForm, guard_channel
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services import MessageInput
from creditdesk.replies.services.library import approved_content
from creditdesk.replies.views.common import Context, nav, preview_url
from creditdesk.replies.views.library import search_hits

PICK = 10  # customers and leads the recipient picker lists


def _script_question(form: MessageForm) -> str:
    """The question of the script the draft came from (the form's hidden ``script``), for the reader."""
    value = form.data.get("script") if form.is_bound else form.initial.get("script")
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        return ""
    script = ReplyScript.objects.filter(pk=int(text)).first()
    content = approved_content(script) if script is not None else None  # the text in use, never a draft's
    return str(content["question"]) if content is not None else ""


def _recipient(request: HttpRequest, data: Any) -> tuple[Customer | None, Lead | None]:
    """The lead (and its customer) or the customer of ``data``: 404 out of scope, 403 not theirs to write
    to."""
    with refusals_as_http():
        return services.message_recipient(
            actor=request.user, customer_id=data.get("customer"), lead_id=data.get("lead")
        )


def _ids(customer: Customer | None, lead: Lead | None) -> dict[str, int]:
    return (
        {"lead": lead.pk} if lead is not None else {"customer": customer.pk} if customer is not None else {}
    )


def _page(
    request: HttpRequest,
    customer: Customer | None,
    lead: Lead | None,
    form: MessageForm,
    *,
    status: int = 200,
    missing: list[str] | None = None,
    draft_error: str = "",
    search_form: SearchForm | None = None,
    hits: list[dict[str, Any]] | None = None,
    search_error: str = "",
    blocked: str = "",
    findings: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    phone = (customer.phone if customer is not None else "") or (lead.phone if lead is not None else "")
    ids = _ids(customer, lead)
    context = {
        "customer": customer,
        "lead": lead,
        "name": lead.name if lead is not None else customer.name if customer is not None else "",
        "phone_masked": mask_phone(phone) if phone else "",
        "form": form,
        "missing": missing or [],
        "draft_error": draft_error,
        "search_form": search_form or SearchForm(initial=ids),
        "hits": hits or [],
        "searched": hits is not None or bool(search_error),
        "error": search_error,
        "compose": True,
        "context": Context(lead=lead, customer=customer if lead is None else None),
        "blocked": blocked,
        "findings": findings or [],
        "preview_url": preview_url(),
        "purposes": [(value, label, guard_channel(value)) for value, label in UsePurpose.choices],
        "script_question": _script_question(form),
        "channel": form.channel(),
        "compliance_css": static("compliance/compliance.css") if preview_url() else "",
        **nav(request.user),
    }
    return render(request, "replies/compose.html", context, status=status)


def _picker(request: HttpRequest) -> HttpResponse:
    """No recipient yet: the customers (people search) and open leads matching ``who``, or the person's
    recently worked leads; each links to the composer for them (with the script chosen, if any)."""
    with refusals_as_http():
        policy.require(request.user, Action.MESSAGE_SEND)
    who = (request.GET.get("who") or "").strip()[:50]
    leads = lead_list_visible_to(user=request.user).exclude(stage__in=(LeadStage.LOST, LeadStage.DISBURSED))
    customers: list[Customer] = []
    if who:
        leads = leads.filter(name__icontains=who)
        customers = list(customer_search(user=request.user, query=who)[:PICK])
    script = request.GET.get("script", "")
    context = {
        "who": who,
        "leads": list(leads.order_by("-last_touched_at", "-id")[:PICK]),
        "customers": customers,
        "script": script if script.isascii() and script.isdigit() else "",
        **nav(request.user),
    }
    return render(request, "replies/pick.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest) -> HttpResponse:
    """发消息 to ``?lead=`` or ``?customer=`` (``&script=``: start from that script). POST sends it."""
    data = request.POST if request.method == "POST" else request.GET
    if data.get("customer") in (None, "") and data.get("lead") in (None, ""):
        return _picker(request)
    customer, lead = _recipient(request, data)
    ids = _ids(customer, lead)
    if request.method == "POST":
        return _send(request, customer, lead)
    initial: dict[str, Any] = {**ids, "purpose": request.GET.get("purpose") or UsePurpose.ANSWER}
    missing: list[str] = []
    draft_error = ""
    script_id = request.GET.get("script")
    if script_id not in (None, ""):
        try:
            with refusals_as_http():
                rendered = services.script_render(
                    actor=request.user,
                    script_id=script_id,
                    customer_id=ids.get("customer"),
                    lead_id=ids.get("lead"),
                )
        except DomainError as exc:
            draft_error = exc.message
        else:
            initial.update(text=rendered.text, script=script_id)
            missing = rendered.missing
    if initial["purpose"] not in UsePurpose.values:
        initial["purpose"] = UsePurpose.ANSWER
    form = MessageForm(initial=initial)
    if is_htmx(request) and script_id not in (None, ""):
        context = {
            "form": form,
            "missing": missing,
            "draft_error": draft_error,
            "preview_url": preview_url(),
            "script_question": _script_question(form),
        }
        return render(request, "replies/_draft.html", context)
    return _page(request, customer, lead, form, missing=missing, draft_error=draft_error)


def _send(request: HttpRequest, customer: Customer | None, lead: Lead | None) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _page(request, customer, lead, form, status=400)
    data = form.cleaned_data
    text = data["text"] or ""
    try:
        with refusals_as_http():
            sent = services.message_send(
                actor=request.user,
                data=MessageInput(
                    text=text,
                    purpose=data["purpose"],
                    customer=customer.pk if lead is None and customer is not None else None,
                    lead=lead.pk if lead is not None else None,
                    script=data["script"],
                ),
            )
    except ComplianceBlocked as exc:
        return _page(
            request,
            customer,
            lead,
            form,
            status=exc.status,
            missing=placeholders.used(text),
            blocked=exc.message,
            findings=exc.extra.get("findings", []),
        )
    except DomainError as exc:
        refusal_on_form(form, exc)
        return _page(request, customer, lead, form, status=exc.status, missing=placeholders.used(text))
    name = lead.name if lead is not None else customer.name if customer is not None else ""
    messages.success(request, _("消息已发送给%(name)s（短信）。") % {"name": name})
    for warning in sent.warnings:
        messages.warning(request, _("合规提醒：%(message)s") % {"message": warning.get("message", "")})
    if lead is not None:
        return redirect("marketing:lead_detail", lead_id=lead.pk)
    assert customer is not None
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def compose_search(request: HttpRequest) -> HttpResponse:
    """The composer's search of the library (the same as the 话术库 page's), for the lead or customer
    written to: each hit's "使用" puts its text in the box."""
    customer, lead = _recipient(request, request.POST)
    form = SearchForm(request.POST)
    hits, error = search_hits(request, form, Context(lead=lead, customer=customer if lead is None else None))
    status = 400 if error else 200
    if is_htmx(request):
        context = {
            "hits": hits,
            "error": error,
            "searched": True,
            "compose": True,
            "context": Context(lead=lead, customer=customer if lead is None else None),
        }
        return render(request, "replies/_results.html", context, status=status)
    message = MessageForm(initial={**_ids(customer, lead), "purpose": UsePurpose.ANSWER})
    return _page(
        request, customer, lead, message, status=status, search_form=form, hits=hits, search_error=error
    )
