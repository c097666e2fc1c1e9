"""Fixtures shared by the whole suite.

``org``: a small organisation for permission matrices —
branch B1 with teams T1 (lead1, cm_a, cm_b) and T2 (lead2, cm_c), plus head1, risk1, approver1;
branch B2 with team T3 (lead3, cm_d), head2, risk2; and an administrator.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, the test database's tables are kept away from autovacuum.

    Every test's rows are rolled back, so all a vacuum or analyze of a test table can learn is that it is
    empty (``reltuples = 0``). The planner then believes it, and a later test that really fills the tables
    (the demo seed: thousands of customers, needs and assessments) gets nested loops over sequential scans
    — one statement took 37 s instead of milliseconds. A table never vacuumed is estimated from its real
    size instead, which is what these short-lived tables need."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema()"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


@pytest.fixture
def org(db):
    from creditdesk.accounts.tests.org import build_org

    return build_org()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests hash with MD5 unless they test hashing itself
    (those set ``settings.PASSWORD_HASHERS`` back from ``config.settings``)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _small_demo_book(settings):
    """`creditdesk seed` books a year of 5,000 loans for the demo; a test that runs the whole seed gets a
    small book (a few loans over a month) unless it sets its own size (``test_seed_history``)."""
    settings.CREDITDESK_DEMO_LOANS = 8
    settings.CREDITDESK_DEMO_HISTORY_MONTHS = 1


@pytest.fixture(autouse=True)
def _fresh_servicing_rules():
    """The servicing rules of a product version are cached by id (a saved version never changes); a test
    database rolls back and may give the next test's version the same id, so each test starts afresh."""
    from creditdesk.loans.services.sync import forget_servicing_rules

    forget_servicing_rules()
    yield
    forget_servicing_rules()
