"""疑似重复客户: likely duplicates of a customer, and the pairs in a person's scope.

The same ID can never be two customers (the unique blind index); what remains are records that are
probably one person or one company entered twice: the same name with the same phone (blind index), the
same name with the same birth date, or company names that are the same once the legal-form words are
stripped (``normalize_company_name``). Only unmerged customers the person may see take part.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.models import Customer
from creditdesk.customers.selectors import customer_list_visible_to

COMPANY_KINDS = (CustomerKind.ENTERPRISE, CustomerKind.INDIVIDUAL_BUSINESS)
MIN_COMPANY_KEY = 4
MAX_CANDIDATES = 200
MAX_PAIRS = 200
# Legal-form and group words that differ between two entries of the same company, longest first.
_COMPANY_WORDS = ("有限责任公司", "股份有限公司", "有限公司", "股份", "集团", "公司")
_BRACKETS = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")

SAME_NAME_PHONE = "same_name_phone"
SAME_NAME_BIRTH_DATE = "same_name_birth_date"
SIMILAR_COMPANY_NAME = "similar_company_name"


def reason_label(code: str) -> str:
    return {
        SAME_NAME_PHONE: _("姓名相同且手机号码相同"),
        SAME_NAME_BIRTH_DATE: _("姓名相同且出生日期相同"),
        SIMILAR_COMPANY_NAME: _("企业名称相近"),
    }.get(code, code)


def normalize_company_name(name: str) -> str:
    """``北京 星河科技（集团）股份有限公司`` → ``北京星河科技``: full-width → half-width (NFKC), bracketed
    parts and spaces removed, legal-form words stripped."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _BRACKETS.sub("", text)
    text = _SPACES.sub("", text)
    for word in _COMPANY_WORDS:
        text = text.replace(word, "")
    return text.lower()


def company_names_similar(a: str, b: str) -> bool:
    """Equal, or one contains the other, after normalising; both keys at least four characters."""
    ka, kb = normalize_company_name(a), normalize_company_name(b)
    if len(ka) < MIN_COMPANY_KEY or len(kb) < MIN_COMPANY_KEY:
        return False
    return ka == kb or ka in kb or kb in ka


@dataclass
class DuplicatePair:
    first: Customer
    second: Customer
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [reason_label(r) for r in self.reasons]


def _reasons(customer: Customer, other: Customer) -> list[str]:
    reasons = []
    if customer.name == other.name:
        if customer.phone_index and customer.phone_index == other.phone_index:
            reasons.append(SAME_NAME_PHONE)
        if customer.birth_date and customer.birth_date == other.birth_date:
            reasons.append(SAME_NAME_BIRTH_DATE)
    if (
        customer.kind in COMPANY_KINDS
        and other.kind in COMPANY_KINDS
        and company_names_similar(customer.name, other.name)
    ):
        reasons.append(SIMILAR_COMPANY_NAME)
    return reasons


def _company_candidates(key: str) -> Q:
    """Names that may normalise to something equal to, containing or contained in ``key``: they contain
    one of its four-character pieces (a key of four or more characters contained in ``key`` contains
    one, and so does one containing ``key``)."""
    pieces = {key[i : i + MIN_COMPANY_KEY] for i in range(len(key) - MIN_COMPANY_KEY + 1)}
    q = Q(pk__in=[])
    for piece in sorted(pieces):
        q |= Q(name__icontains=piece)
    return Q(kind__in=COMPANY_KINDS) & q


def likely_duplicates(*, user: User, customer: Customer) -> list[tuple[Customer, list[str]]]:
    """可能重复: the unmerged customers ``user`` may see that are probably ``customer`` again, each with
    its reasons (codes, see ``reason_label``). One query; a merged customer has none."""
    if customer.merged_into_id is not None:
        return []
    q = Q(pk__in=[])
    if customer.phone_index:
        q |= Q(name=customer.name, phone_index=customer.phone_index)
    if customer.birth_date:
        q |= Q(name=customer.name, birth_date=customer.birth_date)
    key = normalize_company_name(customer.name)
    if customer.kind in COMPANY_KINDS and len(key) >= MIN_COMPANY_KEY:
        q |= _company_candidates(key)
    candidates = customer_list_visible_to(user=user).filter(q).exclude(pk=customer.pk).order_by("name", "id")
    found = []
    for other in candidates[:MAX_CANDIDATES]:
        reasons = _reasons(customer, other)
        if reasons:
            found.append((other, reasons))
    return found


def _pairs_by_fields(base: QuerySet[Customer], fields: tuple[str, str], reason: str, limit: int) -> dict:
    """Pairs sharing ``fields`` (both set), grouped in SQL: the groups first, then their members."""
    other = fields[1]
    filled = base.exclude(**{f"{other}__isnull": True})
    if other != "birth_date":
        filled = filled.exclude(**{other: ""})
    groups = list(
        filled.order_by()
        .values(*fields)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by(*fields)
        .values_list(*fields)[:limit]
    )
    if not groups:
        return {}
    match = Q(pk__in=[])
    for a, b in groups:
        match |= Q(**{fields[0]: a, fields[1]: b})
    members: dict[tuple, list[int]] = defaultdict(list)
    for pk, a, b in filled.filter(match).order_by("id").values_list("pk", *fields):
        members[(a, b)].append(pk)
    pairs: dict[tuple[int, int], list[str]] = {}
    for ids in members.values():
        for pair in combinations(ids, 2):
            pairs.setdefault(pair, []).append(reason)
            if len(pairs) >= limit:
                return pairs
    return pairs


def _company_pairs(base: QuerySet[Customer], limit: int) -> dict:
    """Company pairs whose normalised names are equal or one contains the other: each key is looked up
    among the keys and their substrings (O(n · length²)), never every name against every other."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for pk, name in base.filter(kind__in=COMPANY_KINDS).order_by("id").values_list("pk", "name").iterator():
        key = normalize_company_name(name)
        if len(key) >= MIN_COMPANY_KEY:
            by_key[key].append(pk)
    pairs: dict[tuple[int, int], list[str]] = {}
    for key, ids in by_key.items():
        related = set(ids)
        for i in range(len(key)):
            for j in range(i + MIN_COMPANY_KEY, len(key) + 1):
                related.update(by_key.get(key[i:j], ()))
        for a in ids:
            for b in related:
                if a != b:
                    pairs.setdefault((min(a, b), max(a, b)), [SIMILAR_COMPANY_NAME])
        if len(pairs) >= limit:
            break
    return pairs


def duplicate_pairs_visible_to(*, user: User, limit: int = MAX_PAIRS) -> list[DuplicatePair]:
    """疑似重复客户列表: pairs of unmerged customers in the user's scope, at most ``limit``."""
    base = customer_list_visible_to(user=user)
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for part in (
        _pairs_by_fields(base, ("name", "phone_index"), SAME_NAME_PHONE, limit),
        _pairs_by_fields(base, ("name", "birth_date"), SAME_NAME_BIRTH_DATE, limit),
        _company_pairs(base, limit),
    ):
        for pair, reasons in part.items():
            found[pair].extend(r for r in reasons if r not in found[pair])
    chosen = sorted(found)[:limit]
    ids = {pk for pair in chosen for pk in pair}
    customers = base.in_bulk(ids) if ids else {}
    return [
        DuplicatePair(first=customers[a], second=customers[b], reasons=found[(a, b)])
        for a, b in chosen
        if a in customers and b in customers
    ]
