"""Demo applications: the seeders in the order ``creditdesk seed`` runs them, then the applications seed —
the statuses a branch has on an ordinary day, every application in review waiting for a person (or the
committee's quorum), two past their SLA, the concession, the 组合贷 and the committee case, three signed
contracts cleared by the 放款审核 for the loans seeder to pay out, and nothing more on a second run."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.utils import timezone

from creditdesk.accounts import seed as accounts_seed
from creditdesk.applications import seed
from creditdesk.applications.lifecycle import IN_REVIEW
from creditdesk.applications.models import (
    Application,
    ApprovalStep,
    CommitteeVote,
    ConditionCheck,
    CustomerDocument,
    Decision,
)
from creditdesk.applications.routing import Level
from creditdesk.applications.services.approval import current_step
from creditdesk.consents import seed as consents_seed
from creditdesk.customers import seed as customers_seed
from creditdesk.loans.models import Loan
from creditdesk.products import seed as products_seed
from creditdesk.scoring import seed as scoring_seed

pytestmark = pytest.mark.django_db

EXPECTED = {
    "draft": 6,
    "submitted": 4,
    "under_review": 6,
    "returned": 3,
    "rejected": 3,
    "approved": 3,
    "approved_with_changes": 2,
    "contract_signed": 5,
    "withdrawn": 1,
}


@pytest.fixture
def demo_base(settings, tmp_path):
    """Everything the seeders before this one make (organisation, customers, consents, products,
    assessments), media in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for module in (accounts_seed, customers_seed, consents_seed, products_seed, scoring_seed):
        module.run()
    return settings.MEDIA_ROOT


def test_seed_spreads_over_a_branch_day_and_is_idempotent(demo_base):
    out = StringIO()
    first = seed.run(stdout=out)

    counts = Counter(Application.objects.values_list("status", flat=True))
    assert dict(counts) == EXPECTED
    assert first["created_applications"] == sum(EXPECTED.values()) == len(seed.CASES)
    assert out.getvalue().startswith(f"贷款申请：新建 {len(seed.CASES)} 笔（草稿 6、已提交 4、审批中 6")

    # every application in review waits for a person, or (at the 贷审会) for the quorum of votes
    in_review = Application.objects.filter(status__in=[s.value for s in IN_REVIEW])
    at_committee = []
    for application in in_review:
        step = current_step(application)
        if step.level == Level.COMMITTEE:
            at_committee.append(application)
            assert application.assigned_to_id is None
            assert 0 < CommitteeVote.objects.filter(step=step).count() < step.quorum
        else:
            assert application.assigned_to_id is not None
            assert application.assigned_to_id == step.assigned_to_id
    assert len(at_committee) == 1
    assert at_committee[0].parts.get().amount > 3_000_000
    submitted = in_review.filter(status="submitted")
    assert {current_step(a).level for a in submitted} == {Level.TEAM_LEAD}

    # two past the SLA (the seed's one direct write), both with an approver
    overdue = ApprovalStep.objects.filter(ended_at__isnull=True, due_at__lt=timezone.now())
    assert overdue.count() == 2
    assert {step.level for step in overdue} == {Level.APPROVER}

    # the concession granted by the branch head, within the head's authority
    head = Decision.objects.get(step__level=Level.BRANCH_HEAD)
    assert 20 < head.concession_bp <= 50 and head.concession_reason
    assert head.application.status == "approved"

    # the 组合贷: a 公积金 part and a commercial part
    combination = Application.objects.get(kind="combination")
    assert sorted(combination.parts.values_list("product_version__product__code", flat=True)) == [
        "GJJDK",
        "SYZFDK",
    ]

    # reasons and what is missing are said
    assert all(d.reason_codes for d in Decision.objects.filter(outcome="reject"))
    assert all(d.missing for d in Decision.objects.filter(outcome="return"))
    assert all(a.conditions for a in Application.objects.filter(status__in=["approved", "contract_signed"]))

    # every application past the draft has its investigation concluded; half-done drafts exist
    assert not Application.objects.exclude(status="draft").filter(recommendation="").exists()
    drafts = [
        (a.checklist.filter(customer__isnull=False, document__isnull=False).count(), a.checklist.count())
        for a in Application.objects.filter(status="draft")
    ]
    assert any(0 < filled < total - 1 for filled, total in drafts)

    # signed: every one with its contract; three cleared by the branch's risk manager (放款审核), not
    # by their CM, and no money moved here (paying out is the loans app's seeder)
    signed = Application.objects.filter(status="contract_signed")
    assert all(a.contract.pdf_sha256 for a in signed)
    checked = ConditionCheck.objects.filter(passed=True, application__status="contract_signed")
    assert checked.count() == 3
    assert all(c.checked_by.role == "risk_manager" != c.application.owner.role for c in checked)
    assert not Loan.objects.exists()

    # documents are files under MEDIA_ROOT
    document = CustomerDocument.objects.order_by("pk").first()
    assert document is not None and Path(document.file.path).is_relative_to(demo_base)

    # a second run creates nothing
    before = (Application.objects.count(), CustomerDocument.objects.count(), Loan.objects.count())
    assert seed.run() == {"created_applications": 0}
    assert (Application.objects.count(), CustomerDocument.objects.count(), Loan.objects.count()) == before
