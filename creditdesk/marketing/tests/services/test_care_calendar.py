"""The care calendar: festival greetings per CM ahead of the festival, birthdays from the ID, loan
anniversaries and maturity reminders — each occasion once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from creditdesk.agenda.models import Task
from creditdesk.loans.models import Loan
from creditdesk.loans.tests.conftest import book_loan, xyd  # noqa: F401 — fixtures
from creditdesk.marketing import festivals
from creditdesk.marketing.services import care_calendar_run
from creditdesk.marketing.tests.conftest import customer_of
from creditdesk.solutions.tests.conftest import li, small_catalogue  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def next_festival(key: str) -> date:
    today = timezone.localdate()
    when = festivals.festival_date(key, today.year)
    return when if when - timedelta(days=3) >= today else festivals.festival_date(key, today.year + 1)


def test_a_festival_greeting_per_cm_ahead_of_the_festival_once(org):
    customer_of(org.cm_a)
    customer_of(org.cm_a, name="赵六", phone="13700137009")
    spring = next_festival("spring_festival")
    day = spring - timedelta(days=3)  # the template's days ahead
    counts = care_calendar_run(day=day)
    assert counts["festival"] == 1  # cm_a only: nobody else owns customers here
    task = Task.objects.get(kind="care")
    assert (task.owner, task.due_date, task.title) == (org.cm_a, spring, "节日问候：春节（名下客户 2 位）")
    assert task.notes.startswith("（客户姓名）您好！春节将至")
    assert care_calendar_run(day=day)["festival"] == 0  # run twice: nothing new
    assert care_calendar_run(day=spring - timedelta(days=2))["festival"] == 0  # not the day for it


def test_birthdays_come_from_the_id(org):
    zhang = customer_of(org.cm_a, id_number="11010519900315001" + check_digit("11010519900315001"))
    assert zhang.birth_date == date(1990, 3, 15)
    next_year = timezone.localdate().year + 1
    assert care_calendar_run(day=date(next_year, 3, 14))["birthday"] == 0
    assert care_calendar_run(day=date(next_year, 3, 15))["birthday"] == 1
    task = Task.objects.get(kind="care", customer=zhang)
    assert (task.title, task.due_date) == ("生日问候：张三", date(next_year, 3, 15))
    assert "生日快乐" in task.notes


def check_digit(body: str) -> str:
    """GB 11643's check character of the first 17 digits of a resident ID."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def test_a_29_february_birthday_is_greeted_on_the_28th_in_a_common_year():
    from creditdesk.marketing.services.care_calendar import _birthdays_on

    assert "29" in str(_birthdays_on(date(2027, 2, 28)))
    assert "29" not in str(_birthdays_on(date(2028, 2, 28)))


def test_maturity_and_anniversary_of_an_open_loan(org, li, xyd):  # noqa: F811
    loan = book_loan(org, li, xyd)  # value date 2026-01-10
    today = timezone.localdate()
    Loan.objects.filter(pk=loan.pk).update(maturity_date=today + timedelta(days=30))
    counts = care_calendar_run(day=today)
    assert counts["maturity"] == 1
    task = Task.objects.get(kind="care", customer=li)
    assert task.title.startswith("到期提醒：李四") and "到期" in task.notes and task.due_date == today
    Loan.objects.filter(pk=loan.pk).update(value_date=today.replace(year=today.year - 2))
    assert care_calendar_run(day=today)["anniversary"] == 1
    assert Task.objects.filter(kind="care", title__contains="2 周年").count() == 1
