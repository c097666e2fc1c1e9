"""GB/T 4754-2017 codes: the whole tree is there and well formed, look-up, refusal, search, prefixes.

Pure tests: no database, no Django settings needed.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from creditdesk.core.exceptions import DomainError
from creditdesk.customers.industries import (
    INDUSTRIES,
    Industry,
    IndustryCodeError,
    get_industry,
    is_within,
    label,
    normalize_code,
    path,
    search_industries,
)
from creditdesk.customers.industry_data import INDUSTRY_ROWS

SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}

# The divisions 01-97 by section, as GB/T 4754-2017 numbers them.
DIVISION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


def names(level: str) -> dict[str, str]:
    return {i.code: i.name for i in INDUSTRIES.values() if i.level == level}


def test_all_20_sections_with_their_names():
    assert names("section") == SECTIONS


def test_all_97_divisions_each_in_its_section():
    divisions = names("division")
    assert len(divisions) == 97
    expected = {
        f"{letter}{number:02d}"
        for letter, (low, high) in DIVISION_RANGES.items()
        for number in range(low, high + 1)
    }
    assert set(divisions) == expected


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("A01", "农业"),
        ("B06", "煤炭开采和洗选业"),
        ("C13", "农副食品加工业"),
        ("C32", "有色金属冶炼和压延加工业"),
        ("C43", "金属制品、机械和设备修理业"),
        ("E47", "房屋建筑业"),
        ("E50", "建筑装饰、装修和其他建筑业"),
        ("F51", "批发业"),
        ("F52", "零售业"),
        ("H61", "住宿业"),
        ("H62", "餐饮业"),
        ("I65", "软件和信息技术服务业"),
        ("J66", "货币金融服务"),
        ("K70", "房地产业"),
        ("P83", "教育"),
        ("Q84", "卫生"),
        ("R90", "娱乐业"),
        ("T97", "国际组织"),
    ],
)
def test_division_names(code, name):
    assert INDUSTRIES[code].name == name


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("H6110", "旅游饭店"),
        ("H6121", "经济型连锁酒店"),
        ("H6130", "民宿服务"),
        ("H6210", "正餐服务"),
        ("H6220", "快餐服务"),
        ("H6241", "餐饮配送服务"),
        ("H6242", "外卖送餐服务"),
        ("H6291", "小吃服务"),
        ("K7010", "房地产开发经营"),
        ("K7020", "物业管理"),
        ("K7030", "房地产中介服务"),
        ("K7040", "房地产租赁经营"),
        ("K7090", "其他房地产业"),
        ("B0610", "烟煤和无烟煤开采洗选"),
        ("B0620", "褐煤开采洗选"),
        ("B0690", "其他煤炭采选"),
        ("C3216", "铝冶炼"),
        ("J6621", "商业银行服务"),
        ("J6633", "典当"),
        ("J6635", "小额贷款公司服务"),
        ("J6637", "网络借贷服务"),
        ("F521", "综合零售"),
        ("F518", "贸易经纪与代理"),
        ("R901", "室内娱乐活动"),
        ("R904", "彩票活动"),
    ],
)
def test_groups_and_classes_creditdesk_relies_on(code, name):
    assert INDUSTRIES[code].name == name


def test_codes_unique_well_formed_and_parents_exist():
    codes = [code for code, _ in INDUSTRY_ROWS]
    assert [c for c, n in Counter(codes).items() if n > 1] == []
    for industry in INDUSTRIES.values():
        assert re.fullmatch(r"[A-T](\d{2}|\d{3}|\d{4})?", industry.code)
        assert industry.name and industry.name == industry.name.strip()
        if industry.level == "section":
            assert industry.parent is None
        else:
            assert industry.parent in INDUSTRIES
            assert industry.code.startswith(industry.parent)
            parent_level = INDUSTRIES[industry.parent].level
            assert (parent_level, industry.level) in {
                ("section", "division"),
                ("division", "group"),
                ("group", "class"),
            }


def test_digits_are_unique_across_sections():
    digits = [code[1:] for code in INDUSTRIES if len(code) > 1]
    assert len(digits) == len(set(digits))


def test_every_division_and_group_has_children():
    parents = {i.parent for i in INDUSTRIES.values()}
    childless = [i.code for i in INDUSTRIES.values() if i.level != "class" and i.code not in parents]
    assert childless == []


@pytest.mark.parametrize("typed", ["H6210", " h6210 ", "6210", "Ｈ６２１０", "H 6210"])
def test_get_and_normalize_accept_the_ways_a_code_is_typed(typed):
    assert get_industry(typed) == Industry("H6210", "正餐服务", "class", "H621")
    assert normalize_code(typed) == "H6210"


def test_digits_without_letter_at_every_level():
    assert normalize_code("62") == "H62"
    assert normalize_code("621") == "H621"
    assert normalize_code("70") == "K70"
    assert normalize_code("06") == "B06"
    assert normalize_code("k") == "K"


@pytest.mark.parametrize("typed", ["X99", "H63", "6", "H62100", "餐饮", "99"])
def test_unknown_code_refused_naming_it(typed):
    assert get_industry(typed) is None
    with pytest.raises(IndustryCodeError) as caught:
        normalize_code(typed)
    error = caught.value
    assert isinstance(error, DomainError)
    assert error.code == "industry_code_unknown"
    assert f"行业代码「{typed}」不在国民经济行业分类（GB/T 4754-2017）中" in error.message
    assert "搜索" in error.message
    assert error.extra == {"field": "industry_code", "code": typed}


def test_empty_code_refused():
    with pytest.raises(IndustryCodeError) as caught:
        normalize_code("  ")
    assert caught.value.code == "industry_code_unknown"
    assert "请填写行业代码" in caught.value.message


def test_path_and_label():
    assert [i.code for i in path("6210")] == ["H", "H62", "H621", "H6210"]
    assert [i.name for i in path("K7010")] == ["房地产业", "房地产业", "房地产开发经营", "房地产开发经营"]
    assert path("H") == [INDUSTRIES["H"]]
    assert path("X99") == []
    assert label("h6210") == "H6210 正餐服务"
    assert label("62") == "H62 餐饮业"
    assert label(" X99 ") == "X99"  # stored data that is no longer a code still shows
    assert INDUSTRIES["J6635"].label == "J6635 小额贷款公司服务"


def test_is_within_returns_the_first_prefix_the_code_falls_under():
    assert is_within("K7010", ["J", "K"]) == "K"
    assert is_within("K7010", ["K70", "K"]) == "K70"
    assert is_within("7010", ["k"]) == "K"  # code typed without its letter, prefix in lower case
    assert is_within("K7010", ["70"]) == "K70"  # a prefix typed as digits is read like a code
    assert is_within("J6633", ["J6635", "J663"]) == "J663"
    assert is_within("H6210", ["J66", "K", "B06"]) is None
    assert is_within("H6210", []) is None
    assert is_within("", ["H"]) is None
    assert is_within("H62", ["H6210"]) is None  # a division is not within one of its classes


def codes(query: str, limit: int = 20) -> list[str]:
    return [i.code for i in search_industries(query, limit)]


def test_search_by_code():
    assert codes("6210")[0] == "H6210"
    assert codes("h6210")[0] == "H6210"
    assert codes("H6210 正餐服务") == ["H6210"]  # a label typed back
    assert codes("H62", limit=4) == ["H62", "H621", "H6210", "H622"]  # then its subtree, in order
    assert codes("62")[0] == "H62"


def test_search_by_chinese_name():
    found = codes("餐饮")
    assert found[0] == "H62"  # 餐饮业: the closest name starting with the word
    assert "H6210" in found[:10]  # reached through 餐饮业
    assert codes("正餐")[:2] == ["H621", "H6210"]
    assert codes("典当") == ["J6633"]
    assert codes("小额贷款")[0] == "J6635"
    assert "C3216" in codes("铝冶炼")


def test_search_by_pinyin_and_initials():
    assert codes("zhengcan") == ["H621", "H6210"]
    assert codes("ZhengCan") == ["H621", "H6210"]
    assert "H62" in codes("cy")[:3]  # 餐饮业 by its initials
    assert "H6210" in codes("zcfw")[:2]
    assert codes("xiaoedaikuan")[0] == "J6635"
    assert codes("canyin")[0] == "H62"


def test_search_order_exact_code_before_name_before_pinyin():
    # "H" is an exact code (the section) before anything whose name or pinyin starts with h.
    assert codes("h")[0] == "H"


def test_search_limit_empty_and_unknown():
    assert len(search_industries("服务", limit=5)) == 5
    assert search_industries("") == []
    assert search_industries("   ") == []
    assert search_industries("餐饮", limit=0) == []
    assert search_industries("qqqqzzzz") == []


def test_search_is_deterministic():
    assert codes("fw") == codes("fw")
    assert codes("制造") == codes("制造")
