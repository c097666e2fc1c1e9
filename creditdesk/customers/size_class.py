"""企业规模 — the size class (大型/中型/小型/微型) of a business from its industry and figures. Pure.

Source: 工业和信息化部、国家统计局、国家发展和改革委员会、财政部《中小企业划型标准规定》
(工信部联企业〔2011〕300号), 第四条 (一)-(十六): for each of 16 industries the figures that decide
(从业人员 employees, 营业收入 operating revenue, 资产总额 total assets) and their thresholds;
"X以下" is strictly below X, "X及以上" is X or more.
The 规定 words each industry the same way: the firm is 中小微型 when ANY figure is below the 中小微 bound
("…以下或…以下"); 中型 / 小型 when ALL figures reach that class's lower bounds ("…及以上，且…及以上");
微型 when ANY figure is below the 小型 bounds. It does not name 大型: here, as in 国家统计局《统计上大中小微型
企业划分办法（2017）》(国统字〔2017〕213号), 大型 is every figure at or above the 中小微 bound. So one test
serves all: the highest class whose bounds every figure reaches ("须同时满足所列指标的下限，否则下划一档").

Which GB/T 4754-2017 codes each industry covers follows the 2017 统计 办法's table (it maps the 规定 onto
the 2017 codes): 工业 is B, C and D; 交通运输业 is G54-G58 and 591 装卸搬运, not G53 铁路运输业; 仓储业 is
592-599; 信息传输业 is I63 and I64; 房地产开发经营 is K701, 物业管理 K702; 其他未列明行业 is M, N, O,
Q85 社会工作, R, K703 房地产中介服务 and K709 其他房地产业. Not covered, so no class is computed: J 金融业
(it has its own standard, 《金融业企业划型标准规定》银发〔2015〕309号), K704 房地产租赁经营 (the 办法 leaves
out 自有房地产经营活动), G53, P 教育, Q84 卫生, S and T. (第七条 lets 个体工商户 and other industries be
classed "参照本规定"; which rule P and Q84 should borrow is a decision for the product owner, not made here.)

Figures: employees a whole number of people; revenue and assets in yuan (Decimal), the thresholds being
the 规定's 万元 × 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.money import format_yuan
from creditdesk.customers.industries import IndustryCodeError, get_industry, normalize_code


class SizeClass(LabelledEnum):
    """企业规模 by 《中小企业划型标准规定》."""

    LARGE = "large", gettext_noop("大型")
    MEDIUM = "medium", gettext_noop("中型")
    SMALL = "small", gettext_noop("小型")
    MICRO = "micro", gettext_noop("微型")


Measure = Literal["employees", "revenue", "assets"]
# A measure's Chinese name and unit, as the 规定 writes them.
_MEASURE_TEXT: dict[Measure, tuple[str, str]] = {
    "employees": ("从业人员", "人"),
    "revenue": ("营业收入", "万元"),
    "assets": ("资产总额", "万元"),
}
_WAN = Decimal(10000)  # 1 万元 in yuan


@dataclass(frozen=True)
class Bounds:
    """One measure's lower bounds: ``large`` is the 中小微 bound ("…以下的为中小微型企业"), ``medium`` and
    ``small`` the 中型 and 小型 ones ("…及以上"). People for employees, yuan for revenue and assets."""

    measure: Measure
    large: Decimal
    medium: Decimal
    small: Decimal


@dataclass(frozen=True)
class SizeRule:
    """One industry of the 规定 (第四条 item ``item``): the codes it covers and its bounds."""

    item: int
    name: str
    prefixes: tuple[str, ...]
    bounds: tuple[Bounds, ...]

    def bound_of(self, size_class: SizeClass) -> tuple[tuple[Measure, Decimal], ...]:
        """The (measure, lower bound) pairs of ``size_class``; for 微型, the 小型 bounds it falls below."""
        attribute = {
            SizeClass.LARGE: "large",
            SizeClass.MEDIUM: "medium",
            SizeClass.SMALL: "small",
            SizeClass.MICRO: "small",
        }[size_class]
        return tuple((b.measure, getattr(b, attribute)) for b in self.bounds)


def _people(large: int, medium: int, small: int) -> Bounds:
    return Bounds("employees", Decimal(large), Decimal(medium), Decimal(small))


def _yuan(measure: Measure, large_wan: int, medium_wan: int, small_wan: int) -> Bounds:
    return Bounds(measure, large_wan * _WAN, medium_wan * _WAN, small_wan * _WAN)


def _revenue(large_wan: int, medium_wan: int, small_wan: int) -> Bounds:
    return _yuan("revenue", large_wan, medium_wan, small_wan)


def _assets(large_wan: int, medium_wan: int, small_wan: int) -> Bounds:
    return _yuan("assets", large_wan, medium_wan, small_wan)


RULES: tuple[SizeRule, ...] = (
    # (一) 营业收入20000万元以下的为中小微型企业。其中，营业收入500万元及以上的为中型企业，
    # 营业收入50万元及以上的为小型企业，营业收入50万元以下的为微型企业。
    SizeRule(1, "农、林、牧、渔业", ("A",), (_revenue(20000, 500, 50),)),
    # (二) 从业人员1000人以下或营业收入40000万元以下…中型 300人且2000万元…小型 20人且300万元…
    # 微型 20人以下或300万元以下。
    SizeRule(2, "工业", ("B", "C", "D"), (_people(1000, 300, 20), _revenue(40000, 2000, 300))),
    # (三) 营业收入80000万元以下或资产总额80000万元以下…中型 6000万元且5000万元…小型 300万元且300万元…
    SizeRule(3, "建筑业", ("E",), (_revenue(80000, 6000, 300), _assets(80000, 5000, 300))),
    # (四) 从业人员200人以下或营业收入40000万元以下…中型 20人且5000万元…小型 5人且1000万元…
    SizeRule(4, "批发业", ("F51",), (_people(200, 20, 5), _revenue(40000, 5000, 1000))),
    # (五) 从业人员300人以下或营业收入20000万元以下…中型 50人且500万元…小型 10人且100万元…
    SizeRule(5, "零售业", ("F52",), (_people(300, 50, 10), _revenue(20000, 500, 100))),
    # (六) 从业人员1000人以下或营业收入30000万元以下…中型 300人且3000万元…小型 20人且200万元…
    SizeRule(
        6,
        "交通运输业",
        ("G54", "G55", "G56", "G57", "G58", "G591"),
        (_people(1000, 300, 20), _revenue(30000, 3000, 200)),
    ),
    # (七) 从业人员200人以下或营业收入30000万元以下…中型 100人且1000万元…小型 20人且100万元…
    SizeRule(
        7,
        "仓储业",
        ("G592", "G593", "G594", "G595", "G596", "G599"),
        (_people(200, 100, 20), _revenue(30000, 1000, 100)),
    ),
    # (八) 从业人员1000人以下或营业收入30000万元以下…中型 300人且2000万元…小型 20人且100万元…
    SizeRule(8, "邮政业", ("G60",), (_people(1000, 300, 20), _revenue(30000, 2000, 100))),
    # (九) 从业人员300人以下或营业收入10000万元以下…中型 100人且2000万元…小型 10人且100万元…
    SizeRule(9, "住宿业", ("H61",), (_people(300, 100, 10), _revenue(10000, 2000, 100))),
    # (十) 从业人员300人以下或营业收入10000万元以下…中型 100人且2000万元…小型 10人且100万元…
    SizeRule(10, "餐饮业", ("H62",), (_people(300, 100, 10), _revenue(10000, 2000, 100))),
    # (十一) 从业人员2000人以下或营业收入100000万元以下…中型 100人且1000万元…小型 10人且100万元…
    SizeRule(11, "信息传输业", ("I63", "I64"), (_people(2000, 100, 10), _revenue(100000, 1000, 100))),
    # (十二) 从业人员300人以下或营业收入10000万元以下…中型 100人且1000万元…小型 10人且50万元…
    SizeRule(12, "软件和信息技术服务业", ("I65",), (_people(300, 100, 10), _revenue(10000, 1000, 50))),
    # (十三) 营业收入200000万元以下或资产总额10000万元以下…中型 1000万元且5000万元…小型 100万元且2000万元…
    SizeRule(13, "房地产开发经营", ("K701",), (_revenue(200000, 1000, 100), _assets(10000, 5000, 2000))),
    # (十四) 从业人员1000人以下或营业收入5000万元以下…中型 300人且1000万元…小型 100人且500万元…
    SizeRule(14, "物业管理", ("K702",), (_people(1000, 300, 100), _revenue(5000, 1000, 500))),
    # (十五) 从业人员300人以下或资产总额120000万元以下…中型 100人且8000万元…小型 10人且100万元…
    SizeRule(15, "租赁和商务服务业", ("L",), (_people(300, 100, 10), _assets(120000, 8000, 100))),
    # (十六) 从业人员300人以下的为中小微型企业。其中，从业人员100人及以上的为中型企业；
    # 从业人员10人及以上的为小型企业；从业人员10人以下的为微型企业。
    SizeRule(
        16,
        "其他未列明行业",
        ("M", "N", "O", "Q85", "R", "K703", "K709"),
        (_people(300, 100, 10),),
    ),
)
"""The 16 industries of 《中小企业划型标准规定》第四条, in its order."""


@dataclass(frozen=True)
class SizeClassResult:
    """A computed size class, the rule that gave it and the sentence that says why."""

    size_class: SizeClass
    rule: SizeRule
    # "餐饮业：从业人员 8 人、营业收入 120.00 万元 → 微型（从业人员 10 人以下或营业收入 100 万元以下）"
    reason: str


def rule_for(industry_code: str) -> SizeRule | None:
    """The rule whose codes cover ``industry_code`` (the longest prefix), or None. A code broader than
    the rules (``"K70"``, which holds 开发经营, 物业管理 and others) has no rule: its firms differ."""
    code = normalize_code(industry_code)
    found = [(len(p), rule) for rule in RULES for p in rule.prefixes if code.startswith(p)]
    if found:
        return max(found, key=lambda pair: pair[0])[1]
    return None


def _narrower_rules(code: str) -> bool:
    return any(p.startswith(code) and p != code for rule in RULES for p in rule.prefixes)


def _figure_text(measure: Measure, value: Decimal) -> str:
    name, unit = _MEASURE_TEXT[measure]
    shown = str(int(value)) if measure == "employees" else format_yuan(value / _WAN)
    return f"{name} {shown} {unit}"


def _bound_text(measure: Measure, bound: Decimal, suffix: str) -> str:
    name, unit = _MEASURE_TEXT[measure]
    shown = bound if measure == "employees" else bound / _WAN
    return f"{name} {shown:f} {unit}{suffix}"


def condition_text(rule: SizeRule, size_class: SizeClass) -> str:
    """The 规定's own condition for the class: "从业人员 10 人以下或营业收入 100 万元以下"."""
    pairs = rule.bound_of(size_class)
    if size_class is SizeClass.MICRO:
        return "或".join(_bound_text(m, b, "以下") for m, b in pairs)
    return "且".join(_bound_text(m, b, "及以上") for m, b in pairs)


def _assess(
    industry_code: str,
    employees: int | None,
    annual_revenue: Decimal | None,
    total_assets: Decimal | None,
) -> SizeClassResult | str:
    """The result, or the reason (a Chinese phrase) why there is none."""
    if not (industry_code or "").strip():
        return "缺少行业代码"
    try:
        rule = rule_for(industry_code)
    except IndustryCodeError as error:
        return error.message
    if rule is None:
        industry = get_industry(industry_code)
        shown = industry.label if industry else industry_code
        if industry is not None and _narrower_rules(industry.code):
            return f"行业「{shown}」下各行业划型标准不同，请选择更细的行业代码"
        return f"行业「{shown}」不在《中小企业划型标准规定》（工信部联企业〔2011〕300号）所列行业内"
    given: dict[Measure, int | Decimal | None] = {
        "employees": employees,
        "revenue": annual_revenue,
        "assets": total_assets,
    }
    needed = [b.measure for b in rule.bounds]
    figures: dict[Measure, Decimal] = {}
    for measure in needed:
        value = given[measure]
        if value is not None:
            figures[measure] = Decimal(value)
    missing = [_MEASURE_TEXT[m][0] for m in needed if m not in figures]
    if missing:
        return "缺少" + "、".join(missing)
    negative = [_MEASURE_TEXT[m][0] for m in needed if figures[m] < 0]
    if negative:
        return "、".join(negative) + "不能为负数"
    size_class = SizeClass.MICRO
    for candidate in (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL):
        if all(figures[m] >= bound for m, bound in rule.bound_of(candidate)):
            size_class = candidate
            break
    shown_figures = "、".join(_figure_text(m, figures[m]) for m in needed)
    reason = f"{rule.name}：{shown_figures} → {size_class.label}（{condition_text(rule, size_class)}）"
    return SizeClassResult(size_class=size_class, rule=rule, reason=reason)


def classify(
    industry_code: str,
    *,
    employees: int | None,
    annual_revenue: Decimal | None,
    total_assets: Decimal | None = None,
) -> SizeClassResult | None:
    """The size class of a business by 《中小企业划型标准规定》, with the sentence that explains it; None when
    the industry is not covered or a figure its rule needs is missing (``unclassified_reason`` says which).
    Revenue and assets are yuan (Decimal); figures the rule does not use are ignored."""
    outcome = _assess(industry_code, employees, annual_revenue, total_assets)
    return outcome if isinstance(outcome, SizeClassResult) else None


def unclassified_reason(
    industry_code: str,
    *,
    employees: int | None,
    annual_revenue: Decimal | None,
    total_assets: Decimal | None = None,
) -> str | None:
    """Why ``classify`` gives None, as a Chinese phrase a page shows after "无法判定：" (``"缺少营业收入"``,
    ``"缺少从业人员、营业收入"``, or that the industry is not covered); None when it gives a class."""
    outcome = _assess(industry_code, employees, annual_revenue, total_assets)
    return None if isinstance(outcome, SizeClassResult) else outcome
