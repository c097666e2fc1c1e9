"""The compliance guard (合规检查): what is wrong in a text a person is about to send, and what to say
instead.

Pure (no Django): the rules arrive as ``RuleSpec`` values (the compliance officer's table,
``ComplianceRule``), ``Guard`` compiles them once and ``Guard.check(text, channel)`` returns the findings,
each with the words that triggered it, its severity (``block``: the text is not sent; ``warn``: the sender
is told and may send) and the compliant alternative. The same guard checks the scripts of the 话术库
before approval.

Kinds of rule:

- ``phrase``: forbidden wording, one phrase per line (包过, 保证放款, 无视征信, 内部渠道, 征信修复 …). The
  text is compared after NFKC (full-width → half-width), lower case and with separators removed, so "包 过",
  "包*过" and "包、过" are caught as "包过" (a comma is a clause boundary, not a separator: "打包，过两天"
  is two clauses). A phrase inside a clear refusal is not a promise: "所谓的「征信修复」都是骗局",
  "我们没有任何内部渠道", "不能保证放款" pass (``negation_exempt``), but only with the negation right before
  the phrase (or "是骗局" right after it) — "不收费包过" is still caught.
- ``regex``: a regular expression over the NFKC text, case-insensitive (threats in collection, fees paid
  to a person …).
- ``rate_without_apr``: a monthly or daily rate, or a "low rate" claim (pattern: the triggers) with no
  年化 within ``APR_WINDOW`` characters — RULES.md: the annualized rate is shown at least as prominently as
  any daily or monthly rate (中国人民银行公告〔2021〕第3号).
- ``id_number``: an unmasked resident ID number (GB 11643, checksum valid: ``stdnum.cn.ric``, or shaped
  like one).
- ``bank_card``: an unmasked bank card number (16–19 digits, Luhn valid).

A pattern that does not compile is refused when the rule is saved (``compile_pattern`` raises
``PatternError``), never at check time: a rule that reaches the guard broken all the same (written to the
table by hand, or valid under an older guard) is left out and named in ``Guard.broken`` — the other rules
still check every text, and the service reports the broken one.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from re import _parser as sre_parser  # type: ignore[attr-defined]  # the stdlib's regex parser
from typing import Any

from stdnum import luhn
from stdnum.cn import ric

from creditdesk.core.enums import LabelledEnum, gettext_noop


class Kind(LabelledEnum):
    """规则类型 — how a rule finds what it forbids."""

    PHRASE = "phrase", gettext_noop("禁用词（每行一个）")
    REGEX = "regex", gettext_noop("正则表达式")
    RATE_WITHOUT_APR = "rate_without_apr", gettext_noop("利率未标年化")
    ID_NUMBER = "id_number", gettext_noop("完整身份证号")
    BANK_CARD = "bank_card", gettext_noop("完整银行卡号")


class Severity(LabelledEnum):
    """处理方式 — 拦截: the text is not sent; 提醒: the sender sees the finding and may send."""

    BLOCK = "block", gettext_noop("拦截")
    WARN = "warn", gettext_noop("提醒")


class Channel(LabelledEnum):
    """Where a text goes: a rule may apply to some only (threats: collection)."""

    MESSAGE = "message", gettext_noop("短信/微信")  # to a customer
    COLLECTION = "collection", gettext_noop("催收沟通")  # a message or note about an overdue loan
    GREETING = "greeting", gettext_noop("关怀问候")  # festival, birthday and anniversary greetings
    EDUCATION = "education", gettext_noop("金融知识")  # financial education content sent to customers
    PROPOSAL = "proposal", gettext_noop("方案说明")  # text printed on a proposal
    SCRIPT = "script", gettext_noop("话术")  # an answer of the 话术库, checked before approval


APR_WINDOW = 40
"""Characters either side of a monthly/daily rate in which 年化 must appear ("next to it")."""

MAX_TEXT = 20_000
"""The longest text checked; longer is refused by the services (a message is at most a few thousand)."""

MAX_PATTERN = 2_000

# Separators a sender may put between the characters of a forbidden phrase to slip past a filter. Not the
# clause punctuation (，, 。 …): a phrase does not run across two clauses.
_SEPARATORS = re.compile(r"[\s\u200b-\u200f\u2060\ufeff*_\-.·•、/\\|~`'\"“”‘’「」『』《》<>()（）\[\]【】]+")
# A refusal right before a phrase: 没有 / 不能 / 所谓的 … (+ an opening quote), in the same clause.
_NEGATION_BEFORE = re.compile(
    r"(没有任何|没有|不存在|不能|不可能|无法|不会|绝不|决不|谨防|警惕|拒绝|并非|不是|切勿|严禁|所谓的?|"
    r"任何人都不能(帮您)?|谁也不能|均不能|都不能|不能也不会(帮您)?)$"
)
# ... or right after it: 「征信修复」是骗局 / 都是诈骗 / 均属虚假.
_NEGATION_AFTER = re.compile(r"^(都|均|全|纯|皆)?(是|属于?|为)(骗局|诈骗|虚假|违法|谣言|假的)")
_QUOTES = "“”\"'‘’「」『』《》"
_CLAUSE_END = re.compile(r"[。！？!?；;，,\n]")
_APR = re.compile(r"年化")
# ASCII digits only (NFKC has already made full-width digits ASCII); spaces between groups are allowed.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z*])([0-9][0-9 ]{13,22}[0-9Xx])(?![0-9A-Za-z*])", re.ASCII)
_REPEATS = {sre_parser.MAX_REPEAT, sre_parser.MIN_REPEAT, getattr(sre_parser, "POSSESSIVE_REPEAT", None)}


class PatternError(ValueError):
    """A rule's pattern cannot be used: ``str()`` says why, in Chinese; ``reason`` (a stable key) and
    ``params`` let the pages say it in the reader's language."""

    def __init__(self, message: str, reason: str, **params: Any):
        super().__init__(message)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class RuleSpec:
    code: str
    kind: Kind
    severity: Severity
    message: str  # what is wrong, for the sender
    suggestion: str = ""  # the compliant alternative
    pattern: str = ""  # phrases (one per line), a regex, or the rate triggers
    channels: frozenset[str] = frozenset()  # empty: every channel
    negation_exempt: bool = True
    source: str = ""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    start: int  # in ``Result.text``
    end: int
    matched: str
    message: str
    suggestion: str
    source: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.code,
            "severity": str(self.severity),
            "start": self.start,
            "end": self.end,
            "matched": self.matched,
            "message": self.message,
            "suggestion": self.suggestion,
            "source": self.source,
        }


@dataclass(frozen=True)
class Result:
    findings: tuple[Finding, ...]
    text: str = ""
    """The text the findings' ``start``/``end`` refer to: the text as given — or its NFKC form in the rare
    case NFKC changed its length in a way that cannot be mapped back (composition across characters)."""

    @property
    def blocked(self) -> bool:
        return any(f.severity == Severity.BLOCK for f in self.findings)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == Severity.WARN)


def normalized(text: str) -> str:
    """NFKC (full-width digits and letters → ASCII), lower case; the length is kept when NFKC keeps it."""
    return unicodedata.normalize("NFKC", text).lower()


def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` without separators, and for each kept character its index in ``text``."""
    kept: list[str] = []
    where: list[int] = []
    last = 0
    for match in _SEPARATORS.finditer(text):
        for i in range(last, match.start()):
            kept.append(text[i])
            where.append(i)
        last = match.end()
    for i in range(last, len(text)):
        kept.append(text[i])
        where.append(i)
    return "".join(kept), where


def phrases(pattern: str) -> list[str]:
    """The phrases of a ``phrase`` rule: one per line, compared without separators, blank lines skipped."""
    out = []
    for line in pattern.splitlines():
        squeezed, _ = _squeezed(normalized(line.strip()))
        if squeezed:
            out.append(squeezed)
    return out


def _nested_repeat(items: Any, inside: bool = False) -> bool:
    """Whether a parsed pattern repeats without bound something that itself repeats without bound —
    ``(a+)+``, ``(\\w*)*``: the shape whose backtracking takes exponential time on a text that almost
    matches (one officer's rule would stall every send)."""
    for op, av in items:
        if op in _REPEATS:
            _low, high, sub = av
            unbounded = high == sre_parser.MAXREPEAT
            if (unbounded and inside) or _nested_repeat(sub, inside or unbounded):
                return True
        elif op == sre_parser.SUBPATTERN:
            if _nested_repeat(av[-1], inside):
                return True
        elif op == sre_parser.BRANCH:
            if any(_nested_repeat(branch, inside) for branch in av[1]):
                return True
        elif op in (sre_parser.ASSERT, sre_parser.ASSERT_NOT):
            if _nested_repeat(av[1], inside):
                return True
        elif op == sre_parser.GROUPREF_EXISTS:
            if any(part is not None and _nested_repeat(part, inside) for part in av[1:]):
                return True
        elif op == getattr(sre_parser, "ATOMIC_GROUP", None) and _nested_repeat(av, inside):
            return True
    return False


def _compiled_regex(pattern: str) -> re.Pattern[str]:
    # NFKC like the text, but not lower-cased: that would turn \D into \d (the text is lower case, so the
    # pattern is compiled case-insensitive instead).
    source = unicodedata.normalize("NFKC", pattern)
    try:
        with warnings.catch_warnings():  # "possible nested set": a note on future syntax, not an error
            warnings.simplefilter("ignore", FutureWarning)
            compiled = re.compile(source, re.IGNORECASE)
            nested = _nested_repeat(sre_parser.parse(source, re.IGNORECASE))
    except re.error as exc:
        if exc.pos is None:
            raise PatternError(f"正则表达式无效：{exc.msg}。", "regex_invalid", detail=exc.msg) from exc
        raise PatternError(
            f"正则表达式无效：{exc.msg}（位置 {exc.pos}）。",
            "regex_invalid_at",
            detail=exc.msg,
            position=exc.pos,
        ) from exc
    except (RecursionError, OverflowError, ValueError) as exc:
        raise PatternError("正则表达式过于复杂，无法使用，请简化。", "regex_too_complex") from exc
    if nested:
        raise PatternError(
            "正则表达式含嵌套的不限次重复（如 (a+)+），检查长文本时会极慢，请改写。", "regex_nested_repeat"
        )
    if compiled.search(""):
        raise PatternError("正则表达式会匹配空文本，请收窄。", "regex_matches_empty")
    return compiled


def compile_pattern(kind: Kind | str, pattern: str) -> re.Pattern[str] | None:
    """The compiled pattern of a rule, or ``PatternError`` with a sentence a compliance officer
    understands. ``ValueError`` (not a ``PatternError``) for an unknown kind."""
    kind = Kind(kind)
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"规则内容过长（不超过 {MAX_PATTERN} 字）。", "too_long", limit=MAX_PATTERN)
    if kind == Kind.PHRASE:
        words = phrases(pattern)
        if not words:
            raise PatternError("请至少填写一个禁用词（每行一个）。", "phrases_empty")
        return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    if kind in (Kind.REGEX, Kind.RATE_WITHOUT_APR):
        if not pattern.strip():
            raise PatternError("请填写匹配规则（正则表达式）。", "regex_empty")
        return _compiled_regex(pattern)
    return None  # ID and card numbers: built-in detectors


def _refused(text: str, start: int, end: int) -> bool:
    """Whether the phrase at ``text[start:end]`` sits inside a refusal (see the module's docstring)."""
    before = text[max(0, start - 16) : start].rstrip(_QUOTES + " ")
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    if _NEGATION_BEFORE.search(before[clause_start:]):
        return True
    after = text[end : end + 12].lstrip(_QUOTES + " ")
    return bool(_NEGATION_AFTER.match(after))


@dataclass
class _Compiled:
    spec: RuleSpec
    regex: re.Pattern[str] | None
    channels: frozenset[str] = field(default_factory=frozenset)


class Guard:
    """The rules compiled once; ``check`` is called for every outgoing text (and must be fast).

    ``broken``: the rules left out because their pattern does not compile, each with the reason."""

    def __init__(self, rules: Iterable[RuleSpec]):
        self.rules: list[_Compiled] = []
        self.broken: list[tuple[str, str]] = []
        for spec in rules:
            try:
                regex = compile_pattern(spec.kind, spec.pattern)
            except ValueError as exc:  # PatternError, or a kind this guard does not know
                self.broken.append((spec.code, str(exc)))
                continue
            self.rules.append(_Compiled(spec, regex, spec.channels))

    def check(self, text: str, channel: str = Channel.MESSAGE) -> Result:
        plain = normalized(text)
        given: tuple[str, list[int]] | None = None
        if not (len(plain) == len(text) and unicodedata.is_normalized("NFKC", text)):
            # NFKC changes the text (full-width "，" → ",", "ﬁ" → "fi"): the rules read the normal form and
            # the findings are mapped back to the text as given, character by character — or, where NFKC
            # composes across characters (a letter and a combining accent), reported on the normal form.
            given = _origins(text, plain)
            text = plain
        squeezed: tuple[str, list[int]] | None = None
        findings: list[Finding] = []
        for rule in self.rules:
            if rule.channels and channel not in rule.channels:
                continue
            spec = rule.spec
            if spec.kind == Kind.PHRASE:
                if squeezed is None:
                    squeezed = _squeezed(plain)
                findings.extend(self._phrases(rule, text, plain, squeezed))
            elif spec.kind == Kind.REGEX:
                assert rule.regex is not None
                findings.extend(
                    self._found(spec, text, m.start(), m.end())
                    for m in rule.regex.finditer(plain)
                    if m.end() > m.start()
                )
            elif spec.kind == Kind.RATE_WITHOUT_APR:
                findings.extend(self._rates(rule, text, plain))
            elif spec.kind == Kind.ID_NUMBER:
                findings.extend(self._numbers(spec, text, plain, _is_resident_id))
            elif spec.kind == Kind.BANK_CARD:
                findings.extend(self._numbers(spec, text, plain, _is_card))
        findings = _merged(findings, text)
        if given is not None:
            original, origin = given
            findings = [_mapped(f, original, origin) for f in findings]
            text = original
        findings.sort(key=lambda f: (f.start, f.code))
        return Result(tuple(findings), text)

    @staticmethod
    def _found(spec: RuleSpec, text: str, start: int, end: int) -> Finding:
        return Finding(
            code=spec.code,
            severity=spec.severity,
            start=start,
            end=end,
            matched=text[start:end],
            message=spec.message,
            suggestion=spec.suggestion,
            source=spec.source,
        )

    def _phrases(
        self, rule: _Compiled, text: str, plain: str, squeezed: tuple[str, list[int]]
    ) -> Sequence[Finding]:
        assert rule.regex is not None
        joined, where = squeezed
        out = []
        for match in rule.regex.finditer(joined):
            start, end = where[match.start()], where[match.end() - 1] + 1
            if rule.spec.negation_exempt and _refused(plain, start, end):
                continue
            out.append(self._found(rule.spec, text, start, end))
        return out

    def _rates(self, rule: _Compiled, text: str, plain: str) -> Sequence[Finding]:
        assert rule.regex is not None
        out = []
        for match in rule.regex.finditer(plain):
            if match.end() == match.start():
                continue
            window = plain[max(0, match.start() - APR_WINDOW) : match.end() + APR_WINDOW]
            if not _APR.search(window):
                out.append(self._found(rule.spec, text, match.start(), match.end()))
        return out

    def _numbers(
        self, spec: RuleSpec, text: str, plain: str, valid: Callable[[str], bool]
    ) -> Sequence[Finding]:
        out = []
        for match in _DIGIT_RUN.finditer(plain):
            if valid(match.group(1).replace(" ", "")):
                out.append(self._found(spec, text, match.start(1), match.end(1)))
        return out


def _merged(findings: list[Finding], text: str) -> list[Finding]:
    """One finding per rule for words that touch or overlap ("月息" + "5厘" → "月息5厘"): the sender reads
    each problem once."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.code, f.start, f.end)):
        last = out[-1] if out else None
        if last is not None and last.code == f.code and f.start <= last.end:
            end = max(last.end, f.end)
            out[-1] = replace(last, end=end, matched=text[last.start : end])
        else:
            out.append(f)
    return out


def _origins(text: str, plain: str) -> tuple[str, list[int]] | None:
    """``(text, origin)``: for each character of ``plain`` (``normalized(text)``) the index of the character
    of ``text`` it came from — when the text normalizes character by character (not when NFKC composes
    across characters, e.g. a letter and a combining accent: then None)."""
    parts = [normalized(char) for char in text]
    if "".join(parts) != plain:
        return None
    return text, [i for i, part in enumerate(parts) for _ in part]


def _mapped(finding: Finding, text: str, origin: list[int]) -> Finding:
    start, end = origin[finding.start], origin[finding.end - 1] + 1
    return replace(finding, start=start, end=end, matched=text[start:end])


def pieces(result: Result) -> list[tuple[str, str]]:
    """``result.text`` cut at its findings, for showing it highlighted: ``(piece, severity)`` in order,
    severity ``""`` between findings; overlapping findings make one piece of the stronger severity."""
    spans: list[list[Any]] = []
    for f in sorted(result.findings, key=lambda f: (f.start, -f.end)):
        if spans and f.start <= spans[-1][1]:  # overlapping or touching: one mark
            spans[-1][1] = max(spans[-1][1], f.end)
            if f.severity == Severity.BLOCK:
                spans[-1][2] = Severity.BLOCK
        else:
            spans.append([f.start, f.end, f.severity])
    out: list[tuple[str, str]] = []
    last = 0
    for start, end, severity in spans:
        if start > last:
            out.append((result.text[last:start], ""))
        out.append((result.text[start:end], str(severity)))
        last = end
    if last < len(result.text):
        out.append((result.text[last:], ""))
    return out


_ID_SHAPE = re.compile(r"^[0-9]{6}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$")


def _is_resident_id(digits: str) -> bool:
    """A resident ID: checksum valid, or shaped like one (area, a birth date, sequence) — a mistyped ID is
    still a person's ID, and the sender must not send it either."""
    return len(digits) == 18 and (ric.is_valid(digits.upper()) or bool(_ID_SHAPE.match(digits)))


def _is_card(digits: str) -> bool:
    return (
        digits.isascii()
        and digits.isdigit()
        and 16 <= len(digits) <= 19
        and luhn.is_valid(digits)
        and not _is_resident_id(digits)
    )
