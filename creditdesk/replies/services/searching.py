"""Search the approved library by the customer's own words (``replies.search`` does the ranking).

The index holds the approved version of every script in use; it is built once per process and rebuilt
when the library changes (the count of scripts in use and the latest review: one small query a search).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.core.exceptions import DomainError
from creditdesk.customers.models import Customer
from creditdesk.marketing.models import Lead
from creditdesk.replies import search
from creditdesk.replies.choices import Category
from creditdesk.replies.models import ReplyScript
from creditdesk.replies.services.library import approved_content

_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "index": None, "scripts": {}}


def _in_use() -> Any:
    return ReplyScript.objects.filter(approved_version__isnull=False)


def _csv(value: str) -> frozenset[str]:
    return frozenset(v for v in value.split(",") if v)


def library_index() -> tuple[search.ScriptIndex, dict[int, ReplyScript]]:
    """The index of the scripts in use (their approved text), and the scripts by id."""
    version = tuple(
        _in_use().aggregate(n=Count("id"), last=Max("reviewed_at"), edit=Max("updated_at")).values()
    )
    with _lock:
        if _cache["version"] != version or _cache["index"] is None:
            docs = []
            scripts: dict[int, ReplyScript] = {}
            for script in _in_use().order_by("id"):
                content = approved_content(script)
                if content is None:
                    continue
                scripts[script.pk] = script
                docs.append(
                    search.SearchDoc(
                        id=script.pk,
                        question=content["question"],
                        variants=tuple(v for v in content["variants"].splitlines() if v.strip()),
                        answer=content["answer"] + "\n" + content["disclosures"],
                        category=content["category"],
                        stages=_csv(content["stages"]),
                        products=_csv(content["products"]),
                        tiers=_csv(content["tiers"]),
                    )
                )
            _cache.update(version=version, index=search.ScriptIndex(docs), scripts=scripts)
        return _cache["index"], _cache["scripts"]


@dataclass(frozen=True)
class Found:
    script: ReplyScript
    content: dict[str, Any]
    score: float
    terms: tuple[str, ...]


def _validated_query(query: Any) -> str:
    if not isinstance(query, str) or not query.strip():
        raise DomainError("search_query_empty", _("请输入客户的问题。"), {"field": "q"})
    if len(query) > search.MAX_QUERY:
        raise DomainError(
            "search_query_too_long",
            _("问题过长（不超过 %(n)s 字），请只粘贴客户的问题部分。") % {"n": search.MAX_QUERY},
            {"field": "q"},
        )
    return query


def _context(actor: User, lead_id: Any, customer_id: Any) -> search.Context | None:
    """The stage, product and tier of the conversation: from a lead or customer the searcher can see."""
    if lead_id not in (None, ""):
        lead = (
            scope.visible(actor, Lead.objects.filter(pk=lead_id)).first() if str(lead_id).isdigit() else None
        )
        if lead is None:
            raise DomainError(
                "search_lead_not_found", _("线索不存在或不在您的权限范围内。"), {"field": "lead"}
            )
        return search.Context(stage=lead.stage, tier=lead.value_segment or "")
    if customer_id not in (None, ""):
        customer = (
            scope.visible(actor, Customer.objects.filter(pk=customer_id)).first()
            if str(customer_id).isdigit()
            else None
        )
        if customer is None:
            raise DomainError(
                "search_customer_not_found", _("客户不存在或不在您的权限范围内。"), {"field": "customer"}
            )
        return search.Context(tier=customer.value_segment or "")
    return None


def script_search(
    *,
    actor: User,
    query: Any,
    k: int = 5,
    category: str = "",
    lead_id: Any = None,
    customer_id: Any = None,
) -> list[Found]:
    """The ``k`` (1–20) approved scripts that best answer ``query`` (empty → ``search_query_empty``; over
    ``MAX_QUERY`` characters → ``search_query_too_long``), optionally of one category, ranked a little
    higher when they fit the lead's stage or the customer's tier."""
    query = _validated_query(query)
    if category and category not in Category.values:
        raise DomainError("search_category_unknown", _("话术类别无效。"), {"field": "category"})
    try:
        k = max(1, min(int(k), 20))
    except (TypeError, ValueError):
        raise DomainError("search_k_invalid", _("返回条数须为 1–20 的整数。"), {"field": "k"}) from None
    context = _context(actor, lead_id, customer_id)
    index, scripts = library_index()
    keep = (lambda doc: doc.category == category) if category else None
    found = []
    for hit in index.search(query, k=k, context=context, keep=keep):
        script = scripts[hit.id]
        content = approved_content(script)
        if content is not None:
            found.append(Found(script=script, content=content, score=hit.score, terms=hit.terms))
    return found
