"""统一授信 — the exposure of an application's borrower and of their group (issue 15, item 4).

``exposure_for(application=...)`` gathers, for the borrower and each related party (``customers.
Relationship`` of the group kinds, both directions, up to two steps: enough to reach a sister company
through its 实际控制人), the limits granted and not yet drawn (their other applications approved, approved
with changes or contract signed) and the outstanding principal of their loans, adds what this application
asks, and checks the totals against the ``ExposureLimit`` rows (``exposure.totals``, pure).
``exposure_check`` refuses with ``exposure_limit_exceeded`` — for submission and approval to call.

Loan balances belong to the ``loans`` app, above this one in the layers: it registers a source here
(``register_balance_source``) when it is ready. With no source registered, balances count as zero and
the result says so (``balances_known``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from creditdesk.accounts.models import User
from creditdesk.applications import exposure as arithmetic
from creditdesk.applications import lifecycle
from creditdesk.applications.models import Application, ApplicationPart, ApplicationParty, ExposureLimit
from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_yuan
from creditdesk.customers.choices import RelationshipKind
from creditdesk.customers.models import Customer, Relationship
from creditdesk.customers.selectors import customer_list_visible_to

# The relationships that make customers one group for 统一授信 (not a guarantor or a referrer: a guarantee
# is a contingent exposure of its own, a referral none).
GROUP_KINDS = (
    RelationshipKind.HOUSEHOLD,
    RelationshipKind.ACTUAL_CONTROLLER,
    RelationshipKind.LEGAL_REPRESENTATIVE,
    RelationshipKind.SHAREHOLDER,
    RelationshipKind.OPERATOR,
    RelationshipKind.BENEFICIAL_OWNER,
)
GROUP_STEPS = 2
GROUP_MAX = 200  # customers gathered at most (a pathological web of relationships stays bounded)
# Limits granted and not yet drawn; a disbursed application counts through its loan's balance.
GRANTED = (
    lifecycle.Status.APPROVED,
    lifecycle.Status.APPROVED_WITH_CHANGES,
    lifecycle.Status.CONTRACT_SIGNED,
)

BalanceSource = Callable[[Iterable[int]], dict[int, Decimal]]
_BALANCE_SOURCES: list[BalanceSource] = []


def register_balance_source(fn: BalanceSource) -> None:
    """Add a source of outstanding loan principal: ``fn(customer_ids) -> {customer_id: balance}`` (a
    customer left out has none). The ``loans`` app registers its own in ``ready()``; sources add up.
    Registering the same function twice counts it once."""
    if fn not in _BALANCE_SOURCES:
        _BALANCE_SOURCES.append(fn)


def _balances(customer_ids: list[int]) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for source in _BALANCE_SOURCES:
        for customer_id, balance in source(list(customer_ids)).items():
            found[customer_id] = found.get(customer_id, ZERO) + balance
    return found


@dataclass(frozen=True)
class PartyLine:
    """One customer of the exposure: who (``name`` empty when the viewer may not see the customer), how
    related to the borrower, the limits granted and not drawn, the loan balances, their total."""

    customer_id: int
    name: str
    relation: str
    limits: Decimal
    balances: Decimal

    @property
    def total(self) -> Decimal:
        return self.limits + self.balances


@dataclass(frozen=True)
class BreachLine:
    scope: str
    label: str
    total: Decimal
    limit: Decimal
    excess: Decimal
    message: str


@dataclass(frozen=True)
class Exposure:
    """The 统一授信 of an application: the borrower (``own``), each related party, what this application
    asks (``requested``), the single and group totals, the limits and the breaches (with their sentence)."""

    application_id: int
    own: PartyLine
    related: tuple[PartyLine, ...]
    requested: Decimal
    single_total: Decimal
    group_total: Decimal
    single_limit: Decimal | None
    group_limit: Decimal | None
    breaches: tuple[BreachLine, ...]
    balances_known: bool

    @property
    def within_limits(self) -> bool:
        return not self.breaches


def _relation_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in RelationshipKind.choices}


def _group_of(customer_id: int) -> dict[int, str]:
    """The related parties of ``customer_id`` → how each relates (breadth first, ``GROUP_STEPS`` steps)."""
    labels = _relation_labels()
    found: dict[int, str] = {}
    frontier = {customer_id}
    for step in range(GROUP_STEPS):
        if not frontier or len(found) >= GROUP_MAX:
            break
        links = Relationship.objects.filter(
            Q(from_customer_id__in=frontier) | Q(to_customer_id__in=frontier), kind__in=GROUP_KINDS
        ).values_list("from_customer_id", "to_customer_id", "kind")
        following: set[int] = set()
        for from_id, to_id, kind in links.order_by("id"):
            other, forward = (from_id, True) if to_id in frontier else (to_id, False)
            if other == customer_id or other in found or len(found) >= GROUP_MAX:
                continue
            kind_label = labels.get(kind, kind)
            if step > 0:
                relation = _("关联方的%(kind)s") % {"kind": kind_label}
            elif forward:
                relation = kind_label
            else:
                relation = _("借款人为其%(kind)s") % {"kind": kind_label}
            found[other] = relation
            following.add(other)
        frontier = following
    return found


def _granted_limits(customer_ids: list[int], *, excluding: int) -> dict[int, Decimal]:
    rows = (
        ApplicationPart.objects.filter(
            application__customer_id__in=customer_ids, application__status__in=[s.value for s in GRANTED]
        )
        .exclude(application_id=excluding)
        .values("application__customer_id")
        .annotate(total=Sum("amount"))
    )
    return {row["application__customer_id"]: row["total"] or ZERO for row in rows}


def _breach_line(breach: arithmetic.Breach) -> BreachLine:
    values = {
        "total": format_yuan(breach.total),
        "limit": format_yuan(breach.limit),
        "excess": format_yuan(breach.excess),
    }
    if breach.scope == arithmetic.SINGLE:
        label = _("单一客户")
        message = (
            _(
                "单一客户授信总额 %(total)s 元（含本申请），超过限额 %(limit)s 元，超出 %(excess)s 元。"
                "请降低申请金额，或先压降该客户的存量授信。"
            )
            % values
        )
    else:
        label = _("集团客户 / 关联方")
        message = (
            _(
                "集团（关联方）授信总额 %(total)s 元（含本申请），超过限额 %(limit)s 元，超出 %(excess)s 元。"
                "请降低申请金额，或先压降关联方的存量授信。"
            )
            % values
        )
    return BreachLine(breach.scope, label, breach.total, breach.limit, breach.excess, message)


def exposure_for(*, application: Application, viewer: User | None = None) -> Exposure:
    """The 统一授信 of ``application`` (see the module docstring). ``viewer``: the person the page is for —
    the names of related customers they may not see are left empty (the application's own parties are
    shown to whoever sees the application); None: every name."""
    borrower_id = application.customer_id
    group = _group_of(borrower_id)
    ids = [borrower_id, *group]
    limits = _granted_limits(ids, excluding=application.pk)
    balances = _balances(ids)
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    if viewer is not None:
        shown = set(customer_list_visible_to(user=viewer).filter(pk__in=ids).values_list("pk", flat=True))
        shown |= set(
            ApplicationParty.objects.filter(application=application).values_list("customer_id", flat=True)
        )
        shown.add(borrower_id)
        names = {pk: (name if pk in shown else "") for pk, name in names.items()}

    def line(customer_id: int, relation: str) -> PartyLine:
        return PartyLine(
            customer_id=customer_id,
            name=names.get(customer_id, ""),
            relation=relation,
            limits=limits.get(customer_id, ZERO),
            balances=balances.get(customer_id, ZERO),
        )

    own = line(borrower_id, _("借款人"))
    related = tuple(line(pk, relation) for pk, relation in group.items())
    # a part already disbursed is a loan: its balance comes from the balance source, not counted twice
    undisbursed = application.parts.filter(disbursement__isnull=True)
    requested = sum((part.amount for part in undisbursed), ZERO)
    limit_rows = dict(ExposureLimit.objects.values_list("scope", "amount"))
    result = arithmetic.totals(
        own=arithmetic.PartyExposure(own.customer_id, own.limits, own.balances),
        related=[arithmetic.PartyExposure(p.customer_id, p.limits, p.balances) for p in related],
        requested=requested,
        limits=limit_rows,
    )
    return Exposure(
        application_id=application.pk,
        own=own,
        related=related,
        requested=requested,
        single_total=result.single,
        group_total=result.group,
        single_limit=limit_rows.get(arithmetic.SINGLE),
        group_limit=limit_rows.get(arithmetic.GROUP),
        breaches=tuple(_breach_line(b) for b in result.breaches),
        balances_known=bool(_BALANCE_SOURCES),
    )


def exposure_check(*, application: Application) -> Exposure:
    """Refuse (``exposure_limit_exceeded``) when the application would take its borrower or their group
    above a limit of ``ExposureLimit``; the message names the first limit broken (single before group),
    ``extra`` every breach. Returns the exposure when within the limits. Not a transaction of its own:
    the submitting or approving service calls it inside its own."""
    exposure = exposure_for(application=application)
    if exposure.breaches:
        first = exposure.breaches[0]
        raise DomainError(
            "exposure_limit_exceeded",
            first.message,
            {
                "limit": first.scope,
                "total": str(first.total),
                "limit_amount": str(first.limit),
                "breaches": [
                    {"limit": b.scope, "total": str(b.total), "limit_amount": str(b.limit)}
                    for b in exposure.breaches
                ],
            },
        )
    return exposure
