"""``{% sensitive obj "field" %}``: a sensitive value as the person may see it, on every page.

Everyone sees the mask (``customers.sensitive``: ID ``110***********123X``, phone ``138****5678``, an
amount "已登记"), or "—" when nothing is recorded. A person the policy allows to unmask it
(``Action.SENSITIVE_UNMASK`` on the value's customer) also gets a small htmx form — a reason and 查看 —
posted to the one unmask view, which answers the clear value or the refusal in place. Asking is only
for drawing the button: the service asks again (scope, policy, reason, rate limit) and audits.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.customers import sensitive as registry

register = template.Library()


def _may_unmask(request: Any, user: Any, customer: Any) -> bool:
    """The policy's answer, asked once per customer and request (a page shows several values)."""
    if request is None:
        return policy.can(user, Action.SENSITIVE_UNMASK, customer)
    answers: dict[Any, bool] = request.__dict__.setdefault("_sensitive_unmask_answers", {})
    key = (getattr(user, "pk", None), customer.pk)
    if key not in answers:
        answers[key] = policy.can(user, Action.SENSITIVE_UNMASK, customer)
    return answers[key]


@register.inclusion_tag("customers/_sensitive.html", takes_context=True)
def sensitive(context: template.Context, obj: Any, field: str, testid: str = "") -> dict[str, Any]:
    """The mask of ``obj.field`` and, for a person who may, the form to see it in clear with a reason."""
    entry = registry.registration_of(obj)
    if entry is None or field not in entry.fields:
        raise template.TemplateSyntaxError(
            f"{type(obj).__name__}.{field} is not a registered sensitive field"
        )
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    recorded = registry.is_recorded(obj, field)
    customer = entry.customer_of(obj)
    may = recorded and user is not None and _may_unmask(request, user, customer)
    return {
        "masked": registry.masked(obj, field),
        "field": field,
        "label": entry.fields[field].label,
        "target": entry.key,
        "target_id": obj.pk,
        "testid": testid or f"sensitive-{entry.key}-{field}",
        "may_unmask": may,
        "url": reverse("customers:unmask", args=[customer.pk]) if may else "",
    }
