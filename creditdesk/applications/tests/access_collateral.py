"""The collateral register and 统一授信 in the generated access matrix
(``creditdesk/core/testing/access.py``): pages of ``urls_collateral`` and the API of
``api/urls_collateral``."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from creditdesk.accounts.tests.grids import CHANGES, SEES
from creditdesk.applications.services import collateral as services
from creditdesk.applications.tests.factories import make_application
from creditdesk.core.testing.access import api, page


def build(w) -> None:
    """张三's flat (``w.collateral``: 1,000,000 appraised, a first-rank lien of 200,000 ``w.lien``), and two
    draft 抵押贷 applications of his: ``w.collateral_application`` (no pledge yet) and
    ``w.pledged_application``, secured by the flat for 100,000 (``w.pledge``)."""
    w.collateral = services.collateral_register(
        actor=w.cm_a,
        customer_id=w.customer.pk,
        kind="property",
        description="海淀区某小区 1 号楼 101 室",
        owners="张三",
    )
    services.appraisal_record(
        actor=w.cm_a,
        collateral_id=w.collateral.pk,
        appraiser="某评估公司",
        appraised_on=timezone.localdate(),
        value=Decimal("1000000.00"),
    )
    w.lien = services.prior_lien_record(
        actor=w.cm_a, collateral_id=w.collateral.pk, holder="某银行", rank=1, amount=Decimal("200000.00")
    )
    version = w.products["DYD"].current_version
    w.collateral_application = make_application(
        customer=w.customer, product_version=version, amount="400000.00", term_months=60
    )
    w.pledged_application = make_application(
        customer=w.customer, product_version=version, amount="300000.00", term_months=60
    )
    w.pledge = services.pledge_create(
        actor=w.cm_a,
        collateral_id=w.collateral.pk,
        application_id=w.pledged_application.pk,
        amount=Decimal("100000.00"),
    )


def _application_id(w, me) -> int:
    return w.collateral_application.pk


APPLICATION = {"application_id": _application_id}


def _register(w, me) -> dict:
    return {"kind": "vehicle", "description": "小型轿车", "owners": "张三"}


def _appraisal(w, me) -> dict:
    return {"appraiser": "行内评估", "appraised_on": timezone.localdate().isoformat(), "value": "950000.00"}


def _lien(w, me) -> dict:
    return {"holder": "另一银行", "rank": 2, "amount": "50000.00"}


def _pledge_page(w, me) -> dict:
    return {"collateral": w.collateral.pk, "amount": "100000.00"}


def _pledge_api(w, me) -> dict:
    return {"collateral": w.collateral.pk, "application": w.collateral_application.pk, "amount": "100000.00"}


DECLARATIONS = [
    # pages
    page("applications:collateral_list", SEES, subject="customer"),
    page("applications:collateral_create", CHANGES, subject="customer"),
    page("applications:collateral_create", CHANGES, method="POST", subject="customer", data=_register),
    page("applications:collateral_detail", SEES, subject="collateral"),
    page("applications:appraisal_create", CHANGES, method="POST", subject="collateral", data=_appraisal),
    page("applications:lien_create", CHANGES, method="POST", subject="collateral", data=_lien),
    page("applications:lien_release", CHANGES, method="POST", subject="lien"),
    page("applications:application_pledges", SEES, subject="collateral_application", params=APPLICATION),
    page("applications:pledge_create", CHANGES, subject="collateral_application", params=APPLICATION),
    page(
        "applications:pledge_create",
        CHANGES,
        method="POST",
        subject="collateral_application",
        params=APPLICATION,
        data=_pledge_page,
    ),
    page("applications:pledge_release", CHANGES, method="POST", subject="pledge"),
    page("applications:application_exposure", SEES, subject="collateral_application", params=APPLICATION),
    # API
    api("GET /api/v1/collateral/", SEES.as_list(), subject="collateral", listed=True),
    api(
        "POST /api/v1/collateral/",
        CHANGES,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, **_register(w, me)},
    ),
    api("GET /api/v1/collateral/{id}/", SEES, subject="collateral"),
    api("POST /api/v1/collateral/{id}/appraisals/", CHANGES, subject="collateral", body=_appraisal),
    api("POST /api/v1/collateral/{id}/liens/", CHANGES, subject="collateral", body=_lien),
    api("POST /api/v1/collateral/liens/{id}/release/", CHANGES, subject="lien"),
    api("POST /api/v1/pledges/", CHANGES, subject="collateral_application", body=_pledge_api),
    api("POST /api/v1/pledges/{id}/release/", CHANGES, subject="pledge"),
    api("GET /api/v1/applications/{id}/exposure/", SEES, subject="collateral_application"),
]
