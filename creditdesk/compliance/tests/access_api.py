"""The compliance API in the access matrix (see ``access.py``): ``w.compliance_rule`` is the seeded rule
承诺审批结果, ``w.compliance_check`` cm_a's blocked text."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.compliance.tests.grids import LOG_READERS, RULE_KEEPERS
from creditdesk.core.testing.access import api


def _rule(w, me) -> int:
    return w.compliance_rule.pk


API_DECLARATIONS = [
    api("POST /api/v1/compliance/check/", EVERYONE, body={"text": "月息5厘，包过", "channel": "message"}),
    api("GET /api/v1/compliance/rules/", RULE_KEEPERS),
    api(
        "POST /api/v1/compliance/rules/",
        RULE_KEEPERS,
        body={
            "code": "probe_rule",
            "name": "探测规则",
            "kind": "phrase",
            "severity": "warn",
            "pattern": "稳赚不赔",
            "message": "不能承诺收益。",
        },
    ),
    api("GET /api/v1/compliance/rules/{id}/", RULE_KEEPERS, params={"id": _rule}),
    api(
        "PATCH /api/v1/compliance/rules/{id}/", RULE_KEEPERS, params={"id": _rule}, body={"severity": "block"}
    ),
    api(
        "GET /api/v1/compliance/checks/",
        LOG_READERS,
        subject="compliance_check",
        query={"channel": "education", "rule": "promise_approval"},
        listed=True,
    ),
]
