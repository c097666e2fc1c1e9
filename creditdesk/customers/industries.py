"""GB/T 4754-2017 industry codes: look-up, normalization, search by code / name / pinyin. Pure, no Django.

PRODUCT.md "Customers": a business (企业, 个体工商户) carries its 国民经济行业分类 code, chosen from the
standard's list (``industry_data``; source and completeness are stated there). Codes are written with
their section letter: ``"H"`` 门类, ``"H62"`` 大类, ``"H621"`` 中类, ``"H6210"`` 小类; a code belongs to every
code that is a prefix of it (``"K"`` covers ``"K7010"``), which is how product rules exclude industries.

The standard prints the digits without the letter and the digits are unique across sections, so a code
typed as ``"6210"`` or ``"62"`` is read as ``"H6210"`` / ``"H62"``; case, full-width characters and
surrounding spaces do not matter. An unknown code is refused with ``IndustryCodeError``
(``industry_code_unknown``) and a Chinese sentence that names what was typed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from pypinyin import Style, lazy_pinyin

from creditdesk.core.exceptions import DomainError
from creditdesk.customers.industry_data import INDUSTRY_ROWS

Level = Literal["section", "division", "group", "class"]

# Length of a code (letter + digits) → its level in the standard.
_LEVELS: dict[int, Level] = {1: "section", 3: "division", 4: "group", 5: "class"}
_CODE = re.compile(r"^[A-Z](?:\d{2}|\d{3}|\d{4})?$")
_DIGITS = re.compile(r"^\d{2,4}$")
_NOT_LATIN_OR_DIGIT = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class Industry:
    """One entry of the standard: 门类 (section), 大类 (division), 中类 (group) or 小类 (class)."""

    code: str
    name: str
    level: Level
    parent: str | None

    @property
    def label(self) -> str:
        """``"H6210 正餐服务"``: the code and the standard's name, as pages show an industry."""
        return f"{self.code} {self.name}"


class IndustryCodeError(DomainError):
    """The code typed is not in GB/T 4754-2017 (``industry_code_unknown``)."""

    def __init__(self, typed: str):
        shown = typed.strip()
        if shown:
            message = f"行业代码「{shown}」不在国民经济行业分类（GB/T 4754-2017）中，请按名称或拼音搜索选择。"
        else:
            message = "请填写行业代码：可按名称或拼音搜索国民经济行业分类（GB/T 4754-2017）后选择。"
        super().__init__("industry_code_unknown", message, {"field": "industry_code", "code": shown})


def _parent_code(code: str) -> str | None:
    if len(code) == 1:
        return None
    if len(code) == 3:
        return code[0]
    return code[:-1]


def _build(rows: Iterable[tuple[str, str]]) -> dict[str, Industry]:
    """The rows as ``Industry`` objects by code; a malformed, repeated or orphaned code is a bug in the
    data module and fails the import."""
    built: dict[str, Industry] = {}
    for code, name in rows:
        if not _CODE.match(code) or code in built:
            raise ValueError(f"industry_data: bad or repeated code {code!r}")
        parent = _parent_code(code)
        if parent is not None and parent not in built:
            raise ValueError(f"industry_data: {code!r} comes before its parent {parent!r}")
        built[code] = Industry(code=code, name=name, level=_LEVELS[len(code)], parent=parent)
    return built


INDUSTRIES: Mapping[str, Industry] = MappingProxyType(_build(INDUSTRY_ROWS))
"""Every code of the standard → its ``Industry``, in the standard's order."""

# The digits of a division, group or class → its code with the letter ("6210" → "H6210").
_BY_DIGITS: Mapping[str, str] = MappingProxyType({code[1:]: code for code in INDUSTRIES if len(code) > 1})
if len(_BY_DIGITS) != len(INDUSTRIES) - sum(1 for code in INDUSTRIES if len(code) == 1):
    raise ValueError("industry_data: the digits of two codes collide across sections")


def _canonical(code: str) -> str:
    """Full-width to ASCII, no spaces at all, upper case: the form codes are compared in."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


def _resolve(code: str) -> str | None:
    text = _canonical(code)
    if text in INDUSTRIES:
        return text
    if _DIGITS.match(text):
        return _BY_DIGITS.get(text)
    return None


def get_industry(code: str) -> Industry | None:
    """The industry for ``code`` (``" h6210 "``, ``"6210"`` and ``"H6210"`` alike), or None."""
    resolved = _resolve(code)
    return INDUSTRIES[resolved] if resolved else None


def normalize_code(code: str) -> str:
    """The canonical code (``"6210"`` → ``"H6210"``); an unknown code raises ``IndustryCodeError``."""
    resolved = _resolve(code)
    if resolved is None:
        raise IndustryCodeError(code or "")
    return resolved


def path(code: str) -> list[Industry]:
    """Section → … → the code itself (``H``, ``H62``, ``H621``, ``H6210``); empty for an unknown code."""
    industry = get_industry(code)
    chain: list[Industry] = []
    while industry is not None:
        chain.append(industry)
        industry = INDUSTRIES[industry.parent] if industry.parent else None
    return chain[::-1]


def label(code: str) -> str:
    """``"H6210 正餐服务"``; an unknown code is shown as it was stored (a page never fails on old data)."""
    industry = get_industry(code)
    return industry.label if industry else (code or "").strip()


def is_within(code: str, prefixes: Iterable[str]) -> str | None:
    """The first of ``prefixes`` that ``code`` falls under (``"K7010"`` is within ``"K"`` and ``"K70"``),
    as a canonical code, else None. Prefixes are read like codes (``"70"`` is ``"K70"``); a prefix that is
    not a code of the standard is compared as typed, upper-cased. An empty code is within nothing."""
    target = _resolve(code) or _canonical(code)
    if not target:
        return None
    for prefix in prefixes:
        wanted = _resolve(prefix) or _canonical(prefix)
        if wanted and target.startswith(wanted):
            return wanted
    return None


# --- search -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    industry: Industry
    full: str  # the name's pinyin without tones or spaces ("zhengcanfuwu")
    later: tuple[str, ...]  # the same from each later syllable on ("canfuwu", "fuwu", "wu")
    initials: str  # first letters ("zcfw")


@functools.cache
def _search_index() -> tuple[_Entry, ...]:
    """Pinyin of every name, built on the first search (pypinyin takes ~0.2 ms a name: not at import)."""
    entries = []
    for industry in INDUSTRIES.values():
        syllables = [s for s in (_latin(p) for p in lazy_pinyin(industry.name, style=Style.NORMAL)) if s]
        later = tuple("".join(syllables[start:]) for start in range(1, len(syllables)))
        entries.append(_Entry(industry, "".join(syllables), later, "".join(s[0] for s in syllables)))
    return tuple(entries)


# The codes in the standard's order: a code's descendants are the run of codes right after it.
_CODES: tuple[str, ...] = tuple(INDUSTRIES)
_POSITION: Mapping[str, int] = MappingProxyType({code: position for position, code in enumerate(_CODES)})


def _descendants(code: str) -> tuple[str, ...]:
    start = end = _POSITION[code] + 1
    while end < len(_CODES) and _CODES[end].startswith(code):
        end += 1
    return _CODES[start:end]


def _latin(text: str) -> str:
    return _NOT_LATIN_OR_DIGIT.sub("", text.lower())


def _pinyin_rank(entry: _Entry, query: str) -> int | None:
    """How the Latin ``query`` matches the name's pinyin: 0 full pinyin from the start (``zhengcan``),
    1 initials from the start (``cy``), 2 full pinyin from a later syllable (``canfuwu``), 3 initials
    from a later syllable; None when it does not."""
    if entry.full.startswith(query):
        return 0
    if len(query) >= 2 and entry.initials.startswith(query):
        return 1
    if any(rest.startswith(query) for rest in entry.later):
        return 2
    if len(query) >= 2 and query in entry.initials[1:]:
        return 3
    return None


# Tiers, best first (``search_industries`` says how ties are ordered).
_EXACT_CODE, _CODE_PREFIX, _EXACT_NAME, _NAME_PREFIX, _NAME_INFIX, _PINYIN, _WITHIN_MATCH = range(7)


def search_industries(query: str, limit: int = 20) -> list[Industry]:
    """Industries matching ``query``, best first, at most ``limit``.

    Order: the exact code (``"6210"``, ``"h6210"``, or a label ``"H6210 正餐服务"`` typed back); codes
    starting with it; the exact name; names starting with it; names containing it; pinyin (full or
    initials: ``"zhengcan"`` → 正餐服务, ``"cy"`` → 餐饮业); finally the divisions, groups and classes
    inside a division or group that matched by name (``"餐饮"`` → 餐饮业's 正餐服务), so a broad word
    still reaches the class to choose. Code prefixes and those subtrees keep the standard's order; other
    ties put the shorter name (the closer match) first, then the standard's order. Deterministic.
    """
    text = unicodedata.normalize("NFKC", query or "").strip()
    if not text or limit <= 0:
        return []
    first_token = text.split()[0]
    code_query = _canonical(first_token)
    exact = _resolve(first_token)
    latin = _latin(text) if text.isascii() else ""
    name_query = "".join(text.split())

    ranked: dict[str, tuple[int, int]] = {}  # code → (tier, sub-rank)

    def offer(code: str, tier: int, sub: int = 0) -> None:
        if code not in ranked or (tier, sub) < ranked[code]:
            ranked[code] = (tier, sub)

    if exact:
        offer(exact, _EXACT_CODE)
    if code_query.isascii() and code_query.isalnum():
        digits_only = code_query.isdigit()
        for code in INDUSTRIES:
            if code.startswith(code_query) or (digits_only and code[1:].startswith(code_query)):
                offer(code, _CODE_PREFIX)
    name_matches: list[str] = []
    for entry in _search_index():
        industry = entry.industry
        if industry.name == name_query:
            offer(industry.code, _EXACT_NAME)
            name_matches.append(industry.code)
        elif industry.name.startswith(name_query):
            offer(industry.code, _NAME_PREFIX)
            name_matches.append(industry.code)
        elif name_query in industry.name:
            offer(industry.code, _NAME_INFIX)
            name_matches.append(industry.code)
        elif latin:
            rank = _pinyin_rank(entry, latin)
            if rank is not None:
                offer(industry.code, _PINYIN, rank)
                name_matches.append(industry.code)
    for matched in name_matches:
        if INDUSTRIES[matched].level in ("division", "group"):
            for code in _descendants(matched):
                offer(code, _WITHIN_MATCH, ranked[matched][0])

    def sort_key(code: str) -> tuple[int, int, int, int]:
        tier, sub = ranked[code]
        tree_order = tier in (_CODE_PREFIX, _WITHIN_MATCH)  # a subtree reads best in the standard's order
        closeness = 0 if tree_order else len(INDUSTRIES[code].name)
        return (tier, sub, closeness, _POSITION[code])

    best = sorted(ranked, key=sort_key)
    return [INDUSTRIES[code] for code in best[:limit]]
