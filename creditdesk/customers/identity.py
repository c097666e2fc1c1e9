"""Identity numbers, mobile numbers, masks and name pinyin: pure functions, no database.

RULES.md "Identity numbers": resident IDs (GB 11643) are checked by ``stdnum.cn.ric`` and unified social
credit codes (GB 32100) by ``stdnum.cn.uscc``; this module wraps them so that every refusal is an
``IdentityError`` with a stable code, a Chinese sentence and ``extra["field"]``. On top of stdnum it
refuses birth dates after today or more than 120 years ago, and tells a person with an old 15-digit ID
to give the 18-digit number. RULES.md "Personal information": messages never contain the number, and
the masks show at most the first 3 and last 4 characters (``110***********002X``, ``138****5678``).

stdnum's refusals and the codes they become (stdnum 2.x):

==========================================  =====================================================
``ric.validate`` raises                     code
==========================================  =====================================================
``InvalidLength`` (not 18 characters)       ``id_wrong_length`` (15 digits: ``id_15_digits``)
``InvalidFormat`` (non-digit in 1-17)       ``id_bad_characters`` (checked here first, with 18th)
``InvalidChecksum``                         ``id_bad_checksum`` (checked before date and region)
``InvalidComponent`` from the date          ``id_bad_date`` (``get_birth_date`` raises it)
``InvalidComponent`` from the place         ``id_unknown_region`` (unknown code, or a county not
                                            yet/no longer assigned in the birth year)
``uscc.validate``: ``InvalidLength`` /      ``uscc_wrong_length`` / ``uscc_bad_characters`` /
``InvalidFormat`` / ``InvalidChecksum``     ``uscc_bad_checksum``
==========================================  =====================================================
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pypinyin import Style, lazy_pinyin
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidLength,
    ValidationError,
)

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError

MAX_AGE_YEARS = 120  # an ID whose holder would be older than this is a typo
ID_LENGTH = 18
OLD_ID_LENGTH = 15
IndexKind = Literal["id", "phone", "uscc"]


class Gender(LabelledEnum):
    """性别, as a resident ID says it (the 17th digit: odd for men)."""

    MALE = "male", gettext_noop("男")
    FEMALE = "female", gettext_noop("女")


# Separators a person may type inside a number: spaces of every kind, hyphens and dashes.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−]+")
_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−().]+")
_ID_CHARACTERS = re.compile(r"[0-9]{17}[0-9X]")
_OLD_ID = re.compile(r"[0-9]{15}")
_ID_BAD_CHARACTERS = "身份证号码前 17 位只能是数字，最后一位是数字或字母 X。"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_NOT_LATIN_OR_DIGIT = re.compile(r"[^0-9a-z]+")

# Surname readings (syllables, no tones) where pypinyin's everyday reading is not the surname's.
# pypinyin 0.55 has no surname mode (mozillazg/python-pinyin#120, #297), so the first character(s) of
# a person's name are looked up here, compound surnames first: 单于 is chan-yu, not shan + yu.
SURNAMES: dict[str, tuple[str, ...]] = {
    "万俟": ("mo", "qi"),
    "尉迟": ("yu", "chi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "乐正": ("yue", "zheng"),
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "区": ("ou",),
    "乐": ("yue",),
    "翟": ("zhai",),
    "覃": ("qin",),
    "盖": ("ge",),
    "缪": ("miao",),
    "秘": ("bi",),
    "繁": ("po",),
    "折": ("she",),
    "佴": ("nai",),
    "粘": ("nian",),
    "藏": ("zang",),
    "种": ("chong",),
    "重": ("chong",),
    "员": ("yun",),
    "都": ("du",),
    "六": ("lu",),
    "薄": ("bo",),
    "柏": ("bai",),
    "阚": ("kan",),
    "卜": ("bu",),
    "长": ("chang",),
    "召": ("shao",),
    "祭": ("zhai",),
    "隗": ("wei",),
    "乜": ("nie",),
    "句": ("gou",),
    "能": ("nai",),
}


class IdentityError(DomainError):
    """An identity number, phone number or code was refused; ``extra["field"]`` names the field.

    The message never contains the number typed (RULES.md: sensitive personal information).
    """


def _fail(code: str, message: str, field: str) -> IdentityError:
    return IdentityError(code, message, {"field": field})


def _compact(raw: str) -> str:
    """Full-width characters to ASCII, separators removed, upper-case (``x`` → ``X``)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "")).upper()


def age_on(birth_date: date, on: date) -> int:
    """Age in whole years (周岁) on ``on``: one more on each birthday (29 Feb: counts on 1 Mar)."""
    if isinstance(on, datetime):
        on = on.date()
    if on < birth_date:
        raise ValueError("age_on: the date is before the birth date")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


@dataclass(frozen=True, repr=False)
class ResidentId:
    """A valid 18-digit resident ID and what it says about its holder."""

    number: str
    birth_date: date
    gender: str  # a ``Gender`` value: the 17th digit, odd for men
    region_code: str  # the first 6 digits: the county where the number was issued

    def age_on(self, on: date) -> int:
        """Age in whole years (周岁) on ``on`` (see ``age_on``)."""
        return age_on(self.birth_date, on)

    def __repr__(self) -> str:  # never the full number in logs or tracebacks
        return (
            f"ResidentId(number={mask_id(self.number)!r}, birth_date={self.birth_date!r}, "
            f"gender={self.gender!r}, region_code={self.region_code!r})"
        )


def parse_resident_id(raw: str, *, today: date, field: str = "id_number") -> ResidentId:
    """Validate a resident ID number (GB 11643) and return it with birth date, gender and region.

    Spaces and hyphens are removed and ``x`` is upper-cased; raises ``IdentityError`` otherwise.
    """
    if isinstance(today, datetime):
        today = today.date()
    number = _compact(raw)
    if not number:
        raise _fail("id_empty", "请填写身份证号码。", field)
    if len(number) == OLD_ID_LENGTH and _OLD_ID.fullmatch(number):
        raise _fail(
            "id_15_digits",
            "15 位的旧身份证号码已停止使用，请提供 18 位的居民身份证号码（可查看新版身份证）。",
            field,
        )
    if len(number) != ID_LENGTH:
        raise _fail("id_wrong_length", f"身份证号码应为 18 位，现在是 {len(number)} 位。", field)
    if not _ID_CHARACTERS.fullmatch(number):
        raise _fail("id_bad_characters", _ID_BAD_CHARACTERS, field)
    try:
        ric.validate(number)
    except InvalidChecksum:
        raise _fail("id_bad_checksum", "身份证号码校验位不正确，请核对是否有输错的数字。", field) from None
    except (InvalidComponent, KeyError):
        # KeyError: stdnum 2.2's region table has province-level codes without counties, and its lookup
        # fails on them; a personal ID never carries a province-level code, so it is an unknown region.
        try:
            ric.get_birth_date(number)
        except InvalidComponent:
            raise _fail(
                "id_bad_date", "身份证号码中的出生日期（第 7 至 14 位）不存在，请核对。", field
            ) from None
        raise _fail(
            "id_unknown_region",
            "身份证号码前 6 位的地区码不存在，或在出生那年并未使用，请核对。",
            field,
        ) from None
    except InvalidLength:  # checked above; kept so that a change in stdnum still maps to a code
        raise _fail("id_wrong_length", "身份证号码应为 18 位。", field) from None
    except ValidationError:  # InvalidFormat: checked above, likewise
        raise _fail("id_bad_characters", _ID_BAD_CHARACTERS, field) from None

    birth_date = ric.get_birth_date(number)
    if birth_date > today:
        raise _fail("id_future_birth_date", "身份证号码中的出生日期晚于今天，请核对。", field)
    resident = ResidentId(
        number=number,
        birth_date=birth_date,
        gender=(Gender.MALE if int(number[16]) % 2 else Gender.FEMALE).value,
        region_code=number[:6],
    )
    if resident.age_on(today) > MAX_AGE_YEARS:
        raise _fail("id_too_old", f"身份证号码中的出生日期距今超过 {MAX_AGE_YEARS} 年，请核对。", field)
    return resident


def parse_uscc(raw: str, *, field: str = "credit_code") -> str:
    """Validate a unified social credit code (GB 32100) and return it upper-case without separators."""
    code = _compact(raw)
    if not code:
        raise _fail("uscc_empty", "请填写统一社会信用代码。", field)
    try:
        return str(uscc.validate(code))
    except InvalidLength:
        raise _fail(
            "uscc_wrong_length", f"统一社会信用代码应为 18 位，现在是 {len(code)} 位。", field
        ) from None
    except InvalidChecksum:
        raise _fail(
            "uscc_bad_checksum", "统一社会信用代码校验位不正确，请核对是否有输错的字符。", field
        ) from None
    except ValidationError:  # InvalidFormat
        raise _fail(
            "uscc_bad_characters",
            "统一社会信用代码格式不正确：前 8 位是数字，其余是数字或大写字母（不用 I、O、Z、S、V）。",
            field,
        ) from None


def _phone_digits(raw: str) -> str:
    """Separators removed and a +86 / 0086 / 86 country prefix dropped; not validated."""
    text = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if text.startswith("+86"):
        return text[3:]
    if text.startswith("0086"):
        return text[4:]
    if text.startswith("86") and len(text) == 13:
        return text[2:]
    return text


def parse_mobile(raw: str, *, field: str = "phone") -> str:
    """Validate a mainland China mobile number (11 digits, 1[3-9]…) and return its 11 digits.

    Accepts a ``+86``/``0086``/``86`` prefix, spaces, hyphens and brackets.
    """
    if not _PHONE_SEPARATORS.sub("", raw or ""):
        raise _fail("phone_empty", "请填写手机号码。", field)
    digits = _phone_digits(raw)
    if not _MOBILE.fullmatch(digits):
        raise _fail("phone_invalid", "手机号码不正确：应为 1 开头的 11 位中国大陆手机号码。", field)
    return digits


def _mask(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id(number: str) -> str:
    """First 3 and last 4 characters: ``110***********002X``; shorter values are all stars."""
    return _mask(_compact(number), 3, 4)


def mask_phone(number: str) -> str:
    """First 3 and last 4 digits: ``138****5678``; shorter values are all stars."""
    return _mask(_phone_digits(number), 3, 4)


def normalize_for_index(kind: IndexKind | str, value: str) -> str:
    """The canonical form hashed into a blind index, so that equal numbers typed differently match.

    ``id`` and ``uscc``: full-width to ASCII, no separators, upper-case. ``phone``: digits without
    separators or the +86 prefix. Does not validate (parse first); an unknown kind is a ValueError.
    """
    if kind in ("id", "uscc"):
        return _compact(value)
    if kind == "phone":
        return _phone_digits(value)
    raise ValueError(f"normalize_for_index: unknown kind {kind!r}")


def _latin(text: str) -> str:
    return _NOT_LATIN_OR_DIGIT.sub("", text.lower())


@functools.lru_cache(maxsize=65536)
def _han_pinyin(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(syllables, initials) of a run of Chinese characters, as pypinyin gives them. Cached: pypinyin
    takes 0.1-0.3 ms a run, and a file of customers repeats the same given names and words."""
    return (
        tuple(lazy_pinyin(run, style=Style.NORMAL)),
        tuple(lazy_pinyin(run, style=Style.FIRST_LETTER)),
    )


# Two-character surnames (复姓) still in use; a person's given name starts after them.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "万俟",
        "单于",
        "澹台",
        "乐正",
        "轩辕",
        "百里",
        "呼延",
        "拓跋",
        "闻人",
        "申屠",
        "公冶",
        "太史",
        "钟离",
        "濮阳",
        "淳于",
        "赫连",
        "鲜于",
        "闾丘",
        "第五",
    ]
)


def given_name(name: str) -> str:
    """A person's given name (名), for search by it: ``张建国`` → ``建国``, ``欧阳娜娜`` → ``娜娜``. The
    surname is the first character, or the first two when they are a compound surname; a name that
    does not start with a Chinese character has no given name here (``""``)."""
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    if not text or not _HAN.match(text[0]):
        return ""
    return text[2:] if text[:2] in COMPOUND_SURNAMES else text[1:]


def name_pinyin(name: str, *, person: bool = True) -> tuple[str, str]:
    """``(full pinyin, initials)`` for search: ``张三`` → ``("zhangsan", "zs")``.

    Lower-case, no tones, no spaces or punctuation; letters and digits that are not Chinese are kept
    (lower-case) in both. For a person (the default) a polyphonic surname takes its surname reading
    (单 shan, 曾 zeng, 单于 chanyu); pass ``person=False`` for a company name (plain pinyin).
    """
    return _name_pinyin(name or "", bool(person))


@functools.lru_cache(maxsize=65536)
def _name_pinyin(name: str, person: bool) -> tuple[str, str]:
    text = unicodedata.normalize("NFKC", name).strip()
    full: list[str] = []
    initials: list[str] = []
    if person:
        surname = next((text[:n] for n in (2, 1) if text[:n] in SURNAMES), None)
        if surname is not None:
            full.extend(SURNAMES[surname])
            initials.extend(syllable[0] for syllable in SURNAMES[surname])
            text = text[len(surname) :]
    position = 0
    for match in _HAN.finditer(text):
        other = _latin(text[position : match.start()])
        full.append(other)
        initials.append(other)
        syllables, letters = _han_pinyin(match.group())
        full.extend(syllables)
        initials.extend(letters)
        position = match.end()
    other = _latin(text[position:])
    full.append(other)
    initials.append(other)
    return "".join(full).lower(), "".join(initials).lower()
