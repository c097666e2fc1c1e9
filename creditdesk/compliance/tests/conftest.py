"""Fixtures of the compliance tests. The seeded rules come with the migration (``compliance.0002``)."""

from __future__ import annotations

import pytest

from creditdesk.compliance import services


@pytest.fixture(autouse=True)
def _fresh_guard():
    """The compiled guard is cached per process by the rules' version; each test starts afresh (its
    database rolls back, and the next test's rules may have the same version)."""
    services._cache.update(version=None, guard=None)
    yield
    services._cache.update(version=None, guard=None)
