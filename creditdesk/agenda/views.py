"""待办事项 pages: the list, a new task, a task's page, and the status buttons (HTMX-aware)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from creditdesk.accounts import scope
from creditdesk.agenda import selectors, services
from creditdesk.agenda.choices import TaskStatus
from creditdesk.agenda.filtersets import TaskFilterSet
from creditdesk.agenda.forms import TaskForm
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http


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
    form = TaskForm(request.POST or None, user=request.user)
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
            )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已新建待办：%(title)s") % {"title": task.title})
            return redirect("agenda:detail", task_id=task.pk)
    return render(request, "agenda/task_form.html", {"form": form})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_visible(user=request.user, task_id=task_id)
    return render(
        request, "agenda/task_detail.html", {"task": task, "can_change": scope.can_change(request.user, task)}
    )


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


def _redirect_back(request: HttpRequest, task_id: int) -> HttpResponse:
    """Back to the page the button was on (``next``, same host only), else the task's page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("agenda:detail", task_id=task_id)
