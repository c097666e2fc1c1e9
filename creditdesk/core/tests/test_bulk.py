"""``core.bulk``'s PostgreSQL array literals: each column's values written as one ``{…}`` literal, with
quoting only where a value needs it (the round trip through the database is tested by the ledger's
``journal_post_many`` tests on both databases)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from creditdesk.core.bulk import array_literal


def test_numbers_and_dates_are_written_bare():
    assert array_literal([1, -20, 300]) == "{1,-20,300}"
    assert array_literal([Decimal("1.50"), 2]) == "{1.50,2}"
    assert array_literal([date(2026, 12, 7), date(2027, 1, 1)]) == "{2026-12-07,2027-01-01}"


def test_everything_else_is_quoted_or_null():
    assert array_literal([True, False, None]) == "{t,f,NULL}"  # a bool is not written as 1 / 0
    assert array_literal([1, None]) == "{1,NULL}"
    assert array_literal([1, True, 0, False, None]) == "{1,t,0,f,NULL}"  # equal, not written alike
    assert array_literal(["a", "a", None, "a"]) == '{"a","a",NULL,"a"}'
    assert array_literal(["NULL", 'say "hi"', "a\\b", "x,y{}"]) == (
        '{"NULL","say \\"hi\\"","a\\\\b","x,y{}"}'
    )
    assert array_literal([datetime(2026, 12, 7, 8, 30)]) == '{"2026-12-07T08:30:00"}'
    assert array_literal([date(2026, 12, 7), None]) == '{"2026-12-07",NULL}'  # quoted: still valid
