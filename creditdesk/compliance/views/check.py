"""合规检查 — the checker every signed-in person uses before sending a text (PRODUCT.md §8; issue 18 item 4),
and the preview other apps' send forms call while their user types.

Both only check (``services.compliance_check``): nothing is sent and nothing is logged. A send is checked
again, and logged, by the sending service (``compliance_enforce``).

Reusing the preview in another app's send form::

    <form … data-swap-refusals>
      <textarea name="text" hx-post="{% url 'compliance:preview' %}" hx-include="closest form"
                hx-trigger="input changed delay:500ms" hx-target="#findings"></textarea>
      <input type="hidden" name="channel" value="collection">
      <div id="findings" aria-live="polite"></div>
    </form>

The answer is ``compliance/_findings.html`` (``highlight=1`` adds the text with the findings marked); an
empty or too long text is answered 400 with the sentence in the same fragment (``data-swap-refusals`` shows
it). A page that already has the findings includes the fragment itself with ``findings`` (a list of
``Finding.as_dict()``) and ``blocked``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from creditdesk.compliance import guard, services
from creditdesk.compliance.forms import CheckForm
from creditdesk.compliance.views.common import nav
from creditdesk.core.exceptions import DomainError
from creditdesk.core.views.errors import refusal_on_form


def _checked(form: CheckForm, *, highlight: bool) -> tuple[dict[str, Any], int]:
    """The fragment's context for a posted ``form`` and its status: the findings, or the refusal's
    sentence (400)."""
    if not form.is_valid():
        errors = [str(e) for field in form for e in field.errors] + [str(e) for e in form.non_field_errors()]
        return {"error": errors[0] if errors else ""}, 400
    try:
        result = services.compliance_check(
            text=form.cleaned_data["text"], channel=form.cleaned_data["channel"]
        )
    except DomainError as exc:
        refusal_on_form(form, exc)
        return {"error": exc.message}, exc.status
    context: dict[str, Any] = {
        "checked": True,
        "findings": [finding.as_dict() for finding in result.findings],
        "blocked": result.blocked,
    }
    if highlight:
        context["pieces"] = guard.pieces(result)
    return context, 200


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """合规检查: the text is checked as it is typed (the preview) and when the form is posted (without
    JavaScript): the words marked, each finding with what is wrong, the compliant alternative and its
    source; "可以发送" when nothing is wrong. Any signed-in person; nothing is logged."""
    form = CheckForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, **nav(request.user)}
    status = 200
    if request.method == "POST":
        outcome, status = _checked(form, highlight=True)
        context.update(outcome)
    return render(request, "compliance/check.html", context, status=status)


@login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The findings of a text being typed (POST ``text``, ``channel``; ``highlight=1`` adds the text with
    its findings marked) as ``compliance/_findings.html``, for any page's send form; 400 with the
    sentence for an empty or too long text or an unknown channel. Nothing is logged."""
    form = CheckForm(request.POST)
    context, status = _checked(form, highlight=request.POST.get("highlight") == "1")
    return render(request, "compliance/_findings.html", context, status=status)
