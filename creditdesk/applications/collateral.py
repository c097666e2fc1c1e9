"""The collateral register's arithmetic (押品价值与抵质押率; issue 15, item 3) — pure Python, no Django.

What a collateral is worth to a new loan of ours, and the loan-to-value (抵质押率) of what it secures:

- **net value** (可抵押价值) = latest appraisal value − the prior liens still in force (已有抵押, not
  released): the liens ranking ahead of ours are paid first;
- **remaining value** (剩余可担保价值) = net value − our other active pledges on the same collateral: one
  collateral may secure several of our loans within its remaining value, never more;
- **LTV** (抵质押率) = loan amount secured ÷ (appraised value − prior liens), rounded half-up to four places —
  the formula of the product catalogue (``products.rules.loan_to_value``; the fact ``loan_to_value``:
  贷款金额 ÷（抵质押物评估价值 − 已有抵押余额）). RULES.md sets no LTV floor of its own: the cap is the
  product's (``ProductSpec.max_ltv_for``).

Worked example: a property appraised at 1,000,000 with a prior lien of 200,000 has a net value of
800,000; a pledge securing 400,000 has an LTV of 400,000 ÷ 800,000 = 0.5000 and leaves 400,000.

When a collateral already secures other loans of ours, the LTV checked against the product's cap is the
**combined** one — everything the collateral secures for us, this pledge included, over the same net
value (``combined_ltv``): otherwise splitting a loan into several pledges would pass any cap. For the
first pledge on a collateral the two are the same figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from creditdesk.core.money import ZERO

LTV_PLACES = Decimal("0.0001")

# The register's kinds of collateral (``models.CollateralKind``) → the product catalogue's collateral types
# (``products.facts.CollateralType``) a product's LTV cap may be written for. The register does not say
# whether a property is a home, a shop or a plant, so a property takes the strictest cap among the property
# types the product lists. Equity and receivables have no catalogue type: no product takes them yet.
PRODUCT_TYPES: Mapping[str, tuple[str, ...]] = {
    "property": ("residential_property", "commercial_property", "industrial_property", "land_use_right"),
    "vehicle": ("vehicle",),
    "deposit": ("deposit_receipt",),
    "equity": (),
    "receivables": (),
}


def round_ltv(value: Decimal) -> Decimal:
    """An LTV to four places, half-up (0.49995 → 0.5000)."""
    return value.quantize(LTV_PLACES, rounding=ROUND_HALF_UP)


def net_value(*, value: Decimal, prior_liens: Decimal) -> Decimal:
    """Appraised value − prior liens in force (never below zero: nothing is left to lend on)."""
    return max(value - prior_liens, ZERO)


def remaining_value(*, value: Decimal, prior_liens: Decimal, pledged: Decimal) -> Decimal:
    """Appraised value − prior liens − our active pledges on the collateral (never below zero)."""
    return max(value - prior_liens - pledged, ZERO)


def loan_to_value(*, amount: Decimal, value: Decimal, prior_liens: Decimal) -> Decimal | None:
    """贷款金额 ÷（评估价值 − 已有抵押余额）, four places half-up; None when nothing is left
    (value ≤ liens)."""
    net = value - prior_liens
    if net <= 0:
        return None
    return round_ltv(amount / net)


def combined_ltv(
    *, amount: Decimal, value: Decimal, prior_liens: Decimal, pledged: Decimal
) -> Decimal | None:
    """The LTV of everything the collateral secures for us once ``amount`` is pledged: (our active pledges +
    ``amount``) ÷ (value − prior liens); None when nothing is left."""
    return loan_to_value(amount=pledged + amount, value=value, prior_liens=prior_liens)


def product_cap(kind: str, caps: Iterable[tuple[str, Decimal]]) -> Decimal | None:
    """The LTV cap a product sets for a collateral of register ``kind``: the strictest of the product's
    caps for the catalogue types the kind stands for; None when the product takes no such collateral.
    ``caps``: the product's (collateral type, max LTV) pairs."""
    types = PRODUCT_TYPES.get(kind, ())
    found = [cap for collateral_type, cap in caps if collateral_type in types]
    return min(found) if found else None


def revaluation_due(
    *, next_revaluation_on: date | None, latest_appraisal_on: date | None, today: date
) -> bool:
    """重估到期: the revaluation date has come and no appraisal was made on or after it (also when the
    collateral was never appraised). Shown on the pages; it does not refuse anything."""
    if next_revaluation_on is None or today < next_revaluation_on:
        return False
    return latest_appraisal_on is None or latest_appraisal_on < next_revaluation_on


@dataclass(frozen=True)
class Position:
    """What a collateral is worth to us today: the latest appraisal (None: never appraised), the prior
    liens in force, our active pledges, and what follows from them."""

    value: Decimal | None
    prior_liens: Decimal
    pledged: Decimal
    revaluation_due: bool = False

    @property
    def appraised(self) -> bool:
        return self.value is not None

    @property
    def net_value(self) -> Decimal:
        return ZERO if self.value is None else net_value(value=self.value, prior_liens=self.prior_liens)

    @property
    def remaining(self) -> Decimal:
        if self.value is None:
            return ZERO
        return remaining_value(value=self.value, prior_liens=self.prior_liens, pledged=self.pledged)

    @property
    def ltv(self) -> Decimal | None:
        """The combined LTV of what the collateral secures for us now (None: not appraised, or no net
        value)."""
        if self.value is None:
            return None
        return loan_to_value(amount=self.pledged, value=self.value, prior_liens=self.prior_liens)
