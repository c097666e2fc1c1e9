"""``__any_of`` (``core.lookups``): the rows whose column is one of a list — the same answer as ``__in``
on both databases, sent on PostgreSQL as one array parameter instead of one parameter per value."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> list[AuditEvent]:
    return [AuditEvent.objects.create(action=action) for action in ("a.one", "b.two", 'c "three"', "d,four")]


def test_the_same_rows_as_in(events):
    wanted = [events[0].pk, events[2].pk, events[3].pk, 10**12]
    found = AuditEvent.objects.filter(pk__any_of=wanted).order_by("pk")
    assert list(found) == list(AuditEvent.objects.filter(pk__in=wanted).order_by("pk"))
    assert [event.pk for event in found] == [events[0].pk, events[2].pk, events[3].pk]


def test_text_values_are_quoted(events):
    found = AuditEvent.objects.filter(action__any_of=['c "three"', "d,four", "none"]).order_by("pk")
    assert [event.action for event in found] == ['c "three"', "d,four"]


def test_an_empty_list_selects_nothing(events):
    assert list(AuditEvent.objects.filter(pk__any_of=[])) == []
    assert AuditEvent.objects.exclude(pk__any_of=[]).count() == len(events)


def test_a_subquery_works_as_in(events):
    inner = AuditEvent.objects.filter(action__startswith="b").values("pk")
    assert [event.action for event in AuditEvent.objects.filter(pk__any_of=inner)] == ["b.two"]


def test_postgresql_gets_one_array_parameter(events):
    ids = [event.pk for event in events]
    with CaptureQueriesContext(connection) as queries:
        list(AuditEvent.objects.filter(pk__any_of=ids))
    sql = queries.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(CAST(" in sql
        assert " IN (" not in sql  # the ids travel as one literal, not one parameter each
    else:
        assert " IN (" in sql
