"""Fixtures of the reply-script tests: the seeded library approved through the real review."""

from __future__ import annotations

import pytest

from creditdesk.replies import services
from creditdesk.replies.choices import ScriptStatus
from creditdesk.replies.models import ReplyScript


def approve_all(reviewer) -> None:
    """Approve every pending script of the library as ``reviewer`` (a risk manager)."""
    for pk in ReplyScript.objects.filter(status=ScriptStatus.PENDING).values_list("pk", flat=True):
        services.script_review(actor=reviewer, script_id=pk, approve=True)


@pytest.fixture
def library(org):
    """The 67 seeded scripts, approved by risk1."""
    approve_all(org.risk1)
    return ReplyScript.objects.all()
