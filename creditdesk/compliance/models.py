"""Compliance (合规): the guard's rules, which a compliance reviewer edits, and the log of what it stopped."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creditdesk.accounts.scope import ScopePaths
from creditdesk.compliance import guard
from creditdesk.compliance.choices import Channel, CheckOrigin, RuleKind, Severity

CONFIGURATION = ScopePaths(owner=None, team=None, branch=None, admin_sees_all=True)

PATTERN_REASONS = {
    "too_long": _("规则内容过长（不超过 %(limit)s 字）。"),
    "phrases_empty": _("请至少填写一个禁用词（每行一个）。"),
    "regex_empty": _("请填写匹配规则（正则表达式）。"),
    "regex_invalid": _("正则表达式无效：%(detail)s。"),
    "regex_invalid_at": _("正则表达式无效：%(detail)s（位置 %(position)s）。"),
    "regex_too_complex": _("正则表达式过于复杂，无法使用，请简化。"),
    "regex_nested_repeat": _("正则表达式含嵌套的不限次重复（如 (a+)+），检查长文本时会极慢，请改写。"),
    "regex_matches_empty": _("正则表达式会匹配空文本，请收窄。"),
}


def pattern_message(exc: guard.PatternError) -> str:
    """The guard's reason a pattern cannot be used, in the reader's language (its own sentence when the
    reason is new)."""
    template = PATTERN_REASONS.get(exc.reason)
    if template is None:
        return str(exc)
    try:
        return str(template) % exc.params if exc.params else str(template)
    except (KeyError, TypeError, ValueError):
        return str(exc)


class ComplianceRule(models.Model):
    """合规规则 — one thing an outgoing text must not say (or must say next to something), with what the
    sender is told, the compliant alternative and the source. ``severity``: 拦截 (not sent) or 提醒 (the
    sender sees it and may send). ``channels``: comma-separated ``Channel`` values, blank for all. A rule
    whose pattern does not compile is refused on save (``clean``); an inactive rule is kept for the log."""

    code = models.SlugField(_("规则代码"), max_length=50, unique=True)
    name = models.CharField(_("规则名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=RuleKind.choices)
    severity = models.CharField(_("处理方式"), max_length=10, choices=Severity.choices)
    pattern = models.TextField(
        _("匹配内容"),
        blank=True,
        max_length=guard.MAX_PATTERN,
        help_text=_("禁用词每行一个；正则表达式按 Python 语法；身份证号、银行卡号无需填写"),
    )
    channels = models.CharField(_("适用渠道"), max_length=120, blank=True, help_text=_("留空：全部渠道"))
    negation_exempt = models.BooleanField(
        _("否定语境不拦截"), default=True, help_text=_("如“所谓的征信修复都是骗局”“不能保证放款”")
    )
    message = models.CharField(_("问题说明"), max_length=300)
    suggestion = models.CharField(_("合规替代说法"), max_length=300, blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    scope_paths: ClassVar[ScopePaths] = CONFIGURATION

    class Meta:
        verbose_name = _("合规规则")
        verbose_name_plural = _("合规规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def channel_set(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.channels.split(",") if c.strip())

    def clean(self) -> None:
        """The channels exist and the pattern compiles for its kind (the guard's sentence, translated)."""
        unknown = sorted(self.channel_set() - set(Channel.values))
        if unknown:
            message = _("未知渠道：%(c)s。") % {"c": "、".join(unknown)}
            raise ValidationError({"channels": ValidationError(message, code="compliance_channel_unknown")})
        try:
            guard.compile_pattern(self.kind, self.pattern)
        except guard.PatternError as exc:
            error = ValidationError(pattern_message(exc), code="compliance_rule_pattern_invalid")
            raise ValidationError({"pattern": error}) from exc
        except ValueError as exc:  # an unknown kind
            error = ValidationError(_("规则类型无效。"), code="compliance_rule_kind_unknown")
            raise ValidationError({"kind": error}) from exc

    def spec(self) -> guard.RuleSpec:
        return guard.RuleSpec(
            code=self.code,
            kind=guard.Kind(self.kind),
            severity=guard.Severity(self.severity),
            message=self.message,
            suggestion=self.suggestion,
            pattern=self.pattern,
            channels=self.channel_set(),
            negation_exempt=self.negation_exempt,
            source=self.source,
        )


class ComplianceCheck(models.Model):
    """合规拦截记录 — a text the guard stopped (or let through with a warning the sender saw), who wrote it,
    where it was going and what was wrong. The text is kept only as a masked excerpt and its SHA-256: the
    log must not become a second store of the personal data it stopped."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    origin = models.CharField(_("来源"), max_length=10, choices=CheckOrigin.choices)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    blocked = models.BooleanField(_("已拦截"))
    target = models.CharField(_("对象"), max_length=80, blank=True, help_text=_("如 customer:12、lead:5"))
    excerpt = models.CharField(_("文本摘录（已脱敏）"), max_length=300)
    text_sha256 = models.CharField(_("文本摘要（SHA-256）"), max_length=64)
    findings = models.JSONField(_("检查结果"))
    rules = models.CharField(_("命中规则"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    scope_paths: ClassVar[ScopePaths] = ScopePaths(owner="actor", team="actor__team", branch="actor__branch")

    class Meta:
        verbose_name = _("合规拦截记录")
        verbose_name_plural = _("合规拦截记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at) if self.created_at else None
        return f"{when:%Y-%m-%d %H:%M} {self.rules}" if when else self.rules
