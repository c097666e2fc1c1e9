"""The structured credit-report summary as a pure value: parsing, refusals, 连三累六 counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creditdesk.consents.report import ReportSummary, longest_run, parse_summary
from creditdesk.core.exceptions import DomainError

GOOD = {
    "current_overdue": True,
    "current_overdue_amount": "1,250.50",
    "status_24m": "NNNN 1NN1 23NN NNN* /CNN NNN1",
    "inquiries_6m": "4",
    "debt_count": 3,
    "debt_balance": "180000",
    "monthly_obligation": "",
}


def test_parse_reads_every_field_exactly():
    summary = parse_summary(**GOOD)
    assert summary == ReportSummary(
        current_overdue=True,
        current_overdue_amount=Decimal("1250.50"),
        status_24m="NNNN1NN123NNNNN*/CNNNNN1",
        inquiries_6m=4,
        debt_count=3,
        debt_balance=Decimal("180000"),
        monthly_obligation=None,
    )
    assert summary.consecutive_overdue_months == 3  # "123"
    assert summary.cumulative_overdue_months == 5  # 1, 1, 2, 3, 1
    assert ReportSummary.from_json(summary.to_json()) == summary
    assert summary.to_json() == {
        "current_overdue": True,
        "current_overdue_amount": "1250.50",
        "status_24m": "NNNN1NN123NNNNN*/CNNNNN1",
        "inquiries_6m": 4,
        "debt_count": 3,
        "debt_balance": "180000",
        "monthly_obligation": None,
        "revolving_limit": None,
        "revolving_used": None,
    }


def test_credit_lines_give_their_usage_and_come_in_pairs():
    lines = parse_summary(**GOOD, revolving_limit="50000", revolving_used="41000")
    assert lines.credit_line_usage == Decimal("0.82")
    assert ReportSummary.from_json(lines.to_json()) == lines
    over = parse_summary(**GOOD, revolving_limit="10000", revolving_used="10500")  # cards allow 超限
    assert over.credit_line_usage == Decimal("1.05")
    assert parse_summary(**GOOD).credit_line_usage is None
    for given in (
        {"revolving_limit": "50000"},
        {"revolving_used": "100"},
        {"revolving_limit": "0", "revolving_used": "0"},
    ):
        with pytest.raises(DomainError) as refused:
            parse_summary(**GOOD, **given)
        assert refused.value.code == "summary_revolving_invalid"


@pytest.mark.parametrize(
    ("status", "run", "total"),
    [
        ("N" * 24, 0, 0),
        ("N" * 21 + "123", 3, 3),
        ("1N1N1N1N1N1N" + "N" * 12, 1, 6),
        ("7" * 24, 24, 24),
        ("C*/N" * 6, 0, 0),
    ],
)
def test_consecutive_and_cumulative_overdue_months(status, run, total):
    summary = parse_summary(**{**GOOD, "status_24m": status})
    assert (summary.consecutive_overdue_months, summary.cumulative_overdue_months) == (run, total)
    assert longest_run(status) == run


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"current_overdue": "yes"}, "summary_field_required", "current_overdue"),
        ({"current_overdue_amount": ""}, "summary_overdue_amount", "current_overdue_amount"),
        ({"current_overdue_amount": "0"}, "summary_overdue_amount", "current_overdue_amount"),
        ({"current_overdue": False}, "summary_overdue_amount", "current_overdue_amount"),
        ({"current_overdue_amount": "12.345"}, "summary_amount_invalid", "current_overdue_amount"),
        ({"status_24m": "N" * 23}, "summary_status_invalid", "status_24m"),
        ({"status_24m": "N" * 23 + "8"}, "summary_status_invalid", "status_24m"),
        ({"status_24m": None}, "summary_status_invalid", "status_24m"),
        ({"inquiries_6m": "-1"}, "summary_count_invalid", "inquiries_6m"),
        ({"inquiries_6m": 1000}, "summary_count_invalid", "inquiries_6m"),
        ({"debt_count": True}, "summary_count_invalid", "debt_count"),
        ({"debt_balance": ""}, "summary_field_required", "debt_balance"),
        ({"debt_balance": "-5"}, "summary_amount_invalid", "debt_balance"),
        ({"debt_count": 0}, "summary_debts_inconsistent", "debt_count"),
        ({"monthly_obligation": "abc"}, "summary_amount_invalid", "monthly_obligation"),
    ],
)
def test_refusals_name_the_field(change, code, field):
    with pytest.raises(DomainError) as refused:
        parse_summary(**{**GOOD, **change})
    assert (refused.value.code, refused.value.extra) == (code, {"field": field})


def test_status_refusal_explains_the_marks():
    with pytest.raises(DomainError) as refused:
        parse_summary(**{**GOOD, "status_24m": "N" * 12})
    assert refused.value.message == (
        "近 24 个月还款状态须为 24 个字符（由早到晚，最后一个为报告当月）："
        "N 正常、* 无还款义务、/ 无记录、C 结清、1–7 逾期期数。"
    )


def test_no_overdue_and_no_debts():
    summary = parse_summary(
        current_overdue=False,
        current_overdue_amount="0",
        status_24m="*" * 24,
        inquiries_6m=0,
        debt_count=0,
        debt_balance="0",
    )
    assert summary.current_overdue_amount is None and summary.debt_balance == Decimal("0")
