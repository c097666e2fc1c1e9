"""The pure guard (``guard.py``) with the seeded rules: every rule catches its examples and lets its
counter-examples pass; refusals are not promises; separators and full-width forms do not slip past; a rate
needs 年化 next to it; ID and card numbers are recognised by their check digits, not by their length; a
rule applies to its channels only; a pattern that cannot work is refused with a Chinese sentence."""

from __future__ import annotations

import pytest
from stdnum import luhn

from creditdesk.compliance import guard
from creditdesk.compliance.rules_data import RULES
from creditdesk.compliance.tests.seeded import SEEDED, codes, spec_of

ZHANG_ID = "11010519491231002X"  # GB 11643 check digit valid
DATE_SHAPED_ID = "110101199003071230"  # a birth date in the middle, check digit wrong: still an ID


def card(digits: str) -> str:
    """``digits`` completed with its Luhn check digit."""
    return digits + luhn.calc_check_digit(digits)


# code → (texts it must catch, texts it must let pass), per channel "message" unless the rule says
EXAMPLES: dict[str, tuple[list[str], list[str]]] = {
    "promise_approval": (
        [
            "您的条件包过，放心",
            "我们保证放款",
            "百分百下款",
            "秒批，当天到账",
            "无需审核，马上办",
            "100%下款",
        ],
        ["申请结果以银行审核为准", "不能保证放款", "我们不能也不会保证放款"],
    ),
    "ignore_credit_record": (
        ["无视征信，黑户可贷", "我们这个产品不查征信"],
        ["审批会查询您的征信报告，需要您书面授权"],
    ),
    "internal_channel": (
        ["我有内部渠道，可以加快", "可以走后门"],
        ["我们没有任何内部渠道，都按同一标准审核"],
    ),
    "credit_repair": (
        ["专业征信修复", "逾期记录可以帮您洗白", "花钱消除逾期", "可以帮您铲单"],
        ["所谓的“征信修复”都是骗局", "如果记录有误，可以提出异议申诉"],
    ),
    "rate_without_apr": (
        ["月息5厘", "日息万分之三", "低息贷款等您来"],
        ["年化利率4.35%，月利率0.36%", "本产品年化利率3.6%（单利）"],
    ),
    "superlative_claim": (["全网最低利率", "零风险投资"], ["年化利率3.6%起，以审批为准"]),
    "upfront_fee": (
        ["放款前先交2000元保证金", "把钱转到我的个人账户"],
        ["费用按合同收取并计入年化利率"],
    ),
    "id_number_unmasked": (
        [f"身份证号{ZHANG_ID}", f"证件：{DATE_SHAPED_ID}"],
        ["身份证号110***********123X"],
    ),
    "bank_card_unmasked": ([f"卡号{card('411111111111111')}"], ["尾号 1234 的银行卡", "手机13800138000"]),
    "collection_threat": (["再不还钱就通知你的家人", "明天就起诉你"], ["如有困难请告诉我，我们一起安排还款"]),
    "collection_insult": (["你这个老赖", "给我滚"], ["利滚利是复利的俗称", "滚动续贷需要重新审批"]),
}
CHANNEL = {"collection_threat": "collection", "collection_insult": "collection"}


def test_every_seeded_rule_has_examples_and_compiles():
    assert set(EXAMPLES) == {row["code"] for row in RULES}
    assert SEEDED.broken == []
    assert len(SEEDED.rules) == len(RULES)


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_each_seeded_rule_catches_its_examples(code):
    caught, passing = EXAMPLES[code]
    channel = CHANNEL.get(code, "message")
    for text in caught:
        assert code in codes(text, channel), text
    for text in passing:
        assert code not in codes(text, channel), text


def test_a_finding_says_what_is_wrong_the_alternative_and_the_source():
    result = SEEDED.check("这笔贷款包过！", "message")
    assert result.blocked and not result.warnings
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.start, finding.end, finding.matched) == (
        "promise_approval",
        guard.Severity.BLOCK,
        4,
        6,
        "包过",
    )
    assert finding.message.startswith("不能承诺审批或放款结果")
    assert finding.suggestion.startswith("申请结果以银行审核为准")
    assert "消费者权益保护管理办法" in finding.source
    assert finding.as_dict() == {
        "rule": "promise_approval",
        "severity": "block",
        "start": 4,
        "end": 6,
        "matched": "包过",
        "message": finding.message,
        "suggestion": finding.suggestion,
        "source": finding.source,
    }


def test_a_warning_lets_the_text_go():
    result = SEEDED.check("全网最低，欢迎咨询")
    assert not result.blocked
    assert [f.code for f in result.warnings] == ["superlative_claim"]


def test_a_clean_text_has_no_findings():
    result = SEEDED.check("王先生您好，您申请的经营贷已受理，审批结果出来后我第一时间告诉您。")
    assert result.findings == () and not result.blocked


# --- refusals are not promises ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "所谓的“征信修复”都是骗局",
        "所谓的「征信修复」都是骗局",
        "“征信修复”是诈骗，请不要相信",
        "不能保证放款",
        "我们没有任何内部渠道",
        "谨防“包过”的中介",
    ],
)
def test_a_refusal_is_not_a_promise(text):
    assert codes(text) == []


@pytest.mark.parametrize("text", ["不收费包过", "办不下来不收费，包过", "保证放款，不是骗局"])
def test_a_negation_elsewhere_does_not_exempt(text):
    assert "promise_approval" in codes(text)


def test_the_negation_must_be_in_the_same_clause():
    assert "promise_approval" in codes("我们不能乱收费，包过")


def test_insults_have_no_negation_exemption():
    assert codes("你不是老赖吗", "collection") == ["collection_insult"]


# --- separators and full-width forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["包 过", "包*过", "包、过", "包　过", "包＊过", "包\u200b过", "包-过", "保 证 放 款"]
)
def test_separators_do_not_slip_past(text):
    assert codes(text) == ["promise_approval"]


def test_the_finding_spans_the_separated_phrase_in_the_text_as_given():
    (finding,) = SEEDED.check("稳妥：包 * 过！").findings
    assert (finding.start, finding.end, finding.matched) == (3, 8, "包 * 过")


def test_a_comma_is_a_clause_boundary_not_a_separator():
    assert codes("东西我帮您打包，过两天寄给您") == []


def test_full_width_digits_and_letters_are_read_as_ascii():
    (finding,) = SEEDED.check("月息５厘").findings  # 月息 and 5厘, touching: one finding
    assert (finding.code, finding.matched) == ("rate_without_apr", "月息５厘")
    assert codes("１００％下款") == ["promise_approval"]
    full_width_id = "".join(chr(ord(c) + 0xFEE0) for c in ZHANG_ID)
    assert codes(f"身份证{full_width_id}") == ["id_number_unmasked"]


# --- rates and 年化 ---------------------------------------------------------------------------------------


def test_a_monthly_rate_without_the_annualized_rate_is_blocked():
    result = SEEDED.check("月息5厘")
    assert result.blocked and [(f.code, f.matched) for f in result.findings] == [
        ("rate_without_apr", "月息5厘")
    ]


def test_repeated_words_of_one_rule_are_one_finding_only_when_they_touch():
    assert [f.matched for f in SEEDED.check("包过包过").findings] == ["包过包过"]
    assert [f.matched for f in SEEDED.check("包过，真的包过").findings] == ["包过", "包过"]


def test_the_annualized_rate_next_to_it_lets_it_pass():
    assert codes("年化利率4.35%，月利率0.36%") == []
    assert codes("月利率0.36%（年化利率4.35%）") == []


def test_the_annualized_rate_too_far_away_does_not_count():
    far = "年化利率4.35%。" + "我们的产品审批快、材料简单，" * 3 + "月利率0.36%"
    assert far.index("月利率") - far.index("年化") > guard.APR_WINDOW
    assert codes(far) == ["rate_without_apr"]


# --- ID and card numbers ----------------------------------------------------------------------------------


def test_an_id_number_with_a_valid_check_digit_is_caught():
    (finding,) = SEEDED.check(f"客户身份证号：{ZHANG_ID}，请核对").findings
    assert (finding.code, finding.matched) == ("id_number_unmasked", ZHANG_ID)


def test_a_date_shaped_id_number_is_caught_even_with_a_wrong_check_digit():
    assert codes(f"身份证 {DATE_SHAPED_ID}") == ["id_number_unmasked"]


def test_a_masked_id_number_passes():
    assert codes("身份证号 110***********123X") == []


@pytest.mark.parametrize("length", [16, 17, 18, 19])
def test_a_luhn_valid_card_number_is_caught(length):
    number = card("62220202" + "3" * (length - 9))
    assert len(number) == length and luhn.is_valid(number)
    assert codes(f"请转到卡号{number}") == ["bank_card_unmasked"]


def test_a_card_number_written_in_groups_is_caught():
    number = card("622202020000000000")
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    (finding,) = SEEDED.check(f"卡号 {grouped} 已绑定").findings
    assert (finding.code, finding.matched) == ("bank_card_unmasked", grouped)


def test_a_number_failing_luhn_and_a_phone_number_are_not_cards():
    valid = card("622202020000000000")
    broken = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert len(broken) == 19 and not luhn.is_valid(broken)
    assert codes(f"合同编号{broken}") == []
    assert codes("请拨打13800138000或95588") == []


# --- channels -----------------------------------------------------------------------------------------------


def test_collection_rules_do_not_apply_to_greetings():
    threat = "再不还钱就通知你的家人"
    assert codes(threat, "collection") == ["collection_threat"]
    assert codes(threat, "greeting") == []
    assert codes("老赖", "greeting") == []


def test_a_rule_for_every_channel_applies_to_each():
    for channel in guard.Channel:
        assert codes("包过", channel) == ["promise_approval"]


# --- patterns that cannot work ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "pattern", "reason", "sentence"),
    [
        ("regex", "(包过", "regex_invalid_at", "正则表达式无效"),
        ("regex", "[", "regex_invalid_at", "正则表达式无效"),
        ("phrase", "\n  \n*", "phrases_empty", "请至少填写一个禁用词"),
        ("regex", "", "regex_empty", "请填写匹配规则"),
        ("rate_without_apr", "   ", "regex_empty", "请填写匹配规则"),
        ("regex", "a*", "regex_matches_empty", "会匹配空文本"),
        ("regex", "包过|", "regex_matches_empty", "会匹配空文本"),
        ("regex", "(a+)+$", "regex_nested_repeat", "嵌套"),
        ("regex", r"(\w*)*转账", "regex_nested_repeat", "嵌套"),
        ("phrase", "包过\n" * 700, "too_long", "过长"),
    ],
)
def test_a_pattern_that_cannot_work_is_refused_in_chinese(kind, pattern, reason, sentence):
    with pytest.raises(guard.PatternError) as refused:
        guard.compile_pattern(kind, pattern)
    assert refused.value.reason == reason
    assert sentence in str(refused.value)


def test_an_unknown_kind_is_a_value_error_not_a_pattern_error():
    with pytest.raises(ValueError) as refused:
        guard.compile_pattern("magic", "x")
    assert not isinstance(refused.value, guard.PatternError)


def test_a_regex_keeps_its_escapes_and_ignores_case():
    compiled = guard.compile_pattern("regex", r"VIP\d+|卡号\D")
    assert compiled is not None
    text = guard.normalized("VIP8 通道")
    assert compiled.search(text)
    assert not compiled.search(guard.normalized("卡号1"))
    assert compiled.search(guard.normalized("卡号是"))


def test_a_broken_rule_is_left_out_and_named_while_the_others_check():
    rules = [
        guard.RuleSpec("bad", guard.Kind.REGEX, guard.Severity.BLOCK, "坏规则", pattern="(包过"),
        spec_of(next(row for row in RULES if row["code"] == "promise_approval")),
    ]
    built = guard.Guard(rules)
    assert [code for code, _ in built.broken] == ["bad"]
    assert "正则表达式无效" in built.broken[0][1]
    assert [f.code for f in built.check("包过").findings] == ["promise_approval"]


# --- showing the findings ---------------------------------------------------------------------------------


def test_pieces_cut_the_text_at_its_findings():
    result = SEEDED.check("全网最低，月息5厘，包过")
    assert guard.pieces(result) == [
        ("全网最低", "warn"),
        ("，", ""),
        ("月息5厘", "block"),
        ("，", ""),
        ("包过", "block"),
    ]
    assert "".join(piece for piece, _ in guard.pieces(result)) == result.text


def test_pieces_of_a_clean_text_are_the_text():
    assert guard.pieces(SEEDED.check("您好")) == [("您好", "")]


def test_findings_point_into_the_text_as_given_when_nfkc_changes_its_length():
    text = "ﬁ，包过"  # the ligature becomes "fi": one character more; the full-width comma a ","
    (finding,) = SEEDED.check(text).findings
    assert (finding.start, finding.end, finding.matched) == (2, 4, "包过")
    assert SEEDED.check(text).text == text


def test_findings_point_into_the_normal_form_when_it_cannot_be_mapped_back():
    text = "e\u0301ﬁ，包过"  # e + combining accent compose into one character, the ligature splits in two
    result = SEEDED.check(text)
    assert result.text == guard.normalized(text) != text
    (finding,) = result.findings
    assert result.text[finding.start : finding.end] == finding.matched == "包过"
