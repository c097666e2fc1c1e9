"""Properties of the pure guard on any input (hypothesis): any text — emoji, mixed scripts, combining marks,
control characters, up to a few thousand characters — is checked without an exception, and every finding
points into the text it reports on (``Result.text``) at exactly the words it quotes. Any pattern a
compliance officer types either compiles or is refused with a ``PatternError``, never another error."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from creditdesk.compliance import guard
from creditdesk.compliance.tests.seeded import SEEDED

# Pieces that make the rules fire (and nearly fire), mixed with any text: random text alone rarely
# reaches the code paths of a finding.
FRAGMENTS = [
    "包过",
    "包 过",
    "保证放款",
    "所谓的“征信修复”",
    "不能",
    "都是骗局",
    "月息5厘",
    "年化",
    "低息",
    "11010519491231002X",
    "110101199003071230",
    "6222020200000000000",
    "4111 1111 1111 1111",
    "13800138000",
    "老赖",
    "通知你的家人",
    "🙂",
    "👨‍👩‍👧",
    "ﬁ",
    "é",
    "İ",
    "Ⅻ",
    "\u200b",
    "\n",
    "，",
    "１２３",
    "مرحبا",
    "Здравствуйте",
]

texts = st.one_of(
    st.text(max_size=3000),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=200).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(text=texts, channel=st.sampled_from([c.value for c in guard.Channel]))
def test_any_text_is_checked_and_every_finding_points_into_it(text, channel):
    result = SEEDED.check(text, channel)
    assert result.text in (text, guard.normalized(text))
    for finding in result.findings:
        assert 0 <= finding.start < finding.end <= len(result.text)
        assert result.text[finding.start : finding.end] == finding.matched
    assert result.blocked == any(f.severity == guard.Severity.BLOCK for f in result.findings)
    assert "".join(piece for piece, _severity in guard.pieces(result)) == result.text


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from([k.value for k in guard.Kind]), pattern=st.text(max_size=60))
def test_any_pattern_compiles_or_is_refused_with_a_pattern_error(kind, pattern):
    try:
        compiled = guard.compile_pattern(kind, pattern)
    except guard.PatternError as refused:
        assert str(refused) and refused.reason
        return
    if compiled is not None:
        assert not compiled.search("")


@settings(max_examples=100, deadline=None)
@given(pattern=st.text(alphabet="()[]{}*+?|^$\\.ab包过0-9dwsDWS,", max_size=30))
def test_regex_shaped_patterns_compile_or_are_refused(pattern):
    try:
        compiled = guard.compile_pattern("regex", pattern)
    except guard.PatternError:
        return
    assert compiled is not None
    guard.Guard(
        [guard.RuleSpec("probe", guard.Kind.REGEX, guard.Severity.WARN, "探测", pattern=pattern)]
    ).check("包过 abab 12345 " * 20)
