"""Reads of customers, always within the caller's scope."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from creditdesk.accounts import scope
from creditdesk.accounts.models import User
from creditdesk.customers.models import Customer
from creditdesk.customers.services import id_index, phone_index

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_TAIL = re.compile(r"^\d{3}[\dXx]$")
_LATIN = re.compile(r"^[a-zA-Z]+$")
MAX_RESULTS = 50


def customer_list_visible_to(*, user: User) -> QuerySet[Customer]:
    return scope.visible(user, Customer.objects.select_related("owner"))


def customer_get_visible(*, user: User, customer_id: int | str) -> Customer:
    return scope.get_visible_or_404(
        user, Customer.objects.select_related("owner", "owner__team"), pk=customer_id
    )


def customer_search(*, user: User, query: str) -> QuerySet[Customer]:
    """One box, the way people search (PRODUCT.md §1):

    - a full mobile number or ID / credit code → exact match through the blind index;
    - four characters of digits (or 3 digits + X) → phone tail or ID tail;
    - Latin letters → pinyin initials (``zs`` → 张三) or full pinyin (``zhangsan``), prefix match;
    - anything else → the name (or company name) containing the text.

    Ranked: exact name, then names starting with the text, then the rest, by name. Always in scope.
    """
    text = (query or "").strip()
    base = customer_list_visible_to(user=user)
    if not text:
        return base.none()
    compact = re.sub(r"[\s-]", "", text)
    if _PHONE.match(compact):
        return base.filter(phone_index=phone_index(compact))
    if _RESIDENT_ID.match(compact) or _USCC.match(compact.upper()):
        return base.filter(
            Q(id_number_index=id_index("individual", compact))
            | Q(id_number_index=id_index("enterprise", compact))
        )
    if _TAIL.match(compact):
        return base.filter(Q(phone_tail=compact) | Q(id_tail=compact.upper())).order_by("name", "id")
    if _LATIN.match(compact):
        letters = compact.lower()
        matches = base.filter(Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters))
        return matches.annotate(
            rank=Case(
                When(name_initials=letters, then=Value(0)),
                When(name_pinyin=letters, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("rank", "name", "id")
    return (
        base.filter(name__icontains=text)
        .annotate(
            rank=Case(
                When(name=text, then=Value(0)),
                When(name__startswith=text, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "id")
    )
