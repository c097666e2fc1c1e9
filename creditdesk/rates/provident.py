"""住房公积金贷款 at the calculator's boundary: the one way a 公积金 loan is priced, for the single-loan
calculator (pricing mode ``provident``) and for the 公积金 part of a 组合贷 (``rates.combination``).

RULES.md "Pricing": a 公积金 loan is neither LPR-priced nor a fixed rate. Its rate is the row of the 公积金
table in force on the pricing date (``finance.pricing.provident_price``) for the home (首套 / 二套) and
the term (≤ 60 / > 60 months), and it reprices on 1 January. "Term, age, use of funds": a housing loan
(商业 / 公积金) runs at most 30 years.

Refusals (``CalculationError``, ``extra["field"]`` names the input): an unknown home order
(``unknown_home_order``), a term over 360 months (``term_over_housing_limit``), a pricing date before the
table's first row (``provident_rate_missing``, field ``date``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.finance.pricing import ProvidentPrice, provident_price
from creditdesk.finance.provident import ProvidentQuote
from creditdesk.rates.parsing import parse_choice, refusal

HOUSING_MAX_TERM_MONTHS = 360
PROVIDENT_LOAN = gettext_noop("公积金贷款")
RESET_NOTE = gettext_noop(
    "公积金贷款利率调整时，自次年 1 月 1 日起按调整后的公积金贷款利率执行，每期还款额随之变化。"
)
"""What a 公积金 quote says about its rate changing (RULES.md: it reprices on 1 January)."""


class HomeOrder(LabelledEnum):
    """首套 / 二套: which column of the 公积金 table prices a 公积金 loan."""

    FIRST = "first", gettext_noop("首套")
    SECOND = "second", gettext_noop("二套")


def parse_home_order(value: Any) -> HomeOrder:
    """``home_order`` (first | second), 首套 when not given."""
    home: HomeOrder = parse_choice(
        value or HomeOrder.FIRST, HomeOrder, field="home_order", label=_("首套/二套")
    )
    return home


def check_housing_term(months: int, *, field: str, loan: str) -> None:
    """Refuse a housing loan term outside 1–360 months; ``loan`` names the loan in the sentence."""
    if not 1 <= months <= HOUSING_MAX_TERM_MONTHS:
        raise refusal(
            field,
            "term_over_housing_limit",
            _("%(part)s期限须在 1 到 %(n)s 个月之间（住房贷款最长 30 年）。")
            % {"part": loan, "n": HOUSING_MAX_TERM_MONTHS},
        )


def provident_pricing(
    table: Sequence[ProvidentQuote], *, months: int, home: HomeOrder, on: date
) -> ProvidentPrice:
    """The 公积金 rate in force on ``on`` for a loan of ``months`` months and its home order, with the
    table row it came from."""
    check_housing_term(months, field="months", loan=_(PROVIDENT_LOAN))
    return provident_price(table, months, home == HomeOrder.SECOND, on)
