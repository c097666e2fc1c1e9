"""The seeded rules (``rules_data.RULES``) as the pure guard's ``RuleSpec`` values, without a database:
what the migration loads, compiled as ``services.active_guard`` compiles the table."""

from __future__ import annotations

from typing import Any

from creditdesk.compliance import guard
from creditdesk.compliance.rules_data import RULES


def spec_of(row: dict[str, Any]) -> guard.RuleSpec:
    return guard.RuleSpec(
        code=row["code"],
        kind=guard.Kind(row["kind"]),
        severity=guard.Severity(row["severity"]),
        message=row["message"],
        suggestion=row.get("suggestion", ""),
        pattern=row.get("pattern", ""),
        channels=frozenset(c for c in row.get("channels", "").split(",") if c),
        negation_exempt=row.get("negation_exempt", True),
        source=row.get("source", ""),
    )


SEEDED = guard.Guard(spec_of(row) for row in RULES)


def codes(text: str, channel: str = "message") -> list[str]:
    """The codes of the seeded rules that fire on ``text``, in order of position."""
    return [finding.code for finding in SEEDED.check(text, channel).findings]
