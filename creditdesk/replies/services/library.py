"""The library (话术库): write a script, submit it to compliance, approve or return it, retire it.

A script is used only in an approved version (issue 18 item 1). Editing makes a new draft version; the
approved version (``approved_version``, its text in ``ReplyScriptVersion``) stays in use until the new one
is approved. Submitting runs the compliance guard on the answer and its disclosures (channel ``script``):
a text the guard blocks never reaches the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.accounts.roles import Role
from creditdesk.compliance.choices import Channel, CheckOrigin
from creditdesk.compliance.services import compliance_enforce
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotAllowed, NotFound
from creditdesk.customers.choices import ValueSegment
from creditdesk.marketing.choices import LeadStage
from creditdesk.products.models import Product
from creditdesk.replies import placeholders
from creditdesk.replies.choices import Category, ResponseTier, ScriptStatus
from creditdesk.replies.models import ReplyScript, ReplyScriptVersion

CONTENT_FIELDS = (
    "category",
    "question",
    "variants",
    "answer",
    "disclosures",
    "stages",
    "products",
    "tiers",
    "response_tier",
    "source",
)
LIMITS = {"question": 200, "answer": 2000, "source": 300}
MAX_VARIANTS = 20
MAX_VARIANT = 100
MAX_DISCLOSURES = 5
MAX_DISCLOSURE = 200
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
DISCLOSURE_REQUIRED = frozenset({Category.RISK, Category.COLLECTION, Category.COMPLIANCE})
"""Categories whose answers must carry at least one disclosure (risk, collection and compliance answers)."""


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, {"field": field})


@dataclass(frozen=True)
class ScriptInput:
    category: str
    question: str
    answer: str
    response_tier: str
    variants: list[str] | str = ""
    disclosures: list[str] | str = ""
    stages: list[str] | str = ""
    products: list[str] | str = ""
    tiers: list[str] | str = ""
    source: str = ""
    key: str = ""


def _lines(value: list[str] | str) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    return list(dict.fromkeys(v.strip() for v in items if v and v.strip()))


def _codes(value: list[str] | str, allowed: set[str], field: str) -> str:
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    codes = sorted({v.strip() for v in items if v and v.strip()})
    wrong = [c for c in codes if c not in allowed]
    if wrong:
        raise _invalid(f"script_{field}_unknown", _("无效的取值：%(v)s。") % {"v": "、".join(wrong)}, field)
    return ",".join(codes)


def _content(data: ScriptInput) -> dict[str, str]:
    """The validated content of a script (every text within its limit; placeholders known)."""
    if data.category not in Category.values:
        raise _invalid("script_category_unknown", _("话术类别无效。"), "category")
    if data.response_tier not in ResponseTier.values:
        raise _invalid("script_response_tier_unknown", _("应答层级无效。"), "response_tier")
    values: dict[str, str] = {"category": data.category, "response_tier": data.response_tier}
    for name, limit in LIMITS.items():
        text = (getattr(data, name) or "").strip()
        if name != "source" and not text:
            raise _invalid(f"script_{name}_required", _("请填写此项。"), name)
        if len(text) > limit:
            raise _invalid(f"script_{name}_too_long", _("不能超过 %(n)s 个字。") % {"n": limit}, name)
        values[name] = text
    variants = _lines(data.variants)
    if len(variants) > MAX_VARIANTS or any(len(v) > MAX_VARIANT for v in variants):
        raise _invalid(
            "script_variants_too_long",
            _("其他问法最多 %(n)s 种，每种不超过 %(m)s 个字。") % {"n": MAX_VARIANTS, "m": MAX_VARIANT},
            "variants",
        )
    disclosures = _lines(data.disclosures)
    if len(disclosures) > MAX_DISCLOSURES or any(len(d) > MAX_DISCLOSURE for d in disclosures):
        raise _invalid(
            "script_disclosures_too_long",
            _("提示最多 %(n)s 句，每句不超过 %(m)s 个字。") % {"n": MAX_DISCLOSURES, "m": MAX_DISCLOSURE},
            "disclosures",
        )
    if data.category in DISCLOSURE_REQUIRED and not disclosures:
        raise _invalid(
            "script_disclosure_required", _("风险提示、催收和合规类话术须附带至少一句提示。"), "disclosures"
        )
    unknown = placeholders.unknown(values["answer"] + "\n" + "\n".join(disclosures))
    if unknown:
        raise _invalid(
            "script_placeholder_unknown",
            _("未知的占位符：%(names)s。可用：%(known)s。")
            % {
                "names": "、".join("{" + n + "}" for n in unknown),
                "known": "、".join("{" + n + "}" for n in placeholders.PLACEHOLDERS),
            },
            "answer",
        )
    values["variants"] = "\n".join(variants)
    values["disclosures"] = "\n".join(disclosures)
    values["stages"] = _codes(data.stages, set(LeadStage.values), "stages")
    values["tiers"] = _codes(data.tiers, set(ValueSegment.values), "tiers")
    values["products"] = _codes(
        data.products, set(Product.objects.values_list("code", flat=True)), "products"
    )
    return values


def _may_edit(actor: User, script: ReplyScript) -> bool:
    """The owner edits their script; a risk manager (the library's reviewer) edits any, the bank's too."""
    return script.owner_id == actor.pk or actor.role == Role.RISK_MANAGER


def _locked(script_id: Any) -> ReplyScript:
    try:
        script = ReplyScript.objects.select_for_update().filter(pk=script_id).first()
    except (ValueError, TypeError):
        script = None
    if script is None:
        raise NotFound("not_found", _("话术不存在。"))
    return script


def _snapshot(script: ReplyScript) -> dict[str, Any]:
    return audit_snapshot(script, CONTENT_FIELDS)


def _history(script: ReplyScript, actor: User | None, note: str = "") -> None:
    ReplyScriptVersion.objects.create(
        script=script,
        version=script.version,
        status=script.status,
        content=_snapshot(script),
        actor=actor,
        note=note[:300],
    )


@transaction.atomic(durable=True)
def script_save(*, actor: User, data: ScriptInput, script_id: Any = None) -> ReplyScript:
    """编写话术 (``SCRIPT_WRITE``): a new script is the writer's draft (a unique key, made from the date
    when none is given); an edit by its owner or a risk manager. Editing an approved or submitted script
    starts a new draft version; the approved text stays in use until the new one is approved."""
    policy.require(actor, Action.SCRIPT_WRITE)
    content = _content(data)
    if script_id is None:
        key = (data.key or "").strip().lower() or f"s-{timezone.now():%Y%m%d%H%M%S%f}"
        if not KEY.match(key):
            raise _invalid("script_key_invalid", _("编号只能包含小写字母、数字和连字符（3–60 位）。"), "key")
        if ReplyScript.objects.filter(key=key).exists():
            raise Conflict("script_key_taken", _("编号已被使用。"), {"field": "key"})
        script = ReplyScript.objects.create(key=key, owner=actor, status=ScriptStatus.DRAFT, **content)
        audit_record(actor=actor, action="script.create", target=script, after=_snapshot(script))
        return script
    script = _locked(script_id)
    if not _may_edit(actor, script):
        raise NotAllowed("script_edit_not_allowed", _("只有话术的维护人或风险经理可以修改。"))
    if script.status == ScriptStatus.RETIRED:
        raise Conflict("script_retired", _("话术已停用，不能修改。"))
    before = _snapshot(script)
    if script.status in (ScriptStatus.APPROVED, ScriptStatus.PENDING) or (
        script.approved_version is not None and script.version == script.approved_version
    ):
        script.version += 1
    for name, value in content.items():
        setattr(script, name, value)
    script.status = ScriptStatus.DRAFT
    script.save()
    audit_record(actor=actor, action="script.update", target=script, before=before, after=_snapshot(script))
    return script


def script_submit(*, actor: User, script_id: Any) -> ReplyScript:
    """提交合规审核: the owner (or a risk manager) submits a draft or returned script. The guard checks the
    answer and the disclosures first (blocked → ``compliance_blocked``, logged; nothing changes)."""
    script = ReplyScript.objects.filter(pk=script_id).first() if str(script_id).isdigit() else None
    if script is None:
        raise NotFound("not_found", _("话术不存在。"))
    text = script.answer + ("\n" + script.disclosures if script.disclosures else "")
    compliance_enforce(
        actor=actor,
        text=text,
        channel=Channel.SCRIPT,
        target=f"script:{script.pk}",
        origin=CheckOrigin.SCRIPT,
    )
    return _submit(actor=actor, script_id=script.pk)


@transaction.atomic(durable=True)
def _submit(*, actor: User, script_id: int) -> ReplyScript:
    script = _locked(script_id)
    if not _may_edit(actor, script):
        raise NotAllowed("script_edit_not_allowed", _("只有话术的维护人或风险经理可以提交。"))
    if script.status not in (ScriptStatus.DRAFT, ScriptStatus.REJECTED):
        raise Conflict(
            "script_not_draft", _("只有草稿或被退回的话术可以提交审核。"), {"status": script.status}
        )
    script.status = ScriptStatus.PENDING
    script.submitted_by = actor
    script.save(update_fields=["status", "submitted_by", "updated_at"])
    _history(script, actor)
    audit_record(actor=actor, action="script.submit", target=script, after={"version": script.version})
    return script


@transaction.atomic(durable=True)
def script_review(*, actor: User, script_id: Any, approve: bool, note: str = "") -> ReplyScript:
    """合规审核 (``SCRIPT_REVIEW``: a risk manager who neither wrote nor submitted it). Approving puts this
    version in use; returning needs the reason (``script_review_note_required``)."""
    script = _locked(script_id)
    policy.require(actor, Action.SCRIPT_REVIEW, script)
    if script.status != ScriptStatus.PENDING:
        raise Conflict("script_not_pending", _("该话术不在待审核状态。"), {"status": script.status})
    note = (note or "").strip()
    if len(note) > 300:
        raise _invalid("script_review_note_too_long", _("审核意见不能超过 300 个字。"), "note")
    if not approve and not note:
        raise _invalid("script_review_note_required", _("退回时请写明原因。"), "note")
    script.status = ScriptStatus.APPROVED if approve else ScriptStatus.REJECTED
    if approve:
        script.approved_version = script.version
    script.reviewed_by = actor
    script.reviewed_at = timezone.now()
    script.review_note = note
    script.save()
    _history(script, actor, note)
    audit_record(
        actor=actor,
        action="script.approve" if approve else "script.reject",
        target=script,
        after={"version": script.version, "note": note},
    )
    return script


@transaction.atomic(durable=True)
def script_retire(*, actor: User, script_id: Any, note: str = "") -> ReplyScript:
    """停用话术 (a risk manager): out of search and use at once; its history and uses stay."""
    script = _locked(script_id)
    if actor.role != Role.RISK_MANAGER:
        raise NotAllowed("script_retire_not_allowed", _("只有风险经理可以停用话术。"))
    if script.status == ScriptStatus.RETIRED:
        raise Conflict("script_retired", _("话术已停用。"))
    script.status = ScriptStatus.RETIRED
    script.approved_version = None
    script.save()
    _history(script, actor, (note or "").strip())
    audit_record(actor=actor, action="script.retire", target=script, after={"note": note})
    return script


def approved_content(script: ReplyScript) -> dict[str, Any] | None:
    """The text in use: the approved version's (an edit in progress does not change it), or None."""
    if script.approved_version is None:
        return None
    if script.status == ScriptStatus.APPROVED and script.version == script.approved_version:
        return _snapshot(script)
    row = (
        ReplyScriptVersion.objects.filter(
            script=script, version=script.approved_version, status=ScriptStatus.APPROVED
        )
        .order_by("-created_at", "-id")
        .first()
    )
    return row.content if row else None
