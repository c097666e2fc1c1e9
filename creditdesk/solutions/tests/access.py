"""The solutions app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, CUSTOMER_WORKERS, SEES
from creditdesk.core.testing.access import api, page
from creditdesk.solutions import services

FLAT = {
    "institution": "某小贷公司",
    "product_name": "极速贷",
    "kind": "flat_monthly",
    "amount": "100000.00",
    "term_months": 12,
    "monthly_flat_rate": "0.5",
}


def build(w) -> None:
    """A competitor quote recorded by cm_a for team T1, and 张三's proposal for 信用贷."""
    w.offer = services.competitor_offer_record(actor=w.cm_a, data=dict(FLAT))
    w.competitor_offer = w.offer
    w.proposal = services.proposal_create(actor=w.cm_a, customer_id=w.customer.pk, products=[w.code])


def _customer(w, me) -> dict:
    return {"customer": w.customer.pk}


# Theirs for the comparison: a quote given in the body (rates as fractions), so only the customer decides.
QUOTE = {**FLAT, "monthly_flat_rate": "0.005"}

TEAM_QUOTE = SEES.but(
    manager="AANN",
    why="a team's competitor quotes are the whole team's (every member sees them; CompetitorOffer)",
)
# 出具方案书 for 经营贷, which 张三 does not pass: a refusal after the access check (no PDF is drawn).
INELIGIBLE = "JYD"

DECLARATIONS = [
    page("solutions:match", SEES, subject="customer"),
    page("solutions:panel", SEES, subject="customer"),
    page("solutions:compare", SEES, subject="customer"),
    page("solutions:option", SEES, subject="customer"),
    page("solutions:proposal_new", CHANGES, method="POST", subject="customer", data={"products": INELIGIBLE}),
    page("solutions:proposal", SEES, subject="proposal"),
    page("solutions:proposal_pdf", SEES, subject="proposal"),
    # ``competitor_offer``: the marketing world's ``offer`` (an offer to 张三) is built after this one
    page(
        "solutions:competitors",
        TEAM_QUOTE.as_list(),
        subject="competitor_offer",
        listed=lambda w: str(w.competitor_offer),
    ),
    page("solutions:competitor_new", CUSTOMER_WORKERS),
    page("solutions:competitor_new", CUSTOMER_WORKERS, method="POST"),
    api("POST /api/v1/matches/", SEES, subject="customer", body=_customer),
    api("GET /api/v1/competitor-offers/", TEAM_QUOTE.as_list(), subject="competitor_offer", listed=True),
    api("POST /api/v1/competitor-offers/", CUSTOMER_WORKERS, body=FLAT),
    api("GET /api/v1/competitor-offers/{id}/", TEAM_QUOTE, subject="competitor_offer"),
    api(
        "POST /api/v1/competitor-offers/compare/",
        SEES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "quotes": [QUOTE]},
    ),
    api("GET /api/v1/proposals/", SEES.as_list(), subject="proposal", listed=True),
    api(
        "POST /api/v1/proposals/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "products": [INELIGIBLE]},
    ),
    api("GET /api/v1/proposals/{id}/", SEES, subject="proposal"),
    api("GET /api/v1/proposals/{id}/pdf/", SEES, subject="proposal"),
]
