"""Writes of the solutions app: a team's competitor quote, a proposal issued to a customer, a proposal
printed. Each is one durable transaction with its audit row; a refusal raises a ``DomainError`` (a stable
code, a Chinese sentence, ``extra["field"]`` where a field is wrong) and writes nothing."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.models import User
from creditdesk.compliance.choices import Channel as GuardChannel
from creditdesk.compliance.services import compliance_enforce
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.money import (
    DAYS_PER_YEAR,
    FEN,
    MONTHS_PER_YEAR,
    RATE_FORMS,
    AmbiguousRate,
    NegativeAmount,
    NegativeRate,
    NotWholeFen,
    ParsedRate,
    is_fen_amount,
    parse_amount,
    parse_decimal,
    parse_rate,
)
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer
from creditdesk.finance.apr import AnnualizedRate
from creditdesk.finance.terms import Method
from creditdesk.products.facts import FACTS
from creditdesk.solutions import competitor_facts, competitors, pdf
from creditdesk.solutions.matching import Combination, Pending, RankedOption, Rejected
from creditdesk.solutions.models import (
    Answer,
    ChargeKind,
    CollateralNeed,
    CompetitorOffer,
    Proposal,
    ProposalOption,
    QuoteKind,
)
from creditdesk.solutions.offers import figures
from creditdesk.solutions.proposal_content import ChosenPart, build_content
from creditdesk.solutions.selectors import CustomerMatch, customer_match

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.0001")  # PercentRateField keeps four places of a percent

# --- competitor offers ------------------------------------------------------------------------------------

OFFER_FIELDS = (
    "institution",
    "product_name",
    "kind",
    "amount",
    "term_months",
    "method",
    "annual_rate",
    "daily_rate",
    "monthly_rate",
    "monthly_flat_rate",
    "monthly_payment",
    "total_repayment",
    "upfront_fee",
    "charges",
    "approval_days",
    "documents",
    "prepayment_terms",
    "prepayment_penalty",
    "collateral",
    "entrusted_payment",
    "note",
    "quoted_on",
)
# The rate field of each kind quoted as a rate, and the period its percent is of.
RATE_FIELDS = {
    QuoteKind.ANNUAL_RATE: "annual_rate",
    QuoteKind.DAILY_RATE: "daily_rate",
    QuoteKind.MONTHLY_RATE: "monthly_rate",
    QuoteKind.FLAT_MONTHLY: "monthly_flat_rate",
}
PERIOD_OF = {
    "annual_rate": "annual",
    "daily_rate": "daily",
    "monthly_rate": "monthly",
    "monthly_flat_rate": "monthly",
}
PER_YEAR = {"annual": 1, "daily": DAYS_PER_YEAR, "monthly": MONTHS_PER_YEAR}


def _read_rate(value: str | int | Decimal, field: str) -> ParsedRate:
    """``parse_rate`` for the field's period: a bare number is a percent of that period (a day for
    ``daily_rate``: "0.03" and "0.03%" are 日息 0.03%, i.e. 万3)."""
    period = PERIOD_OF[field]
    if period == "daily" and isinstance(value, str | int | Decimal):
        try:
            parse_decimal(str(value).strip().rstrip("%％"))
        except ValueError:
            pass
        else:
            value = f"日息{str(value).strip().rstrip('%％')}%"
    return parse_rate(value, bare="monthly" if period == "monthly" else "annual")


def _percent(value: Any, field: str) -> Decimal | None:
    """A rate in percent of the field's period (a year for ``annual_rate``, a day for ``daily_rate``, a
    month for ``monthly_rate`` and ``monthly_flat_rate``), exact, at most four places. Given as a number
    (a percent of that period, as the form and the API always took it) or as text in any form
    ``core.money.parse_rate`` reads ("3.85%", "385bp", "万3", "日息万分之3", "月息5厘", "0.5分"), converted to
    the field's period the simple way of RULES.md (日利率 = R/360, 月利率 = R/12): "万3" is 10.8 in
    ``annual_rate``, 0.03 in ``daily_rate``, 0.9 in ``monthly_rate``."""
    if value in (None, ""):
        return None
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise DomainError(
            "competitor_field_invalid", _("利率应为写成字符串的十进制数（百分数）。"), {"field": field}
        )
    try:
        rate = _read_rate(value, field)
    except AmbiguousRate as exc:
        raise DomainError(
            "competitor_rate_ambiguous",
            _(
                "“%(text)s”没有说明是日息、月息还是年息，请写成“月息%(text)s”或“年息%(text)s”；"
                "可以这样写：%(forms)s。"
            )
            % {"text": value, "forms": RATE_FORMS},
            {"field": field, "accepted": RATE_FORMS},
        ) from exc
    except NegativeRate as exc:
        raise DomainError(
            "competitor_field_invalid", _("利率应为不小于零的百分数，最多四位小数。"), {"field": field}
        ) from exc
    except ValueError as exc:
        raise DomainError(
            "competitor_field_invalid",
            _("利率无法识别，请写成如 %(forms)s 的形式。") % {"forms": RATE_FORMS},
            {"field": field},
        ) from exc
    number = rate.value / PER_YEAR[PERIOD_OF[field]] * HUNDRED
    if number != number.quantize(RATE_PLACES):
        raise DomainError(
            "competitor_field_invalid", _("利率应为不小于零的百分数，最多四位小数。"), {"field": field}
        )
    return number


def competitor_rate_understood(data: Mapping[str, Any]) -> str | None:
    """How the quote's rate was read, to show back to the person ("日息万分之3，折合年利率 10.80%（单利）"):
    only when it was typed in a form other than a plain percent; ``None`` otherwise or when unreadable."""
    field = RATE_FIELDS.get(data.get("kind"))  # type: ignore[call-overload]
    text = data.get(field) if field else None
    if not isinstance(text, str) or field is None:
        return None
    try:
        parse_decimal(text.rstrip("%％"))
        return None  # a plain percent says itself
    except ValueError:
        pass
    try:
        return _read_rate(text, field).description
    except ValueError:
        return None


def _money(value: Any, field: str, *, default: Decimal | None = None) -> Decimal | None:
    """An amount in yuan as typed ("300,000", "30万", "1.5万元"; ``core.money.parse_amount``), or a number."""
    if value in (None, ""):
        return default
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise DomainError("competitor_field_invalid", _("金额应为写成字符串的十进制数。"), {"field": field})
    try:
        return parse_amount(value)
    except NotWholeFen as exc:
        return exc.amount  # validate_offer refuses it with its own code and sentence
    except NegativeAmount:
        try:
            return parse_decimal(value)  # validate_offer refuses it with its own code and sentence
        except ValueError:
            pass
    except ValueError:
        pass
    raise DomainError("competitor_field_invalid", _("请输入金额，如 300,000 或 30万"), {"field": field})


def _plain_percent(value: Any, field: str) -> Decimal | None:
    """A percent of the principal as typed ("3", "3%", "3.5％"), at most four places; ``None`` when blank."""
    if value in (None, ""):
        return None
    if isinstance(value, bool | float) or not isinstance(value, str | int | Decimal):
        raise DomainError("competitor_field_invalid", _("百分比应为写成字符串的十进制数。"), {"field": field})
    try:
        number = parse_decimal(str(value).strip().rstrip("%％"))
    except ValueError as exc:
        raise DomainError(
            "competitor_field_invalid", _("百分比无法识别，请写成如 3 或 3% 的形式。"), {"field": field}
        ) from exc
    if number != number.quantize(RATE_PLACES):
        raise DomainError("competitor_field_invalid", _("百分比最多四位小数。"), {"field": field})
    return number


def _charges(items: Any) -> tuple[competitors.Charge, ...]:
    """The fees and deductions at drawdown as typed: each ``{"name", "kind", "amount" (元, "3,000" / "0.3万")
    or "percent" (of the principal, "3" / "3%")}``; rows with neither a name nor a figure are skipped
    (the form's blank rows). Each is then checked by ``competitors.validate_charge``."""
    if items in (None, ""):
        return ()
    if not isinstance(items, list | tuple):
        raise DomainError("competitor_charge_invalid", _("费用应为列表。"), {"field": "charges"})
    charges = []
    for item in items:
        if not isinstance(item, Mapping):
            raise DomainError("competitor_charge_invalid", _("每项费用应为对象。"), {"field": "charges"})
        name = str(item.get("name") or "").strip()
        amount, percent = item.get("amount"), item.get("percent")
        if not name and amount in (None, "") and percent in (None, ""):
            continue
        kind = item.get("kind")
        if kind not in ChargeKind.values:
            raise DomainError(
                "competitor_charge_invalid",
                _("请选择费用的收取方式：放款时另付、从放款金额扣除、保证金或每月服务费。"),
                {"field": "charges"},
            )
        share = _plain_percent(percent, "charges")
        charges.append(
            competitors.Charge(
                name=name[:50],
                kind=competitors.ChargeKind(kind),
                amount=_money(amount, "charges"),
                percent=None if share is None else share / HUNDRED,
            )
        )
    return tuple(charges)


def _stored(charge: competitors.Charge) -> dict[str, str | None]:
    """A charge as ``CompetitorOffer.charges`` keeps it: amounts in yuan and percents in percent (like the
    model's rate fields), as decimal strings."""
    row = charge.to_dict()
    if charge.amount is not None and is_fen_amount(charge.amount):
        row["amount"] = str(charge.amount.quantize(FEN))
    row["percent"] = None if charge.percent is None else f"{(charge.percent * HUNDRED).normalize():f}"
    return row  # type: ignore[return-value]


@transaction.atomic(durable=True)
def competitor_offer_record(*, actor: User, data: Mapping[str, Any]) -> CompetitorOffer:
    """登记竞品报价. Rules: a customer manager or team lead with a team records it for that team; the
    quote converts to an annualized rate (``competitors.validate_offer``: names given, an amount above zero
    with at most two places, a term of 1–360 months, the figure its kind needs, a repayment that at least
    returns the principal, a fee below the amount); rates in percent with at most four places; the quote
    is dated no later than today."""
    policy.require(actor, Action.COMPETITOR_OFFER_RECORD)
    kind = data.get("kind")
    if kind not in QuoteKind.values:
        raise DomainError("competitor_kind_unknown", _("请选择报价方式。"), {"field": "kind"})
    term = data.get("term_months")
    quoted_on = data.get("quoted_on") or timezone.localdate()
    if not isinstance(quoted_on, date):
        raise DomainError("competitor_field_invalid", _("报价日期格式不正确。"), {"field": "quoted_on"})
    if quoted_on > timezone.localdate():
        raise DomainError("competitor_quoted_on_future", _("报价日期不能晚于今天。"), {"field": "quoted_on"})
    rates = {field: _percent(data.get(field), field) for field in PERIOD_OF}
    charges = _charges(data.get("charges"))
    values: dict[str, Any] = {
        "institution": str(data.get("institution") or "").strip(),
        "product_name": str(data.get("product_name") or "").strip(),
        "kind": kind,
        "amount": _money(data.get("amount"), "amount", default=Decimal(0)),
        "term_months": term,
        "method": data.get("method") or "equal_installment",
        # Only the figure the quote's kind uses is kept: a stray one would confuse the next reader.
        **{field: rates[field] if RATE_FIELDS.get(kind) == field else None for field in PERIOD_OF},  # type: ignore[call-overload]
        "monthly_payment": _money(data.get("monthly_payment"), "monthly_payment")
        if kind == QuoteKind.INSTALLMENT
        else None,
        "total_repayment": _money(data.get("total_repayment"), "total_repayment")
        if kind == QuoteKind.TOTAL_REPAYMENT
        else None,
        "upfront_fee": _money(data.get("upfront_fee"), "upfront_fee", default=Decimal("0.00")),
        "charges": [_stored(c) for c in charges],
        "approval_days": data.get("approval_days"),
        "documents": str(data.get("documents") or "").strip()[:500],
        "prepayment_terms": str(data.get("prepayment_terms") or "").strip()[:300],
        "prepayment_penalty": _plain_percent(data.get("prepayment_penalty"), "prepayment_penalty"),
        "collateral": data.get("collateral") or CollateralNeed.UNKNOWN,
        "entrusted_payment": data.get("entrusted_payment") or Answer.UNKNOWN,
        "note": str(data.get("note") or "").strip()[:500],
    }
    if len(values["institution"]) > 100 or len(values["product_name"]) > 100:
        raise DomainError(
            "competitor_name_too_long", _("机构和产品名称不能超过 100 个字。"), {"field": "institution"}
        )
    if values["method"] not in {m.value for m in Method}:
        raise DomainError("competitor_method_unknown", _("未知的还款方式。"), {"field": "method"})
    for field, choices in (("collateral", CollateralNeed), ("entrusted_payment", Answer)):
        if values[field] not in choices.values:
            raise DomainError("competitor_facts_invalid", _("请从列表中选择。"), {"field": field})

    def fraction(percent: Decimal | None) -> Decimal | None:
        return None if percent is None else percent / HUNDRED

    core = competitors.CompetitorOffer(
        institution=values["institution"],
        product_name=values["product_name"],
        kind=competitors.QuoteKind(kind),
        amount=values["amount"],
        term_months=term,  # type: ignore[arg-type]  # validate_offer checks it
        annual_rate=fraction(values["annual_rate"]),
        method=Method(values["method"]),
        monthly_flat_rate=fraction(values["monthly_flat_rate"]),
        monthly_payment=values["monthly_payment"],
        total_repayment=values["total_repayment"],
        upfront_fee=values["upfront_fee"],
        daily_rate=fraction(values["daily_rate"]),
        monthly_rate=fraction(values["monthly_rate"]),
        charges=charges,
        facts=competitor_facts.OfferFacts(
            approval_days=values["approval_days"],
            documents=values["documents"],
            prepayment=values["prepayment_terms"],
            prepayment_penalty=fraction(values["prepayment_penalty"]),
            collateral=competitor_facts.CollateralNeed(values["collateral"]),
            entrusted_payment=competitor_facts.Answer(values["entrusted_payment"]),
        ),
    )
    competitors.validate_offer(core)
    for field in ("monthly_payment", "total_repayment"):
        value = values[field]
        if value is not None and not is_fen_amount(value):
            raise DomainError("competitor_figure_invalid", _("金额最多保留两位小数。"), {"field": field})
    offer = CompetitorOffer.objects.create(
        team_id=actor.team_id, recorded_by=actor, quoted_on=quoted_on, **values
    )
    offer.refresh_from_db()  # the stored precision (rates to four places), as every later read sees it
    audit_record(
        actor=actor,
        action="competitor_offer.record",
        target=offer,
        after={field: getattr(offer, field) for field in OFFER_FIELDS},
    )
    return offer


# --- proposals --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChosenOption:
    """What the customer chose from a match: the parts, the option's annualized rate, its reason."""

    parts: tuple[ChosenPart, ...]
    apr: AnnualizedRate
    reason: str


def _part(match_: CustomerMatch, quote: Any) -> ChosenPart:
    q = quote
    documents = q.spec.documents_for(q.facts.get("customer_type"), q.facts.get("collateral_type"))
    return ChosenPart(quote=q, figures=figures(q, match_.on, exact=True), documents=documents)


def _refuse_product(code: str, found: RankedOption | Pending | Rejected | None) -> DomainError:
    if found is None:
        return DomainError(
            "proposal_product_unknown",
            _("产品 %(code)s 不存在或已下架，不能出具方案书。") % {"code": code},
            {"field": "products", "product": code},
        )
    name = found.quote.spec.name
    if isinstance(found, Rejected):
        return DomainError(
            "proposal_product_ineligible",
            _("客户未通过「%(name)s」的准入条件，不能出具方案书：%(reasons)s")
            % {"name": name, "reasons": "；".join(r.removesuffix("。") for r in found.reasons)},
            {"field": "products", "product": code, "reasons": list(found.reasons)},
        )
    assert isinstance(found, Pending)
    labels = "、".join(FACTS[key].label if key in FACTS else key for key in found.missing)
    return DomainError(
        "proposal_product_rules_unknown",
        _("「%(name)s」的部分准入条件尚无法判断（缺少：%(missing)s），请先补充信息再出具方案书。")
        % {"name": name, "missing": labels},
        {"field": "products", "product": code, "missing": list(found.missing)},
    )


def choose_option(match_: CustomerMatch, products: Sequence[str]) -> ChosenOption:
    """The option ``products`` names in ``match_``: one product the customer passes, or two that form one
    of the match's combinations. Refuses anything else (see ``proposal_create``)."""
    result = match_.result
    assert result is not None
    codes = [str(c).strip() for c in products if str(c).strip()]
    if not 1 <= len(codes) <= 2 or len(set(codes)) != len(codes):
        raise DomainError(
            "proposal_option_invalid",
            _("请选择一个产品，或一个组合方案中的两个产品。"),
            {"field": "products"},
        )
    if len(codes) == 1:
        option = match_.find(codes[0])
        if not isinstance(option, RankedOption):
            raise _refuse_product(codes[0], option)
        return ChosenOption(
            parts=(_part(match_, option.quote),), apr=option.figures.apr, reason=option.reason
        )
    # A combination's parts pass at their own split amounts (a part may fail alone at the full amount).
    combination: Combination | None = next(
        (c for c in result.combinations if sorted(p.quote.spec.code for p in c.parts) == sorted(codes)), None
    )
    if combination is None:
        for code in codes:
            if match_.find(code) is None:
                raise _refuse_product(code, None)
        raise DomainError(
            "proposal_combination_unknown",
            _("这两个产品不是本次匹配给出的组合方案，请从组合方案中选择。"),
            {"field": "products"},
        )
    return ChosenOption(
        parts=tuple(_part(match_, p.quote) for p in combination.parts),
        apr=combination.apr,
        reason=combination.reason,
    )


def _customer_for_proposal(*, actor: User, customer_id: int | str) -> Customer:
    return customer_for_change(actor=actor, customer_id=customer_id, action=Action.PROPOSAL_ISSUE)


def new_number(today: date) -> str:
    return f"FA{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


@dataclass(frozen=True)
class _Draft:
    """A proposal prepared from the customer's match, not yet stored: the option chosen and the snapshot."""

    match: CustomerMatch
    chosen: ChosenOption
    content: dict[str, Any]


def _draft(
    *, actor: User, customer: Customer, products: Sequence[str], number: str, today: date, note: str = ""
) -> _Draft:
    match_ = customer_match(customer=customer, today=today, with_what_if=False)
    if match_.need is None or match_.result is None:
        raise DomainError(
            "proposal_need_missing", _("请先为客户做需求分析，再出具方案书。"), {"field": "customer"}
        )
    chosen = choose_option(match_, products)
    content = build_content(
        number=number,
        institution=settings.CREDITDESK_INSTITUTION_NAME,
        hotline=settings.CREDITDESK_INSTITUTION_HOTLINE,
        issued_on=today,
        customer={"id": customer.pk, "name": customer.name},
        manager={"name": actor.get_full_name() or actor.get_username(), "username": actor.get_username()},
        need=match_.result.need,
        need_id=match_.need.pk,
        assessment=match_.result.assessment,
        grade=match_.grade,
        parts=chosen.parts,
        apr=chosen.apr,
        reason=chosen.reason,
        lpr_table=match_.lpr_table,
    )
    if note:
        content = {**content, "cm_note": note}
    return _Draft(match=match_, chosen=chosen, content=content)


NOTE_MAX = 300


def _proposal_note(*, actor: User, customer_id: int | str, note: str) -> str:
    """致客户的说明: the CM's own words printed on the proposal — within ``NOTE_MAX`` characters, and through
    the compliance guard (channel 方案说明; a block is logged and refused) before anything is prepared."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            "proposal_note_too_long", _("说明不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, {"field": "note"}
        )
    if note:
        compliance_enforce(
            actor=actor, text=note, channel=GuardChannel.PROPOSAL, target=f"customer:{customer_id}"
        )
    return note


def proposal_create(
    *, actor: User, customer_id: int | str, products: Sequence[str], note: str = ""
) -> Proposal:
    """出具方案书. Rules: the customer's manager or team lead issues it; the customer has a need
    (``proposal_need_missing``); the option is one product the customer passes today — a product whose
    rules fail is refused (``proposal_product_ineligible``, with the failed rules' sentences), one whose
    rules cannot all be judged yet (a missing grade, income …) too (``proposal_product_rules_unknown``),
    as is a product not on sale (``proposal_product_unknown``) — or two products forming one of the
    match's combinations (``proposal_combination_unknown`` otherwise). What is shown is stored whole (the
    snapshot) with the PDF and its SHA-256, so that the proposal never changes afterwards.

    The PDF (WeasyPrint: the slow part) is rendered while no row is locked. The snapshot is prepared under
    the customer's lock, rendered, then prepared again under the lock of the one durable transaction that
    stores it: the stored snapshot is the one that transaction saw, and the PDF is that snapshot's. A
    customer, need, grade, product or LPR changed in between refuses (``proposal_changed``) and stores
    nothing; issuing again prepares it anew. ``note``: the CM's words to the customer, printed on it
    (``_proposal_note``: guarded)."""
    today = timezone.localdate()
    number = new_number(today)
    note = _proposal_note(actor=actor, customer_id=customer_id, note=note)
    with transaction.atomic(durable=True):  # the refusals (scope, rules) come before any rendering
        customer = _customer_for_proposal(actor=actor, customer_id=customer_id)
        draft = _draft(
            actor=actor, customer=customer, products=products, number=number, today=today, note=note
        )
    document = pdf.render_pdf(draft.content)
    return _proposal_store(
        actor=actor,
        customer_id=customer_id,
        products=products,
        number=number,
        today=today,
        draft=draft,
        document=document,
        note=note,
    )


@transaction.atomic(durable=True)
def _proposal_store(
    *,
    actor: User,
    customer_id: int | str,
    products: Sequence[str],
    number: str,
    today: date,
    draft: _Draft,
    document: bytes,
    note: str,
) -> Proposal:
    customer = _customer_for_proposal(actor=actor, customer_id=customer_id)
    locked = _draft(actor=actor, customer=customer, products=products, number=number, today=today, note=note)
    if locked.content != draft.content:
        raise Conflict(
            "proposal_changed",
            _("出具过程中客户信息或产品定价发生了变化，请重新出具方案书。"),
            {"field": "customer"},
        )
    match_, chosen, content = locked.match, locked.chosen, locked.content
    proposal = Proposal.objects.create(
        number=number,
        customer=customer,
        need=match_.need,
        content=content,
        pdf=document,
        pdf_sha256=hashlib.sha256(document).hexdigest(),
        created_by=actor,
    )
    for position, part in enumerate(chosen.parts, start=1):
        q, f = part.quote, part.figures
        ProposalOption.objects.create(
            proposal=proposal,
            position=position,
            product_version=match_.version_of(q.spec),
            amount=q.amount,
            term_months=q.term_months,
            method=str(q.method),
            annual_rate=(q.annual_rate * HUNDRED).quantize(RATE_PLACES),
            apr=(f.apr.compound * HUNDRED).quantize(RATE_PLACES),
        )
    audit_record(
        actor=actor,
        action="proposal.create",
        target=proposal,
        after={
            "number": number,
            "customer": customer.pk,
            "need": match_.need.pk,
            "products": [f"{p.quote.spec.code} v{p.quote.spec.version}" for p in chosen.parts],
            "apr_compound": content["summary"]["apr_compound"],
            "pdf_sha256": proposal.pdf_sha256,
        },
    )
    return proposal


@transaction.atomic(durable=True)
def proposal_print(*, actor: User, proposal_id: int | str) -> tuple[Proposal, bytes]:
    """打印方案书: the stored PDF, byte for byte (a reprint is the document the customer was given).
    Rules: anyone who may see the customer; the bytes still match their SHA-256 (``proposal_pdf_altered``
    otherwise: the stored document was changed outside CreditDesk). Audited like every print of a
    document with personal information."""
    proposal = scope.visible(actor, Proposal.objects.filter(pk=proposal_id)).first()
    if proposal is None:
        raise NotFound("not_found", _("方案书不存在，或不在您的权限范围内。"))
    document = bytes(proposal.pdf)
    if hashlib.sha256(document).hexdigest() != proposal.pdf_sha256:
        raise Conflict("proposal_pdf_altered", _("方案书文件与出具时的摘要不符，请联系系统管理员。"))
    audit_record(
        actor=actor,
        action="proposal.print",
        target=proposal,
        after={"number": proposal.number, "pdf_sha256": proposal.pdf_sha256},
    )
    return proposal, document
