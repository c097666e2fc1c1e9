"""关怀日历 — the care calendar (issue 17 item 7): each day it puts on the CMs' agendas the greetings and
reminders that fall due, each with its message from the active template (``CareTemplate``):

- **Festivals** (``festivals``: 春节, 元宵, 端午, 中秋, 国庆 … as the templates list them): ``days_ahead``
  before the festival, one task per active customer manager who owns customers — "节日问候：春节（名下客户
  N 位）" — with the greeting to send them.
- **Birthdays** (from the birth date of the customer's ID): on the day, a task per customer (a 29 February
  birthday is greeted on 28 February in a common year).
- **Anniversaries**: on each anniversary of a loan still open, a task per loan.
- **Maturity approaching**: ``days_ahead`` (30 by default) before an open loan matures, a task per loan — the
  moment to remind the customer and to ask about renewal (the next-best-offer ranks 续贷 then).

Each occasion is put once under its key (``CareTouch``): running the day twice, or catching up, adds
nothing. A task goes to the customer's (or loan's) current owner when active; an inactive owner's
customers are skipped (their handover will reassign them). The greetings carry no product content, so
they need no marketing consent; a CM who adds an offer to one must have it (``offer_make`` checks).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.agenda.choices import TaskKind
from creditdesk.agenda.services import task_schedule
from creditdesk.core.audit import audit_record
from creditdesk.customers.models import Customer
from creditdesk.loans.choices import LoanStatus
from creditdesk.loans.models import Loan
from creditdesk.marketing import festivals
from creditdesk.marketing.choices import CareOccasion
from creditdesk.marketing.models import CareTemplate, CareTouch

OPEN_LOANS = (LoanStatus.ACTIVE, LoanStatus.OVERDUE, LoanStatus.RESTRUCTURED)
TITLE_MAX = 120


@dataclass(frozen=True)
class _Due:
    key: str
    occasion: str
    owner: User
    customer: Customer | None
    title: str
    notes: str
    due_date: date


def _render(template: CareTemplate, **values: object) -> str:
    """The template with its placeholders filled; a placeholder the occasion has not stays as written."""
    text = template.text
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def _festivals_due(day: date, templates: dict[str, CareTemplate]) -> Iterable[_Due]:
    managers = (
        User.objects.filter(role=Role.MANAGER, is_active=True)
        .annotate(n=Count("customers", filter=Q(customers__merged_into__isnull=True)))
        .filter(n__gt=0)
    )
    for key, template in templates.items():
        festival = festivals.Festival(key)
        when = day + timedelta(days=template.days_ahead)
        if festivals.festival_date(festival, when.year) != when:
            continue
        for manager in managers:
            yield _Due(
                key=f"festival:{key}:{when.year}:cm:{manager.pk}",
                occasion=CareOccasion.FESTIVAL,
                owner=manager,
                customer=None,
                title=f"节日问候：{festival.label}（名下客户 {manager.n} 位）",
                notes=_render(template, festival=festival.label, name="（客户姓名）"),
                due_date=when,
            )


def _birthdays_on(day: date) -> Q:
    """Customers whose birthday is greeted on ``day`` (29 February on the 28th of a common year)."""
    return _same_day_q("birth_date", day)


def _customers_due(day: date, template: CareTemplate) -> Iterable[_Due]:
    when = day + timedelta(days=template.days_ahead)
    customers = Customer.objects.filter(
        _birthdays_on(when), merged_into__isnull=True, owner__is_active=True, birth_date__lt=when
    ).select_related("owner")
    for customer in customers:
        yield _Due(
            key=f"birthday:{customer.pk}:{when.year}",
            occasion=CareOccasion.BIRTHDAY,
            owner=customer.owner,
            customer=customer,
            title=f"生日问候：{customer.name}",
            notes=_render(template, name=customer.name),
            due_date=when,
        )


def _loans_due(day: date, templates: dict[str, CareTemplate]) -> Iterable[_Due]:
    open_loans = Loan.objects.filter(status__in=OPEN_LOANS, owner__is_active=True).select_related(
        "customer", "owner"
    )
    anniversary = templates.get(CareOccasion.ANNIVERSARY)
    if anniversary is not None:
        when = day + timedelta(days=anniversary.days_ahead)
        for loan in open_loans.filter(_same_day_q("value_date", when), value_date__year__lt=when.year):
            years = when.year - loan.value_date.year
            yield _Due(
                key=f"anniversary:{loan.pk}:{when.year}",
                occasion=CareOccasion.ANNIVERSARY,
                owner=loan.owner,
                customer=loan.customer,
                title=f"合作周年问候：{loan.customer.name}（贷款 {years} 周年）",
                notes=_render(anniversary, name=loan.customer.name, years=years),
                due_date=when,
            )
    maturity = templates.get(CareOccasion.MATURITY)
    if maturity is not None:
        when = day + timedelta(days=maturity.days_ahead)
        for loan in open_loans.filter(maturity_date=when):
            yield _Due(
                key=f"maturity:{loan.pk}",
                occasion=CareOccasion.MATURITY,
                owner=loan.owner,
                customer=loan.customer,
                title=f"到期提醒：{loan.customer.name}（{when.isoformat()} 到期，了解续贷需求）",
                notes=_render(maturity, name=loan.customer.name, maturity_date=when.isoformat()),
                due_date=day,
            )


def _same_day_q(field: str, day: date) -> Q:
    """``field`` falls on ``day``'s month and day (a 29 February on the 28th of a common year)."""
    same = Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        same |= Q(**{f"{field}__month": 2, f"{field}__day": 29})
    return same


def care_calendar_run(*, day: date) -> dict[str, int]:
    """Put the occasions of ``day`` on the agendas (module docstring); returns how many of each were put
    (occasions already put before are not counted again)."""
    templates = list(CareTemplate.objects.filter(active=True))
    by_festival = {t.festival: t for t in templates if t.occasion == CareOccasion.FESTIVAL and t.festival}
    by_occasion = {t.occasion: t for t in templates if t.occasion != CareOccasion.FESTIVAL}
    due: list[_Due] = [*_festivals_due(day, by_festival), *_loans_due(day, by_occasion)]
    if CareOccasion.BIRTHDAY in by_occasion:
        due.extend(_customers_due(day, by_occasion[CareOccasion.BIRTHDAY]))
    done = set(CareTouch.objects.filter(key__in=[item.key for item in due]).values_list("key", flat=True))
    counts = {occasion.value: 0 for occasion in CareOccasion}
    for item in due:
        if item.key in done:
            continue
        try:
            with transaction.atomic():
                touch = CareTouch.objects.create(key=item.key, occasion=item.occasion)
                touch.task = task_schedule(
                    actor=None,
                    owner=item.owner,
                    customer=item.customer,
                    title=item.title[:TITLE_MAX],
                    due_date=max(item.due_date, timezone.localdate()),  # a catch-up: due now
                    kind=TaskKind.CARE,
                    notes=item.notes,
                )
                touch.save(update_fields=["task"])
        except IntegrityError:  # put by a run at the same time
            continue
        counts[item.occasion] += 1
    if any(counts.values()):
        with transaction.atomic():
            audit_record(actor=None, action="care.calendar", after={"day": day, **counts})
    return counts
