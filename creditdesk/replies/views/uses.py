"""What the scripts produced (issue 18 item 3): a person's uses with their outcome (a CM their own, a team
lead the team's), the CM saying whether the objection was resolved; which answers work over a period (a
table and its chart); the customer 360 page's panel of the messages and scripts sent to the customer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusals_as_http
from creditdesk.customers.selectors import customer_get_visible
from creditdesk.replies import selectors, services
from creditdesk.replies.choices import UseOutcome, UsePurpose
from creditdesk.replies.forms.compose import OutcomeForm, PeriodForm
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.views.common import back_or, nav

USES_PAGE = 30
CHART_SCRIPTS = 12  # the most used scripts drawn (the table lists all)
PANEL_ROWS = 5
OUTCOMES = dict(UseOutcome.choices)
PURPOSES = dict(UsePurpose.choices)


def _rows(uses: Any) -> list[dict[str, Any]]:
    rows = []
    for use in uses:
        value = selectors.use_effective(use)
        rows.append({"use": use, "effective": value, "effective_label": OUTCOMES[value]})
    return rows


@login_required
@require_GET
def uses(request: HttpRequest) -> HttpResponse:
    """话术使用记录: the uses the person sees, newest first, each with its outcome — recorded by the CM
    (异议已化解 / 未化解) or read from the lead (推进, 流失) — and the buttons to record it."""
    page = paginate(request, selectors.uses_visible_to(request.user), per_page=USES_PAGE)
    context = {
        "page": page,
        "rows": _rows(page),
        "can_mark": policy.can(request.user, Action.SCRIPT_USE_OUTCOME),
        "marked": [(o.value, o.label) for o in (UseOutcome.RESOLVED, UseOutcome.UNRESOLVED)],
        **nav(request.user),
    }
    return render(request, "replies/uses.html", context)


@login_required
@require_POST
def use_outcome(request: HttpRequest, use_id: int) -> HttpResponse:
    """登记效果 (who used the script, or their team lead)."""
    form = OutcomeForm(request.POST)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else request.POST.get("outcome", "")
    try:
        with refusals_as_http():
            use = services.use_outcome_set(actor=request.user, use_id=use_id, outcome=outcome)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已登记：“%(q)s”%(outcome)s。") % {"q": use.script.question, "outcome": OUTCOMES[use.outcome]},
        )
    return back_or(request, "replies:uses")


def _chart(rows: list[selectors.ScriptResult]) -> dict[str, Any] | None:
    drawn = rows[:CHART_SCRIPTS]
    if not drawn:
        return None
    return {
        "charts": [
            {
                "el": "chart-scripts",
                "labels": [row.script.question for row in drawn],
                "bars": {"name": str(_("使用次数")), "data": [row.uses for row in drawn], "integer": True},
                "line": {"name": str(_("成功率")), "data": [row.success_rate for row in drawn]},
            }
        ]
    }


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """哪些话术有效: per script, the uses in the person's scope over the period (a CM their own, a team lead
    the team's, the branch head and risk managers the branch's) and how they turned out; the success rate is
    the share of the uses with a known outcome where the lead moved on or the objection was resolved."""
    form = PeriodForm(request.GET or None)
    since, until = form.period()
    rows = selectors.script_results(request.user, since=since, until=until) if not form.errors else []
    table = [
        {
            "result": row,
            "counts": [row.counts[o] for o in UseOutcome.values if o != UseOutcome.PENDING],
            "pending": row.counts[UseOutcome.PENDING],
        }
        for row in rows
    ]
    context = {
        "form": form,
        "table": table,
        "outcome_labels": [OUTCOMES[o] for o in UseOutcome.values if o != UseOutcome.PENDING],
        "chart": _chart(rows),
        **nav(request.user),
    }
    return render(request, "replies/results.html", context)


@login_required
@require_GET
def customer_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The 话术与消息 section of the customer 360 page (loaded by htmx): the latest messages sent to the
    customer (or the customer's leads) and the scripts used with their outcome, in the viewer's scope; the
    "发消息" button for whoever may write to the customer."""
    customer = customer_get_visible(user=request.user, customer_id=customer_id)
    events = list(selectors.messages_to(user=request.user, customer=customer)[:PANEL_ROWS])
    questions = dict(
        ReplyScript.objects.filter(pk__in={e.after.get("script") for e in events} - {None}).values_list(
            "pk", "question"
        )
    )
    sent = [
        {
            "event": event,
            "purpose": PURPOSES.get(str(event.after.get("purpose", "")), ""),
            "question": questions.get(event.after.get("script")),
        }
        for event in events
    ]
    context = {
        "customer": customer,
        "sent": sent,
        "rows": _rows(selectors.uses_visible_to(request.user, customer_id=customer.pk)[:PANEL_ROWS]),
        "can_send": policy.can(request.user, Action.MESSAGE_SEND, customer),
    }
    return render(request, "replies/_customer_panel.html", context)
