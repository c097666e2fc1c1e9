"""The validity rules of an application's documents (申请资料有效性) — pure Python, no Django (issue 15,
item 6; PRODUCT.md §5).

A checklist item is satisfied by one document on a date when it is there, still in force and checked by
a person against the original (核验):

- ``must_be_unexpired`` (身份证, 营业执照 …): the document's ``valid_until`` is today or later — an ID
  that expires today is still valid today, one that expired yesterday is not;
- ``max_age_days`` (收入证明, 银行流水 …: 90 days): issued no more than that many days ago — issued
  exactly 90 days ago is fine, 91 days ago is too old;
- the credit-report authorization (征信查询授权书) is satisfied by the application's credit inquiry's
  written authorization, in force on the date (``consent_verdict``).

Which names carry which rule is data (``DEFAULT_RULES``), with its source; the rule is copied onto each
checklist item when the checklist is made, so a later change of the table does not change a checklist
already made. ``summarize`` gives the completeness score (ok mandatory items ÷ mandatory items, whole
percent, rounded down so that 100 % means complete) and the names still to provide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from creditdesk.core.enums import LabelledEnum, gettext_noop

RULE_SOURCE = "本行贷款资料管理要求（可配置）"
CONSENT_ITEM = "征信查询授权书"
ID_CARD = "身份证"
BUSINESS_LICENCE = "营业执照"
MAX_AGE_DAYS = 90


class ItemResult(LabelledEnum):
    """资料清单项的状态."""

    MISSING = "missing", gettext_noop("未提供")
    UNVERIFIED = "unverified", gettext_noop("待核验")
    EXPIRED = "expired", gettext_noop("已过期")
    TOO_OLD = "too_old", gettext_noop("出具时间过久")
    OK = "ok", gettext_noop("有效")


@dataclass(frozen=True)
class ItemRule:
    """The validity rule of one kind of document: ``max_age_days`` (issued no longer ago than that; None:
    no limit), ``must_be_unexpired`` (a ``valid_until`` today or later), and the sentence that says so."""

    max_age_days: int | None = None
    must_be_unexpired: bool = False
    text: str = ""


@dataclass(frozen=True)
class DefaultRule:
    """A row of the default table: a document whose name contains one of ``keywords`` gets ``rule``."""

    keywords: tuple[str, ...]
    rule: ItemRule


def _unexpired(what: str) -> ItemRule:
    return ItemRule(must_be_unexpired=True, text=f"{what}须在有效期内（{RULE_SOURCE}）")


def _recent(what: str, days: int) -> ItemRule:
    return ItemRule(max_age_days=days, text=f"{what}须为近 {days} 天内出具（{RULE_SOURCE}）")


# The first matching row wins: an ID-like name before anything else (经营者身份证 is an ID).
DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule((ID_CARD, "护照", "居留证"), _unexpired("身份证件")),
    DefaultRule((BUSINESS_LICENCE,), _unexpired("营业执照")),
    DefaultRule((CONSENT_ITEM,), _unexpired("征信查询授权")),
    DefaultRule(("收入证明",), _recent("收入证明", MAX_AGE_DAYS)),
    DefaultRule(("流水",), _recent("银行流水", MAX_AGE_DAYS)),
    DefaultRule(("婚姻状况证明",), _recent("婚姻状况证明", MAX_AGE_DAYS)),
)


def default_rule(name: str) -> ItemRule:
    """The rule the default table gives a document called ``name`` (none: no validity limit)."""
    for row in DEFAULT_RULES:
        if any(keyword in name for keyword in row.keywords):
            return row.rule
    return ItemRule()


@dataclass(frozen=True)
class DocumentFacts:
    """What the rules read of a document: its dates and whether a person checked it."""

    issued_on: date | None
    valid_until: date | None
    verified: bool


@dataclass(frozen=True)
class Verdict:
    result: ItemResult
    message: str

    @property
    def ok(self) -> bool:
        return self.result == ItemResult.OK


def document_verdict(
    *, rule: ItemRule, document: DocumentFacts | None, today: date, name: str = ""
) -> Verdict:
    """The state of an item under ``rule`` filled by ``document`` on ``today``. What makes it unusable
    (missing, expired, too old) is said before what a person still has to do (核验)."""
    what = name or "该资料"
    if document is None:
        return Verdict(ItemResult.MISSING, f"请上传{what}。")
    if rule.must_be_unexpired:
        if document.valid_until is None:
            return Verdict(ItemResult.EXPIRED, f"{what}未登记有效期，请重新上传并填写有效期。")
        if document.valid_until < today:
            return Verdict(
                ItemResult.EXPIRED,
                f"{what}已于 {document.valid_until.isoformat()} 过期，请上传有效期内的{what}。",
            )
    if rule.max_age_days is not None:
        if document.issued_on is None:
            return Verdict(ItemResult.TOO_OLD, f"{what}未登记出具日期，请重新上传并填写出具日期。")
        oldest = today - timedelta(days=rule.max_age_days)
        if document.issued_on < oldest:
            return Verdict(
                ItemResult.TOO_OLD,
                f"{what}出具于 {document.issued_on.isoformat()}，已超过 {rule.max_age_days} 天，"
                f"请上传 {oldest.isoformat()} 以后出具的{what}。",
            )
    if not document.verified:
        return Verdict(ItemResult.UNVERIFIED, f"{what}已上传，请与原件核对后点击「核验」。")
    return Verdict(ItemResult.OK, f"{what}有效。")


def is_usable(*, rule: ItemRule, document: DocumentFacts, today: date) -> bool:
    """Whether ``document`` may fill an item under ``rule`` (valid by its dates; a person may still have
    to verify it): what a checklist reuses from the customer's file."""
    result = document_verdict(rule=rule, document=document, today=today).result
    return result in (ItemResult.OK, ItemResult.UNVERIFIED)


@dataclass(frozen=True)
class ConsentFacts:
    """The written authorization (书面授权) behind an application's credit inquiry."""

    written: bool
    signed_on: date
    valid_until: date
    revoked: bool


def consent_verdict(*, consent: ConsentFacts | None, today: date) -> Verdict:
    """The 征信查询授权书 item: satisfied by a written authorization in force on ``today`` (征信业管理条例
    第十八条: 书面同意), recorded with its evidence by the person who made the inquiry."""
    if consent is None:
        return Verdict(ItemResult.MISSING, "请先登记客户的书面征信查询授权，并以该授权为本申请查询征信。")
    if not consent.written:
        return Verdict(ItemResult.MISSING, "征信查询授权须为书面或电子签署，录音授权不能作为申请资料。")
    if consent.revoked:
        return Verdict(ItemResult.EXPIRED, "客户已撤回征信查询授权，请重新取得书面授权。")
    if today < consent.signed_on or today > consent.valid_until:
        return Verdict(
            ItemResult.EXPIRED,
            f"征信查询授权有效期为 {consent.signed_on.isoformat()} 至 {consent.valid_until.isoformat()}，"
            "今日不在有效期内，请重新取得书面授权。",
        )
    return Verdict(ItemResult.OK, "征信查询授权有效。")


@dataclass(frozen=True)
class ItemOutcome:
    name: str
    mandatory: bool
    verdict: Verdict


@dataclass(frozen=True)
class Summary:
    """The completeness of a checklist: ``score`` (whole percent of the mandatory items that are ok,
    rounded down), ``complete`` (every mandatory item ok) and ``missing`` (the mandatory items that are
    not, in checklist order)."""

    score: int
    complete: bool
    missing: tuple[str, ...]
    mandatory: int
    ok: int


def summarize(outcomes: Sequence[ItemOutcome]) -> Summary:
    mandatory = [o for o in outcomes if o.mandatory]
    ok = sum(1 for o in mandatory if o.verdict.ok)
    missing = tuple(o.name for o in mandatory if not o.verdict.ok)
    score = 100 if not mandatory else ok * 100 // len(mandatory)
    return Summary(score=score, complete=not missing, missing=missing, mandatory=len(mandatory), ok=ok)


# --- what a file is, by its first bytes ------------------------------------------------------------------

SNIFF_BYTES = 16
# The only types accepted, recognised by their first bytes (never the name or the client's content type).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show (PDF, JPEG, PNG), or None for anything else — an executable
    (``MZ``, ``\\x7fELF``, ``#!``) renamed ``.pdf`` included."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None
