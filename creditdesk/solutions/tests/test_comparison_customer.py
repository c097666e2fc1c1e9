"""竞品对比 keeps its customer: from the comparison to the competitor quotes and the form to record one, and
back to the comparison with the quote just recorded (issue 13 item 9)."""

from __future__ import annotations

import pytest

from creditdesk.solutions.models import CompetitorOffer

pytestmark = pytest.mark.django_db

FORM = {
    "institution": "某小贷公司",
    "product_name": "极速贷",
    "kind": "flat_monthly",
    "amount": "100000",
    "term_months": "12",
    "method": "equal_installment",
    "monthly_flat_rate": "0.5",
    "quoted_on": "2026-01-05",
}


def test_recording_a_quote_from_the_comparison_comes_back_to_the_customer(client, org, li):
    client.force_login(org.cm_a)
    comparison = client.get(f"/solutions/customers/{li.pk}/compare/").content.decode()
    assert f'href="/solutions/competitors/?customer={li.pk}"' in comparison
    assert f'href="/solutions/competitors/new/?customer={li.pk}"' in comparison
    assert f'href="/customers/{li.pk}/"' in comparison  # back to the customer 360

    listed = client.get(f"/solutions/competitors/?customer={li.pk}").content.decode()
    assert f'href="/solutions/customers/{li.pk}/compare/" data-testid="back-to-comparison"' in listed
    assert f'href="/solutions/competitors/new/?customer={li.pk}"' in listed

    form = client.get(f"/solutions/competitors/new/?customer={li.pk}").content.decode()
    assert "为客户李四登记：保存后回到该客户的竞品对比。" in form
    assert f'href="/solutions/customers/{li.pk}/compare/" data-testid="back-to-comparison"' in form

    response = client.post(f"/solutions/competitors/new/?customer={li.pk}", FORM)
    offer = CompetitorOffer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/solutions/customers/{li.pk}/compare/?offer={offer.pk}"
    page = client.get(response["Location"])
    assert page.context["customer"] == li and page.context["chosen"] == {offer.pk}


def test_without_a_customer_the_quote_pages_stay_as_they_were(client, org):
    client.force_login(org.cm_a)
    assert 'data-testid="back-to-comparison"' not in client.get("/solutions/competitors/").content.decode()
    response = client.post("/solutions/competitors/new/", FORM)
    assert response.status_code == 302 and response["Location"] == "/solutions/competitors/"


def test_a_customer_out_of_scope_is_not_found_and_nothing_is_recorded(client, org, li):
    client.force_login(org.cm_c)  # another team
    assert client.get(f"/solutions/competitors/?customer={li.pk}").status_code == 404
    assert client.get(f"/solutions/competitors/new/?customer={li.pk}").status_code == 404
    assert client.post(f"/solutions/competitors/new/?customer={li.pk}", FORM).status_code == 404
    assert not CompetitorOffer.objects.exists()
