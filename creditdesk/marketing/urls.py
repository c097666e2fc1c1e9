"""Pages of the marketing app (``views``: one module per topic). New paths take ids through the ``id``
converter: a number out of the database's range does not match (404), never a 500."""

from django.urls import path

from creditdesk.core.api import ids  # noqa: F401 — registers the `id` path converter
from creditdesk.marketing.views import care, knowledge, leads, sources

app_name = "marketing"

urlpatterns = [
    path("leads/", leads.lead_list, name="lead_list"),
    path("board/", leads.board, name="board"),
    path("leads/new/", leads.lead_create, name="lead_create"),
    path("leads/<int:lead_id>/", leads.lead_detail, name="lead_detail"),
    path("leads/<int:lead_id>/stage/", leads.lead_stage, name="lead_stage"),
    path("leads/<int:lead_id>/need/", leads.lead_update, name="lead_update"),
    path("leads/<int:lead_id>/activities/", leads.lead_activity, name="lead_activity"),
    path("leads/<int:lead_id>/customer/", leads.lead_customer, name="lead_customer"),
    path("leads/<int:lead_id>/assign/", leads.lead_assign, name="lead_assign"),
    path("leads/<int:lead_id>/claim/", leads.lead_claim, name="lead_claim"),
    path("leads/<id:lead_id>/plan/", leads.lead_plan, name="lead_plan"),
    path("pool/", leads.pool, name="pool"),
    path("pool/assign/", leads.pool_assign, name="pool_assign"),
    path("capacity/<int:person_id>/", leads.capacity, name="capacity"),
    # where the business comes from
    path("sources/", sources.sources, name="sources"),
    path("referrals/", sources.referrals, name="referrals"),
    path("territories/", sources.territories, name="territories"),
    path("territories/list/", sources.territory_list, name="territory_list"),
    path("territories/new/", sources.territory_create, name="territory_create"),
    path("territories/<id:territory_id>/", sources.territory_detail, name="territory_detail"),
    path("territories/<id:territory_id>/edit/", sources.territory_edit, name="territory_edit"),
    path("campaigns/", sources.campaign_list, name="campaign_list"),
    path("campaigns/new/", sources.campaign_create, name="campaign_create"),
    path("campaigns/<id:campaign_id>/edit/", sources.campaign_edit, name="campaign_edit"),
    path("partners/", sources.partner_list, name="partner_list"),
    path("partners/new/", sources.partner_create, name="partner_create"),
    path("partners/<id:partner_id>/edit/", sources.partner_edit, name="partner_edit"),
    # the customer 360 page's panel and customer care
    path("customers/<int:customer_id>/panel/", care.customer_panel, name="customer_panel"),
    path("customers/<id:customer_id>/feedback/", care.feedback_record, name="feedback_record"),
    path("feedback/<id:feedback_id>/close/", care.feedback_close, name="feedback_close"),
    path("customers/<id:customer_id>/offers/", care.offer_make, name="offer_make"),
    path("offers/<id:offer_id>/outcome/", care.offer_outcome, name="offer_outcome"),
    path("customers/<id:customer_id>/education/", care.education_send, name="education_send"),
    path("customers/<id:customer_id>/surveys/", care.survey_send, name="survey_send"),
    path("satisfaction/", care.satisfaction, name="satisfaction"),
    path("surveys/<id:survey_id>/answer/", care.survey_answer, name="survey_answer"),
    # the case library and customer education
    path("cases/", knowledge.case_list, name="case_list"),
    path("cases/new/", knowledge.case_create, name="case_create"),
    path("cases/<id:case_id>/", knowledge.case_detail, name="case_detail"),
    path("education/", knowledge.education, name="education"),
]
