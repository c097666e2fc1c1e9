"""The compliance pages in the access matrix (see ``access.py``): ``w.compliance_rule`` is the seeded rule
承诺审批结果, ``w.compliance_check`` cm_a's blocked text (channel 金融知识). A POST the view takes but a
rule refuses (a form error: 400) counts as let in."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.compliance.tests.grids import LOG_READERS, RULE_KEEPERS
from creditdesk.core.testing.access import page

TEXT = {"text": "本周申请，包过！", "channel": "message"}
NEW_RULE = {
    "code": "probe_rule",
    "name": "探测规则",
    "kind": "phrase",
    "severity": "warn",
    "pattern": "稳赚不赔",
    "message": "不能承诺收益。",
}


def _rule(w, me) -> int:
    return w.compliance_rule.pk


def _edited(w, me) -> dict:
    rule = w.compliance_rule
    return {
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "pattern": rule.pattern,
        "negation_exempt": "on",
        "message": rule.message,
        "active": "on",
    }


PAGE_DECLARATIONS = [
    page("compliance:check", EVERYONE),  # the checker is everyone's: nothing is sent or logged
    page("compliance:check", EVERYONE, method="POST", data=TEXT),
    page("compliance:preview", EVERYONE, method="POST", data=TEXT),  # the fragment other apps' forms call
    page("compliance:rules", RULE_KEEPERS),
    page("compliance:rule_create", RULE_KEEPERS),
    page("compliance:rule_create", RULE_KEEPERS, method="POST", data=NEW_RULE),
    page("compliance:rule_edit", RULE_KEEPERS, params={"rule_id": _rule}),
    page("compliance:rule_edit", RULE_KEEPERS, method="POST", params={"rule_id": _rule}, data=_edited),
    page(  # narrowed to the probe's channel and rule: later apps' worlds may log more than a page holds
        "compliance:checks",
        LOG_READERS,
        subject="compliance_check",
        query={"channel": "education", "rule": "promise_approval"},
        listed=lambda w: f'id="check-{w.compliance_check.pk}"',
    ),
]
