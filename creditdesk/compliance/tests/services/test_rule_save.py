"""Keeping the rules (``services.rule_save``): risk managers and administrators only; a pattern that does not
compile is refused with the reason and changes nothing; the code names the rule in the log and never
changes; every change is audited with before and after; a rule is never deleted, only retired."""

from __future__ import annotations

import pytest

from creditdesk.compliance import selectors, services
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.compliance.services import RuleInput
from creditdesk.core.exceptions import DomainError, NotAllowed, NotFound
from creditdesk.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = RuleInput(
    code="guaranteed_return",
    name="承诺收益",
    kind="phrase",
    severity="block",
    pattern="稳赚不赔\n保本保息",
    message="不能承诺收益。",
    suggestion="收益以产品说明为准。",
    source="《商业银行理财业务监督管理办法》",
)


def audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value


def test_a_risk_manager_adds_a_rule_and_it_is_audited(org):
    rule = services.rule_save(actor=org.risk1, data=NEW)
    assert (rule.code, rule.kind, rule.severity, rule.active, rule.updated_by) == (
        "guaranteed_return",
        "phrase",
        "block",
        True,
        org.risk1,
    )
    (event,) = audits("compliance_rule.create")
    assert event.actor == org.risk1 and event.target_id == str(rule.pk)
    assert event.before == {} and event.after["pattern"] == "稳赚不赔\n保本保息"
    assert services.compliance_check(text="这款稳赚不赔", channel="message").blocked


def test_an_administrator_edits_a_rule_and_the_change_is_audited_with_before_and_after(org):
    rule = ComplianceRule.objects.get(code="superlative_claim")
    data = RuleInput(
        code=rule.code,
        name=rule.name,
        kind=rule.kind,
        severity="block",
        pattern=rule.pattern,
        channels="message, greeting",
        message=rule.message,
        suggestion=rule.suggestion,
        source=rule.source,
        active=False,
    )
    saved = services.rule_save(actor=org.admin, data=data, rule_id=rule.pk)
    assert (saved.severity, saved.channels, saved.active) == ("block", "greeting,message", False)
    (event,) = audits("compliance_rule.update")
    assert (event.before["severity"], event.after["severity"]) == ("warn", "block")
    assert (event.before["active"], event.after["active"]) == (True, False)
    assert event.after["channels"] == "greeting,message"


def test_a_bad_regex_is_refused_with_the_reason_and_changes_nothing(org):
    rule = ComplianceRule.objects.get(code="upfront_fee")
    before = rule.pattern
    data = RuleInput(
        code=rule.code,
        name=rule.name,
        kind="regex",
        severity="block",
        pattern="(先交|转账",
        message=rule.message,
    )
    refused = refusal(lambda: services.rule_save(actor=org.risk1, data=data, rule_id=rule.pk))
    assert refused.code == "compliance_rule_pattern_invalid" and refused.status == 400
    assert refused.extra == {"field": "pattern"}
    assert refused.message.startswith("正则表达式无效：missing ), unterminated subpattern")
    rule.refresh_from_db()
    assert rule.pattern == before
    assert not audits("compliance_rule.update")


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"kind": "phrase", "pattern": " \n "}, "compliance_rule_pattern_invalid", "pattern"),
        ({"kind": "regex", "pattern": "a*"}, "compliance_rule_pattern_invalid", "pattern"),
        ({"kind": "regex", "pattern": "(a+)+b"}, "compliance_rule_pattern_invalid", "pattern"),
        ({"kind": "magic"}, "compliance_rule_kind_invalid", "kind"),
        ({"severity": "maybe"}, "compliance_rule_severity_invalid", "severity"),
        ({"channels": "message,fax"}, "compliance_channel_unknown", "channels"),
        ({"code": "不是代码"}, "compliance_rule_code_invalid", "code"),
        ({"code": "promise_approval"}, "compliance_rule_code_taken", "code"),
        ({"name": " "}, "compliance_rule_name_invalid", "name"),
        ({"message": ""}, "compliance_rule_message_invalid", "message"),
        ({"message": "长" * 301}, "compliance_rule_message_invalid", "message"),
    ],
)
def test_an_invalid_rule_is_refused_with_its_code_and_nothing_is_saved(org, changes, code, field):
    values = {**NEW.__dict__, **changes}
    refused = refusal(lambda: services.rule_save(actor=org.risk1, data=RuleInput(**values)))
    assert (refused.code, refused.extra.get("field")) == (code, field)
    assert not ComplianceRule.objects.filter(code="guaranteed_return").exists()
    assert not audits("compliance_rule.create")


def test_the_pattern_error_is_translated(org, settings):
    from django.utils import translation

    values = {**NEW.__dict__, "kind": "regex", "pattern": "a*"}
    with translation.override("en"):
        refused = refusal(lambda: services.rule_save(actor=org.risk1, data=RuleInput(**values)))
    assert refused.code == "compliance_rule_pattern_invalid"


def test_a_rules_code_never_changes(org):
    rule = ComplianceRule.objects.get(code="internal_channel")
    values = {
        "code": "internal_route",
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "pattern": rule.pattern,
        "message": rule.message,
    }
    refused = refusal(lambda: services.rule_save(actor=org.risk1, data=RuleInput(**values), rule_id=rule.pk))
    assert refused.code == "compliance_rule_code_fixed"
    assert ComplianceRule.objects.filter(code="internal_channel").exists()


def test_an_unknown_rule_is_not_found(org):
    for rule_id in (999_999, "abc", 2**70):
        with pytest.raises(NotFound):
            services.rule_save(actor=org.risk1, data=NEW, rule_id=rule_id)


@pytest.mark.parametrize("who", ["cm_a", "lead1", "approver1", "head1"])
def test_only_risk_managers_and_administrators_keep_the_rules(org, who):
    person = getattr(org, who)
    rule = ComplianceRule.objects.get(code="promise_approval")
    for call in (
        lambda: services.rule_save(actor=person, data=NEW),
        lambda: services.rule_save(actor=person, data=NEW, rule_id=rule.pk),
        lambda: selectors.rules_for(user=person),
    ):
        refused = refusal(call)
        assert isinstance(refused, NotAllowed)
        assert refused.code == "compliance_rule_not_allowed"
    assert not ComplianceRule.objects.filter(code="guaranteed_return").exists()
    assert not AuditEvent.objects.filter(action__startswith="compliance_rule.").exists()


def _blocked(actor) -> ComplianceCheck:
    with pytest.raises(services.ComplianceBlocked):
        services.compliance_enforce(actor=actor, text="包过", channel="message")
    return ComplianceCheck.objects.latest("id")


def test_the_log_is_read_in_the_readers_scope(org):
    mine, teammate, other_team, other_branch = (
        _blocked(org.cm_a),
        _blocked(org.cm_b),
        _blocked(org.cm_c),
        _blocked(org.cm_d),
    )

    def seen(person) -> set[int]:
        return set(selectors.checks_visible_to(user=person).values_list("pk", flat=True))

    assert seen(org.lead1) == {mine.pk, teammate.pk}
    assert seen(org.lead2) == {other_team.pk}
    assert seen(org.head1) == seen(org.risk1) == {mine.pk, teammate.pk, other_team.pk}
    assert seen(org.risk2) == seen(org.head2) == {other_branch.pk}


@pytest.mark.parametrize("who", ["cm_a", "approver1", "admin"])
def test_the_log_is_not_read_by_senders_approvers_or_administrators(org, who):
    _blocked(org.cm_a)
    refused = refusal(lambda: selectors.checks_visible_to(user=getattr(org, who)))
    assert isinstance(refused, NotAllowed) and refused.code == "compliance_log_not_allowed"
