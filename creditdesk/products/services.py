"""Writes to the product library and to needs. Each service is one durable transaction with its audit row;
a refusal raises a ``DomainError`` (the pure core's code and Chinese message, ``extra["field"]`` naming
what to fix) and writes nothing."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.consents.selectors import latest_report_summary
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record, audit_snapshot
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.core.masking import mask_mapping
from creditdesk.core.money import parse_amount
from creditdesk.customers.locks import customer_for_change
from creditdesk.customers.models import Customer
from creditdesk.products import capacity
from creditdesk.products.catalogue import ProductSpec
from creditdesk.products.facts import HomePurchaseOrder
from creditdesk.products.models import Need, NeedDebt, Product, ProductVersion

NOTE_MAX = 500
AMOUNT_MAX = Decimal("10000000000")  # 100 亿元: above it an amount is a typing mistake, not a loan
NEED_AUDIT_FIELDS = (
    "customer",
    "purpose",
    "amount",
    "term_months",
    "repayment_preference",
    "rate_sensitivity",
    "collateral_type",
    "collateral_value",
    "collateral_prior_liens",
    "home_purchase_order",
    "has_guarantor",
    "has_co_borrower",
    "co_borrower_monthly_income",
    "monthly_income",
    "monthly_debt_payments",
    "monthly_revenue",
    "monthly_costs",
)


# --- the product library ---------------------------------------------------------------------------------


def _require_editor(actor: User) -> None:
    policy.require(actor, Action.PRODUCT_MANAGE)


def _note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise DomainError("version_note_required", _("请写明本次修订的原因（变更说明）。"), {"field": "note"})
    if len(note) > NOTE_MAX:
        raise DomainError(
            "version_note_too_long", _("变更说明不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, {"field": "note"}
        )
    return note


def _exact_numbers(value: Any) -> Any:
    """JSON numbers with a fraction arrive as Decimals (the API's and the editor's parser keep them exact);
    the core reads decimals as strings, so they become their exact text. Integers stay integers."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {key: _exact_numbers(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exact_numbers(item) for item in value]
    return value


def _parse_spec(data: object, *, code: str | None, version: int) -> ProductSpec:
    """The spec from its JSON form, as version ``version`` of ``code`` (when given), validated by the pure
    core (``validate_spec``): its refusals pass through with their code and field."""
    if not isinstance(data, Mapping):
        raise DomainError("spec_not_object", _("产品定义应为 JSON 对象。"), {"field": "spec"})
    values = _exact_numbers(data)
    if code is not None:
        given = values.get("code")
        if given not in (None, code):
            raise DomainError(
                "spec_code_mismatch",
                _("产品代码不能修改（本产品为 %(code)s，收到 %(given)s）。") % {"code": code, "given": given},
                {"field": "code"},
            )
        values["code"] = code
    values["version"] = version
    return ProductSpec.from_dict(values)


@transaction.atomic(durable=True)
def product_create(*, actor: User, spec: Mapping[str, Any], note: str = "") -> Product:
    """新建产品. Rules: risk managers and administrators only; the definition passes ``validate_spec``
    (ranges not empty or inverted, a spread for every admitted grade, LTV ≤ 100 %, rules on known facts …);
    the code is not taken. Creates the product with its version 1."""
    _require_editor(actor)
    parsed = _parse_spec(spec, code=None, version=1)
    note = _note(note, required=False) or _("新建产品")
    if Product.objects.filter(code=parsed.code).exists():
        raise Conflict(
            "product_code_taken", _("产品代码 %(code)s 已存在。") % {"code": parsed.code}, {"field": "code"}
        )
    product = Product.objects.create(code=parsed.code, name=parsed.name, category=parsed.category)
    version = ProductVersion.objects.create(
        product=product, number=1, spec=parsed.to_dict(), note=note, created_by=actor
    )
    product.current_version = version
    product.save(update_fields=["current_version", "updated_at"])
    audit_record(
        actor=actor,
        action="product.create",
        target=product,
        after={"code": product.code, "name": product.name, "category": product.category, "version": 1},
    )
    return product


def _changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    keys = (set(before) | set(after)) - {"version"}
    return sorted(key for key in keys if before.get(key) != after.get(key))


@transaction.atomic(durable=True)
def product_version_create(*, actor: User, code: str, spec: Mapping[str, Any], note: str) -> ProductVersion:
    """修订产品: a new version of the product with the definition ``spec``. Rules: risk managers and
    administrators only; a note says why; the definition passes ``validate_spec``; the code stays; a
    definition identical to the current one is refused (nothing to version). Earlier versions are never
    touched: quotes made on them stay as they were said."""
    _require_editor(actor)
    product = Product.objects.select_for_update().filter(code=code).first()
    if product is None:
        raise NotFound("not_found", _("产品不存在。"))
    note = _note(note, required=True)
    current = ProductVersion.objects.filter(product=product).order_by("-number").first()
    number = (current.number if current else 0) + 1
    parsed = _parse_spec(spec, code=product.code, version=number)
    data = parsed.to_dict()
    changed = _changed_keys(current.spec, data) if current else sorted(data)
    if not changed:
        raise DomainError("version_unchanged", _("产品定义与当前版本相同，无需新建版本。"), {"field": "spec"})
    version = ProductVersion.objects.create(
        product=product, number=number, spec=data, note=note, created_by=actor
    )
    before = {"version": number - 1, "name": product.name, "category": product.category}
    product.current_version = version
    product.name, product.category = parsed.name, parsed.category
    product.save(update_fields=["current_version", "name", "category", "updated_at"])
    audit_record(
        actor=actor,
        action="product.version_create",
        target=product,
        before=before,
        after={
            "version": number,
            "name": product.name,
            "category": product.category,
            "note": note,
            "changed": changed,
        },
    )
    return version


@transaction.atomic(durable=True)
def product_set_active(*, actor: User, code: str, active: bool) -> Product:
    """上架 / 下架. Rules: risk managers and administrators only; a product already in that state is
    refused (409). A withdrawn product keeps its versions; it is no longer offered for new needs."""
    _require_editor(actor)
    product = Product.objects.select_for_update().filter(code=code).first()
    if product is None:
        raise NotFound("not_found", _("产品不存在。"))
    if product.is_active == active:
        message = _("该产品已经上架。") if active else _("该产品已经下架。")
        raise Conflict("product_already_active" if active else "product_already_inactive", message)
    product.is_active = active
    product.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="product.activate" if active else "product.deactivate",
        target=product,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return product


# --- needs -------------------------------------------------------------------------------------------------


def _customer_for_change(*, actor: User, customer_id: int | str) -> Customer:
    """The customer, locked, if ``actor`` may change it: 404 outside the scope, 403 when read-only."""
    return customer_for_change(actor=actor, customer_id=customer_id, action=Action.NEED_RECORD)


def _present(data: Mapping[str, Any]) -> dict[str, Any]:
    """The given values: blanks (``""`` / ``None``) are "not given"."""
    return {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and not v.strip())}


def _flag(value: object, field: str, label: str) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    raise DomainError(
        f"need_{field}_invalid", _("%(label)s应为是或否。") % {"label": label}, {"field": field}
    )


NEED_AMOUNT_FIELDS = (
    "amount",
    "collateral_value",
    "collateral_prior_liens",
    "monthly_income",
    "monthly_debt_payments",
    "monthly_revenue",
    "monthly_costs",
)


def _amounts_read(values: dict[str, Any]) -> dict[str, Any]:
    """Amounts as a person types them ("30万", "1.2万元", "300,000") read once by ``core.money.parse_amount``;
    what it cannot read is passed on as given, for ``capacity`` to refuse with its own code and sentence."""
    for field in NEED_AMOUNT_FIELDS:
        if isinstance(values.get(field), str):
            with contextlib.suppress(ValueError):
                values[field] = parse_amount(values[field])
    return values


def _check_amount_max(field: str, value: Decimal | None) -> None:
    if value is not None and value >= AMOUNT_MAX:
        raise DomainError(
            "need_amount_too_large",
            _("金额过大（应小于 100 亿元），请检查是否多输了位数。"),
            {"field": field},
        )


def _money(value: object, field: str) -> Decimal:
    """A non-negative amount in yuan, exact (a decimal string, an integer or a Decimal; never a float)."""
    try:
        number = parse_amount(value)
    except ValueError:
        number = None
    if number is None or number < 0:
        raise DomainError(
            f"need_{field}_invalid",
            _("金额应为不小于零的数，最多两位小数（收到 %(value)s）。") % {"value": value},
            {"field": field},
        )
    _check_amount_max(field, number)
    return number


MAX_NEED_DEBTS = 20  # existing debts recorded with one need (the page offers 6 rows; the API up to 20)
DEBT_LABEL_MAX = 50  # NeedDebt.label
DEBT_REQUIRED = ("method", "balance", "annual_rate", "remaining_months")
DEBT_LABELS = {
    "method": _lazy("还款方式"),
    "balance": _lazy("余额或已用额度"),
    "annual_rate": _lazy("年利率"),
    "remaining_months": _lazy("剩余期数"),
}
DEBT_AUDIT_FIELDS = ("position", "label", "method", "balance", "annual_rate", "remaining_months", "source")
RATE_PERCENT_PLACES = Decimal("0.0001")  # PercentRateField keeps four places of a percent


def _debt_refusal(exc: DomainError, row: int) -> DomainError:
    """A debt's refusal, its sentence prefixed with the row ("第 2 笔负债：…"), its field named for the form
    (``debt_2_balance``) and the API (``extra["row"]``, ``extra["debt_field"]``)."""
    debt_field = str(exc.extra.get("field", ""))
    return DomainError(
        exc.code,
        _("第 %(row)s 笔负债：%(message)s") % {"row": row, "message": exc.message},
        {"field": "debts", "row": row, "debt_field": debt_field, "form_field": f"debt_{row}_{debt_field}"},
    )


def _debts_read(rows: object) -> list[tuple[capacity.Debt, str]]:
    """The existing debts given with a need, each checked (``capacity.Debt.from_dict`` / ``validate_debt``:
    a known method, a balance ≥ 0 to the fen, a rate ≥ 0 as a fraction such as "0.036", 1–600 remaining
    months), with its source ("credit_report" or "manual"). Amounts may be typed ("100万")."""
    if rows in (None, ""):
        return []
    if not isinstance(rows, Sequence) or isinstance(rows, str):
        raise DomainError("need_debts_invalid", _("现有负债应为逐笔列表。"), {"field": "debts"})
    if len(rows) > MAX_NEED_DEBTS:
        raise DomainError(
            "need_debts_too_many", _("现有负债最多 %(n)s 笔。") % {"n": MAX_NEED_DEBTS}, {"field": "debts"}
        )
    debts: list[tuple[capacity.Debt, str]] = []
    for row, item in enumerate(rows, start=1):
        if not isinstance(item, Mapping):
            raise _debt_refusal(DomainError("debt_invalid", _("格式不正确。"), {"field": "label"}), row)
        values = dict(item)
        for key in ("balance", "annual_rate"):
            if isinstance(values.get(key), Decimal):
                values[key] = str(values[key])
        if isinstance(values.get("balance"), str):
            with contextlib.suppress(ValueError):
                values["balance"] = str(parse_amount(values["balance"]))
        source = values.get("source") or capacity.DebtSource.MANUAL
        label = str(values.get("label") or "").strip()
        missing = [key for key in DEBT_REQUIRED if values.get(key) in (None, "")]
        if missing:
            raise DomainError(
                "debt_incomplete",
                _("第 %(row)s 笔负债未填完整：请填写%(what)s。")
                % {"row": row, "what": "、".join(str(DEBT_LABELS[key]) for key in missing)},
                {
                    "field": "debts",
                    "row": row,
                    "debt_field": missing[0],
                    "form_field": f"debt_{row}_{missing[0]}",
                },
            )
        try:
            if source not in set(capacity.DebtSource):
                raise DomainError("debt_source_unknown", _("未知的负债来源。"), {"field": "source"})
            if len(label) > DEBT_LABEL_MAX:
                raise DomainError("debt_label_too_long", _("名称不能超过 50 个字。"), {"field": "label"})
            debt = capacity.Debt.from_dict({**values, "label": label})
            _check_amount_max("balance", debt.balance)
            percent = debt.annual_rate * 100
            if percent != percent.quantize(RATE_PERCENT_PLACES) or percent >= 1000:
                raise DomainError(
                    "debt_rate_invalid",
                    _("年利率最多保留四位小数的百分数，且应小于 1000%。"),
                    {"field": "annual_rate"},
                )
        except DomainError as exc:
            raise _debt_refusal(exc, row) from exc
        debts.append((debt, str(source)))
    return debts


def _home_purchase_order(value: object, purpose: str) -> str:
    """首套/二套: "first" or "second", only for a home purchase (blank otherwise)."""
    if value in (None, ""):
        return ""
    if value not in set(HomePurchaseOrder):
        raise DomainError(
            "need_home_purchase_order_unknown", _("首套/二套的取值不正确。"), {"field": "home_purchase_order"}
        )
    if purpose != "home_purchase":
        raise DomainError(
            "need_home_purchase_order_not_home",
            _("只有购房用途才填写首套/二套。"),
            {"field": "home_purchase_order"},
        )
    return str(value)


def _prior_liens(values: Mapping[str, Any], need: capacity.Need) -> Decimal | None:
    """The liens already on the collateral offered (抵押物已有抵押余额, LTV): ≥ 0, only with collateral."""
    if "collateral_prior_liens" not in values:
        return None
    liens = _money(values["collateral_prior_liens"], "collateral_prior_liens").quantize(Decimal("0.01"))
    if need.collateral_type == "none":
        raise DomainError(
            "need_prior_liens_without_collateral",
            _("没有抵质押物时不应填写已有抵押余额。"),
            {"field": "collateral_prior_liens"},
        )
    return liens


@transaction.atomic(durable=True)
def need_record(*, actor: User, customer_id: int | str, data: Mapping[str, Any]) -> Need:
    """记录需求分析. Rules: the customer's owner or team lead records it; the need passes
    ``capacity.validate_need`` (a known purpose, an amount above zero, a term of 1–360 months, collateral
    with its value and a value only with collateral …) and the capacity ``validate_capacity`` (amounts not
    negative, revenue and costs together); amounts are below 100 亿元; a co-borrower's income only with a
    co-borrower; 首套/二套 only for a home purchase; liens already on a collateral (≥ 0) only with one.

    Existing debts (``data["debts"]``: label, method, balance or limit in use, annual rate as a fraction,
    remaining months, source) are checked one by one — a refusal names the row — and saved with the need
    in the same transaction; with debts, the existing monthly payments stored and counted are the sum of
    their monthly obligations (RULES.md "Debt-to-income", ``capacity.Capacity``), not a typed total.
    What is possible but alarming (a loss-making business, no room for a new payment) is not refused: the
    page shows it as a warning (``Need.assessment.flags``). The audit row holds no clear amount of income
    or debt (``Need.audit_sensitive_fields``, ``NeedDebt.audit_sensitive_fields``)."""
    customer = _customer_for_change(actor=actor, customer_id=customer_id)
    values = _present(data)
    debts = _debts_read(values.pop("debts", None))
    values = _amounts_read(values)
    need = capacity.Need.from_dict(values)
    cap = capacity.Capacity.from_dict(values)
    if debts:
        cap = dataclasses.replace(cap, debts=tuple(debt for debt, _source in debts))
    for field in ("amount", "collateral_value"):
        _check_amount_max(field, getattr(need, field))
    for field in ("monthly_income", "monthly_debt_payments", "monthly_revenue", "monthly_costs"):
        _check_amount_max(field, getattr(cap, field))
    home_order = _home_purchase_order(values.get("home_purchase_order"), need.purpose)
    liens = _prior_liens(values, need)
    has_guarantor = _flag(values.get("has_guarantor"), "has_guarantor", _("有保证人"))
    has_co_borrower = _flag(values.get("has_co_borrower"), "has_co_borrower", _("有共同借款人"))
    co_income: Decimal | None = None
    if "co_borrower_monthly_income" in values:
        if not has_co_borrower:
            raise DomainError(
                "need_co_borrower_income_without_co_borrower",
                _("没有共同借款人时不应填写共同借款人月收入。"),
                {"field": "co_borrower_monthly_income"},
            )
        co_income = _money(values["co_borrower_monthly_income"], "co_borrower_monthly_income")
    note = str(values.get("note", "")).strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            "need_note_too_long", _("备注不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, {"field": "note"}
        )
    row = Need.objects.create(
        customer=customer,
        purpose=need.purpose,
        amount=need.amount,
        term_months=need.term_months,
        repayment_preference=str(need.repayment_preference or ""),
        rate_sensitivity=str(need.rate_sensitivity),
        collateral_type=need.collateral_type,
        collateral_value=need.collateral_value,
        collateral_prior_liens=liens,
        home_purchase_order=home_order,
        has_guarantor=has_guarantor,
        has_co_borrower=has_co_borrower,
        co_borrower_monthly_income=co_income,
        monthly_income=cap.monthly_income,
        monthly_debt_payments=cap.monthly_debt_payments,
        monthly_revenue=cap.monthly_revenue,
        monthly_costs=cap.monthly_costs,
        note=note,
        created_by=actor,
    )
    saved = NeedDebt.objects.bulk_create(
        [NeedDebt.of(row, position, debt, source) for position, (debt, source) in enumerate(debts, start=1)]
    )
    after = audit_snapshot(row, NEED_AUDIT_FIELDS)
    after["debts"] = [
        mask_mapping(
            {k: str(v) for k, v in audit_snapshot(debt, DEBT_AUDIT_FIELDS).items()},
            frozenset(NeedDebt.audit_sensitive_fields),
        )
        for debt in saved
    ]
    audit_record(actor=actor, action="need.record", target=row, after=after)
    return row


def need_debt_rows_from_report(*, customer: Customer) -> list[dict[str, Any]]:
    """The debt rows a new need starts with, from the customer's latest structured 征信 summary
    (``consents.selectors.latest_report_summary``), marked source "credit_report" (征信).

    A summary that lists its debts one by one gives one row each (label, method, rate and remaining
    months as it states them). Today's summary (``consents.report.ReportSummary``) gives only the number
    of open debts and their totals: then one row per debt is offered, labelled "征信负债 N", for the
    customer manager to complete with each one's method, balance, rate and remaining term. No clear amount
    is put in a row: a form's initial value is written into the page, and balances are sensitive
    (RULES.md, "Personal information") — the manager types them with the customer or the report at hand."""
    found = latest_report_summary(customer=customer)
    if found is None:
        return []
    summary = found.summary
    listed = getattr(summary, "debts", None)
    rows: list[dict[str, Any]] = []
    if isinstance(listed, Sequence) and not isinstance(listed, str):
        for number, item in enumerate(listed[:MAX_NEED_DEBTS], start=1):
            get = item.get if isinstance(item, Mapping) else lambda key, _item=item: getattr(_item, key, None)
            rows.append(
                {
                    "label": str(get("label") or _("征信负债 %(n)s") % {"n": number})[:50],
                    "method": str(get("method") or ""),
                    "remaining_months": get("remaining_months"),
                    "annual_rate": get("annual_rate"),
                    "source": str(capacity.DebtSource.CREDIT_REPORT),
                }
            )
        return rows
    count = min(int(getattr(summary, "debt_count", 0) or 0), MAX_NEED_DEBTS)
    return [
        {
            "label": _("征信负债 %(n)s") % {"n": number},
            "source": str(capacity.DebtSource.CREDIT_REPORT),
        }
        for number in range(1, count + 1)
    ]
