"""The LPR and 公积金 rate tables and the repayment calculator in the generated access matrix
(``creditdesk/core/testing/access.py``): reference data and arithmetic, open to every signed-in person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.core.testing.access import api, page

# The app's URL namespace, written once: the calculator page is "<NAMESPACE>:calculator".
NAMESPACE = "rates"

QUOTE = {"method": "equal_installment", "principal": "100000.00", "annual_rate": "4.35", "months": 12}
COMBINATION = {
    "provident_amount": "600000.00",
    "provident_months": 300,
    "commercial_amount": "400000.00",
    "commercial_months": 360,
    "spread_bp": -45,
    "pricing_date": "2025-06-01",
}


def build(w) -> None:
    """The latest LPR row: the migration's table, or one row when a flushing test emptied it (and the
    same for the 公积金 table, which the combination quote needs)."""
    from creditdesk.rates.models import LprRate, ProvidentRate

    if not ProvidentRate.objects.exists():
        ProvidentRate.objects.create(
            effective_from=date(2025, 5, 8),
            first_home_up_to_5y=Decimal("2.10"),
            first_home_over_5y=Decimal("2.60"),
            second_home_up_to_5y=Decimal("2.525"),
            second_home_over_5y=Decimal("3.075"),
            source="中国人民银行",
        )

    w.lpr = LprRate.objects.order_by("-effective_from").first() or LprRate.objects.create(
        effective_from=date(2025, 5, 20), one_year=Decimal("3.00"), five_year=Decimal("3.50")
    )
    w.effective_from = w.lpr.effective_from.isoformat()


DECLARATIONS = [
    page(f"{NAMESPACE}:calculator", EVERYONE),
    api("GET /api/v1/lpr/", EVERYONE),
    api("GET /api/v1/lpr/{effective_from}/", EVERYONE),
    api("GET /api/v1/provident-rates/", EVERYONE),
    api("POST /api/v1/calculator/quote/", EVERYONE, body=QUOTE),
    api("POST /api/v1/calculator/prepayment/", EVERYONE),  # a 400 for the empty body: let in
    api("POST /api/v1/calculator/combination/", EVERYONE, body=COMBINATION),
]
