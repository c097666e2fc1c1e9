"""The seeded product catalogue (种子产品库): eleven products of a Chinese bank, as the JSON a risk manager
edits (``ProductSpec.from_dict`` form; ``catalogue.SEED_CATALOGUE`` is them parsed and validated).

Rates are LPR-based (RULES.md: from 2025-05-20 1Y 3.00 %, 5Y 3.50 %) with risk premiums by grade that keep
every rate between 2.1 % and about 6 % — the range Chinese banks quote for these products — or the national
provident-fund rates (首套 2.10 % up to 5 years, 2.60 % beyond, since 2025-05-08). Limits follow common
practice: 70 % LTV on a home pledged for a business or consumer loan (50 % on a shop), 80 % on a home bought
with the loan, 80 % of a car's price, 95 % of a deposit receipt; debt-to-income at most 55 % (50 % for
housing), the ceiling of 银监发〔2004〕57号. Business products lend to 小微 (small and micro by the 2011
工信部 standard) and exclude the bank's restricted industries by GB/T 4754-2017 code; every criterion a
description names is a rule (``tests/test_described_criteria.py``). The 首付 of 商业性个人住房贷款 (首套 20 %,
二套 30 %) is the bank's own policy: RULES.md sets no national floor. Data only: this module imports
nothing.
"""

from __future__ import annotations

from typing import Any

_IND, _ENT, _BIZ = "individual", "enterprise", "individual_business"
_HOUSE, _SHOP = "residential_property", "commercial_property"
_EI, _EP, _IO, _BULLET, _REV = "equal_installment", "equal_principal", "interest_only", "bullet", "revolving"
_CONSUMER_PURPOSES = ["renovation", "consumption", "education", "medical", "travel", "wedding"]
# The bank's restricted industries for business lending, as GB/T 4754-2017 code prefixes
# (customers.industries): 房地产开发经营, 煤炭开采和洗选业, 黑色金属冶炼和压延加工业 (钢铁), 铝冶炼 (电解铝),
# 歌舞厅 and 电子游艺厅 (the 娱乐场所 of 《娱乐场所管理条例》), 典当, 小额贷款公司服务.
_RESTRICTED = {
    "type": "excluded_industries",
    "codes": ["K701", "B06", "C31", "C3216", "R9011", "R9012", "J6633", "J6635"],
    "source": "本行授信政策限制类行业（国民经济行业分类 GB/T 4754-2017）",
}
# 小微: small and micro enterprises and 个体工商户 by 工信部联企业〔2011〕300号《中小企业划型标准规定》.
_SMALL_AND_MICRO = {
    "type": "size_classes",
    "classes": ["small", "micro"],
    "source": "小微企业（含个体工商户），按《中小企业划型标准规定》（工信部联企业〔2011〕300号）划型",
}
_DTI_SOURCE = (
    "《商业银行房地产贷款风险管理指引》（银监发〔2004〕57号）第三十一条：月所有债务支出与收入比 ≤ 55%"
)
_DTI_HOUSING_SOURCE = "银监发〔2004〕57号 第三十一条：月房产支出与收入比 ≤ 50%"


def _doc(
    name: str, customers: list[str] | None = None, collateral: list[str] | None = None
) -> dict[str, object]:
    return {"name": name, "customer_types": customers or [], "collateral_types": collateral or []}


_ID = _doc("身份证", [_IND])
_PERSON_DOCS = [
    _ID,
    _doc("收入证明（单位盖章）", [_IND]),
    _doc("近 6 个月工资流水", [_IND]),
    _doc("征信查询授权书"),
]
_BIZ_DOCS = [
    _doc("经营者身份证", [_BIZ]),
    _doc("营业执照", [_BIZ, _ENT]),
    _doc("法定代表人身份证", [_ENT]),
    _doc("近 12 个月经营流水", [_BIZ, _ENT]),
    _doc("近 1 年财务报表", [_ENT]),
    _doc("征信查询授权书"),
]


def _property_docs(*types: str) -> list[dict[str, object]]:
    return [
        _doc("不动产权证书", None, list(types)),
        _doc("房产评估报告", None, list(types)),
        _doc("婚姻状况证明及配偶同意抵押声明", None, list(types)),
    ]


SEED_CATALOGUE_DATA: tuple[dict[str, Any], ...] = (
    {
        "code": "GXED",
        "name": "工薪e贷",
        "category": "credit",
        "description": "面向在本行代发工资、收入稳定的个人的线上信用消费贷款，无需抵押。",
        "customer_types": [_IND],
        "purposes": _CONSUMER_PURPOSES,
        "amount": {"min": "10000.00", "max": "300000.00"},
        "term_months": {"min": 6, "max": 36},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 10, "B": 40, "C": 80, "D": 150}},
        "methods": [_EI, _IO],
        "prepayment": {"percent_of_prepaid": "0.01", "months_of_interest": 0, "waived_after_months": 12},
        "penalty_uplift": "0.50",
        "documents": _PERSON_DOCS,
        "approval_days": 1,
        "rules": [
            {"type": "age_range", "min": 22, "max": 55},
            {"type": "payroll_with_bank_required", "source": "本行代发工资客户专属产品"},
            {"type": "min_income", "amount": "5000.00"},
            {"type": "max_dti", "max": "0.55", "source": _DTI_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 30},
            {"type": "max_inquiries_6m", "count": 6},
            {"type": "min_grade", "grade": "D"},
        ],
    },
    {
        "code": "GJJXD",
        "name": "公积金信用贷",
        "category": "credit",
        "description": "连续缴存住房公积金满 12 个月的个人可申请的信用贷款。",
        "customer_types": [_IND],
        "purposes": _CONSUMER_PURPOSES,
        "amount": {"min": "10000.00", "max": "500000.00"},
        "term_months": {"min": 12, "max": 60},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 5, "B": 30, "C": 60}},
        "methods": [_EI, _EP],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "documents": [*_PERSON_DOCS, _doc("公积金缴存明细（近 12 个月）", [_IND])],
        "approval_days": 2,
        "rules": [
            {"type": "age_range", "min": 22, "max": 58},
            {
                "type": "compare",
                "fact": "provident_fund_months",
                "op": ">=",
                "value": 12,
                "source": "连续缴存满 12 个月",
            },
            {"type": "min_income", "amount": "4000.00"},
            {"type": "max_dti", "max": "0.55", "source": _DTI_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 30},
            {"type": "max_inquiries_6m", "count": 6},
            {"type": "min_grade", "grade": "C"},
        ],
    },
    {
        "code": "FDJYD",
        "name": "房抵经营贷",
        "category": "mortgage",
        "description": "面向小微企业和个体工商户，以住宅或商铺抵押、用于生产经营周转的贷款，"
        "额度高，可先息后本。",
        "customer_types": [_BIZ, _ENT],
        "purposes": ["business_working_capital", "equipment"],
        "amount": {"min": "100000.00", "max": "10000000.00"},
        # 流动资金贷款 to an enterprise: in principle 3 years (limits.TERM_LIMITS; was 120 months).
        "term_months": {"min": 12, "max": 36},
        "pricing": {"kind": "lpr", "tenor": "auto", "spread_bp": {"A": 0, "B": 20, "C": 50, "D": 90}},
        "methods": [_IO, _EI, _EP],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 1, "waived_after_months": 12},
        "collateral": [{"type": _HOUSE, "max_ltv": "0.70"}, {"type": _SHOP, "max_ltv": "0.50"}],
        "documents": [*_BIZ_DOCS, *_property_docs(_HOUSE, _SHOP)],
        "approval_days": 7,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {
                "type": "compare",
                "fact": "business_years",
                "op": ">=",
                "value": 1,
                "source": "实际经营满 1 年",
            },
            {"type": "max_dti", "max": "0.70"},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 60},
            {"type": "max_inquiries_6m", "count": 8},
            {"type": "min_grade", "grade": "D"},
            _SMALL_AND_MICRO,
            _RESTRICTED,
        ],
    },
    {
        "code": "FDXFD",
        "name": "房抵消费贷",
        "category": "mortgage",
        "description": "以自有住宅抵押、用于装修、教育、医疗等大额消费的贷款（不得用于购房）。",
        "customer_types": [_IND],
        "purposes": _CONSUMER_PURPOSES,
        "amount": {"min": "100000.00", "max": "5000000.00"},
        # 个人消费贷款: at most 5 years (limits.TERM_LIMITS; was 120 months).
        "term_months": {"min": 12, "max": 60},
        "pricing": {"kind": "lpr", "tenor": "auto", "spread_bp": {"A": 20, "B": 40, "C": 70, "D": 110}},
        "methods": [_EI, _EP],
        "prepayment": {"percent_of_prepaid": "0.01", "months_of_interest": 0, "waived_after_months": 12},
        "collateral": [{"type": _HOUSE, "max_ltv": "0.70"}],
        "documents": [*_PERSON_DOCS, *_property_docs(_HOUSE), _doc("消费用途证明（合同/发票）", [_IND])],
        "approval_days": 7,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {"type": "max_age_at_maturity", "max": 70},
            {"type": "min_income", "amount": "3000.00"},
            {"type": "max_dti", "max": "0.55", "source": _DTI_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 60},
            {"type": "max_inquiries_6m", "count": 8},
            {"type": "min_grade", "grade": "D"},
        ],
    },
    {
        "code": "XWKD",
        "name": "小微快贷",
        "category": "business",
        "description": "面向纳税信用 A、B、M 级、经营满 2 年的小微企业和个体工商户的"
        "线上经营信用贷款（税贷），随借随还，当天审批。",
        "customer_types": [_BIZ, _ENT],
        "purposes": ["business_working_capital"],
        "amount": {"min": "10000.00", "max": "1000000.00"},
        "term_months": {"min": 3, "max": 12},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 50, "B": 90, "C": 140}},
        "methods": [_IO, _EI, _REV],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "documents": _BIZ_DOCS,
        "approval_days": 1,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {
                "type": "compare",
                "fact": "business_years",
                "op": ">=",
                "value": 2,
                "source": "实际经营满 2 年",
            },
            {
                "type": "tax_credit_grades",
                "grades": ["A", "B", "M"],
                "source": "银税互动：纳税信用 A、B、M 级（国家税务总局《纳税信用管理办法（试行）》）",
            },
            {"type": "max_dti", "max": "0.60"},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 30},
            {"type": "max_inquiries_6m", "count": 6},
            {"type": "min_grade", "grade": "C"},
            _SMALL_AND_MICRO,
            _RESTRICTED,
        ],
    },
    {
        "code": "JZFQ",
        "name": "家装分期",
        "category": "consumer",
        "description": "与合作家装公司的分期付款：不收利息，按原始本金每月收取 0.3% 分期手续费。",
        "customer_types": [_IND],
        "purposes": ["renovation"],
        "amount": {"min": "20000.00", "max": "500000.00"},
        "term_months": {"min": 12, "max": 60},
        "pricing": {"kind": "fixed", "tiers": [{"up_to_months": 60, "annual_rate": "0"}]},
        "methods": [_EI],
        "fees": [{"name": "分期手续费（每月）", "timing": "per_period", "amount": None, "rate": "0.003"}],
        "prepayment": {"percent_of_prepaid": "0.03", "months_of_interest": 0, "waived_after_months": None},
        "documents": [*_PERSON_DOCS, _doc("家装合同", [_IND])],
        "approval_days": 3,
        "rules": [
            {"type": "age_range", "min": 22, "max": 60},
            {"type": "min_income", "amount": "4000.00"},
            {"type": "max_dti", "max": "0.55", "source": _DTI_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 30},
            {"type": "min_grade", "grade": "D"},
        ],
    },
    {
        "code": "CDZY",
        "name": "存单质押贷",
        "category": "pledge",
        "description": "以本行定期存单或国债质押，不提前支取也能周转，当天放款。",
        "customer_types": [_IND, _BIZ, _ENT],
        "purposes": ["business_working_capital", "equipment", "car_purchase", *_CONSUMER_PURPOSES],
        "amount": {"min": "10000.00", "max": "10000000.00"},
        "term_months": {"min": 1, "max": 36},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 0, "B": 0, "C": 10, "D": 20, "E": 30}},
        "methods": [_BULLET, _IO, _EI],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "collateral": [
            {"type": "deposit_receipt", "max_ltv": "0.95"},
            {"type": "treasury_bond", "max_ltv": "0.90"},
        ],
        "documents": [
            _ID,
            _doc("经营者身份证", [_BIZ]),
            _doc("营业执照", [_BIZ, _ENT]),
            _doc("存单原件", None, ["deposit_receipt"]),
            _doc("国债凭证", None, ["treasury_bond"]),
        ],
        "approval_days": 0,
        # Fully secured by a deposit: admits up to 75, so up to 75 + its 36 months at maturity.
        "max_age_at_maturity": 78,
        "rules": [
            {"type": "age_range", "min": 18, "max": 75},
            {"type": "no_current_overdue"},
        ],
    },
    {
        "code": "DBBZD",
        "name": "担保增信贷",
        "category": "guaranteed",
        "description": "由合作融资担保公司提供连带责任保证的小微经营贷款，担保费 1% 放款时一次收取。",
        "customer_types": [_BIZ, _ENT],
        "purposes": ["business_working_capital", "equipment"],
        "amount": {"min": "100000.00", "max": "3000000.00"},
        "term_months": {"min": 12, "max": 36},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 60, "B": 100, "C": 150, "D": 220}},
        "methods": [_EI, _IO],
        "fees": [{"name": "担保费", "timing": "upfront", "amount": None, "rate": "0.01"}],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "guarantee_required": True,
        "documents": [*_BIZ_DOCS, _doc("担保公司担保意向函")],
        "approval_days": 5,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {
                "type": "compare",
                "fact": "business_years",
                "op": ">=",
                "value": 1,
                "source": "实际经营满 1 年",
            },
            {"type": "max_dti", "max": "0.65"},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 60},
            {"type": "max_inquiries_6m", "count": 8},
            {"type": "min_grade", "grade": "D"},
            _SMALL_AND_MICRO,
            _RESTRICTED,
        ],
    },
    {
        "code": "GJJDK",
        "name": "公积金个人住房贷款",
        "category": "provident_fund",
        "description": "住房公积金委托贷款，利率按公积金贷款利率表（首套/二套）执行，每年 1 月 1 日重定价。",
        "customer_types": [_IND],
        "purposes": ["home_purchase"],
        "amount": {"min": "10000.00", "max": "1200000.00"},
        "term_months": {"min": 12, "max": 360},
        "pricing": {"kind": "provident"},
        "methods": [_EI, _EP],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "collateral": [{"type": _HOUSE, "max_ltv": "0.80"}],
        "documents": [
            *_PERSON_DOCS,
            _doc("公积金缴存明细（近 12 个月）", [_IND]),
            _doc("购房合同及首付款凭证", [_IND]),
            _doc("不动产权证书或预售备案", None, [_HOUSE]),
        ],
        "approval_days": 15,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {"type": "max_age_at_maturity", "max": 70},
            {
                "type": "compare",
                "fact": "provident_fund_months",
                "op": ">=",
                "value": 6,
                "source": "连续足额缴存满 6 个月",
            },
            {"type": "max_dti", "max": "0.50", "source": _DTI_HOUSING_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 90},
        ],
    },
    {
        "code": "SYZFDK",
        "name": "商业性个人住房贷款",
        "category": "home_loan",
        "description": "按揭购房贷款（首套、二套），利率按 5 年期以上 LPR 减点；首付比例首套不低于 20%、"
        "二套不低于 30%。",
        "customer_types": [_IND],
        "purposes": ["home_purchase"],
        "amount": {"min": "100000.00", "max": "10000000.00"},
        "term_months": {"min": 12, "max": 360},
        "pricing": {"kind": "lpr", "tenor": "auto", "spread_bp": {"A": -45, "B": -40, "C": -30, "D": -20}},
        "methods": [_EI, _EP],
        "prepayment": {"percent_of_prepaid": "0", "months_of_interest": 0, "waived_after_months": None},
        "collateral": [{"type": _HOUSE, "max_ltv": "0.80"}],
        "documents": [
            *_PERSON_DOCS,
            _doc("购房合同及首付款凭证", [_IND]),
            _doc("婚姻状况证明", [_IND]),
            _doc("不动产权证书或预售备案", None, [_HOUSE]),
        ],
        "approval_days": 10,
        "rules": [
            {"type": "age_range", "min": 18, "max": 65},
            {"type": "max_age_at_maturity", "max": 70},
            {
                "type": "home_purchase_order",
                "orders": ["first", "second"],
                "max_ltv": {"first": "0.80", "second": "0.70"},
                "source": "本行政策：首付比例首套不低于 20%、二套不低于 30%",
            },
            {"type": "max_dti", "max": "0.50", "source": _DTI_HOUSING_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 90},
            {"type": "max_inquiries_6m", "count": 10},
            {"type": "min_grade", "grade": "D"},
        ],
    },
    {
        "code": "QCXFD",
        "name": "汽车消费贷",
        "category": "auto",
        "description": "购买自用汽车的贷款，以所购车辆抵押，最高为车价的 80%。",
        "customer_types": [_IND],
        "purposes": ["car_purchase"],
        "amount": {"min": "30000.00", "max": "500000.00"},
        "term_months": {"min": 12, "max": 60},
        "pricing": {"kind": "lpr", "tenor": "1y", "spread_bp": {"A": 30, "B": 60, "C": 100, "D": 160}},
        "methods": [_EI],
        "prepayment": {"percent_of_prepaid": "0.02", "months_of_interest": 0, "waived_after_months": 12},
        "collateral": [{"type": "vehicle", "max_ltv": "0.80"}],
        "documents": [
            *_PERSON_DOCS,
            _doc("购车合同及发票", [_IND]),
            _doc("机动车登记证书", None, ["vehicle"]),
        ],
        "approval_days": 2,
        "rules": [
            {"type": "age_range", "min": 18, "max": 60},
            {"type": "min_income", "amount": "4000.00"},
            {"type": "max_dti", "max": "0.55", "source": _DTI_SOURCE},
            {"type": "no_current_overdue"},
            {"type": "max_worst_overdue_days", "days": 30},
            {"type": "max_inquiries_6m", "count": 6},
            {"type": "min_grade", "grade": "D"},
        ],
    },
)
