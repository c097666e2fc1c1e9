"""Repayment reminders (还款提醒): queued by the end of day as keys, written when they are sent.

Rules: a reminder goes by SMS to the customer for each loan with an unsettled instalment due
``reminder_days()`` days after the next business day (default T-3 and the due day), once per loan, due
date and day (the key ``loan:<id>:due:<date>:T-<n>``), unless the loan's credit balance already covers
what is owed. A catch-up of past dates does not remind customers of due dates already gone.

The end of day finds the loans from the instalments' index alone (``installment_unsettled_due``: due
date and loan of every unsettled instalment), without reading the instalments themselves (33,000 table
pages a reminder day on a book of a million loans): a loan whose first unsettled instalment is the one
due that day (``next_due_date``) and which has no credit balance owes it — an instalment not yet due
bears no penalty, so while it is unsettled its payment or fee is unpaid. Only the others (an earlier
instalment still unsettled, a credit balance) have their instalments due that day read and checked.
The keys are written with one ``INSERT … SELECT`` per reminder day (tens of thousands a night); the text
is written by ``compose_repayment_reminder`` when the message is sent — with what is owed *then*: an
instalment paid since is not reminded (the message is withdrawn), and the outbox keeps no copy of the
customer's phone until it is used.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.conf import settings
from django.db.models import ExpressionWrapper, F
from django.db.models.expressions import CombinedExpression
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.core.fields import AmountField
from creditdesk.core.money import ZERO, format_yuan
from creditdesk.loans.models import Installment, Loan
from creditdesk.loans.services import sync
from creditdesk.notifications.choices import Channel, Event
from creditdesk.notifications.composers import Composed
from creditdesk.notifications.models import OutboxMessage
from creditdesk.notifications.services import Undeliverable, outbox_queue_keys

KEY = re.compile(r"loan:(?P<loan>\d+):due:(?P<due>\d{4}-\d{2}-\d{2}):T-\d+:" + Channel.SMS.value)


def reminder_days() -> tuple[int, ...]:
    """Days before the due date a reminder goes out (configurable: ``CREDITDESK_REMINDER_DAYS``)."""
    return tuple(getattr(settings, "CREDITDESK_REMINDER_DAYS", (3, 0)))


def _owed() -> CombinedExpression:
    """What an instalment still owes of its payment and fee (penalty is not reminded)."""
    return F("payment") + F("fee") - F("principal_paid") - F("interest_paid") - F("fee_paid")


def reminders_queue(business_date: date) -> int:
    """Queue the reminders the end of day of ``business_date`` sends (for due dates counted from the next
    business day); returns how many were added (a key already queued is not counted again)."""
    opening = business_date + timedelta(days=1)
    today = timezone.localdate()
    added = 0
    for days in reminder_days():
        due = opening + timedelta(days=days)
        if due < today:
            continue  # a catch-up of past dates does not remind customers of due dates already gone
        keys = [f"loan:{pk}:due:{due.isoformat()}:T-{days}" for pk in owing_on(due)]
        added += outbox_queue_keys(event=Event.REPAYMENT_DUE, channel=Channel.SMS, keys=keys)
    return added


CHUNK = 2000  # loans per query of the others (and per IN list: under SQLite's bound-parameter limit)


def owing_on(due: date) -> list[int]:
    """The open loans (ids, ascending) with an unsettled instalment due on ``due`` — a day after the
    business date — that owes more than the loan's credit balance (see the module docstring)."""
    unsettled = set(
        Installment.objects.filter(due_date=due, settled_on__isnull=True)
        .order_by()  # not by loan: the index alone answers
        .values_list("loan_id", flat=True)
    )
    owing = unsettled & set(
        Loan.objects.filter(status__in=sync.OPEN, next_due_date=due, credit_balance=0)
        .order_by()
        .values_list("pk", flat=True)
    )
    others = sorted(unsettled - owing)
    for start in range(0, len(others), CHUNK):
        owing.update(
            Installment.objects.filter(
                loan__pk__any_of=others[start : start + CHUNK],
                due_date=due,
                settled_on__isnull=True,
                loan__status__in=sync.OPEN,
            )
            .annotate(owed=_owed())
            .filter(owed__gt=F("loan__credit_balance"))
            .order_by()
            .values_list("loan_id", flat=True)
        )
    return sorted(owing)


def compose_repayment_reminder(message: OutboxMessage) -> Composed | None:
    """The SMS of a queued reminder, from the loan as it is when it is sent: what its unsettled
    instalments due that day still owe beyond the credit balance. ``None`` (withdrawn) when that is
    nothing any more, the loan is no longer open, or the due date has passed."""
    match = KEY.fullmatch(message.dedupe_key)
    if match is None:
        raise Undeliverable(f"not a repayment reminder key: {message.dedupe_key!r}")
    due = date.fromisoformat(match["due"])
    today = timezone.localdate()
    if due < today:
        return None
    loan = (
        Loan.objects.filter(pk=int(match["loan"]), status__in=sync.OPEN)
        .values("number", "credit_balance", "customer__name", "customer__phone")
        .first()
    )
    if loan is None:
        return None
    rows = list(
        Installment.objects.filter(loan_id=int(match["loan"]), due_date=due, settled_on__isnull=True)
        .annotate(owed=ExpressionWrapper(_owed(), output_field=AmountField()))  # read back as yuan
        .order_by("period")
        .values_list("period", "owed")
    )
    periods = [period for period, _amount in rows]
    owed = sum((amount for _period, amount in rows), ZERO)
    if owed <= loan["credit_balance"]:
        return None
    when = _("今天") if due == today else _("%(n)s 天后（%(date)s）") % {"n": (due - today).days, "date": due}
    body = _(
        "尊敬的%(name)s：您的贷款 %(number)s 第 %(period)s 期应还 %(amount)s 元，"
        "还款日为%(when)s，请按时存入还款账户。"
    ) % {
        "name": loan["customer__name"],
        "number": loan["number"],
        "period": "、".join(str(period) for period in periods),
        "amount": format_yuan(owed - loan["credit_balance"]),
        "when": when,
    }
    return Composed(address=loan["customer__phone"] or "", title=_("还款提醒"), body=body)
