"""Demo consents: authorizations for ~60% of the demo customers (some expired, a few revoked, some with
marketing consent) and a few credit inquiries made under them (written authorizations only; the seed
runs before the loans are booked, so it makes no post-loan inquiries).

Idempotent: skipped when consents exist. Every credit-inquiry authorization points at one small sample
PDF written once under ``MEDIA_ROOT/consents/demo/``.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from creditdesk.consents.choices import ConsentChannel, ConsentKind, Purpose
from creditdesk.consents.models import Consent, CreditInquiry
from creditdesk.consents.rules import add_months
from creditdesk.core.audit import audit_record
from creditdesk.customers.choices import CustomerKind
from creditdesk.customers.models import Customer

SEED = 20261123
SHARE = 0.6
INQUIRIES = 40
DEMO_EVIDENCE = "consents/demo/authorization-sample.pdf"
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _evidence() -> str:
    if not default_storage.exists(DEMO_EVIDENCE):
        return default_storage.save(DEMO_EVIDENCE, ContentFile(SAMPLE_PDF))
    return DEMO_EVIDENCE


def _purpose(rng: random.Random, kind: str) -> str:
    if kind == CustomerKind.INDIVIDUAL:
        return rng.choices(
            [Purpose.LOAN_REVIEW, Purpose.CARD_REVIEW, Purpose.GUARANTOR_REVIEW], weights=[7, 2, 1]
        )[0]
    return rng.choices(
        [Purpose.LOAN_REVIEW, Purpose.ENTITY_REVIEW, Purpose.GUARANTOR_REVIEW], weights=[6, 3, 1]
    )[0]


def _consents(rng: random.Random, evidence: str, today: Any) -> list[Consent]:
    rows: list[Consent] = []
    now = timezone.now()
    for pk, owner_id, kind in Customer.objects.order_by("pk").values_list("pk", "owner_id", "kind"):
        if rng.random() >= SHARE:
            continue
        # Signed in the last 18 months for 12: about a third have expired by today.
        signed_on = today - timedelta(days=rng.randrange(0, 540))
        rows.append(
            Consent(
                customer_id=pk,
                kind=ConsentKind.CREDIT_INQUIRY,
                purpose=_purpose(rng, kind),
                signed_on=signed_on,
                valid_until=add_months(signed_on, 12),
                # Credit-inquiry authorizations are written (paper or e-signature) only.
                channel=rng.choices([ConsentChannel.PAPER, ConsentChannel.ELECTRONIC], weights=[6, 3])[0],
                evidence=evidence,
                revoked_at=now - timedelta(days=rng.randrange(1, 30)) if rng.random() < 0.04 else None,
                recorded_by_id=owner_id,
            )
        )
        if rng.random() < 0.35:
            marketing_signed = today - timedelta(days=rng.randrange(0, 540))
            rows.append(
                Consent(
                    customer_id=pk,
                    kind=ConsentKind.MARKETING,
                    purpose="",
                    signed_on=marketing_signed,
                    valid_until=add_months(marketing_signed, 12),
                    channel=ConsentChannel.ELECTRONIC,
                    recorded_by_id=owner_id,
                )
            )
    return rows


def _inquiries(rng: random.Random, today: Any) -> list[CreditInquiry]:
    """Inquiries under authorizations in force today, made on a day of their validity."""
    in_force = list(
        Consent.objects.filter(
            kind=ConsentKind.CREDIT_INQUIRY,
            revoked_at__isnull=True,
            signed_on__lte=today,
            valid_until__gte=today,
        )
        .select_related("customer")
        .order_by("pk")
    )
    rows: list[CreditInquiry] = []
    tz = timezone.get_current_timezone()
    for index, consent in enumerate(rng.sample(in_force, min(INQUIRIES, len(in_force)))):
        day = consent.signed_on + timedelta(
            days=rng.randrange(0, max(1, (today - consent.signed_on).days + 1))
        )
        rows.append(
            CreditInquiry(
                customer_id=consent.customer_id,
                purpose=consent.purpose,
                consent=consent,
                requested_by_id=consent.customer.owner_id,
                requested_at=datetime.combine(day, time(9 + index % 8, 30), tzinfo=tz),
                result_reference=f"DEMO{day:%Y%m%d}{index:04d}",
            )
        )
    # No post-loan inquiries: the exemption needs a booked loan, and there is no loan book yet (issue 15).
    return rows


def run(*, stdout: Any = None) -> dict[str, int]:
    if Consent.objects.exists():
        if stdout is not None:
            stdout.write(f"授权：已存在（共 {Consent.objects.count()} 份）")
        return {"created_consents": 0, "created_inquiries": 0}
    if not Customer.objects.exists():
        return {"created_consents": 0, "created_inquiries": 0}
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not security
    today = timezone.localdate()
    evidence = _evidence()
    with transaction.atomic():
        consents = Consent.objects.bulk_create(_consents(rng, evidence, today), batch_size=500)
        inquiries = CreditInquiry.objects.bulk_create(_inquiries(rng, today), batch_size=500)
        audit_record(
            actor=None,
            action="seed.consents",
            after={"created_consents": len(consents), "created_inquiries": len(inquiries)},
        )
    if stdout is not None:
        stdout.write(f"授权：新建 {len(consents)} 份；征信查询记录：{len(inquiries)} 条")
    return {"created_consents": len(consents), "created_inquiries": len(inquiries)}
