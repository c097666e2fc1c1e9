"""案例库 and 金融知识 (issue 17; seeds 001, 003): the team's won and lost cases — searched, read, written —
and the customer education a CM sends (read here in full, with the rule each rests on)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.marketing import selectors, services
from creditdesk.marketing.forms.knowledge import CaseForm, CaseSearchForm
from creditdesk.marketing.models import Lead
from creditdesk.marketing.views.common import nav, require_areas


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """案例库: the cases the person's team (a branch head's, a risk manager's: branch) wrote, newest first;
    searched by words in the title, industry, tags or text, and by outcome."""
    require_areas(request)
    form = CaseSearchForm(request.GET or None)
    query, outcome = "", ""
    if form.is_valid():
        query, outcome = form.cleaned_data["q"], form.cleaned_data["outcome"]
    cases = selectors.cases_visible_to(user=request.user, query=query)
    if outcome:
        cases = cases.filter(outcome=outcome)
    page = paginate(request, cases, per_page=20)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "searched": bool(query or outcome),
        "query_string": params.urlencode(),
        "can_write": policy.can(request.user, Action.LEAD_CREATE),
        **nav(request.user),
    }
    return render(request, "marketing/case_list.html", context)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    with refusals_as_http():
        case = selectors.case_get_visible(user=request.user, case_id=case_id)
    tags = [tag.strip() for tag in case.tags.replace("，", ",").split(",") if tag.strip()]
    return render(request, "marketing/case_detail.html", {"case": case, "tags": tags, **nav(request.user)})


def _source_lead(request: HttpRequest, lead_id: object) -> Lead | None:
    """The lead a case is written from (``?lead=`` from a closed lead's page), if the person sees it."""
    text = str(lead_id or "")
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        return None
    return selectors.lead_list_visible_to(user=request.user).filter(pk=int(text)).first()


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    """撰写案例 (CMs and team leads): shared with the team, so it names nobody."""
    user = request.user
    with refusals_as_http():
        policy.require(user, Action.LEAD_CREATE)
    status = 200
    if request.method == "POST":
        form = CaseForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with refusals_as_http():
                    case = services.case_write(
                        actor=user,
                        data=services.CaseInput(
                            title=data["title"],
                            outcome=data["outcome"],
                            customer_kind=data["customer_kind"],
                            need=data["need"],
                            solution=data["solution"],
                            lessons=data["lessons"],
                            industry=data["industry"],
                            tags=data["tags"],
                            lead=data["lead"],
                        ),
                    )
            except DomainError as exc:
                refusal_on_form(form, exc)
                status = exc.status
            else:
                messages.success(request, _("案例已保存，团队成员可在案例库中查阅。"))
                return redirect("marketing:case_detail", case_id=case.pk)
        lead = _source_lead(request, request.POST.get("lead"))
    else:
        lead = _source_lead(request, request.GET.get("lead"))
        initial = {}
        if lead is not None:
            outcome = {"disbursed": "won", "lost": "lost"}.get(lead.stage, "won")
            initial = {"lead": lead.pk, "outcome": outcome, "customer_kind": lead.kind}
        form = CaseForm(initial=initial)
    return render(
        request, "marketing/case_form.html", {"form": form, "lead": lead, **nav(user)}, status=status
    )


@login_required
@require_GET
def education(request: HttpRequest) -> HttpResponse:
    """金融知识: the articles a CM may send a customer (from the customer's 360 page), in full, with the
    rule each rests on."""
    require_areas(request)
    articles = list(selectors.education_articles())
    return render(request, "marketing/education.html", {"articles": articles, **nav(request.user)})
