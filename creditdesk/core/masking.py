"""Masks for sensitive personal information (RULES.md, "Personal information").

Defaults: ID number first 3 + last 4 (``110***********123X``), phone first 3 + last 4
(``138****5678``), bank card last 4. Anything else sensitive is replaced whole.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

# Keys whose values never appear in clear in logs or the audit, whatever model they come from.
SENSITIVE_KEY_PATTERN = re.compile(
    r"(password|passwd|secret|token|api_key|id_number|id_no|uscc|phone|mobile|bank_card|card_no|"
    r"income|credit_report)",
    re.IGNORECASE,
)


def mask_id_number(value: str) -> str:
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    value = str(value)
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_card(value: str) -> str:
    value = str(value)
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_for_key(key: str, value: Any) -> Any:
    """Mask ``value`` if ``key`` names sensitive information; keep it otherwise."""
    if value is None or value == "" or not SENSITIVE_KEY_PATTERN.search(key):
        return value
    lowered = key.lower()
    if "id_number" in lowered or "id_no" in lowered:
        return mask_id_number(value)
    if "phone" in lowered or "mobile" in lowered:
        return mask_phone(value)
    if "card" in lowered:
        return mask_bank_card(value)
    return MASK


def mask_mapping(
    data: dict[str, Any] | None, extra_sensitive: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A copy of ``data`` with every sensitive value masked (nested dicts included)."""
    if not data:
        return {}
    result: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            result[key] = mask_mapping(value, extra_sensitive)
        elif key in extra_sensitive and not SENSITIVE_KEY_PATTERN.search(key):
            result[key] = MASK if value not in (None, "") else value
        else:
            result[key] = mask_for_key(key, value)
    return result
