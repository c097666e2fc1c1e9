"""Identity numbers: RULES.md's worked figures exactly, every refusal code with its field, no leaks.

Pure tests: no database, no Django settings needed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin import Style, pinyin
from stdnum.cn import ric

from creditdesk.core.exceptions import DomainError
from creditdesk.customers.identity import (
    MAX_AGE_YEARS,
    SURNAMES,
    IdentityError,
    ResidentId,
    given_name,
    mask_id,
    mask_phone,
    name_pinyin,
    normalize_for_index,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
)

TODAY = date(2026, 3, 1)
# Counties assigned in every year stdnum knows (no [start-end] range in stdnum's cn/loc.dat).
ALWAYS_VALID_REGIONS = ("110101", "110105", "310104")


def make_id(region: str, birth: date, sequence: int) -> str:
    """A valid 18-digit ID: region + yyyymmdd + 3-digit sequence + the computed check digit."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def refused(raw: str, code: str, field: str = "id_number", **kw) -> IdentityError:
    with pytest.raises(IdentityError) as info:
        parse_resident_id(raw, today=TODAY, field=field, **kw)
    error = info.value
    assert error.code == code
    assert error.extra == {"field": field}
    assert error.message and error.message == str(error)
    digits = raw.replace(" ", "").replace("-", "").upper()
    if digits:
        assert digits not in error.message
        assert digits not in repr(error.extra)
    return error


# --- RULES.md "Identity numbers": the worked figures -------------------------------------------------


def test_rules_valid_id_1949_12_31():
    resident = parse_resident_id("11010519491231002X", today=TODAY)
    assert resident == ResidentId(
        number="11010519491231002X", birth_date=date(1949, 12, 31), gender="female", region_code="110105"
    )


def test_rules_bad_check_digit():
    refused("360426199101010072", "id_bad_checksum")


def test_rules_unknown_region():
    refused("990426199101010079", "id_unknown_region")


def test_rules_no_such_date_30_february():
    # The check digit is right, so this is the date and not a typo elsewhere.
    assert ric.calc_check_digit("360426199102300070") == "0"
    refused("360426199102300070", "id_bad_date")


def test_rules_valid_uscc():
    assert parse_uscc("91110000600037341L") == "91110000600037341L"


def test_rules_uscc_bad_check_digit():
    with pytest.raises(IdentityError) as info:
        parse_uscc("91110000600037341M")
    assert info.value.code == "uscc_bad_checksum"
    assert info.value.extra == {"field": "credit_code"}
    assert "91110000600037341M" not in info.value.message


def test_rules_masks():
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"


# --- resident ID: input forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "110105-19491231-002x",
        "１１０１０５１９４９１２３１００２ｘ",  # full-width, as typed with a Chinese input method
        "110105\u300019491231\u3000002X",  # ideographic space
    ],
)
def test_id_separators_case_and_full_width_accepted(raw):
    assert parse_resident_id(raw, today=TODAY).number == "11010519491231002X"


def test_id_is_a_domain_error_with_status_400():
    error = refused("", "id_empty")
    assert isinstance(error, DomainError)
    assert error.status == 400


@pytest.mark.parametrize("raw", ["", "   ", " - "])
def test_id_empty(raw):
    refused(raw, "id_empty")


def test_id_15_digits_old_card_message():
    error = refused("110105491231002", "id_15_digits")
    assert "15" in error.message and "18" in error.message


@pytest.mark.parametrize("raw", ["1101051949123100", "1101051949123100212", "11010519491231002XX", "1234567"])
def test_id_wrong_length(raw):
    refused(raw, "id_wrong_length")


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002A",  # last character neither digit nor X
        "1101051949123X002X",  # X inside
        "11010A19491231002X",
        "110105194912310０2X".replace("０", "O"),  # letter O for zero
    ],
)
def test_id_bad_characters(raw):
    refused(raw, "id_bad_characters")


def test_id_bad_checksum_reported_before_date_and_region():
    # Wrong check digit and no such date: a mistyped digit is the likelier cause, so say that.
    refused("360426199102300071", "id_bad_checksum")


@pytest.mark.parametrize("birth", ["19910230", "19910431", "20230229", "19911301", "19910100"])
def test_id_bad_date(birth):
    body = f"110105{birth}007"
    refused(body + ric.calc_check_digit(body + "0"), "id_bad_date")


def test_id_region_not_yet_assigned_in_the_birth_year():
    # 110112 (通州区) exists from 1997: an ID born in 1990 there is refused, one born in 1998 is not.
    refused(make_id("110112", date(1990, 1, 1), 1), "id_unknown_region")
    assert parse_resident_id(make_id("110112", date(1998, 1, 1), 1), today=TODAY).region_code == "110112"


def test_id_future_birth_date():
    tomorrow = TODAY + timedelta(days=1)
    refused(make_id("110105", tomorrow, 12), "id_future_birth_date")


def test_id_born_today_is_accepted_age_zero():
    resident = parse_resident_id(make_id("110105", TODAY, 12), today=TODAY)
    assert resident.birth_date == TODAY
    assert resident.age_on(TODAY) == 0


def test_id_too_old_boundary():
    # 120 full years today: accepted; 121: refused.
    assert MAX_AGE_YEARS == 120
    assert parse_resident_id(make_id("110101", date(1906, 3, 1), 1), today=TODAY).age_on(TODAY) == 120
    assert parse_resident_id(make_id("110101", date(1905, 3, 2), 1), today=TODAY).age_on(TODAY) == 120
    refused(make_id("110101", date(1905, 3, 1), 1), "id_too_old")
    refused(make_id("110101", date(1850, 1, 1), 1), "id_too_old")


def test_id_today_may_be_a_datetime():
    now = datetime(2026, 3, 1, 12, 30)  # only the date part matters
    assert parse_resident_id("11010519491231002X", today=now).age_on(now) == 76


def test_id_field_name_is_passed_through():
    refused("360426199101010072", "id_bad_checksum", field="guarantor_id")


@pytest.mark.parametrize(
    "raw",
    [
        "360426199101010072",
        "990426199101010079",
        "360426199102300070",
        "11010519491231002A",
        "1101051949123100212",
        "110105491231002",
    ],
)
def test_messages_never_contain_the_number(raw):
    with pytest.raises(IdentityError) as info:
        parse_resident_id(raw, today=TODAY)
    assert raw not in info.value.message
    assert raw not in str(info.value)
    assert raw[6:14] not in info.value.message  # not even the birth date digits


def test_repr_is_masked():
    resident = parse_resident_id("11010519491231002X", today=TODAY)
    assert "11010519491231002X" not in repr(resident)
    assert "110***********002X" in repr(resident)


# --- gender and age ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("sequence", "gender"), [(1, "male"), (2, "female"), (19, "male"), (990, "female")])
def test_gender_from_the_17th_digit(sequence, gender):
    number = make_id("110105", date(1990, 5, 17), sequence)
    assert int(number[16]) % 2 == (gender == "male")
    assert parse_resident_id(number, today=TODAY).gender == gender


def test_age_on_birthday_boundaries():
    resident = parse_resident_id(make_id("110105", date(1990, 5, 17), 1), today=TODAY)
    assert resident.age_on(date(2026, 5, 16)) == 35  # birthday tomorrow
    assert resident.age_on(date(2026, 5, 17)) == 36  # birthday today
    assert resident.age_on(date(2026, 5, 18)) == 36
    assert resident.age_on(date(1990, 5, 17)) == 0
    assert resident.age_on(date(1991, 5, 16)) == 0


def test_age_on_29_february_birthday():
    resident = parse_resident_id(make_id("110105", date(2000, 2, 29), 1), today=TODAY)
    assert resident.age_on(date(2025, 2, 28)) == 24
    assert resident.age_on(date(2025, 3, 1)) == 25
    assert resident.age_on(date(2024, 2, 29)) == 24


def test_age_on_before_birth_is_a_programming_error():
    resident = parse_resident_id("11010519491231002X", today=TODAY)
    with pytest.raises(ValueError, match="before the birth date"):
        resident.age_on(date(1949, 12, 30))


@given(
    region=st.sampled_from(ALWAYS_VALID_REGIONS),
    birth=st.dates(min_value=TODAY.replace(year=TODAY.year - MAX_AGE_YEARS), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    lower_x=st.booleans(),
)
def test_valid_ids_round_trip_birth_date_and_gender(region, birth, sequence, lower_x):
    number = make_id(region, birth, sequence)
    typed = number.lower() if lower_x else number
    resident = parse_resident_id(typed, today=TODAY)
    assert resident.number == number
    assert resident.birth_date == birth
    assert resident.gender == ("male" if sequence % 2 else "female")
    assert resident.region_code == region
    assert 0 <= resident.age_on(TODAY) <= MAX_AGE_YEARS
    assert mask_id(typed) == number[:3] + "*" * 11 + number[-4:]
    assert normalize_for_index("id", typed) == number


@given(
    region=st.sampled_from(ALWAYS_VALID_REGIONS),
    birth=st.dates(min_value=date(1950, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
    wrong=st.integers(min_value=1, max_value=10),
)
def test_any_other_check_digit_is_refused(region, birth, sequence, wrong):
    number = make_id(region, birth, sequence)
    digits = "0123456789X"
    bad = number[:17] + digits[(digits.index(number[17]) + wrong) % 11]
    refused(bad, "id_bad_checksum")


# --- unified social credit code ----------------------------------------------------------------------


def test_uscc_separators_and_case():
    assert parse_uscc(" 9111 0000-6000 3734 1l ") == "91110000600037341L"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "uscc_empty"),
        ("  ", "uscc_empty"),
        ("91110000600037341", "uscc_wrong_length"),
        ("91110000600037341LL", "uscc_wrong_length"),
        ("A1110000600037341L", "uscc_bad_characters"),  # first 8 must be digits
        ("91110000600037341I", "uscc_bad_characters"),  # I, O, Z, S, V are not used
        ("9111000060003734!L", "uscc_bad_characters"),
        ("91110000600037341M", "uscc_bad_checksum"),
    ],
)
def test_uscc_refusals(raw, code):
    with pytest.raises(IdentityError) as info:
        parse_uscc(raw, field="id_number")
    assert info.value.code == code
    assert info.value.extra == {"field": "id_number"}
    if raw.strip():
        assert raw not in info.value.message


# --- mobile numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "86 13812345678",
        "8613812345678",
        "0086 138 1234 5678",
        "(+86) 138-1234-5678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_variants(raw):
    assert parse_mobile(raw) == "13812345678"
    assert normalize_for_index("phone", raw) == "13812345678"
    assert mask_phone(raw) == "138****5678"


@pytest.mark.parametrize("raw", ["", "  ", " - "])
def test_mobile_empty(raw):
    with pytest.raises(IdentityError) as info:
        parse_mobile(raw, field="contact_phone")
    assert (info.value.code, info.value.extra) == ("phone_empty", {"field": "contact_phone"})


@pytest.mark.parametrize(
    "raw",
    [
        "12812345678",  # 1[3-9] only
        "10812345678",
        "23812345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "010-12345678",  # a landline
        "+85261234567",  # Hong Kong
        "+1 4155552671",
        "1381234567a",
        "+86",
    ],
)
def test_mobile_invalid(raw):
    with pytest.raises(IdentityError) as info:
        parse_mobile(raw)
    assert (info.value.code, info.value.extra) == ("phone_invalid", {"field": "phone"})
    assert raw not in info.value.message


@pytest.mark.parametrize("second", "3456789")
def test_mobile_every_allowed_second_digit(second):
    assert parse_mobile(f"1{second}012345678") == f"1{second}012345678"


# --- masks and blind-index normal form -----------------------------------------------------------------


def test_masks_of_short_or_odd_values_show_nothing_extra():
    assert mask_id("") == ""
    assert mask_id("1234567") == "*******"
    assert mask_id("110105491231002") == "110********1002"
    assert mask_id("110105 19491231 002x") == "110***********002X"
    assert mask_phone("") == ""
    assert mask_phone("1234") == "****"
    assert mask_phone("+86 138-1234-5678") == "138****5678"


def test_normalize_for_index():
    assert normalize_for_index("id", " 110105-19491231-002x ") == "11010519491231002X"
    assert normalize_for_index("uscc", "9111 0000 6000 3734 1l") == "91110000600037341L"
    assert normalize_for_index("phone", "+86 138 1234 5678") == "13812345678"
    assert normalize_for_index("id", "11010519491231002X") == normalize_for_index("id", "11010519491231002x")
    with pytest.raises(ValueError, match="unknown kind"):
        normalize_for_index("passport", "E12345678")


# --- name pinyin -------------------------------------------------------------------------------------


def test_pinyin_zhang_san():
    assert name_pinyin("张三") == ("zhangsan", "zs")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单田芳", ("shantianfang", "stf")),  # plain pinyin says dan
        ("曾国藩", ("zengguofan", "zgf")),  # plain pinyin says ceng
        ("解晓东", ("xiexiaodong", "xxd")),  # plain pinyin says jie
        ("仇英", ("qiuying", "qy")),
        ("区志强", ("ouzhiqiang", "ozq")),
        ("翟天临", ("zhaitianlin", "ztl")),
        ("单于晓", ("chanyuxiao", "cyx")),  # compound surname before the single one
        ("长孙无忌", ("zhangsunwuji", "zswj")),
        ("尉迟恭", ("yuchigong", "ycg")),
        ("万俟卨", ("moqixie", "mqx")),
        ("欧阳娜娜", ("ouyangnana", "oynn")),
        ("曾", ("zeng", "z")),
    ],
)
def test_pinyin_polyphonic_surnames(name, expected):
    assert name_pinyin(name) == expected


def test_pinyin_surname_only_at_the_start():
    # 曾 inside a given name is not a surname: pypinyin's reading stays.
    assert name_pinyin("张曾") == ("zhangceng", "zc")


def test_pinyin_company_names_are_plain():
    assert name_pinyin("单位食堂有限公司", person=False) == ("danweishitangyouxiangongsi", "dwstyxgs")
    assert name_pinyin("曾经科技", person=False)[0] == "cengjingkeji"
    assert name_pinyin("曾经科技")[0] == "zengjingkeji"


def test_pinyin_non_chinese_kept_lower_case_punctuation_dropped():
    assert name_pinyin("Alice王") == ("alicewang", "alicew")
    assert name_pinyin("阿沛·阿旺晋美")[1] == "apawjm"
    assert name_pinyin(" 张 三 ") == ("zhangsan", "zs")
    assert name_pinyin("ＩＢＭ中国", person=False) == ("ibmzhongguo", "ibmzg")
    assert name_pinyin("3M中国", person=False) == ("3mzhongguo", "3mzg")
    assert name_pinyin("") == ("", "")


def test_surname_table_readings_are_readings_pypinyin_knows():
    # Guards the hand-written table against typos: every syllable is one of the character's readings.
    for surname, syllables in SURNAMES.items():
        assert len(surname) == len(syllables)
        for character, syllable in zip(surname, syllables, strict=True):
            readings = pinyin(character, style=Style.NORMAL, heteronym=True)[0]
            assert syllable in readings, (surname, syllable, readings)


def test_province_level_region_code_is_an_unknown_region_not_a_crash():
    """stdnum 2.2 raises KeyError for a code whose table entry has no county (found seeding Faker IDs)."""

    body = "62020119900307123"  # 620201: a code stdnum 2.2 lists without a county
    number = body + ric.calc_check_digit(body + "0")
    with pytest.raises(IdentityError) as refused:
        parse_resident_id(number, today=date(2026, 11, 22))
    assert refused.value.code == "id_unknown_region"


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("张三", "三"),
        ("  张建国 ", "建国"),
        ("欧阳娜娜", "娜娜"),
        ("司马 光", "光"),  # NFKC, then the compound surname
        ("Tom Li", ""),
        ("", ""),
        ("张", ""),
    ],
)
def test_given_name_after_the_surname(name, given):
    assert given_name(name) == given
