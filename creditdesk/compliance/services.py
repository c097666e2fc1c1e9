"""The compliance guard as a service: check a text, enforce it before a send (logging every block), and keep
the rules (who may edit them: the policy's ``COMPLIANCE_RULE_MANAGE``).

The compiled ``Guard`` is cached per process and rebuilt when the active rules change (their count and
latest ``updated_at``: one small query per check), so a compliance officer's edit applies at the next text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.compliance import guard
from creditdesk.compliance.choices import Channel, CheckOrigin
from creditdesk.compliance.models import ComplianceCheck, ComplianceRule
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import DomainError, NotFound

RULE_FIELDS = (
    "code",
    "name",
    "kind",
    "severity",
    "pattern",
    "channels",
    "negation_exempt",
    "message",
    "suggestion",
    "source",
    "active",
)
EXCERPT = 200
logger = logging.getLogger(__name__)


class ComplianceBlocked(DomainError):
    """The text breaks a 拦截 rule: not sent. ``extra["findings"]``: every finding, with the alternative."""

    status = 400

    def __init__(self, result: guard.Result):
        first = next(f for f in result.findings if f.severity == guard.Severity.BLOCK)
        super().__init__(
            "compliance_blocked",
            _("合规检查未通过，未发送：%(message)s") % {"message": first.message},
            {"findings": [f.as_dict() for f in result.findings]},
        )


_cache_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "guard": None}


def _rules_version() -> tuple[int, Any]:
    row = ComplianceRule.objects.filter(active=True).aggregate(n=Count("id"), last=Max("updated_at"))
    return row["n"], row["last"]


def active_guard() -> guard.Guard:
    """The guard of the active rules, compiled once per change of the rules."""
    version = _rules_version()
    with _cache_lock:
        if _cache["version"] != version or _cache["guard"] is None:
            rules = [r.spec() for r in ComplianceRule.objects.filter(active=True).order_by("code")]
            compiled = guard.Guard(rules)
            for code, reason in compiled.broken:  # saved before a rule of the guard refused it: say so
                logger.error("compliance rule %s is left out: %s", code, reason)
            _cache["guard"] = compiled
            _cache["version"] = version
        return _cache["guard"]


def _validated(text: Any, channel: Any) -> tuple[str, str]:
    """The text and channel a check takes: some text (not only spaces), at most ``guard.MAX_TEXT``
    characters, real characters (no lone surrogate), and a known channel — each refused with its code."""
    if not isinstance(text, str) or not text.strip():
        raise DomainError("compliance_text_empty", _("请填写要检查的文本。"), {"field": "text"})
    if len(text) > guard.MAX_TEXT:
        raise DomainError(
            "compliance_text_too_long",
            _("文本过长（不超过 %(n)s 字）。") % {"n": guard.MAX_TEXT},
            {"field": "text"},
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (half an emoji, from a broken client): not text
        raise DomainError(
            "compliance_text_invalid", _("文本含无法识别的字符，请重新输入或粘贴。"), {"field": "text"}
        ) from None
    if not isinstance(channel, str) or channel not in Channel.values:
        raise DomainError("compliance_channel_unknown", _("发送渠道无效。"), {"field": "channel"})
    return text, str(channel)


def compliance_check(*, text: Any, channel: Any = Channel.MESSAGE) -> guard.Result:
    """What is wrong in ``text`` for ``channel`` — a preview: nothing is logged (the sender still types)."""
    text, channel = _validated(text, channel)
    return active_guard().check(text, channel)


# 6+ digits, possibly in groups ("6222 0202 0000 0000 000", "138-0013-8000"): IDs, cards, phones.
_DIGITS = re.compile(r"\d(?:[\s\-]*\d){5,}")
_DIGIT = re.compile(r"\d")


def _masked(run: re.Match[str]) -> str:
    """The run with every digit after its first three masked (its separators kept)."""
    head, seen = [], 0
    for char in run.group(0):
        if _DIGIT.match(char):
            seen += 1
            head.append(char if seen <= 3 else "*")
        else:
            head.append(char)
    return "".join(head)


def _masked_excerpt(text: str) -> str:
    """The first ``EXCERPT`` characters with every run of 6+ digits masked (IDs, cards, phones, also
    written in groups): the log must not keep the personal data it stopped."""
    return _DIGITS.sub(_masked, text[:EXCERPT]).replace("\x00", "")  # PostgreSQL text holds no NUL


@transaction.atomic(durable=True)  # never inside the sender's transaction: a refused send rolls that back
def _log(
    *, actor: User | None, origin: str, channel: str, target: str, text: str, result: guard.Result
) -> ComplianceCheck:
    return ComplianceCheck.objects.create(
        actor=actor,
        origin=origin,
        channel=channel,
        blocked=result.blocked,
        target=target[:80],
        excerpt=_masked_excerpt(text),
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        findings=[{**f.as_dict(), "matched": _masked_excerpt(f.matched)} for f in result.findings],
        rules=",".join(sorted({f.code for f in result.findings}))[:300],
    )


def compliance_enforce(
    *,
    actor: User | None,
    text: Any,
    channel: Any = Channel.MESSAGE,
    target: str = "",
    origin: str = CheckOrigin.SEND,
) -> guard.Result:
    """Check ``text`` before it is sent. A 拦截 finding: logged, and ``ComplianceBlocked`` (nothing is sent);
    only 提醒 findings: logged as let through (the sender saw them), and the result returned. Called before
    the sender's own transaction (the log must outlive the refusal)."""
    text, channel = _validated(text, channel)
    result = active_guard().check(text, channel)
    if result.findings:
        _log(actor=actor, origin=origin, channel=channel, target=target, text=text, result=result)
    if result.blocked:
        raise ComplianceBlocked(result)
    return result


def compliance_screen(
    *,
    actor: User | None,
    text: Any,
    channel: Any = Channel.MESSAGE,
    log: bool = True,
    target: str = "",
    origin: str = CheckOrigin.API,
) -> guard.Result:
    """Check ``text`` for a program that asks before it sends (``POST /api/v1/compliance/check/``): the
    findings are answered, never raised — it is a check, not a send. A 拦截 result is logged all the same
    (``log``, default on: every block is logged, so that a client cannot probe the guard unseen); a
    program that only previews while a person types passes ``log=False``, like the pages' preview."""
    text, channel = _validated(text, channel)
    result = active_guard().check(text, channel)
    if log and result.blocked:
        _log(actor=actor, origin=origin, channel=channel, target=target, text=text, result=result)
    return result


def rule_values(rule: ComplianceRule) -> dict[str, Any]:
    """A rule's editable values, as a form or the API starts from them (channels as a sorted list)."""
    values = {name: getattr(rule, name) for name in RULE_FIELDS}
    values["channels"] = sorted(rule.channel_set())
    return values


@dataclass(frozen=True)
class RuleInput:
    code: str
    name: str
    kind: str
    severity: str
    message: str
    pattern: str = ""
    channels: str = ""
    negation_exempt: bool = True
    suggestion: str = ""
    source: str = ""
    active: bool = True


def _apply(rule: ComplianceRule, data: RuleInput) -> None:
    for name in RULE_FIELDS:
        value = getattr(data, name)
        setattr(rule, name, value.strip() if isinstance(value, str) and name != "pattern" else value)
    rule.channels = ",".join(sorted(rule.channel_set()))
    try:
        rule.full_clean()  # the pattern compiles, the channels and choices exist, the lengths hold
    except ValidationError as exc:
        field, errors = next(iter(exc.error_dict.items()))
        first = errors[0]
        if first.code and first.code.startswith("compliance_"):
            code = first.code
        elif field == "code" and first.code == "unique":
            code = "compliance_rule_code_taken"
        else:
            code = f"compliance_rule_{field}_invalid"
        raise DomainError(code, " ".join(first.messages), {"field": field}) from exc


@transaction.atomic(durable=True)
def rule_save(*, actor: User, data: RuleInput, rule_id: Any = None) -> ComplianceRule:
    """新增或修改合规规则 (``COMPLIANCE_RULE_MANAGE``). The pattern must compile (a bad regex is refused with
    the reason, ``compliance_rule_pattern_invalid``); a rule's code is its name in the log and never
    changes (``compliance_rule_code_fixed``; a rule is never deleted either: ``active=False`` retires it);
    audited with before and after."""
    policy.require(actor, Action.COMPLIANCE_RULE_MANAGE)
    before: dict[str, Any] = {}
    if rule_id is None:
        rule = ComplianceRule()
    else:
        try:
            rule = ComplianceRule.objects.select_for_update().get(pk=rule_id)
        except (ComplianceRule.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound("not_found", _("合规规则不存在。")) from None
        before = audit_snapshot(rule, RULE_FIELDS)
        if data.code.strip() != rule.code:
            raise DomainError(
                "compliance_rule_code_fixed",
                _("规则代码创建后不能修改（拦截记录按代码记载规则）；如需替换，请停用本规则并新建一条。"),
                {"field": "code"},
            )
    _apply(rule, data)
    rule.updated_by = actor
    rule.save()
    audit_record(
        actor=actor,
        action="compliance_rule.create" if rule_id is None else "compliance_rule.update",
        target=rule,
        before=before,
        after=audit_snapshot(rule, RULE_FIELDS),
    )
    return rule
