"""The marketing app in the generated access matrix (``creditdesk/core/testing/access.py``): its pages
(``access_pages.py``) and its API (``access_api.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from creditdesk.consents.models import Consent
from creditdesk.marketing import services
from creditdesk.marketing.services import CampaignInput, CaseInput, LeadInput, PartnerInput, TerritoryInput
from creditdesk.marketing.tests.access_api import API_DECLARATIONS
from creditdesk.marketing.tests.access_pages import PAGE_DECLARATIONS


def build(w) -> None:
    """李四, a prospect who asked cm_a about a loan (cm_a's, team T1); 王五 in team T1's pool; branch B1's
    partner, campaign and territory (kept by lead1); 张三's marketing consent, a survey after a service
    event, a suggestion he made and an offer of deposits made to him; a case cm_a wrote."""
    w.lead = services.lead_create(
        actor=w.cm_a, data=LeadInput(name="李四", phone="13900139017", basis="request", channel="offline")
    ).lead
    w.pool_lead = services.lead_create(
        actor=w.lead1, data=LeadInput(name="王五", phone="13900139019", channel="online"), to_pool=True
    ).lead
    w.partner = services.partner_save(actor=w.lead1, data=PartnerInput(name="链家高新店", kind="real_estate"))
    w.campaign = services.campaign_save(
        actor=w.lead1,
        data=CampaignInput("高新区产业园地推", "offline", date(2026, 3, 1), date(2026, 3, 31), cost="9000"),
    )
    w.territory = services.territory_save(
        actor=w.lead1, data=TerritoryInput(name="高新区创业园", kind="park", keywords="创业园,创业路")
    )
    today = timezone.localdate()
    Consent.objects.create(
        customer=w.customer,
        kind="marketing",
        purpose="",
        signed_on=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
        channel="paper",
        recorded_by=w.cm_a,
    )
    w.survey = services.survey_send(
        actor=w.cm_a, customer_id=w.customer.pk, kind="csat", trigger_key="service:1"
    )
    w.feedback = services.feedback_record(
        actor=w.cm_a, customer_id=w.customer.pk, kind="suggestion", text="希望能在手机上还款"
    )
    w.offer = services.offer_make(actor=w.cm_a, customer_id=w.customer.pk, category="deposits")
    w.case = services.case_write(
        actor=w.cm_a,
        data=CaseInput(
            title="餐饮店主续贷加增额",
            outcome="won",
            customer_kind="individual_business",
            need="开第二家店",
            solution="续贷并增额",
            lessons="提前三个月联系",
        ),
    )


DECLARATIONS = [*PAGE_DECLARATIONS, *API_DECLARATIONS]
