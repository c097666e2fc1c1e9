"""An id the database cannot hold is refused where it comes in (``core.api.ids``): 404 in a path, 400 with
the one error shape in a query or a body — the server errors an outside tester found (issue 12)."""

from __future__ import annotations

import pytest

from creditdesk.core.api.ids import ID_MAX, IdConverter, parse_id

TOO_BIG = str(ID_MAX + 1)


@pytest.mark.parametrize("text", ["0", TOO_BIG, "99999999999999999999", "abc", "1e19", "-1", "١٢", ""])
def test_parse_id_refuses_what_the_database_cannot_hold(text):
    with pytest.raises(ValueError):
        parse_id(text)


def test_parse_id_takes_the_range_and_the_converter_round_trips():
    assert parse_id("1") == 1 and parse_id(str(ID_MAX)) == ID_MAX and parse_id(7) == 7
    assert IdConverter().to_url(IdConverter().to_python("42")) == "42"


@pytest.fixture
def zhang(org):
    from creditdesk.customers import services
    from creditdesk.customers.services import CustomerInput

    return services.customer_create(actor=org.cm_a, data=CustomerInput(kind="individual", name="张三"))


@pytest.mark.parametrize("path", ["consents", "proposals", "credit-inquiries", "needs", "assessments"])
@pytest.mark.parametrize("value", ["1e19", TOO_BIG, "0", "abc"])
def test_a_customer_filter_out_of_range_is_400_naming_the_parameter(api_client, org, path, value):
    api_client.force_authenticate(org.cm_a)
    response = api_client.get(f"/api/v1/{path}/", {"customer": value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["details"]) == ["customer"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "competitor-offers/abc/"),
        ("get", "proposals/abc/pdf/"),
        ("get", f"proposals/{TOO_BIG}/pdf/"),
        ("get", f"customers/{TOO_BIG}/"),
        ("get", "customers/0/"),
        ("get", f"tasks/{TOO_BIG}/"),
        ("delete", f"customers/1/relationships/{TOO_BIG}/"),
    ],
)
def test_a_path_id_out_of_range_is_404_with_the_error_shape(api_client, org, method, path):
    api_client.force_authenticate(org.cm_a)
    response = getattr(api_client, method)(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_body_id_out_of_range_is_400_and_nothing_changes(api_client, org, zhang):
    from creditdesk.core.models import AuditEvent

    events = AuditEvent.objects.count()
    api_client.force_authenticate(org.cm_a)
    response = api_client.post(
        f"/api/v1/customers/{zhang.pk}/merge/", {"duplicate": ID_MAX + 1, "reason": "重复录入"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and list(response.json()["details"]) == ["duplicate"]
    zhang.refresh_from_db()
    assert zhang.merged_into_id is None and AuditEvent.objects.count() == events


@pytest.mark.parametrize("query", [{"page": "0"}, {"page": "x"}, {"page_size": "0"}, {"page_size": "null"}])
def test_a_page_or_size_that_is_not_a_positive_integer_is_400(api_client, org, query):
    api_client.force_authenticate(org.cm_a)
    response = api_client.get("/api/v1/customers/", query)
    assert response.status_code == 400 and list(response.json()["details"]) == list(query)


def test_a_page_size_above_the_maximum_gives_the_maximum(api_client, org, zhang):
    api_client.force_authenticate(org.cm_a)
    assert api_client.get("/api/v1/customers/", {"page_size": "100000"}).json()["count"] == 1
