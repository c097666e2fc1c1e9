"""客户管理 pages: search and list, new customer, editing a customer, the customer 360 page, unmasking
with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.panels import customer_panels
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers import duplicates, industries, selectors, services
from creditdesk.customers.forms import (
    CustomerEditForm,
    CustomerForm,
    HandoverForm,
    MergeForm,
    MergeUndoForm,
    RelationshipForm,
    UnmaskForm,
)


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()
    page = paginate(request, selectors.customer_list(user=request.user, query=query))
    can_hand_over = policy.can(request.user, Action.CUSTOMER_HANDOVER)
    context = {
        "page": page,
        "q": query,
        "query_string": f"q={query}" if query else "",
        "can_hand_over": can_hand_over,
        "can_create": policy.can(request.user, Action.CUSTOMER_CREATE),
        "can_import": policy.can(request.user, Action.CUSTOMER_IMPORT),
        "can_review_duplicates": policy.can(request.user, Action.CUSTOMER_DUPLICATES_REVIEW),
    }
    if can_hand_over and not is_htmx(request):
        context["handover_form"] = HandoverForm(candidates=selectors.handover_candidates(user=request.user))
    template = "customers/_results.html" if is_htmx(request) else "customers/customer_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    """新建客户: the form of an action, so asked before it is drawn (403), again by the service."""
    with refusals_as_http():
        policy.require(request.user, Action.CUSTOMER_CREATE)
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                customer = services.customer_create(actor=request.user, data=form.customer_input())
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已建档：%(name)s") % {"name": customer.name})
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def customer_update(request: HttpRequest, customer_id: int) -> HttpResponse:
    """修改客户资料: the owner or the team lead (404 outside the scope, 403 for those who only read)."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    with refusals_as_http():  # the form of an action: asked before it is drawn, again by the service
        policy.require(request.user, Action.CUSTOMER_CHANGE, customer)
    form = CustomerEditForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            with refusals_as_http():
                services.customer_update(
                    actor=request.user, customer_id=customer.pk, data=form.customer_input()
                )
        except DomainError as exc:
            refusal_on_form(form, exc)
        else:
            messages.success(request, _("已保存客户资料：%(name)s") % {"name": customer.name})
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@login_required
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """客户 360: the profile (masked), and the sections later capabilities fill."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    context = {
        "customer": customer,
        "can_change": policy.can(request.user, Action.CUSTOMER_CHANGE, customer),
        "related_parties": selectors.related_parties(user=request.user, customer=customer),
        "ownership_history": selectors.ownership_history(customer=customer)[:20],
        "panels": customer_panels(),
        "business": selectors.business_profile(customer=customer, today=timezone.localdate()),
    }
    if context["can_change"] and customer.merged_into_id is None:
        context["relationship_form"] = RelationshipForm()
    found = duplicates.likely_duplicates(user=request.user, customer=customer)
    changeable = (
        selectors.changeable_ids(user=request.user, ids=[other.pk for other, _reasons in found])
        if context["can_change"] and customer.merged_into_id is None
        else set()
    )
    context["likely_duplicates"] = [
        {
            "customer": other,
            "reasons": [duplicates.reason_label(r) for r in reasons],
            "can_merge": other.pk in changeable,
        }
        for other, reasons in found
    ]
    context["merged_customers"] = list(selectors.merged_customers(user=request.user, customer=customer)[:50])
    return render(request, "customers/customer_detail.html", context)


@login_required
@require_GET
def industry_options(request: HttpRequest) -> HttpResponse:
    """The industry picker of the customer form: GB/T 4754-2017 entries matching the typed name, pinyin
    (initials too: "cy" finds 餐饮) or code, as ``<option>``s for its datalist. Reference data: every
    signed-in person; the box's own value (``industry_code``) is read when no ``q`` is sent."""
    query = (request.GET.get("q") or request.GET.get("industry_code") or "").strip()[:50]
    found = industries.search_industries(query, limit=20) if query else []
    return render(request, "customers/_industry_options.html", {"found": found, "query": query})


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """疑似重复客户: pairs in the team (lead) or branch (branch head); others may not open it."""
    with refusals_as_http():
        policy.require(request.user, Action.CUSTOMER_DUPLICATES_REVIEW)
    pairs = duplicates.duplicate_pairs_visible_to(user=request.user)
    return render(
        request,
        "customers/duplicate_list.html",
        {"pairs": pairs, "limit": duplicates.MAX_PAIRS},
    )


@login_required
@require_POST
def customer_merge(request: HttpRequest, customer_id: int) -> HttpResponse:
    """合并: the posted duplicate is merged into the customer of the page (a reason is required)."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写合并原因。"))
        return redirect("customers:detail", customer_id=customer.pk)
    try:
        with refusals_as_http():
            duplicate = services.customer_merge(
                actor=request.user,
                survivor_id=customer.pk,
                duplicate_id=form.cleaned_data["duplicate"],
                reason=form.cleaned_data["reason"],
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已将 %(duplicate)s 合并至 %(survivor)s。")
            % {"duplicate": duplicate.name, "survivor": customer.name},
        )
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def customer_merge_undo(request: HttpRequest, customer_id: int) -> HttpResponse:
    """撤销合并 from the merged record's page."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    form = MergeUndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销原因。"))
        return redirect("customers:detail", customer_id=customer.pk)
    try:
        with refusals_as_http():
            services.customer_merge_undo(
                actor=request.user, duplicate_id=customer.pk, reason=form.cleaned_data["reason"]
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销合并：%(name)s") % {"name": customer.name})
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def customer_unmask(request: HttpRequest, customer_id: int) -> HttpResponse:
    """查看明文 (the ``{% sensitive %}`` tag's form): one value of this customer — theirs, or of a record of
    theirs (``target``/``target_id``) — answered in place; out of scope 404, not allowed 403, a refusal
    (no reason, too often) its sentence with 400 / 429."""
    form = UnmaskForm(request.POST)
    if not form.is_valid():
        return render(
            request, "customers/_unmask_result.html", {"error": _("请选择要查看的字段。")}, status=400
        )
    data = form.cleaned_data
    try:
        with refusals_as_http():
            value = services.sensitive_unmask(
                actor=request.user,
                target=data["target"] or "customer",
                target_id=data["target_id"] or customer_id,
                field=data["field"],
                reason=data["reason"],
                customer_id=customer_id,
            )
    except DomainError as exc:
        return render(request, "customers/_unmask_result.html", {"error": exc.message}, status=exc.status)
    return render(request, "customers/_unmask_result.html", {"value": value})


@login_required
@require_GET
def relationship_candidates(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The options of the 关联客户 field: the search box's results (name, pinyin, phone or ID tail) among
    the customers the person may see, the customer of the page left out. Any customer in scope can be
    found, however many there are; an empty box offers none."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    query = request.GET.get("q", "").strip()[:50]
    found = (
        list(selectors.customer_search(user=request.user, query=query).exclude(pk=customer.pk)[:20])
        if query
        else []
    )
    return render(request, "customers/_relationship_options.html", {"found": found, "query": query})


@login_required
@require_POST
def relationship_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    """登记关联关系 from the 360 page; errors come back as a message on the same page."""
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    form = RelationshipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择关联客户和关系类型。"))
        return redirect("customers:detail", customer_id=customer.pk)
    data = form.cleaned_data
    outgoing = data["direction"] == "outgoing"
    try:
        with refusals_as_http():
            services.relationship_add(
                actor=request.user,
                from_customer_id=customer.pk if outgoing else data["other"],
                to_customer_id=data["other"] if outgoing else customer.pk,
                kind=data["kind"],
                role_detail=data.get("role_detail", ""),
                note=data.get("note", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已登记关联关系。"))
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def relationship_remove(request: HttpRequest, customer_id: int, relationship_id: int) -> HttpResponse:
    customer = selectors.customer_get_visible(user=request.user, customer_id=customer_id)
    if not selectors.relationship_involves(relationship_id=relationship_id, customer=customer):
        raise Http404
    with refusals_as_http():
        services.relationship_remove(actor=request.user, relationship_id=relationship_id)
    messages.success(request, _("已删除关联关系。"))
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def customer_handover(request: HttpRequest) -> HttpResponse:
    """客户移交 from the list: the ticked customers, the new owner and a reason; all or nothing."""
    with refusals_as_http():  # the form is checked before the service is reached: ask first
        policy.require(request.user, Action.CUSTOMER_HANDOVER)
    form = HandoverForm(request.POST, candidates=selectors.handover_candidates(user=request.user))
    ids = request.POST.getlist("customer_ids")
    if not form.is_valid():
        messages.error(request, _("请选择接收的客户经理并填写移交原因。"))
        return redirect("customers:list")
    try:
        with refusals_as_http():
            changed = services.customer_handover(
                actor=request.user,
                customer_ids=ids,
                new_owner=form.cleaned_data["new_owner"],
                reason=form.cleaned_data["reason"],
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移交 %(count)s 户客户。") % {"count": len(changed)})
    return redirect("customers:list")
