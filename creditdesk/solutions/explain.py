"""Explaining a chosen option's terms (条款解释) in figures a customer can check — pure, no Django.

- ``prepayment_example`` — the cost of prepaying in month N: on the due date of instalment N, once it is
  paid, the customer repays the rest (or ``amount`` of it, keeping the term) with the product's penalty rule
  (``loans.prepayment.prepay``): what is outstanding, the penalty (违约金, or why none), the interest saved
  and who pays more once the penalty counts. Interest for the actual period (Civil Code art. 677): paying
  on a due date adds none.
- ``late_terms`` — what happens when a payment is late: the penalty rate (contract rate × (1 + the
  product's uplift), RULES.md), a worked penalty for the first instalment with principal left unpaid for
  ``days`` days (``loans.penalty.penalty_interest``, actual/360), and the consequences said plainly: the
  credit report and the five-category classification floors by days past due.
- ``rate_breakdown`` — "利率太高": the rate as LPR + risk premium (or the fixed rate) and how it moves.
- ``alternatives`` — what else the customer could do and what each changes: cheaper eligible products
  (their annualized rate, what they require), cheaper products that pass after a what-if change, and the
  product's other repayment methods (payment and total interest against the chosen one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from creditdesk.core.exceptions import DomainError
from creditdesk.core.money import ZERO, format_rate, format_yuan
from creditdesk.finance.penalty import penalty_interest
from creditdesk.finance.prepayment import KeepOption, prepay
from creditdesk.finance.pricing import LprTenor
from creditdesk.finance.schedule import PRECISION, Schedule
from creditdesk.finance.terms import Method, due_date
from creditdesk.products.catalogue import Price, ProductSpec
from creditdesk.products.facts import COLLATERAL_TYPES
from creditdesk.solutions.matching import MatchResult
from creditdesk.solutions.offers import Context, Figures, Quote, cost_difference_text, figures, quote

DEFAULT_LATE_DAYS = 30
CREDIT_REPORT_SENTENCE = (
    "逾期记录将按规定报送中国人民银行金融信用信息基础数据库（征信系统），记入您的个人信用报告，"
    "并可能影响您今后申请贷款和信用卡。"
)
CLASSIFICATION_SENTENCE = (
    "按《商业银行金融资产风险分类办法》，贷款逾期 1–90 天的，至少归为关注类；逾期 91–270 天的，至少归为"
    "次级类；逾期 271–360 天的，至少归为可疑类；逾期超过 360 天的，归为损失类；"
    "次级、可疑、损失类属于不良贷款。"
)
MISUSE_SENTENCE = "未按约定用途使用贷款的，罚息利率为合同利率上浮 50%–100%。"


class ExplainError(DomainError):
    """An explanation asked for something the loan does not have (a month outside the term …)."""


# --- prepayment -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrepaymentExample:
    month: int
    on: date
    outstanding: Decimal
    amount: Decimal
    full: bool
    penalty: Decimal
    accrued_interest: Decimal
    interest_saved: Decimal
    total_due: Decimal
    net_saving: Decimal
    new_payment: Decimal | None
    sentence: str

    def to_dict(self) -> dict[str, object]:
        return {
            "month": self.month,
            "date": self.on.isoformat(),
            "outstanding": str(self.outstanding),
            "amount": str(self.amount),
            "full": self.full,
            "penalty": str(self.penalty),
            "accrued_interest": str(self.accrued_interest),
            "interest_saved": str(self.interest_saved),
            "total_due": str(self.total_due),
            "net_saving": str(self.net_saving),
            "new_payment": None if self.new_payment is None else str(self.new_payment),
            "sentence": self.sentence,
        }


def prepayment_months(schedule: Schedule) -> int:
    """The last month N in which a prepayment is possible (the month before maturity)."""
    return schedule.terms.term_months - 1


def prepayment_example(
    schedule: Schedule, spec: ProductSpec, month: int, amount: Decimal | None = None
) -> PrepaymentExample:
    """Prepay on the due date of month ``month`` (after that month's instalment): everything outstanding,
    or ``amount`` of it keeping the term (lower instalments). Refuses a month outside 1 … term − 1
    (``prepay_month_invalid``) and the core's refusals (an amount above the balance …)."""
    last = prepayment_months(schedule)
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= last:
        raise ExplainError(
            "prepay_month_invalid",
            f"提前还款月份应在第 1–{last} 个月之间（最后一期到期即结清，无需提前还款）。"
            if last >= 1
            else "期限只有一个月，到期即结清，无需提前还款。",
            {"field": "month"},
        )
    on = due_date(schedule.terms.start_date, month)
    paid = [row for row in schedule.installments if row.due_date <= on]
    outstanding = paid[-1].balance if paid else schedule.terms.principal
    prepaid = outstanding if amount is None else amount
    result = prepay(schedule, amount=prepaid, on=on, keep=KeepOption.TERM, penalty_rule=spec.prepayment)
    rule = spec.prepayment
    if result.penalty > 0:
        fee = f"违约金 {format_yuan(result.penalty)} 元"
    elif rule.percent_of_prepaid > 0 or rule.months_of_interest > 0:
        fee = f"满 {rule.waived_after_months} 个月后提前还款免收违约金"
    else:
        fee = "本产品不收提前还款违约金"
    what = (
        f"一次性结清剩余本金 {format_yuan(outstanding)} 元"
        if result.full
        else f"提前归还本金 {format_yuan(prepaid)} 元（保持期限、降低月供）"
    )
    new_payment = None
    after = ""
    if result.new is not None and result.new.installments:
        new_payment = result.new.installments[0].payment
        after = f"；此后每期还款约 {format_yuan(new_payment)} 元"
    # Who pays more once the penalty counts, never a signed "净节省 -3,000" (a penalty can exceed the
    # interest saved: a 0 % instalment plan with a 3 % penalty).
    overall = cost_difference_text(
        result.penalty, result.interest_saved, subject="提前还款", other="按原计划"
    )
    sentence = (
        f"第 {month} 个月（{on.isoformat()}）按期还款后{what}：{fee}，"
        f"比按原计划少付利息 {format_yuan(result.interest_saved)} 元，"
        f"算上违约金，{overall}"
        f"{after}。"
    )
    return PrepaymentExample(
        month=month,
        on=on,
        outstanding=outstanding,
        amount=prepaid,
        full=result.full,
        penalty=result.penalty,
        accrued_interest=result.accrued_interest,
        interest_saved=result.interest_saved,
        total_due=result.total_due,
        net_saving=result.net_saving,
        new_payment=new_payment,
        sentence=sentence,
    )


# --- late payment -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LateTerms:
    contract_rate: Decimal
    uplift: Decimal
    penalty_rate: Decimal
    period: int
    due: date
    overdue_principal: Decimal
    days: int
    penalty_interest: Decimal
    example: str
    consequences: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "contract_rate": str(self.contract_rate),
            "uplift": str(self.uplift),
            "penalty_rate": str(self.penalty_rate),
            "period": self.period,
            "due": self.due.isoformat(),
            "overdue_principal": str(self.overdue_principal),
            "days": self.days,
            "penalty_interest": str(self.penalty_interest),
            "example": self.example,
            "consequences": list(self.consequences),
        }


def late_terms(schedule: Schedule, spec: ProductSpec, days: int = DEFAULT_LATE_DAYS) -> LateTerms:
    """The penalty rate and a worked example: the first instalment that repays principal, ``days`` late."""
    rate, uplift = schedule.terms.annual_rate, spec.penalty_uplift
    with localcontext(prec=PRECISION):
        penalty_rate = rate * (1 + uplift)
    row = next((r for r in schedule.installments if r.principal > 0), schedule.installments[-1])
    interest = penalty_interest(row.principal, rate, days, uplift)
    example = (
        f"罚息利率 = 合同年利率 {format_rate(rate)} ×（1 + {format_rate(uplift)}）"
        f"= {format_rate(penalty_rate)}。"
        f"例如第 {row.period} 期（{row.due_date.isoformat()} 到期）"
        f"应还本金 {format_yuan(row.principal)} 元逾期 "
        f"{days} 天，罚息 = {format_yuan(row.principal)} × {format_rate(penalty_rate)} ÷ 360 × {days} = "
        f"{format_yuan(interest)} 元，另须归还当期本息 {format_yuan(row.payment)} 元。"
    )
    return LateTerms(
        contract_rate=rate,
        uplift=uplift,
        penalty_rate=penalty_rate,
        period=row.period,
        due=row.due_date,
        overdue_principal=row.principal,
        days=days,
        penalty_interest=interest,
        example=example,
        consequences=(CREDIT_REPORT_SENTENCE, CLASSIFICATION_SENTENCE, MISUSE_SENTENCE),
    )


# --- the rate ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateBreakdown:
    annual_rate: Decimal
    fixed: bool
    lpr: Decimal | None
    tenor: str
    lpr_effective_from: date | None
    spread_bp: int | None
    grade: str | None
    explanation: str
    how_it_moves: str

    @property
    def spread(self) -> Decimal | None:
        return None if self.spread_bp is None else Decimal(self.spread_bp) / 10000

    def to_dict(self) -> dict[str, object]:
        return {
            "annual_rate": str(self.annual_rate),
            "fixed": self.fixed,
            "lpr": None if self.lpr is None else str(self.lpr),
            "tenor": self.tenor,
            "lpr_effective_from": None
            if self.lpr_effective_from is None
            else self.lpr_effective_from.isoformat(),
            "spread_bp": self.spread_bp,
            "grade": self.grade,
            "explanation": self.explanation,
            "how_it_moves": self.how_it_moves,
        }


def rate_breakdown(price: Price) -> RateBreakdown:
    fixed = price.kind == "fixed" or price.lpr is None or price.spread_bp is None
    if price.kind == "provident":  # no LPR decomposition to show: the 公积金 table's row is the rate
        moves = "公积金贷款利率调整的，自次年 1 月 1 日起按届时的公积金贷款利率重新确定（RULES.md）。"
        tenor = ""
    elif fixed:
        moves = "固定利率，合同期内不随 LPR 变动。"
        tenor = ""
    else:
        tenor = "1 年期" if price.tenor == LprTenor.ONE_YEAR else "5 年期以上"
        grade = f"风险等级 {price.grade} " if price.grade else ""
        moves = (
            f"LPR 每月 20 日公布；加点（{grade}{price.spread_bp} 个基点）在签约时确定、合同期内不变，"
            "浮动利率贷款在约定的重定价日按届时的 LPR 加相同点差调整。风险等级更好、提供抵质押或担保，"
            "通常可以获得更低的加点。"
        )
    return RateBreakdown(
        annual_rate=price.annual_rate,
        fixed=fixed,
        lpr=price.lpr,
        tenor=tenor,
        lpr_effective_from=price.lpr_effective_from,
        spread_bp=price.spread_bp,
        grade=price.grade,
        explanation=price.explanation,
        how_it_moves=moves,
    )


# --- alternatives ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    """Another way to borrow: ``kind`` product (another eligible product), what_if (a product that passes
    after a change), method (the same product repaid another way); ``change`` says what it changes."""

    kind: str
    label: str
    apr: Decimal
    apr_change: Decimal  # this option's annualized rate − the chosen one's (negative: cheaper)
    first_payment: Decimal
    total_interest: Decimal
    change: str

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "apr_compound": str(self.apr.quantize(Decimal("0.000001"))),
            "apr_change": str(self.apr_change.quantize(Decimal("0.000001"))),
            "first_payment": str(self.first_payment),
            "total_interest": str(self.total_interest),
            "change": self.change,
        }


def _points(delta: Decimal) -> str:
    return f"{abs(delta * 100).quantize(Decimal('0.01'))} 个百分点"


def _requires(spec: ProductSpec) -> str:
    labels = dict(COLLATERAL_TYPES)
    needs = []
    if spec.collateral:
        kinds = "、".join(labels.get(c.type, c.type) for c in spec.collateral)
        needs.append(f"需提供{kinds}作抵质押")
    if spec.guarantee_required:
        needs.append("需提供保证人")
    return "，".join(needs)


def alternatives(
    chosen: Quote, chosen_figures: Figures, result: MatchResult, ctx: Context
) -> list[Alternative]:
    """Cheaper products (eligible, then passing after a what-if change), then the product's other
    repayment methods — each with what it changes against ``chosen``."""
    base = chosen_figures.apr.compound
    found: list[Alternative] = []
    for option in result.eligible:
        q, f = option.quote, option.figures
        if q.spec.code == chosen.spec.code or f.apr.compound >= base:
            continue
        parts = [f"年化利率 {format_rate(f.apr.compound)}，低 {_points(f.apr.compound - base)}"]
        if q.amount < chosen.amount:
            parts.append(f"但最高只能贷 {format_yuan(q.amount)} 元")
        requires = _requires(q.spec)
        if requires:
            parts.append(requires)
        if q.spec.approval_days > chosen.spec.approval_days:
            parts.append(f"审批约 {q.spec.approval_days} 个工作日（本方案约 {chosen.spec.approval_days} 个）")
        parts.append(f"首期月供 {format_yuan(f.first_payment)} 元")
        found.append(
            Alternative(
                kind="product",
                label=f"改选「{q.spec.name}」",
                apr=f.apr.compound,
                apr_change=f.apr.compound - base,
                first_payment=f.first_payment,
                total_interest=f.total_interest,
                change="，".join(parts) + "。",
            )
        )
    for rejected in result.ineligible:
        gap = rejected.what_if
        if gap is None or not gap.can_pass:
            continue
        change = gap.changes[0]
        f = figures(change.quote, ctx.on)
        if f.apr.compound >= base:
            continue
        found.append(
            Alternative(
                kind="what_if",
                label=f"调整后可申请「{rejected.quote.spec.name}」",
                apr=f.apr.compound,
                apr_change=f.apr.compound - base,
                first_payment=f.first_payment,
                total_interest=f.total_interest,
                change=f"年化利率 {format_rate(f.apr.compound)}，低 {_points(f.apr.compound - base)}；"
                f"需要：{change.message}。",
            )
        )
    found.sort(key=lambda a: (a.apr, a.label))
    for method in chosen.spec.methods:
        if method == chosen.method or method == Method.REVOLVING:
            continue
        other = quote(ctx, chosen.spec, amount=chosen.amount, term_months=chosen.term_months, method=method)
        f = figures(other, ctx.on, exact=True)
        interest_delta = f.total_interest - chosen_figures.total_interest
        more_or_less = "少" if interest_delta < 0 else "多"
        found.append(
            Alternative(
                kind="method",
                label=f"改为{Method(method).label}",
                apr=f.apr.compound,
                apr_change=f.apr.compound - base,
                first_payment=f.first_payment,
                total_interest=f.total_interest,
                change=(
                    f"首期还款 {format_yuan(f.first_payment)} 元"
                    f"（本方案 {format_yuan(chosen_figures.first_payment)} 元），"
                    f"总利息 {format_yuan(f.total_interest)} 元，"
                    f"{more_or_less}付 {format_yuan(abs(interest_delta))} 元；"
                    f"年化利率 {format_rate(f.apr.compound)}。"
                    + (
                        "本金还得更早，利息因此更少。"
                        if interest_delta < 0
                        else "本金还得更晚，利息因此更多。"
                    )
                    if interest_delta != ZERO
                    else f"首期还款 {format_yuan(f.first_payment)} 元，总利息不变。"
                ),
            )
        )
    return found
