"""客户诉求 pages: the list (the soonest due first, the late ones in red with how late), a new request (with
the suggested tier shown as the text is typed, by htmx), and a request's page with its history and the
forms of whoever may work it (respond, close, escalate — each shown only when the policy allows).

Every write goes through one service; a refusal is shown on the form that was sent (400, or the
refusal's status), out of scope is 404 and "visible, but not yours to do" 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to
from creditdesk.finance.workdays import is_working_day
from creditdesk.servicedesk import routing, selectors, services, tiering
from creditdesk.servicedesk.choices import (
    MAX_ESCALATION,
    Complexity,
    RequestKind,
    RequestStatus,
    Tier,
    Urgency,
)
from creditdesk.servicedesk.filtersets import ServiceRequestFilterSet
from creditdesk.servicedesk.forms import CloseForm, EscalateForm, RequestForm, RespondForm
from creditdesk.servicedesk.models import TEXT_MAX, ServiceRequest

LIST_FILTERS = ("q", "status", "kind", "tier", "late", "mine")
HISTORY_ROWS = 100


def _require_areas(request: HttpRequest) -> None:
    """Customer requests are the front line's (CMs, team leads, branch heads, risk managers)."""
    with refusals_as_http():
        policy.require(request.user, Action.CUSTOMER_AREAS_OPEN)


def _request_or_404(request: HttpRequest, request_id: int) -> ServiceRequest:
    with refusals_as_http():
        return selectors.request_get_visible(user=request.user, request_id=request_id)


def _query_string(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- the list -------------------------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """客户诉求列表: the requests of the customers the person sees, filtered (the filter set of the API),
    the unanswered first by their target, paginated."""
    _require_areas(request)
    rows = selectors.requests_visible_to(user=request.user)
    filterset = ServiceRequestFilterSet(request.GET or None, queryset=rows, request=request)
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(request, found)
    context = {
        "filter": filterset,
        "fields": [filterset.form[name] for name in LIST_FILTERS],
        "page": page,
        "rows": list(page.object_list),
        "now": timezone.now(),
        "can_record": policy.can(request.user, Action.SERVICE_REQUEST_RECORD),
        "query_string": _query_string(request),
    }
    return render(request, "servicedesk/request_list.html", context)


# --- a new request ----------------------------------------------------------------------------------------


def _picked_customer(request: HttpRequest) -> Customer | None:
    """The customer already chosen — posted back, or ``?customer=`` from the 360 page — if the person may
    pick them (in scope, not merged away); else None (the search box fills the list)."""
    raw = request.POST.get("customer") or request.GET.get("customer") or ""
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        return None
    return customer_list_visible_to(user=request.user).filter(pk=int(raw)).first()


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """登记客户诉求. Valid → the request's page (routed, on the assignee's agenda); refused → the form with
    the sentence on the field it names."""
    user = request.user
    with refusals_as_http():
        policy.require(user, Action.SERVICE_REQUEST_RECORD)
    customer = _picked_customer(request)
    form = RequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_record(
                actor=user,
                customer_id=data["customer"],
                text=data["text"],
                channel=data["channel"],
                kind=data["kind"],
                urgency=data["urgency"],
                complexity=data["complexity"],
                received_at=data["received_at"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:  # a customer no longer theirs to pick (NotFound) said on its field
            refusal_on_form(form, exc, field="customer" if isinstance(exc, NotFound) else None)
        else:
            messages.success(
                request,
                _("已登记客户诉求 %(number)s，由 %(person)s 在 %(due)s 前响应。")
                % {
                    "number": created.number,
                    "person": created.assignee.get_full_name(),
                    "due": timezone.localtime(created.due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("servicedesk:detail", request_id=created.pk)
    status = 400 if form.errors else 200
    return render(request, "servicedesk/request_form.html", {"form": form}, status=status)


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """建议分级 (htmx, as the text is typed): the kind, urgency and complexity the text suggests with the
    reasons, and the tier, response hours and due time the tier matrix gives if received now."""
    with refusals_as_http():
        policy.require(request.user, Action.SERVICE_REQUEST_RECORD)
    text = request.POST.get("text", "")
    context: dict[str, Any] = {"length": len(text.strip()), "limit": TEXT_MAX}
    if text.strip() and len(text.strip()) <= TEXT_MAX:
        suggestion = tiering.suggest(text)
        chosen = {
            "kind": _chosen(request, "kind", RequestKind, suggestion.kind),
            "urgency": _chosen(request, "urgency", Urgency, suggestion.urgency),
            "complexity": _chosen(request, "complexity", Complexity, suggestion.complexity),
        }
        target = tiering.target_for(
            selectors.tier_specs(),
            **{name: str(value) for name, value in chosen.items()},
            received=timezone.localtime(),
            is_working_day=is_working_day,
        )
        labels = {name: value.label for name, value in chosen.items()}
        labels["tier"] = Tier(target.tier.value).label
        context.update(suggestion=suggestion, target=target, labels=labels)
    return render(request, "servicedesk/_suggestion.html", context)


def _chosen(request: HttpRequest, name: str, choices: Any, suggested: str) -> Any:
    """The value the person chose in the form's field ``name`` (a member of ``choices``), else the
    suggestion's — as the Django choice, whose label is translated."""
    value = request.POST.get(name, "")
    return choices(value if value in choices.values else str(suggested))


# --- a request's page and its forms -------------------------------------------------------------------------


def _detail(request: HttpRequest, item: ServiceRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The request's page; ``forms`` replace its blank forms (a bound form with its errors)."""
    user = request.user
    can_handle = policy.can(user, Action.SERVICE_REQUEST_HANDLE, item)
    is_complaint = item.kind == RequestKind.COMPLAINT
    can_close = (
        can_handle
        and item.status != RequestStatus.CLOSED
        and (not is_complaint or policy.can(user, Action.COMPLAINT_CLOSE, item))
    )
    upper = routing.next_up(item.assignee) if item.is_open and item.assignee_id == user.pk else None
    shown = {
        "respond_form": can_handle and item.is_open,
        "close_form": can_close,
        "escalate_form": upper is not None and item.escalation_level < MAX_ESCALATION,
    }
    # a refusal on a form the page no longer shows (answered meanwhile: 409) is said above the page
    stray = [
        str(error)
        for name, form in forms.items()
        if not shown.get(name, False)
        for errors in form.errors.values()
        for error in errors
    ]
    context = {
        "item": item,
        "now": timezone.now(),
        "stray_errors": stray,
        "events": list(selectors.events_of(item)[:HISTORY_ROWS]),
        "can_respond": shown["respond_form"],
        "can_close": can_close,
        "complaint_needs_lead": is_complaint and not can_close and item.status != RequestStatus.CLOSED,
        "can_escalate": shown["escalate_form"],
        "upper": upper,
        "respond_form": forms.get("respond_form") or RespondForm(auto_id="r-%s"),
        "close_form": forms.get("close_form") or CloseForm(auto_id="c-%s"),
        "escalate_form": forms.get("escalate_form") or EscalateForm(auto_id="e-%s"),
    }
    return render(request, "servicedesk/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """诉求详情: out of scope 404 (an approver or administrator sees no customer's requests)."""
    return _detail(request, _request_or_404(request, request_id))


def _posted(
    request: HttpRequest,
    request_id: int,
    form: Any,
    name: str,
    write: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """A form of the request's page: out of scope → 404; may not work it → 403 (before the form is read);
    valid → the service → back to the page with ``done``; invalid or refused → the page with the form and
    its errors (400, or the refusal's status)."""
    item = _request_or_404(request, request_id)
    if not policy.can(request.user, Action.SERVICE_REQUEST_HANDLE, item):
        raise PermissionDenied
    status = 400
    if form.is_valid():
        try:
            with refusals_as_http():
                write(form.cleaned_data)
        except DomainError as exc:
            refusal_on_form(form, exc)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect("servicedesk:detail", request_id=item.pk)
    return _detail(request, _request_or_404(request, request_id), status=status, **{name: form})


@login_required
@require_POST
def request_respond(request: HttpRequest, request_id: int) -> HttpResponse:
    """响应: the answer, checked by the compliance guard before it is recorded."""
    return _posted(
        request,
        request_id,
        RespondForm(request.POST, auto_id="r-%s"),
        "respond_form",
        lambda data: services.request_respond(
            actor=request.user, request_id=request_id, response=data["response"]
        ),
        _("已记录响应。"),
    )


@login_required
@require_POST
def request_close(request: HttpRequest, request_id: int) -> HttpResponse:
    """办结 with the resolution (a complaint: the team lead or branch head)."""
    return _posted(
        request,
        request_id,
        CloseForm(request.POST, auto_id="c-%s"),
        "close_form",
        lambda data: services.request_close(
            actor=request.user, request_id=request_id, resolution=data["resolution"]
        ),
        _("诉求已办结。"),
    )


@login_required
@require_POST
def request_escalate(request: HttpRequest, request_id: int) -> HttpResponse:
    """升级 by the assignee, to the next level up."""
    return _posted(
        request,
        request_id,
        EscalateForm(request.POST, auto_id="e-%s"),
        "escalate_form",
        lambda data: services.request_escalate(actor=request.user, request_id=request_id, note=data["note"]),
        _("诉求已升级。"),
    )
