"""待办事项 pages: the list, a new task, a task's page, and the status buttons (HTMX-aware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import scope
from creditdesk.agenda import selectors, services
from creditdesk.agenda.choices import TaskStatus
from creditdesk.agenda.filtersets import TaskFilterSet
from creditdesk.agenda.forms import TaskCustomerForm, TaskForm
from creditdesk.core.api.ids import parse_id
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_get_visible, customer_list_visible_to, customer_search

CANDIDATES = 20  # options the customer search box offers
PANEL_TASKS = 10  # open tasks the 360 page's panel lists (the rest: the task list, filtered)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    filterset = TaskFilterSet(request.GET or None, queryset=selectors.task_list_visible_to(user=request.user))
    tasks = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else filterset.queryset.filter(status=TaskStatus.OPEN)
    )
    page = paginate(request, tasks)
    return render(request, "agenda/task_list.html", {"filter": filterset, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest) -> HttpResponse:
    """新建待办; ``?customer=<id>`` (the 360 page's button) pre-fills the customer when it is in scope."""
    chosen = _chosen_customer(
        request, (request.POST if request.method == "POST" else request.GET).get("customer")
    )
    form = TaskForm(request.POST or None, user=request.user, customer=chosen)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_create(
                actor=request.user,
                owner=data.get("owner") or request.user,
                title=data["title"],
                kind=data["kind"],
                due_date=data["due_date"],
                notes=data["notes"],
                customer_id=data.get("customer"),
            )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已新建待办：%(title)s") % {"title": task.title})
            return redirect("agenda:detail", task_id=task.pk)
    return render(request, "agenda/task_form.html", {"form": form})


def _chosen_customer(request: HttpRequest, value: str | None) -> Customer | None:
    """The customer named by ``value`` if the person may pick it, else None (nothing is learnt about a
    customer outside the scope; the service refuses it on save)."""
    try:
        customer_id = parse_id(value)
    except ValueError:
        return None
    return customer_list_visible_to(user=request.user).filter(pk=customer_id).first()


@login_required
@require_GET
def customer_candidates(request: HttpRequest) -> HttpResponse:
    """The options of the task form's 关联客户 field: the search box's results (name, pinyin, phone or ID
    tail, as on the 360 page's relationship picker) among the customers the person may see."""
    query = request.GET.get("q", "").strip()[:50]
    found = list(customer_search(user=request.user, query=query)[:CANDIDATES]) if query else []
    return render(request, "agenda/_customer_options.html", {"found": found, "query": query})


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 待办 section of the customer 360 page (loaded by htmx): the open tasks about the customer that
    the viewer may see — their own, or their team's for a team lead, their branch's for a branch head."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    tasks = list(selectors.customer_open_tasks(user=request.user, customer=customer)[: PANEL_TASKS + 1])
    return render(
        request,
        "agenda/_customer_panel.html",
        {"customer": customer, "tasks": tasks[:PANEL_TASKS], "more": len(tasks) > PANEL_TASKS},
    )


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_visible(user=request.user, task_id=task_id)
    can_change = scope.can_change(request.user, task)
    context = {
        "task": task,
        "can_change": can_change,
        "customer_form": TaskCustomerForm(customer=task.customer) if can_change else None,
    }
    return render(request, "agenda/task_detail.html", context)


@login_required
@require_POST
def task_status(request: HttpRequest, task_id: int, status: str) -> HttpResponse:
    if status not in TaskStatus.values:
        raise Http404
    try:
        with refusals_as_http():
            task = services.task_set_status(actor=request.user, task_id=task_id, status=status)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("agenda:detail", task_id=task_id)
    if is_htmx(request):
        return render(request, "agenda/_task_row.html", {"task": task})
    messages.success(request, _("待办状态已更新为：%(status)s") % {"status": task.get_status_display()})
    return _redirect_back(request, task.pk)


@login_required
@require_POST
def task_customer(request: HttpRequest, task_id: int) -> HttpResponse:
    """关联客户 from the task's page: link the task to the chosen customer, or to none."""
    form = TaskCustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["customer"][0])
        return redirect("agenda:detail", task_id=task_id)
    try:
        with refusals_as_http():
            task = services.task_set_customer(
                actor=request.user, task_id=task_id, customer_id=form.cleaned_data.get("customer")
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已关联客户：%(name)s") % {"name": task.customer.name}
            if task.customer
            else _("已取消关联客户。"),
        )
    return redirect("agenda:detail", task_id=task_id)


def _redirect_back(request: HttpRequest, task_id: int) -> HttpResponse:
    """Back to the page the button was on (``next``, same host only), else the task's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("agenda:detail", task_id=task_id)
