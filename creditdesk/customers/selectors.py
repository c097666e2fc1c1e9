"""Reads of customers, always within the caller's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils.translation import gettext as _

from creditdesk.accounts import scope
from creditdesk.accounts.choices import TEAM_ROLES
from creditdesk.accounts.models import User
from creditdesk.core.money import D
from creditdesk.customers import industries, size_class
from creditdesk.customers.choices import CustomerKind, RelationshipKind
from creditdesk.customers.models import Customer, CustomerOwnership, Relationship
from creditdesk.customers.services import id_index, phone_index

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_TAIL = re.compile(r"^(?=.*\d)[0-9A-Za-z]{4}$")  # last four of a phone, an ID or a credit code (89JM)
_LATIN = re.compile(r"^[a-zA-Z]+$")
MAX_RESULTS = 50


def customer_list_visible_to(*, user: User) -> QuerySet[Customer]:
    """The customers ``user`` may pick from: lists, search, export, candidates. A merged record (合并)
    is left out — its survivor stands for it — though its own page still opens (``customer_get_visible``)."""
    customers = scope.visible_by_owner(user, Customer.objects.select_related("owner"))
    return customers.filter(merged_into__isnull=True)


def customer_list(*, user: User, query: str = "") -> QuerySet[Customer]:
    """客户列表 as the page, its export and the API show it: the search results for ``query`` (in their
    order of relevance), else every customer ``user`` may pick from, most recently changed first (the
    ``customer_owner_recent`` index)."""
    if query:
        return customer_search(user=user, query=query)
    return customer_list_visible_to(user=user).order_by("-updated_at", "-id")


def customer_get_visible(*, user: User, customer_id: int | str) -> Customer:
    """One customer ``user`` may see, merged or not (a merged record's page keeps its history), or 404."""
    return scope.get_visible_or_404(
        user,
        Customer.objects.select_related("owner", "owner__team", "merged_into", "merged_by"),
        pk=customer_id,
    )


def changeable_ids(*, user: User, ids: list[int]) -> set[int]:
    """Which of ``ids`` the user may change (one query)."""
    if not ids:
        return set()
    return set(scope.changeable(user, Customer.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def merged_customers(*, user: User, customer: Customer) -> QuerySet[Customer]:
    """已合并的记录: the visible records merged into ``customer``."""
    return scope.visible(user, Customer.objects.filter(merged_into=customer)).order_by("-merged_at", "-id")


@lru_cache(maxsize=8)
def _codepoint_order(alias: str, name: str) -> bool:
    """Whether the database compares text by code point: SQLite always (BINARY on UTF-8), PostgreSQL
    when the database's collation is ``C`` / ``POSIX`` / ``C.UTF-8`` (as CreditDesk's databases are
    created). Only then is a range an exact prefix test. Asked once per database."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        row = cursor.fetchone()
    collation = (row[0] if row else "").lower().replace("-", "")
    return collation in {"c", "posix", "c.utf8"}


def _prefix(field: str, text: str) -> Q:
    """``field`` starts with ``text``, written so that an index can answer it.

    A range (``>= 'zs' AND < 'zt'``) is what an index can look up — SQLite's ``LIKE 'zs%'`` is
    case-insensitive and never uses one. Where text compares by code point (SQLite; PostgreSQL with a
    ``C`` collation) the range is exactly "starts with", and it is all the query says: the planner then
    estimates the matches from the column's statistics and, when there are many, reads the first page
    off the index in order (a ``LIKE`` or ``left(…)`` re-check next to it made PostgreSQL guess a
    handful of rows and sort 34,000 for 刘 in a large branch). With another collation the range is
    only a first cut and the first ``len(text)`` characters are compared as well.
    """
    last = ord(text[-1])
    starts = Exact(Left(F(field), len(text)), Value(text))
    if last >= 0x10FFFF:
        return Q(starts)
    in_range = Q(**{f"{field}__gte": text, f"{field}__lt": text[:-1] + chr(last + 1)})
    connection = connections[DEFAULT_DB_ALIAS]
    if _codepoint_order(DEFAULT_DB_ALIAS, str(connection.settings_dict.get("NAME"))):
        return in_range
    return in_range & Q(starts)


def customer_search(*, user: User, query: str) -> QuerySet[Customer]:
    """One box, the way people search (PRODUCT.md §1):

    - a full mobile number or ID / credit code → exact match through the blind index;
    - four digits or letters with a digit among them → phone tail (first), ID or credit-code tail;
    - Latin letters → pinyin initials (``zs`` → 张三) or full pinyin (``zhangsan``), prefix match;
    - anything else → the name (or company name): the exact name, then names starting with the text,
      then people whose given name starts with it, then — only to fill the first ``MAX_RESULTS`` —
      names containing it.

    Ranked: exact first, then the rest, by name (numbers: phone tails before ID tails). Always in scope.
    Every step but the last "contains" one is answered from an index; exact lookups start from their
    own index and are ordered by id, so the planner never walks a manager's customers in name order
    to find one row.
    """
    text = (query or "").strip()
    base = customer_list_visible_to(user=user)
    if not text:
        return base.none()
    compact = re.sub(r"[\s-]", "", text)
    if _PHONE.match(compact):
        return _by_lookup(base, Q(phone_index=phone_index(compact)))
    if _RESIDENT_ID.match(compact) or _USCC.match(compact.upper()):
        ids = [id_index("individual", compact), id_index("enterprise", compact)]
        return _by_lookup(base, Q(id_number_index__in=ids))
    if _TAIL.match(compact):
        return (
            _by_lookup(base, Q(phone_tail=compact) | Q(id_tail=compact.upper()))
            .annotate(
                rank=Case(
                    When(phone_tail=compact, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("rank", "name", "id")
        )
    if _LATIN.match(compact):
        return _pinyin_search(base, compact.lower())
    return _name_search(base, text, user=user)


def _by_lookup(base: QuerySet[Customer], lookup: Q) -> QuerySet[Customer]:
    """The customers in ``base`` matching an exact ``lookup`` (blind index or tail), by id.

    The lookup runs as a subquery on its own index, so the planner starts from the handful of rows it
    finds: left next to the scope filter, SQLite walked the manager's customers (``owner_id = ?``, a few
    thousand rows) and tested each one instead.
    """
    return base.filter(pk__in=Customer.objects.filter(lookup).values("pk")).order_by("id")


def _pinyin_search(base: QuerySet[Customer], letters: str) -> QuerySet[Customer]:
    """Pinyin initials (``zs``) or full pinyin (``zhangs``) as a prefix: exact matches first, then in
    pinyin order — the order of a Chinese name list. The first ``MAX_RESULTS`` of each kind are read off
    their own index in order (initials, pinyin) and only those are ranked: two or three letters match a
    hundred thousand names in a large branch, and a person types one more letter rather than page."""
    exact = Q(name_initials=letters) | Q(name_pinyin=letters)
    first = [
        *base.filter(_prefix("name_initials", letters))
        .order_by("name_initials", "name_pinyin", "id")
        .values_list("pk", flat=True)[:MAX_RESULTS],
        *base.filter(_prefix("name_pinyin", letters))
        .order_by("name_pinyin", "id")
        .values_list("pk", flat=True)[:MAX_RESULTS],
    ]
    return (
        base.filter(pk__in=first)
        .annotate(rank=Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "name_pinyin", "name", "id")
    )


def _name_search(base: QuerySet[Customer], text: str, *, user: User) -> QuerySet[Customer]:
    """Exact name, then names starting with ``text``, then people whose given name starts with it
    (``建国`` → 张建国; all three from indexes), then names containing it (Chinese has no case:
    ``contains``) — each step only as many as fill ``MAX_RESULTS``: a longer list is not read by a
    person, who types one more character instead, and a "contains" scan over a whole branch is what
    made the search slow (the given-name step spares it for the usual "search by 名" of a large scope)."""
    starts = _prefix("name", text)
    prefixed = list(base.filter(starts).order_by().values_list("pk", flat=True)[:MAX_RESULTS])
    if len(prefixed) >= MAX_RESULTS:
        # Plenty of names start with the text: in name order the exact name comes first by itself (a
        # name sorts before its extensions), so no ranking is needed and the first page is read off
        # the name index in order instead of sorting every match (80,000 for 张 in a large branch).
        return base.filter(starts).order_by("name", "id")
    given_starts = _prefix("name_given", text)
    found = dict.fromkeys(prefixed)
    # In given-name order, read off its index: an exact given name first, then its extensions.
    by_given_name = base.filter(given_starts).order_by("name_given", "id")
    for pk in by_given_name.values_list("pk", flat=True)[:MAX_RESULTS]:
        found.setdefault(pk)
    found_ids = list(found)[:MAX_RESULTS]
    if len(found_ids) < MAX_RESULTS:
        found_ids += list(
            # The scope as a join here, not as a list of owners: the planner then reads the name index
            # in name order and stops at the first page, where an owner list makes it collect and sort
            # every name of the scope (SQLite, 50,000 names for a branch head: 30 ms → 180 ms).
            scope.visible(user, Customer.objects.filter(merged_into__isnull=True))
            .filter(name__contains=text)
            .exclude(name__startswith=text)
            .exclude(given_starts)
            .order_by("name", "id")
            .values_list("pk", flat=True)[: MAX_RESULTS - len(found_ids)]
        )
    # Fewer than a page in all: fetched by id (an OR of the prefix and the ids made SQLite scan the scope).
    return (
        base.filter(pk__in=found_ids)
        .annotate(
            rank=Case(
                When(name=text, then=Value(0)),
                When(starts, then=Value(1)),
                When(given_starts, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "name", "id")
    )


OUTGOING, INCOMING = "outgoing", "incoming"


@dataclass(frozen=True)
class RelatedParty:
    """One relationship as seen from a customer's page. ``other_id`` / ``other_name`` / ``note`` are
    empty when the other customer is outside the viewer's scope (the note could name them)."""

    id: int
    kind: str
    kind_label: str
    role_detail: str
    note: str
    direction: str  # OUTGOING: this customer is the other's <kind>; INCOMING: the other is this one's
    other_id: int | None
    other_name: str
    text: str
    can_remove: bool
    created_at: datetime


def related_parties(*, user: User, customer: Customer) -> list[RelatedParty]:
    """关联方: ``customer``'s relationships both ways (``customer`` is one the user may see).

    Three queries whatever the number of relationships: the relationships with both customers, which
    of the other parties the user may see, and which from-customers the user may change.
    """
    rows = list(
        Relationship.objects.filter(Q(from_customer=customer) | Q(to_customer=customer))
        .select_related("from_customer", "to_customer")
        .order_by("kind", "id")
    )
    if not rows:
        return []
    others = {r.to_customer_id if r.from_customer_id == customer.pk else r.from_customer_id for r in rows}
    visible_ids = set(
        scope.visible(user, Customer.objects.filter(pk__in=others)).values_list("pk", flat=True)
    )
    changeable_ids = set(
        scope.changeable(user, Customer.objects.filter(pk__in=others | {customer.pk})).values_list(
            "pk", flat=True
        )
    )
    hidden = _("（权限范围外的客户）")
    parties = []
    for r in rows:
        outgoing = r.from_customer_id == customer.pk
        other = r.to_customer if outgoing else r.from_customer
        shown = other.pk in visible_ids
        other_name = other.name if shown else hidden
        kind_label = r.get_kind_display() + (f"（{r.role_detail}）" if r.role_detail else "")
        if outgoing:
            text = _("%(this)s 是 %(other)s 的%(kind)s") % {
                "this": customer.name,
                "other": other_name,
                "kind": kind_label,
            }
        else:
            text = _("%(other)s 是 %(this)s 的%(kind)s") % {
                "this": customer.name,
                "other": other_name,
                "kind": kind_label,
            }
        parties.append(
            RelatedParty(
                id=r.pk,
                kind=r.kind,
                kind_label=str(r.get_kind_display()),
                role_detail=r.role_detail,
                note=r.note if shown else "",
                direction=OUTGOING if outgoing else INCOMING,
                other_id=other.pk if shown else None,
                other_name=other_name,
                text=text,
                can_remove=shown and r.from_customer_id in changeable_ids,
                created_at=r.created_at,
            )
        )
    return parties


def ownership_history(*, customer: Customer) -> QuerySet[CustomerOwnership]:
    """客户归属记录 of a customer the caller already may see, the newest period first."""
    return (
        CustomerOwnership.objects.filter(customer=customer)
        .select_related("owner", "changed_by")
        .order_by("-from_date", "-id")
    )


def handover_candidates(*, user: User) -> QuerySet[User]:
    """The people a team lead (their team) or branch head (their branch) may hand customers to: the
    active members of teams (CMs and team leads own customers) in the group ``user`` leads."""
    people = User.objects.filter(is_active=True, role__in=TEAM_ROLES).order_by("team__code", "username")
    return people.filter(scope.led_group_q(user, team="team", branch="branch"))


def relationship_involves(*, relationship_id: int, customer: Customer) -> bool:
    """Whether the relationship is one of ``customer``'s (either side): URLs nest it under the customer."""
    return Relationship.objects.filter(
        Q(from_customer=customer) | Q(to_customer=customer), pk=relationship_id
    ).exists()


BUSINESS_PERSON_KINDS = (RelationshipKind.OPERATOR, RelationshipKind.LEGAL_REPRESENTATIVE)


def business_persons(*, customer: Customer, kinds: tuple[str, ...] = BUSINESS_PERSON_KINDS) -> list[Customer]:
    """The persons behind a business whose own credit and income count for it (PRODUCT.md §1: "the
    operator's own credit and income count for a 个体户"): the individuals related to ``customer`` as
    one of ``kinds`` ("X 是 Y 的经营者 / 法定代表人"), in the order of ``kinds`` (first the 经营者, then the
    法定代表人), each person once, merged records left out.

    Not scoped to a user: it feeds facts computed about the business (products' admission, scoring),
    whoever owns the persons. Callers never show these records; a page names the persons only through
    the scoped ``related_parties``.
    """
    if not kinds:
        return []
    rows = (
        Relationship.objects.filter(
            to_customer=customer,
            kind__in=kinds,
            from_customer__kind=CustomerKind.INDIVIDUAL,
            from_customer__merged_into__isnull=True,
        )
        .select_related("from_customer")
        .order_by("id")
    )
    rank = {kind: position for position, kind in enumerate(kinds)}
    persons: dict[int, Customer] = {}
    for row in sorted(rows, key=lambda r: (rank[r.kind], r.pk)):
        persons.setdefault(row.from_customer_id, row.from_customer)
    return list(persons.values())


def size_class_basis(result: size_class.SizeClassResult) -> str:
    """Why a business has its size class, without its figures — "餐饮业：微型（从业人员 10 人以下或营业收入
    100 万元以下）": the rule's industry, the class and the class's condition in 工信部联企业〔2011〕300 号.
    The revenue and assets are sensitive (PIPL; shown as "已登记" only), so pages and the API say this,
    never ``result.reason``, which quotes the figures and serves the computed facts."""
    condition = size_class.condition_text(result.rule, result.size_class)
    return _("%(industry)s：%(size)s（%(condition)s）") % {
        "industry": result.rule.name,
        "size": _(result.size_class.label),
        "condition": condition,
    }


@dataclass(frozen=True)
class BusinessProfile:
    """经营信息 of a business as its 360 page shows it: 经营年限, the industry as "H6210 正餐服务" with
    its path in the standard, and the size class computed from the record with why (or why not)."""

    years: int | None
    industry_label: str
    industry_path: str
    size_label: str
    size_reason: str


def business_profile(*, customer: Customer, today: date) -> BusinessProfile | None:
    """The derived 经营信息 of ``customer`` (one the caller may see); ``None`` for a person. The size
    class is computed on read (工信部联企业〔2011〕300 号, ``size_class``): it follows the figures."""
    if not customer.is_business:
        return None
    code = customer.industry_code
    result = customer.size_class_result
    if result is not None:
        size_label, size_reason = str(_(result.size_class.label)), size_class_basis(result)
    else:
        size_label = ""
        size_reason = (
            size_class.unclassified_reason(
                code,
                employees=customer.employees,
                annual_revenue=D(customer.annual_revenue) if customer.annual_revenue else None,
                total_assets=D(customer.total_assets) if customer.total_assets else None,
            )
            or ""
        )
    return BusinessProfile(
        years=customer.business_years_on(today),
        industry_label=industries.label(code) if code else "",
        industry_path=" › ".join(industry.name for industry in industries.path(code)[:-1]) if code else "",
        size_label=size_label,
        size_reason=size_reason,
    )
