"""Demo data of the 话术库: after the seeders before it, the library is approved by the risk managers,
answers are sent to leads through the guard with their uses and outcomes, a few forbidden messages are
stopped and logged, a CM's script waits for review and another was returned; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest

from creditdesk.compliance.models import ComplianceCheck
from creditdesk.marketing import seed as marketing_seed
from creditdesk.marketing.models import LeadActivity
from creditdesk.marketing.tests.test_seed import demo_base  # noqa: F401  (the fixture)
from creditdesk.replies import seed
from creditdesk.replies.choices import ScriptStatus
from creditdesk.replies.models import ReplyScript, ScriptUse

pytestmark = pytest.mark.django_db


def test_the_seed_approves_the_library_and_uses_it_once(demo_base):  # noqa: F811
    marketing_seed.run()
    out = StringIO()
    result = seed.run(stdout=out)
    assert result["approved"] == 67
    assert ReplyScript.objects.filter(status=ScriptStatus.APPROVED).count() == 67
    assert result["messages"] == ScriptUse.objects.count() > 20
    assert all(use.lead.owner_id == use.actor_id for use in ScriptUse.objects.select_related("lead"))
    assert LeadActivity.objects.filter(kind="message").count() >= result["messages"]
    assert ScriptUse.objects.exclude(outcome="pending").exists()
    assert result["blocked"] == ComplianceCheck.objects.filter(blocked=True, origin="send").count() == 3
    assert set(ReplyScript.objects.exclude(owner=None).values_list("status", flat=True)) == {
        "pending",
        "rejected",
    }
    assert "话术库" in out.getvalue()
    before = (ScriptUse.objects.count(), ComplianceCheck.objects.count(), ReplyScript.objects.count())
    assert seed.run() == {"approved": 0}
    assert (ScriptUse.objects.count(), ComplianceCheck.objects.count(), ReplyScript.objects.count()) == before
