"""Money is exact on the database in use (SQLite by default, PostgreSQL when DATABASE_URL says so).

CI runs this file twice, once on each database. ``AmountField`` stores integer fen, so what goes in comes
back to the fen, and ``Sum()`` in SQL adds integers, never floats.
"""

from __future__ import annotations

import itertools
import os
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum

# core sits below accounts: the user model comes from Django, the organisation from ``org``.
User = get_user_model()
_usernames = (f"authority{n}" for n in itertools.count())

AUTHORITIES = [
    Decimal("0.01"),
    Decimal("0.10"),
    Decimal("0.20"),  # 0.1 + 0.2 is 0.30000000000000004 in floats
    Decimal("123456.78"),
    Decimal("99999999999.99"),  # just under 1,000 亿元: 9,999,999,999,999 fen, well inside BIGINT
]

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}  # the schemes dj-database-url reads


def _approver(org, authority: Decimal, username: str = "") -> User:
    """Another approver in ``org``'s first branch, like ``org.approver1`` but with ``authority``."""
    user = User(
        username=username or next(_usernames),
        full_name="审批人",
        role=org.approver1.role,
        branch=org.b1,
        approval_authority=authority,
    )
    user.set_unusable_password()
    user.full_clean()  # a valid approver: role, branch and authority agree
    user.save()
    return user


def _raw_column(user) -> int:
    """The stored value itself, bypassing ``AmountField.from_db_value``."""
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT approval_authority FROM {table} WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("authority", AUTHORITIES, ids=str)
def test_amount_reads_back_exactly(org, authority):
    user = _approver(org, authority)

    stored = User.objects.get(pk=user.pk).approval_authority
    assert stored == authority
    assert str(stored) == str(authority)  # two places, no float noise, no exponent
    assert stored.as_tuple().exponent == -2
    assert _raw_column(user) == int(authority * 100)  # integer fen on disk


def test_sum_in_sql_is_exact(org):
    users = [_approver(org, a) for a in AUTHORITIES]

    total = User.objects.filter(pk__in=[u.pk for u in users]).aggregate(total=Sum("approval_authority"))
    assert total["total"] == Decimal("100000123457.08")
    assert total["total"] == sum(AUTHORITIES, Decimal("0"))
    assert isinstance(total["total"], Decimal)
    assert str(total["total"]) == "100000123457.08"


def test_sum_of_small_amounts_has_no_float_drift(org):
    """Ten 0.10 and ten 0.20: adding them as floats drifts; in fen it is 3.00 exactly."""
    users = [_approver(org, Decimal(a)) for a in ["0.10", "0.20"] * 10]

    total = User.objects.filter(pk__in=[u.pk for u in users]).aggregate(Sum("approval_authority"))
    assert str(total["approval_authority__sum"]) == "3.00"


def test_exact_lookup_finds_the_amount(org):
    user = _approver(org, Decimal("123456.78"))

    assert list(User.objects.filter(approval_authority=Decimal("123456.78"))) == [user]
    assert not User.objects.filter(approval_authority=Decimal("123456.77")).exists()


def test_three_decimal_places_are_refused_and_nothing_changes(org):
    user = _approver(org, Decimal("123456.78"))

    user.approval_authority = Decimal("0.005")
    with pytest.raises(ValidationError) as excinfo, transaction.atomic():
        user.save()
    assert excinfo.value.code == "invalid"

    user.refresh_from_db()
    assert user.approval_authority == Decimal("123456.78")
    assert _raw_column(user) == 12345678


def test_a_new_user_with_three_decimal_places_is_not_created(org):
    before = User.objects.count()

    with pytest.raises(ValidationError), transaction.atomic():
        _approver(org, Decimal("99999999999.999"), username="too_precise")

    assert User.objects.count() == before
    assert not User.objects.filter(username="too_precise").exists()


def _postgres_required() -> bool:
    """Under CI, a postgres DATABASE_URL means this run must really be on PostgreSQL."""
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}
    scheme = os.environ.get("DATABASE_URL", "").split("://", 1)[0].split("+", 1)[0].lower()
    return ci and scheme in POSTGRES_SCHEMES


@pytest.mark.postgres
@pytest.mark.django_db
def test_suite_runs_on_postgresql():
    """CI's proof that its second run used PostgreSQL; skipped on SQLite outside that run."""
    if connection.vendor != "postgresql" and not _postgres_required():
        pytest.skip("DATABASE_URL does not point to PostgreSQL")

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        assert cursor.fetchone()[0] == "UTF8"  # Chinese names and addresses
        cursor.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            [User._meta.db_table, "approval_authority"],
        )
        assert cursor.fetchone()[0] == "bigint"  # integer fen, not numeric or double precision
