"""Query counts of the compliance lists (CONVENTIONS.md, "Reads"): the log and the rules read with one row
and with ten run the same number of queries (no N+1 over the senders, their teams or the rule names)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from creditdesk.compliance import services
from creditdesk.compliance.services import ComplianceBlocked, RuleInput
from creditdesk.core.testing.queries import assert_same_queries

pytestmark = pytest.mark.django_db


def _block(actor, n: int) -> None:
    with pytest.raises(ComplianceBlocked):
        services.compliance_enforce(actor=actor, text=f"第{n}条：包过，月息5厘", channel="message")


def test_the_log_page_and_api_read_a_constant_number_of_queries(client, org):
    _block(org.cm_a, 0)
    client.force_login(org.head1)

    def grow():
        for n in range(1, 10):
            _block([org.cm_a, org.cm_b, org.cm_c, org.lead2][n % 4], n)

    def read():
        response = client.get(reverse("compliance:checks"))
        assert response.status_code == 200

    read()  # the first request of a session writes the session
    assert_same_queries(read, grow, at_most=6, label="compliance:checks")

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(org.head1)

    def read_api():
        assert api.get("/api/v1/compliance/checks/").json()["count"] >= 1

    assert_same_queries(read_api, lambda: _block(org.cm_b, 11), at_most=6, label="/api/v1/compliance/checks/")


def test_the_rules_page_reads_a_constant_number_of_queries(client, org):
    client.force_login(org.risk1)

    def grow():
        for n in range(10):
            services.rule_save(
                actor=[org.risk1, org.admin][n % 2],
                data=RuleInput(
                    code=f"probe_{n}",
                    name=f"探测{n}",
                    kind="phrase",
                    severity="warn",
                    pattern=f"探测词{n}",
                    message="x",
                ),
            )

    def read():
        assert client.get(reverse("compliance:rules")).status_code == 200

    read()  # the first request of a session writes the session
    assert_same_queries(read, grow, at_most=5, label="compliance:rules")
