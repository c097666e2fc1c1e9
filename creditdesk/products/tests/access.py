"""The products app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

import copy

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, LIBRARY_KEEPERS, SEES
from creditdesk.core.testing.access import api, page
from creditdesk.products import services
from creditdesk.solutions.tests.conftest import NEED
from creditdesk.solutions.tests.small_catalogue import DYD, FQ, JYD, XYD, ZYD


def build(w) -> None:
    """The small catalogue (信用贷 XYD is ``w.product``) and 张三's renovation need."""
    w.products = {
        data["code"]: services.product_create(actor=w.risk1, spec=copy.deepcopy(data), note="首版")
        for data in (XYD, DYD, FQ, JYD, ZYD)
    }
    w.product = w.products["XYD"]
    w.code = w.product.code
    w.need = services.need_record(actor=w.cm_a, customer_id=w.customer.pk, data=dict(NEED))


def _customer(w, me) -> dict:
    return {"customer": w.customer.pk}


DECLARATIONS = [
    page("products:list", EVERYONE),  # reference data: the library is everyone's
    page("products:detail", EVERYONE),
    page("products:evaluate", SEES, subject="customer", query=_customer),
    page("products:new", LIBRARY_KEEPERS),
    page("products:new", LIBRARY_KEEPERS, method="POST"),
    page("products:revise", LIBRARY_KEEPERS),
    page("products:revise", LIBRARY_KEEPERS, method="POST"),
    page("products:active", LIBRARY_KEEPERS, method="POST", data={"active": "1"}),
    page("products:need", SEES, subject="customer"),
    page("products:need", CHANGES, method="POST", subject="customer"),
    page("products:panel", SEES, subject="customer"),
    api("GET /api/v1/products/", EVERYONE),
    api("POST /api/v1/products/", LIBRARY_KEEPERS, body={"spec": {}, "note": ""}),
    api("GET /api/v1/products/{code}/", EVERYONE),
    api("POST /api/v1/products/{code}/versions/", LIBRARY_KEEPERS, body={"spec": {}, "note": "修订"}),
    api("POST /api/v1/products/{code}/active/", LIBRARY_KEEPERS, body={"is_active": True}),
    api("POST /api/v1/products/{code}/evaluate/", SEES, subject="customer", body=_customer),
    api("GET /api/v1/needs/", SEES.as_list(), subject="need", listed=True),
    api(
        "POST /api/v1/needs/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, **NEED},
    ),
    api("GET /api/v1/needs/{id}/", SEES, subject="need"),
]
