"""Query counts: ``assert_max_queries(n)`` and ``count_queries()``, failing with the SQL listed.

CONVENTIONS.md ("Reads"): every list has a query-count test. The shape that catches an N+1 is to render
the page with one row and with many and assert the same count (``assert_same_queries``), under a bound
that also fails when a fixed number of queries is added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext


class QueryCountError(AssertionError):
    pass


def _listing(captured: CaptureQueriesContext) -> str:
    return "\n".join(f"  {i}. {q['sql']}" for i, q in enumerate(captured.captured_queries, 1))


@contextmanager
def count_queries(using: str = DEFAULT_DB_ALIAS) -> Iterator[CaptureQueriesContext]:
    """The queries the block runs (``len(captured)``, ``captured.captured_queries``)."""
    with CaptureQueriesContext(connections[using]) as captured:
        yield captured


@contextmanager
def assert_max_queries(
    n: int, *, using: str = DEFAULT_DB_ALIAS, label: str = ""
) -> Iterator[CaptureQueriesContext]:
    """Fail when the block runs more than ``n`` queries, listing every one of them."""
    with count_queries(using) as captured:
        yield captured
    if len(captured) > n:
        what = f"{label}: " if label else ""
        raise QueryCountError(f"{what}{len(captured)} queries, at most {n} expected:\n{_listing(captured)}")


def assert_same_queries(
    render: Callable[[], Any],
    grow: Callable[[], Any],
    *,
    at_most: int,
    using: str = DEFAULT_DB_ALIAS,
    label: str = "",
) -> int:
    """``render()`` (e.g. a GET of a list with one row), then ``grow()`` (add rows), then ``render()``
    again: both at most ``at_most`` queries and the same number — an N+1 makes the second one larger.
    Returns the count."""
    with assert_max_queries(at_most, using=using, label=f"{label} (few rows)") as few:
        render()
    grow()
    with assert_max_queries(at_most, using=using, label=f"{label} (many rows)") as many:
        render()
    if len(many) != len(few):
        raise QueryCountError(
            f"{label}: {len(few)} queries with few rows, {len(many)} with many (an N+1?)\n"
            f"few:\n{_listing(few)}\nmany:\n{_listing(many)}"
        )
    return len(few)
