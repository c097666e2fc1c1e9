"""话术库 (issue 18 items 1–2): the CM's search by the customer's own words and the library to browse; a
script's page (the text in use, the draft being edited, its history, its results); writing a script and the
compliance review that puts it in use.

The search is posted (a pasted chat can be longer than a URL may be): by htmx while the person types (the
hits replace the list in place), or as a plain form. A question the service refuses (empty, too long) is
answered 400 with its sentence where the hits would be."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creditdesk.accounts import policy
from creditdesk.compliance.services import ComplianceBlocked
from creditdesk.core.actions import Action
from creditdesk.core.exceptions import DomainError
from creditdesk.core.htmx import is_htmx
from creditdesk.core.paging import paginate
from creditdesk.core.views.errors import refusal_on_form, refusals_as_http
from creditdesk.customers.choices import ValueSegment
from creditdesk.marketing.choices import LeadStage
from creditdesk.products.models import Product
from creditdesk.replies import placeholders, selectors, services, textdiff
from creditdesk.replies.choices import Category, ResponseTier, ScriptStatus, UseOutcome
from creditdesk.replies.filtersets import ScriptFilterSet
from creditdesk.replies.forms.compose import SearchForm
from creditdesk.replies.forms.library import RetireForm, ReviewForm, ScriptForm
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services import ScriptInput
from creditdesk.replies.services.library import CONTENT_FIELDS, approved_content
from creditdesk.replies.services.searching import Found
from creditdesk.replies.views.common import Context, back_or, conversation, nav, preview_url

HITS = 5  # the best matches the search shows (a CM reads the first two or three)
BROWSE_PAGE = 20
DETAIL_USES = 10
HISTORY = 30
CATEGORIES = dict(Category.choices)
TIERS = dict(ResponseTier.choices)
STAGES = dict(LeadStage.choices)
SEGMENTS = dict(ValueSegment.choices)
OUTCOMES = dict(UseOutcome.choices)
FIELD_LABELS = {name: ReplyScript._meta.get_field(name).verbose_name for name in CONTENT_FIELDS}


# --- search and browse -----------------------------------------------------------------------------------


def compose_url(script_id: int, context: Context) -> str:
    """The composer for ``script`` — for the conversation searched for, if any (else it asks whom to)."""
    return f"{reverse('replies:compose')}?{urlencode({**context.params(), 'script': script_id})}"


def _hit(found: Found, values: dict[str, str], context: Context) -> dict[str, Any]:
    content = found.content
    text = content["answer"] + ("\n" + content["disclosures"] if content["disclosures"] else "")
    filled, missing = placeholders.fill(text, values) if values else (text, placeholders.used(text))
    return {
        "script": found.script,
        "question": content["question"],
        "category": content["category"],
        "category_label": CATEGORIES.get(content["category"], content["category"]),
        "tier": content["response_tier"],
        "tier_label": TIERS.get(content["response_tier"], content["response_tier"]),
        "answer": placeholders.fill(content["answer"], values)[0] if values else content["answer"],
        "disclosures": [line for line in content["disclosures"].splitlines() if line.strip()],
        "terms": [t for t in found.terms if len(t) > 1] or list(found.terms),  # "点", "能": noise
        "score": found.score,
        "copy_text": filled,
        "missing": missing,
        "compose_url": compose_url(found.script.pk, context),
    }


def search_hits(request: HttpRequest, form: SearchForm, context: Context) -> tuple[list[dict[str, Any]], str]:
    """The hits of a posted search, or the sentence saying why there are none to show."""
    if not form.is_valid():
        errors = [str(e) for field in form for e in field.errors]
        return [], errors[0] if errors else _("请输入客户的问题。")
    if context.error:
        return [], context.error
    data = form.cleaned_data
    try:
        found = services.script_search(
            actor=request.user,
            query=data["q"],
            k=HITS,
            category=data["category"],
            lead_id=context.lead.pk if context.lead else None,
            customer_id=context.customer.pk if context.customer else None,
        )
    except DomainError as exc:
        return [], exc.message
    values = context.placeholder_values(request.user)
    return [_hit(f, values, context) for f in found], ""


def _browse(request: HttpRequest, context: Context) -> dict[str, Any]:
    """The scripts the person may read, by category (the tabs), paginated."""
    visible = selectors.scripts_visible_to(request.user)
    filters = ScriptFilterSet(request.GET, queryset=visible.select_related("owner"))
    rows = filters.qs if filters.is_valid() else visible.none()
    counts = dict(visible.values_list("category").annotate(n=Count("id")).order_by())
    chosen = request.GET.get("category", "")
    base = context.params()
    tabs = [{"value": "", "label": _("全部"), "count": sum(counts.values()), "active": not chosen}]
    tabs += [
        {"value": value, "label": label, "count": counts.get(value, 0), "active": chosen == value}
        for value, label in Category.choices
    ]
    for tab in tabs:
        tab["url"] = "?" + urlencode({**base, **({"category": tab["value"]} if tab["value"] else {})})
    params = request.GET.copy()
    params.pop("page", None)
    page = paginate(request, rows, per_page=BROWSE_PAGE)
    texts = selectors.texts_shown(request.user, list(page))
    return {
        "tabs": tabs,
        "page": page,
        "rows": [{"script": script, "text": texts[script.pk]} for script in page],
        "query_string": params.urlencode(),
        "browse_errors": filters.errors if filters.is_bound and not filters.is_valid() else {},
    }


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """话术库: the search box (the customer's question, pasted or typed) with the best matching scripts in
    use, and below it the library by category. ``?lead=`` / ``?customer=``: the conversation searched for
    (the fitting scripts rank a little higher; copied text has its placeholders filled)."""
    user = request.user
    posted = request.method == "POST"
    context = conversation(user, request.POST if posted else request.GET)
    initial = {**context.params(), "category": request.GET.get("category", "")}
    form = SearchForm(request.POST if posted else None, initial=initial)
    hits: list[dict[str, Any]] = []
    error = context.error if not posted else ""
    status = 200
    if posted:
        hits, error = search_hits(request, form, context)
        status = 400 if error else 200
        if is_htmx(request):
            return render(
                request,
                "replies/_results.html",
                {"hits": hits, "error": error, "searched": True, "context": context},
                status=status,
            )
    page = {
        "form": form,
        "hits": hits,
        "error": error,
        "searched": posted,
        "context": context,
        **_browse(request, context),
        **nav(user),
    }
    return render(request, "replies/home.html", page, status=status)


# --- a script's page ------------------------------------------------------------------------------------


def _current(script: ReplyScript) -> dict[str, Any]:
    return {name: getattr(script, name) for name in CONTENT_FIELDS}


def _shown(content: dict[str, Any], products: dict[str, str]) -> dict[str, Any]:
    """A script's content as the page shows it: labels for its codes, one line per wording and disclosure."""

    def codes(value: str) -> list[str]:
        return [v for v in (value or "").split(",") if v]

    return {
        **content,
        "category_label": CATEGORIES.get(content["category"], content["category"]),
        "tier_label": TIERS.get(content["response_tier"], content["response_tier"]),
        "variant_list": [v.strip() for v in content["variants"].splitlines() if v.strip()],
        "disclosure_list": [d.strip() for d in content["disclosures"].splitlines() if d.strip()],
        "stage_labels": [STAGES.get(c, c) for c in codes(content["stages"])],
        "product_labels": [products.get(c, c) for c in codes(content["products"])],
        "tier_labels": [SEGMENTS.get(c, c) for c in codes(content["tiers"])],
    }


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of ``after`` that differ from ``before`` (the text in use), each with its pieces (kept,
    removed, added) — what a reviewer reads."""
    if before is None:
        return []
    rows = []
    for name in CONTENT_FIELDS:
        old, new = str(before.get(name) or ""), str(after.get(name) or "")
        if textdiff.changed(old, new):
            rows.append({"name": name, "label": FIELD_LABELS[name], "pieces": textdiff.pieces(old, new)})
    return rows


def _may_edit(user: Any, script: ReplyScript) -> bool:
    """As the service decides (``script_save``): a writer edits their own script; a reviewer any."""
    return (
        script.status != ScriptStatus.RETIRED
        and policy.can(user, Action.SCRIPT_WRITE)
        and (script.owner_id == user.pk or policy.can(user, Action.SCRIPT_REVIEW))
    )


def _results_of(user: Any, script: ReplyScript) -> dict[str, Any]:
    """The uses of ``script`` the person sees: the latest, and how they turned out."""
    uses = selectors.uses_visible_to(user, script_id=script.pk)
    latest = list(uses[:DETAIL_USES])
    rows = uses.values_list("outcome", "stage_at_use", "lead__stage")
    tally = Counter(selectors.effective(o, s, ls) for o, s, ls in rows)
    total = sum(tally.values())
    decided = total - tally[UseOutcome.PENDING]
    worked = tally[UseOutcome.ADVANCED] + tally[UseOutcome.RESOLVED]
    return {
        "uses": [
            {"use": u, "effective": (e := selectors.use_effective(u)), "effective_label": OUTCOMES[e]}
            for u in latest
        ],
        "use_total": total,
        "use_counts": [(o.label, tally[o.value]) for o in UseOutcome],
        "success_rate": worked / decided if decided else None,
    }


def _detail_context(request: HttpRequest, script: ReplyScript) -> dict[str, Any]:
    user = request.user
    products = dict(Product.objects.values_list("code", "name"))
    in_use = approved_content(script)
    current = _current(script)
    draft = None if in_use is not None and in_use == current else current
    if in_use is not None and not selectors.sees_drafts(user, script):
        draft = None  # an edit in progress is its keeper's and the reviewers' until it is approved
    return {
        "script": script,
        "in_use": _shown(in_use, products) if in_use is not None else None,
        "draft": _shown(draft, products) if draft is not None else None,
        "draft_changes": changes(in_use, current) if draft is not None else [],
        "versions": list(selectors.versions_of(script)[:HISTORY]),
        "can_edit": _may_edit(user, script),
        "can_submit": _may_edit(user, script)
        and script.status in (ScriptStatus.DRAFT, ScriptStatus.REJECTED),
        "can_approve": script.status == ScriptStatus.PENDING
        and policy.can(user, Action.SCRIPT_REVIEW, script),
        "can_retire": script.status != ScriptStatus.RETIRED and policy.can(user, Action.SCRIPT_REVIEW),
        "in_use_now": in_use is not None and script.status != ScriptStatus.RETIRED,
        "compose_url": compose_url(script.pk, Context()),
        "review_form": ReviewForm(),
        "retire_form": RetireForm(),
        **_results_of(user, script),
        **nav(user),
    }


def _script(request: HttpRequest, script_id: int) -> ReplyScript:
    with refusals_as_http():
        return selectors.script_get_visible(user=request.user, script_id=script_id)


@login_required
@require_GET
def detail(request: HttpRequest, script_id: int) -> HttpResponse:
    """A script: the text in use and, when it differs, the draft being edited (with what changed); its
    wordings, disclosures, where it fits, who keeps it, its history and how it worked for the person's
    scope; the buttons the person may use."""
    script = _script(request, script_id)
    return render(request, "replies/detail.html", _detail_context(request, script))


# --- writing a script -----------------------------------------------------------------------------------


def _input(data: dict[str, Any], key: str = "") -> ScriptInput:
    return ScriptInput(
        category=data["category"],
        question=data["question"],
        answer=data["answer"],
        response_tier=data["response_tier"],
        variants=data["variants"],
        disclosures=data["disclosures"],
        stages=data["stages"],
        products=data["products"],
        tiers=data["tiers"],
        source=data["source"],
        key=key,
    )


def _form_page(
    request: HttpRequest,
    form: ScriptForm,
    script: ReplyScript | None,
    *,
    status: int = 200,
    findings: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "script": script,
        "placeholders": placeholders.PLACEHOLDERS.items(),
        "preview_url": preview_url(),
        "findings": findings or [],
        **nav(request.user),
    }
    return render(request, "replies/form.html", context, status=status)


def _save(request: HttpRequest, form: ScriptForm, script: ReplyScript | None) -> HttpResponse:
    """A posted script form: saved through the service (a refusal on its field); then, when the person
    asked for it, submitted to compliance — a blocked text stays a draft, shown with the findings."""
    if not form.is_valid():
        return _form_page(request, form, script, status=400)
    data = form.cleaned_data
    try:
        with refusals_as_http():
            saved = services.script_save(
                actor=request.user,
                data=_input(data, data.get("key", "")),
                script_id=script.pk if script is not None else None,
            )
    except DomainError as exc:
        refusal_on_form(form, exc)
        return _form_page(request, form, script, status=exc.status)
    if request.POST.get("then") != "submit":
        messages.success(request, _("话术已保存为草稿。提交合规审核并通过后，才能在检索中使用。"))
        return redirect("replies:detail", script_id=saved.pk)
    try:
        with refusals_as_http():
            services.script_submit(actor=request.user, script_id=saved.pk)
    except ComplianceBlocked as exc:
        form = ScriptForm(request.POST, new=False)
        form.is_valid()
        form.add_error("answer", exc.message)
        return _form_page(request, form, saved, status=exc.status, findings=exc.extra.get("findings"))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("replies:detail", script_id=saved.pk)
    messages.success(request, _("话术已保存并提交合规审核，审核通过后即可使用。"))
    return redirect("replies:detail", script_id=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def script_create(request: HttpRequest) -> HttpResponse:
    """编写话术 (customer managers, team leads, risk managers): saved as the writer's draft."""
    with refusals_as_http():
        policy.require(request.user, Action.SCRIPT_WRITE)
    if request.method == "POST":
        return _save(request, ScriptForm(request.POST), None)
    return _form_page(request, ScriptForm(), None)


@login_required
@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, script_id: int) -> HttpResponse:
    """修改话术 (its keeper, or a risk manager): a new draft version; the text in use stays until the new
    one is approved."""
    script = _script(request, script_id)
    with refusals_as_http():
        policy.require(request.user, Action.SCRIPT_WRITE)
    if script.status == ScriptStatus.RETIRED:
        messages.error(request, _("话术已停用，不能修改。"))
        return redirect("replies:detail", script_id=script.pk)
    if not _may_edit(request.user, script):
        raise PermissionDenied(_("只有话术的维护人或风险经理可以修改。"))
    if request.method == "POST":
        return _save(request, ScriptForm(request.POST, new=False), script)
    return _form_page(request, ScriptForm(initial=ScriptForm.initial_of(script), new=False), script)


# --- the review ----------------------------------------------------------------------------------------


@login_required
@require_POST
def script_submit(request: HttpRequest, script_id: int) -> HttpResponse:
    """提交合规审核: a text the guard blocks is not submitted; the page shows what to change."""
    script = _script(request, script_id)
    try:
        with refusals_as_http():
            services.script_submit(actor=request.user, script_id=script.pk)
    except ComplianceBlocked as exc:
        context = _detail_context(request, script)
        context.update(blocked=exc.message, findings=exc.extra.get("findings", []))
        return render(request, "replies/detail.html", context, status=exc.status)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("replies:detail", script_id=script.pk)
    messages.success(request, _("已提交合规审核。"))
    return redirect("replies:detail", script_id=script.pk)


@login_required
@require_POST
def script_review(request: HttpRequest, script_id: int) -> HttpResponse:
    """合规审核 (a risk manager who did not write or submit it): approve, or return with the reason."""
    script = _script(request, script_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form for e in field.errors]
        messages.error(request, errors[0] if errors else _("请选择审核结论。"))
        return back_or(request, "replies:detail", script_id=script.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        with refusals_as_http():
            services.script_review(
                actor=request.user, script_id=script.pk, approve=approve, note=form.cleaned_data["note"]
            )
    except DomainError as exc:
        messages.error(request, f"{script.question}：{exc.message}")
        return back_or(request, "replies:detail", script_id=script.pk)
    if approve:
        messages.success(request, _("“%(q)s”审核通过，已可在检索中使用。") % {"q": script.question})
    else:
        messages.success(request, _("“%(q)s”已退回修改。") % {"q": script.question})
    return back_or(request, "replies:detail", script_id=script.pk)


@login_required
@require_POST
def script_retire(request: HttpRequest, script_id: int) -> HttpResponse:
    """停用话术 (a risk manager): out of search and use at once; its history and uses stay."""
    script = _script(request, script_id)
    form = RetireForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        with refusals_as_http():
            services.script_retire(actor=request.user, script_id=script.pk, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("replies:detail", script_id=script.pk)
    messages.success(request, _("话术已停用，不再出现在检索中。"))
    return redirect("replies:detail", script_id=script.pk)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """待审核 (risk managers): the submitted scripts, oldest first, each with what changed against the
    text in use (a new script: its whole text), to approve or return with a note."""
    with refusals_as_http():
        policy.require(request.user, Action.SCRIPT_REVIEW)
    products = dict(Product.objects.values_list("code", "name"))
    queue = selectors.review_queue().select_related("owner", "submitted_by")
    page = paginate(request, queue, per_page=BROWSE_PAGE)
    rows = []
    for script in page:
        in_use = approved_content(script)
        current = _current(script)
        rows.append(
            {
                "script": script,
                "content": _shown(current, products),
                "changes": changes(in_use, current),
                "is_new": in_use is None,
                "own": not policy.can(request.user, Action.SCRIPT_REVIEW, script),
            }
        )
    context = {"rows": rows, "page": page, "review_form": ReviewForm(), **nav(request.user)}
    return render(request, "replies/review.html", context)
