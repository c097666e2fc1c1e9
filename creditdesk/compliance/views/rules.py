"""合规规则 — the guard's rules as data a compliance reviewer edits (risk managers and administrators:
``COMPLIANCE_RULE_MANAGE``; anyone else 403): the list, a new rule, a rule's form. A pattern that does not
compile is refused with the reason on the pattern field; a rule is never deleted (it is retired: 停用),
and an edit applies at the next text checked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.compliance import selectors, services
from creditdesk.compliance.choices import Channel
from creditdesk.compliance.filtersets import ComplianceRuleFilterSet
from creditdesk.compliance.forms import RuleForm
from creditdesk.compliance.models import ComplianceRule
from creditdesk.compliance.views.common import nav, query_string
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """合规规则 by code, active and retired, filtered by kind, severity and state."""
    with refusals_as_http():
        rules = selectors.rules_for(user=request.user)
    filterset = ComplianceRuleFilterSet(request.GET or None, queryset=rules)
    rows_found = filterset.qs if not filterset.is_bound or filterset.is_valid() else rules.none()
    page = paginate(request, rows_found)
    channel_labels = dict(Channel.choices)
    rows = [
        {"rule": rule, "channels": [channel_labels.get(c, c) for c in sorted(rule.channel_set())]}
        for rule in page.object_list
    ]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "query_string": query_string(request),
        **nav(request.user),
    }
    return render(request, "compliance/rule_list.html", context)


def _initial(rule: ComplianceRule) -> dict[str, Any]:
    return services.rule_values(rule)


def _rule_form(request: HttpRequest, rule: ComplianceRule | None) -> HttpResponse:
    """The form of a new rule (``rule`` None) or of ``rule``, saved through ``rule_save``; a refusal is
    shown on the field it names (a bad regex: on the pattern, with the reason)."""
    editing = rule is not None
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST, editing=editing, initial=_initial(rule) if rule is not None else None)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            values = {**data, "channels": ",".join(data["channels"])}
            try:
                with refusals_as_http():
                    saved = services.rule_save(
                        actor=request.user,
                        data=services.RuleInput(**values),
                        rule_id=rule.pk if rule is not None else None,
                    )
            except DomainError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("合规规则“%(name)s”已保存，下一次检查起生效。") % {"name": saved.name}
                )
                return redirect("compliance:rules")
    else:
        form = RuleForm(initial=_initial(rule) if rule is not None else None, editing=editing)
    context = {"form": form, "rule": rule, **nav(request.user)}
    return render(request, "compliance/rule_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request: HttpRequest) -> HttpResponse:
    with refusals_as_http():
        policy.require(request.user, Action.COMPLIANCE_RULE_MANAGE)
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    with refusals_as_http():
        rule = selectors.rule_get(user=request.user, rule_id=rule_id)
    return _rule_form(request, rule)
