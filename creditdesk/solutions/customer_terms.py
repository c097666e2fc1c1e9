"""What the customer must know before borrowing (客户须知), said in plain Chinese from one option's figures —
pure, no Django. The proposal (方案书) prints these sentences; every figure comes from the option (its
product, method, rate and schedule), never from a constant, except the regulatory defaults below.

- ``rate_terms`` — how the rate is made (LPR + spread, fixed, or the 公积金 table) without the internal
  risk grade; for a floating rate, that the payment changes at each reset and when (a 公积金 loan: every
  1 January, RULES.md), and for an LPR loan the payment after a ±50 bp move at the first reset
  (``finance.pricing.rate_moves``, an illustration); the annualized rate.
- ``schedule_terms`` — the schedule in one sentence (periods, first and last payment, totals).
- ``late_payment_terms`` — penalty interest (罚息) on overdue principal and compound interest (复利) on
  overdue interest (银发〔2003〕251号), each with a worked figure for one missed instalment ``days`` late,
  computed by ``finance.penalty.penalty_interest`` and shown separately; then acceleration (提前到期).
- ``collateral_terms`` — what the bank may do with the collateral of a secured product.
- ``use_of_funds_terms`` — forbidden uses and 受托支付 above the threshold (RULES.md defaults below).
- ``complaint_terms`` — the bank's hotline and the financial consumer hotline 12378.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from creditdesk.core.money import format_rate, format_yuan
from creditdesk.finance.penalty import penalty_interest
from creditdesk.finance.pricing import LprTenor, RateMove, rate_move_text
from creditdesk.finance.schedule import PRECISION, Installment, Schedule
from creditdesk.finance.terms import Method, due_date
from creditdesk.products.catalogue import Price, ProductSpec

# 受托支付 thresholds per drawdown — 《个人贷款管理办法》《流动资金贷款管理办法》(revised 2024, in force
# 2024-07-01), RULES.md "Term, age, use of funds" defaults: a personal consumer loan above 300,000, a
# personal business loan above 500,000, a working-capital loan with a single payment above 10,000,000.
ENTRUSTED_PAYMENT_THRESHOLD_CONSUMER = Decimal("300000.00")
ENTRUSTED_PAYMENT_THRESHOLD_BUSINESS = Decimal("500000.00")
ENTRUSTED_PAYMENT_THRESHOLD_WORKING_CAPITAL = Decimal("10000000.00")
# Funds used for another purpose than agreed: contract rate + 50 %–100 % (RULES.md, penalty interest).
MISUSE_UPLIFT_MIN = Decimal("0.50")
MISUSE_UPLIFT_MAX = Decimal("1.00")
# The financial consumer complaint hotline of 国家金融监督管理总局.
REGULATOR_HOTLINE = "12378"
DEFAULT_LATE_DAYS = 30

BUSINESS_PURPOSES = frozenset({"business_working_capital", "equipment"})
PLEDGED_COLLATERAL = frozenset({"deposit_receipt", "treasury_bond", "wealth_product"})
# The reset rule a product may state (none of the shipped products states one yet: the contract sets it).
RESET_DATES = {"january_1": "每年 1 月 1 日", "anniversary": "每年放款日的对应日"}


# --- the rate ----------------------------------------------------------------------------------------------


def _first_reset(rule: str, start: date) -> date:
    return date(start.year + 1, 1, 1) if rule == "january_1" else due_date(start, 12)


def rate_terms(
    spec: ProductSpec,
    price: Price,
    start: date,
    apr_compound: Decimal,
    apr_simple: Decimal,
    reset_rule: str | None = None,
    rate_moves: Sequence[RateMove] = (),
) -> list[str]:
    """The rate basis (no risk grade: it is internal), how and when it moves — on ``reset_rule`` (a key of
    ``RESET_DATES``) when the product states one, else as the contract sets it; a 公积金 loan every 1 January
    — for an LPR loan the payment after ``rate_moves`` (±50 bp) when given, and the annualized rate."""
    rate = format_rate(price.annual_rate)
    lines: list[str] = []
    if price.kind == "provident" or spec.category == "provident_fund":
        basis = price.basis if price.kind == "provident" else f"年利率 {rate}"
        lines.append(
            f"本贷款按住房公积金贷款利率执行（不按 LPR 定价）：{basis}。公积金贷款利率调整的，"
            "自调整后的次年 1 月 1 日起按新利率计算：重定价日为每年 1 月 1 日，"
            "按本方案测算，第一个重定价日为 "
            f"{_first_reset('january_1', start).isoformat()}，您的每期还款额随之变化。"
        )
    elif price.kind == "fixed" or price.lpr is None or price.spread_bp is None:
        lines.append(f"本贷款为固定利率：年利率 {rate} 在合同期内不变，每期还款额不随 LPR 变动而调整。")
    else:
        tenor = "1 年期" if price.tenor == LprTenor.ONE_YEAR else "5 年期以上"
        since = f"（{price.lpr_effective_from.isoformat()} 起执行）" if price.lpr_effective_from else " "
        sign = "+" if price.spread_bp >= 0 else "−"
        spread = f"{abs(price.spread_bp)} 个基点"
        lines.append(
            f"利率构成：年利率 {rate} = {tenor}贷款市场报价利率（LPR）{format_rate(price.lpr)}{since}"
            f"{sign} {spread}。"
        )
        lines.append(
            f"本贷款为浮动利率：加点（{sign}{spread}）在合同期内不变，年利率在每个重定价日按届时最近一期"
            f"公布的 {tenor} LPR {sign} {spread}重新确定，您的每期还款额将随之变化"
            "（LPR 下降则减少，上升则增加）。"
        )
        if reset_rule in RESET_DATES:
            lines.append(
                f"重定价日为{RESET_DATES[reset_rule]}；按本方案测算，第一个重定价日为 "
                f"{_first_reset(reset_rule, start).isoformat()}，此后每年一次。"
            )
        else:
            lines.append(
                "重定价日以借款合同的约定为准（通常为每年 1 月 1 日或每年放款日的对应日），请在签约时确认。"
            )
        if rate_moves:
            reset = _first_reset(reset_rule, start).isoformat() if reset_rule in RESET_DATES else None
            lines.append(rate_move_text(rate_moves, reset))
    lines.append(
        "年化利率（含利息和与贷款直接相关的全部费用，按内部收益率法复利计算）为 "
        f"{format_rate(apr_compound)}，"
        f"单利 {format_rate(apr_simple)}。"
    )
    return lines


# --- the schedule ------------------------------------------------------------------------------------------


def schedule_terms(schedule: Schedule, floating: bool) -> str:
    rows = schedule.installments
    first, last = rows[0], rows[-1]
    method = Method(schedule.terms.method).label
    total_principal = sum((r.principal for r in rows), Decimal(0))
    total_interest = sum((r.interest for r in rows), Decimal(0))
    total_fee = sum((r.fee for r in rows), Decimal(0))
    total = total_principal + total_interest + total_fee
    if len(rows) == 1:
        when = f"{first.due_date.isoformat()} 一次还款 {format_yuan(first.payment + first.fee)} 元"
    else:
        when = (
            f"首期 {first.due_date.isoformat()} 应还 {format_yuan(first.payment + first.fee)} 元，"
            f"末期 {last.due_date.isoformat()} 应还 {format_yuan(last.payment + last.fee)} 元"
        )
    sentence = (
        f"还款方式为{method}，共 {len(rows)} 期，{when}；按期还款合计 {format_yuan(total)} 元，"
        f"其中本金 {format_yuan(total_principal)} 元、利息 {format_yuan(total_interest)} 元"
        f"、随期费用 {format_yuan(total_fee)} 元。"
    )
    if floating:
        sentence += "以上按当前利率测算，重定价后以新的还款计划为准。"
    return sentence


# --- late payment ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatePayment:
    """One missed instalment ``days`` late: penalty on its principal, 复利 on its interest."""

    penalty_rate: Decimal
    period: int
    due: date
    days: int
    overdue_principal: Decimal
    overdue_interest: Decimal
    instalment: Decimal
    penalty: Decimal
    compound: Decimal
    outstanding_principal: Decimal
    sentences: tuple[str, ...]
    acceleration: str

    def to_dict(self) -> dict[str, object]:
        return {
            "penalty_rate": str(self.penalty_rate),
            "period": self.period,
            "due": self.due.isoformat(),
            "days": self.days,
            "overdue_principal": str(self.overdue_principal),
            "overdue_interest": str(self.overdue_interest),
            "instalment": str(self.instalment),
            "penalty": str(self.penalty),
            "compound": str(self.compound),
            "outstanding_principal": str(self.outstanding_principal),
            "sentences": list(self.sentences),
            "acceleration": self.acceleration,
        }


def _example_row(rows: Sequence[Installment]) -> Installment:
    """The first instalment with both principal and interest (an interest-only loan: its last)."""
    return next((r for r in rows if r.principal > 0 and r.interest > 0), rows[0])


def late_payment_terms(schedule: Schedule, spec: ProductSpec, days: int = DEFAULT_LATE_DAYS) -> LatePayment:
    rate, uplift = schedule.terms.annual_rate, spec.penalty_uplift
    with localcontext(prec=PRECISION):
        penalty_rate = rate * (1 + uplift)
    row = _example_row(schedule.installments)
    penalty = penalty_interest(row.principal, rate, days, uplift)
    # 复利 is the same daily arithmetic on the overdue interest: interest × penalty daily rate × days.
    compound = penalty_interest(row.interest, rate, days, uplift)
    instalment = row.payment + row.fee
    outstanding = row.balance + row.principal
    pr = format_rate(penalty_rate)
    sentences = (
        "逾期未还的本金，自逾期之日起按罚息利率计收罚息；逾期未付的利息，按罚息利率计收复利"
        "（中国人民银行银发〔2003〕251号）。罚息和复利分别计算，按日计收（日利率 = 年利率 ÷ 360）。",
        f"本产品罚息利率为合同年利率上浮 {format_rate(uplift)}："
        f"{format_rate(rate)} ×（1 + {format_rate(uplift)}）"
        f"= {pr}。",
        f"举例：第 {row.period} 期（{row.due_date.isoformat()} 到期）应还 {format_yuan(instalment)} 元，"
        f"其中本金 {format_yuan(row.principal)} 元、利息 {format_yuan(row.interest)} 元；"
        f"如逾期 {days} 天未还，"
        f"罚息 = 逾期本金 {format_yuan(row.principal)} × {pr} ÷ 360 × {days} = {format_yuan(penalty)} 元，"
        f"复利 = 逾期利息 {format_yuan(row.interest)} × {pr} ÷ 360 × {days} = {format_yuan(compound)} 元，"
        f"两项合计 {format_yuan(penalty + compound)} 元，另须归还该期应还款 {format_yuan(instalment)} 元。",
    )
    acceleration = (
        "如您未按约定还本付息、未按约定用途使用贷款，或出现借款合同约定的其他违约情形，"
        "本行有权宣布贷款提前到期，要求您立即归还全部未还本金及相应的利息、罚息和复利。"
        f"按上例，第 {row.period} 期逾期时未还本金为 {format_yuan(outstanding)} 元，"
        "宣布提前到期后须一次性归还。"
    )
    return LatePayment(
        penalty_rate=penalty_rate,
        period=row.period,
        due=row.due_date,
        days=days,
        overdue_principal=row.principal,
        overdue_interest=row.interest,
        instalment=instalment,
        penalty=penalty,
        compound=compound,
        outstanding_principal=outstanding,
        sentences=sentences,
        acceleration=acceleration,
    )


# --- collateral --------------------------------------------------------------------------------------------


def collateral_terms(spec: ProductSpec, collateral_type: str | None, labels: dict[str, str]) -> str | None:
    """None for an unsecured product; else what the bank may do with the collateral (and the guarantor)."""
    if not spec.collateral and not spec.guarantee_required:
        return None
    parts: list[str] = []
    if spec.collateral:
        types = (collateral_type,) if collateral_type in spec.collateral_types else spec.collateral_types
        pledged = all(t in PLEDGED_COLLATERAL for t in types)
        how, thing = ("质押", "质物") if pledged else ("抵押", "抵押物")
        kinds = "、".join(labels.get(t, t) for t in types)
        parts.append(
            f"本贷款以{kinds}作{how}担保。如您未按约定还款或贷款被宣布提前到期，本行有权依法处置{thing}"
            "（与您协议折价，或依法拍卖、变卖），并以所得价款优先受偿；所得价款不足以清偿全部欠款的，"
            "您仍须继续偿还不足部分。"
        )
    if spec.guarantee_required:
        parts.append("保证人须按保证合同的约定承担保证责任。")
    return "".join(parts)


# --- use of funds ------------------------------------------------------------------------------------------


def entrusted_payment_threshold(spec: ProductSpec, customer_type: str | None, purpose: str) -> Decimal:
    if spec.entrusted_payment_threshold is not None:  # the product's own threshold wins over the defaults
        return spec.entrusted_payment_threshold
    if customer_type == "enterprise":
        return ENTRUSTED_PAYMENT_THRESHOLD_WORKING_CAPITAL
    if spec.category == "business" or customer_type == "individual_business" or purpose in BUSINESS_PURPOSES:
        return ENTRUSTED_PAYMENT_THRESHOLD_BUSINESS
    return ENTRUSTED_PAYMENT_THRESHOLD_CONSUMER


def use_of_funds_terms(
    spec: ProductSpec, amount: Decimal, customer_type: str | None, purpose: str, purpose_label: str
) -> list[str]:
    threshold = entrusted_payment_threshold(spec, customer_type, purpose)
    limit = format_yuan(threshold)
    lines = [
        f"贷款资金只能用于借款合同约定的用途（{purpose_label}），不得用于证券（股票、基金等）投资、"
        "期货交易或房地产投机炒作，也不得用于其他法律法规和监管规定禁止的用途。"
    ]
    if amount > threshold:
        lines.append(
            f"本笔贷款 {format_yuan(amount)} 元，超过单笔提款 {limit} 元的受托支付标准："
            "放款时本行将根据您提供的"
            "交易合同或凭证，把贷款资金直接支付给您的交易对象（受托支付）。"
        )
    else:
        lines.append(
            f"单笔提款超过 {limit} 元的，本行将把贷款资金直接支付给您的交易对象（受托支付）；本笔贷款 "
            f"{format_yuan(amount)} 元未超过该标准，可由您自主支付，但须按约定向本行报告贷款资金的实际用途"
            "并提供凭证。"
        )
    lines.append(
        f"未按约定用途使用贷款的，本行可对挪用部分按合同利率上浮 {format_rate(MISUSE_UPLIFT_MIN)}–"
        f"{format_rate(MISUSE_UPLIFT_MAX)} 计收罚息，并有权宣布贷款提前到期。"
    )
    return lines


# --- complaints --------------------------------------------------------------------------------------------


def complaint_terms(institution: str, hotline: str) -> str:
    return (
        f"如对本方案或本行服务有疑问或投诉，请致电{institution}客服热线 {hotline}，或向您的客户经理反映，"
        "本行将按规定受理并答复；如对处理结果不满意，可拨打国家金融监督管理总局金融消费者投诉热线 "
        f"{REGULATOR_HOTLINE}。"
    )
