"""The placeholders of a script's answer ({客户称呼}, {年化利率} …): which exist, which a text uses, and the
text with them filled in. Pure (no Django): the values come from the customer, the product and the
customer's latest quote (``replies.services.compose``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "客户称呼": "称呼（姓 + 先生/女士），如“张先生”",
    "客户姓名": "客户姓名",
    "客户经理": "客户经理姓名",
    "网点名称": "客户经理所在支行",
    "产品名称": "最近方案书的产品",
    "贷款金额": "最近方案书的金额",
    "贷款期限": "最近方案书的期限",
    "年化利率": "最近方案书的年化利率（含费用，IRR 法）",
    "月供": "最近方案书的首期月供",
    "还款方式": "最近方案书的还款方式",
}

_FIELD = re.compile(r"\{([^{}\s]{1,20})\}")


def used(text: str) -> list[str]:
    """The placeholder names ``text`` uses, in order, each once."""
    return list(dict.fromkeys(_FIELD.findall(text)))


def unknown(text: str) -> list[str]:
    """The names in braces that are not placeholders (a typo such as {年化利息})."""
    return [name for name in used(text) if name not in PLACEHOLDERS]


def fill(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with every placeholder that has a value replaced; the names left unfilled (in order)."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name, "")
        if name in PLACEHOLDERS and value:
            return value
        if name not in missing:
            missing.append(name)
        return match.group(0)

    return _FIELD.sub(replace, text), missing
