"""The API contract holds for an outside client (issue 12).

Schemathesis reads the OpenAPI schema as a client gets it (``GET /api/schema/``), generates requests for
every operation — schema-valid ones and schema-invalid ones — and sends them to the WSGI application in
this process, so every write lands in the test database. Each request is sent twice: as a customer
manager with customers, needs, consents, credit inquiries, a proposal, a competitor quote and a task of
their own, and as the administrator. Every answer must be documented (status, content type, headers,
body, the ``Error`` shape for errors), none may be a 5xx, a schema-invalid request must be refused and a
schema-valid one refused only by a business rule (a domain code, never the serializer's ``invalid``).

Bounded: a fixed number of derandomized examples per operation and mode, no shrinking.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

EXAMPLES_PER_MODE = 12
# A 400 the serializer wrote (the schema should have said so) rather than a business rule (its own code).
SCHEMA_LEVEL_CODES = frozenset({"invalid", "malformed_request"})
# Body fields naming another row by id: whether that row exists is not the schema's to say.
REFERENCE_FIELDS = frozenset({"owner", "person"})


def _beyond_the_schema(field: str, body: Any) -> bool:
    """A field error no schema can prevent: a reference to a row that does not exist, or text that is
    blank once trimmed (DRF trims; JSON Schema cannot say "not only whitespace")."""
    value = body.get(field) if isinstance(body, dict) else None
    return field in REFERENCE_FIELDS or (isinstance(value, str) and not value.strip())


def schema_valid_request_refused_only_by_a_rule(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request answered 400 must carry a business rule's code: a 400 ``invalid`` means
    the serializer asked for something the schema does not say (a bound, a length, a format)."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    if response.status_code != 400:
        return None
    try:
        answer = json.loads(response.content)
    except ValueError:
        answer = {}
    if answer.get("code") not in SCHEMA_LEVEL_CODES:
        return True
    fields = answer.get("details") or {}
    if fields and all(_beyond_the_schema(field, case.body) for field in fields):
        return True
    raise AssertionError(f"schema-valid request refused by the serializer: {answer}")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    ignored_auth,
    schema_valid_request_refused_only_by_a_rule,
]


@pytest.fixture
def in_process_requests() -> Iterator[None]:
    """Like Django's test client: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(org, settings, tmp_path) -> dict[str, str]:
    """cm_a's customers with a need, consents, an inquiry, a relationship, a proposal, a quote, a task, a
    lead (and one in his team's pool), the shipped scorecard in use; tokens for cm_a and the
    administrator."""
    from rest_framework.authtoken.models import Token

    from creditdesk.agenda import services as agenda_services
    from creditdesk.consents import services as consent_services
    from creditdesk.consents.tests.conftest import upload
    from creditdesk.customers import services as customer_services
    from creditdesk.customers.services import CustomerInput
    from creditdesk.marketing import services as marketing_services
    from creditdesk.marketing.services import LeadInput
    from creditdesk.products import services as product_services
    from creditdesk.scoring import services as scoring_services
    from creditdesk.scoring.seed import expert_artefact
    from creditdesk.solutions import services as solution_services
    from creditdesk.solutions.tests.conftest import LI_ID, NEED, grade
    from creditdesk.solutions.tests.small_catalogue import DYD, FQ, JYD, XYD, ZYD
    from creditdesk.solutions.tests.test_api import FLAT

    settings.MEDIA_ROOT = tmp_path / "media"
    for spec in (XYD, DYD, FQ, JYD, ZYD):
        product_services.product_create(actor=org.risk1, spec=copy.deepcopy(spec), note="首版")
    model = scoring_services.score_model_register(actor=org.risk1, artefact=expert_artefact())
    scoring_services.score_model_approve(actor=org.risk2, model_id=model.pk)
    scoring_services.score_model_activate(actor=org.risk2, model_id=model.pk)

    li = customer_services.customer_create(
        actor=org.cm_a,
        data=CustomerInput(
            kind="individual",
            name="李四",
            id_number=LI_ID,
            phone="13800138000",
            monthly_income="30000",
            monthly_debt_payments="2000",
            profile={"industry": "教育"},
            credit_current_overdue="0",
            credit_worst_overdue_days="0",
            credit_inquiries_6m="2",
        ),
    )
    zhang = customer_services.customer_create(
        actor=org.cm_a, data=CustomerInput(kind="individual", name="张三", id_number="11010519491231002X")
    )
    customer_services.customer_create(actor=org.cm_a, data=CustomerInput(kind="enterprise", name="某某商贸"))
    customer_services.customer_create(actor=org.cm_c, data=CustomerInput(kind="individual", name="王五"))
    customer_services.relationship_add(
        actor=org.cm_a, from_customer_id=zhang.pk, to_customer_id=li.pk, kind="guarantor"
    )
    product_services.need_record(actor=org.cm_a, customer_id=li.pk, data=dict(NEED))
    grade(org, li, "B")
    today = timezone.localdate()
    for purpose in ("loan_review", "guarantor_review"):
        consent_services.consent_record(
            actor=org.cm_a,
            customer_id=li.pk,
            kind="credit_inquiry",
            purpose=purpose,
            signed_on=today - timedelta(days=10),
            valid_until=today + timedelta(days=300),
            channel="paper",
            evidence=upload(),
        )
    consent_services.credit_inquiry_request(actor=org.cm_a, customer_id=li.pk, purpose="loan_review")
    solution_services.proposal_create(actor=org.cm_a, customer_id=li.pk, products=["XYD"])
    solution_services.competitor_offer_record(actor=org.cm_a, data=dict(FLAT))
    agenda_services.task_create(
        actor=org.cm_a, owner=org.cm_a, title="回访李四", due_date=today + timedelta(days=3)
    )
    marketing_services.lead_create(actor=org.cm_a, data=LeadInput(name="赵六", phone="13900139018"))
    marketing_services.lead_create(
        actor=org.lead1, data=LeadInput(name="王五", phone="13900139019"), to_pool=True
    )
    return {
        "manager": Token.objects.create(user=org.cm_a).key,
        "admin": Token.objects.create(user=org.admin).key,
    }


def test_every_operation_keeps_the_contract(world, in_process_requests):
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    manager = {"Authorization": f"Token {world['manager']}"}
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/", app, headers={**manager, "Accept": "application/json"}
    )
    # Text with a NUL character is refused everywhere (Django's and DRF's ProhibitNullCharactersValidator),
    # which JSON Schema has no word for: schema-valid data is generated without it.
    schema.config.generation.update(allow_x00=False)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60
    failures: list[str] = []
    cases = 0

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES_PER_MODE,
                derandomize=True,
                deadline=None,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def send(case: Any) -> None:
                nonlocal cases
                for token in world.values():
                    cases += 1
                    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

            try:
                send()
            except Unsatisfiable:
                continue  # nothing to send in this mode (e.g. no parameter an invalid value could break)
            except (Exception, BaseExceptionGroup) as exc:  # report every operation's failures together
                failures.append(f"{operation.label} ({mode.value}): {exc}")

    assert not failures, (
        f"{len(failures)} operations broke the contract ({cases} requests):\n\n" + "\n\n".join(failures)
    )
