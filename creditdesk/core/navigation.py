"""The left navigation: every area of PRODUCT.md, in the order of a CM's work.

An area that is not built yet is listed here without a URL name and is not shown: a customer manager sees
only what opens (no "即将推出" pages). When an app is built, its entry gets the app's URL name.

Who sees an entry is the policy's answer for the entry's ``action`` (``core.actions.can``: the rules are
in ``accounts/policy.py``); an entry without one is open to every signed-in person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from creditdesk.core.actions import Action, can

ALL = None  # every signed-in person
# The areas of customer work, and of lending (which the credit approver shares): see the policy.
FRONT_LINE = Action.CUSTOMER_AREAS_OPEN
LENDING = Action.LENDING_AREAS_OPEN


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str | None  # None → not built yet: not shown
    action: Action | None  # the policy decides who sees the entry; None → every signed-in person
    summary: str | Promise = ""
    group: str | Promise = ""
    also: tuple[str, ...] = ()  # other path prefixes that belong to this area (marked active there too)

    @property
    def built(self) -> bool:
        return self.url_name is not None

    def url(self) -> str:
        if self.url_name is None:
            raise NoReverseMatch(f"{self.key} is not built yet")
        if self.url_name.startswith("/"):
            return self.url_name
        return reverse(self.url_name)


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry("workbench", _("我的工作台"), "workbench:home", ALL, group=_("日常")),
    NavEntry("agenda", _("待办事项"), "agenda:list", ALL, group=_("日常")),
    NavEntry(
        "customers",
        _("客户管理"),
        "customers:list",
        FRONT_LINE,
        _("个人、企业与个体工商户客户；KYC、授权、关系、查重、客户 360 视图与批量导入。"),
        _("客户与营销"),
    ),
    NavEntry(
        "marketing",
        _("营销与线索"),
        "marketing:board",
        FRONT_LINE,
        _("线索、商机阶段、拜访与跟进、营销活动与获客成本。"),
        _("客户与营销"),
        also=("/marketing/",),
    ),
    NavEntry(
        "assessment",
        _("需求与评估"),
        "scoring:list",
        FRONT_LINE,
        _("需求分析、还款能力、准入规则与信用评分卡。"),
        _("客户与营销"),
    ),
    NavEntry(
        "products",
        _("产品与方案"),
        "products:list",
        LENDING,
        _("产品库、产品匹配、竞品对比与方案书。"),
        _("方案与办理"),
        also=("/solutions/",),
    ),
    NavEntry(
        "calculator",
        _("还款计算器"),
        "rates:calculator",
        ALL,
        _("等额本息、等额本金、先息后本等还款计划，年化利率（IRR）与提前还款测算。"),
        _("方案与办理"),
    ),
    NavEntry(
        "applications",
        _("申请与审批"),
        "applications:list",
        LENDING,
        _("资料清单、贷前调查、按权限审批、合同与放款。"),
        _("方案与办理"),
    ),
    NavEntry(
        "loans",
        _("贷款与贷后"),
        "loans:list",
        LENDING,
        _("贷款账户、还款入账、日终批处理、五级分类与贷后回访。"),
        _("贷后与关系"),
    ),
    NavEntry(
        "warnings",
        _("预警与催收"),
        None,
        FRONT_LINE,
        _("预警信号、柔性催收、承诺还款、重组与核销。"),
        _("贷后与关系"),
    ),
    NavEntry(
        "care",
        _("关系维护"),
        None,
        FRONT_LINE,
        _("关怀日历、满意度回访、转介绍与交叉销售推荐。"),
        _("贷后与关系"),
    ),
    NavEntry(
        "service_requests",
        _("客户诉求"),
        "servicedesk:list",
        FRONT_LINE,
        _("咨询、投诉、困难申请与个人信息请求的分级响应与超时升级。"),
        _("贷后与关系"),
    ),
    NavEntry(
        "scripts",
        _("话术库"),
        "replies:home",
        ALL,
        _("标准话术、异议处理、风险提示与合规检查。"),
        _("贷后与关系"),
        also=("/compliance/",),
    ),
    NavEntry(
        "performance",
        _("业绩与考核"),
        None,
        FRONT_LINE,
        _("KPI、目标进度、排行榜、资产质量与绩效薪酬。"),
        _("管理"),
    ),
    NavEntry("staff", _("同事"), "accounts:staff_list", ALL, group=_("管理")),
    NavEntry("audit", _("审计日志"), "core:audit_list", Action.AUDIT_READ, group=_("管理")),
    NavEntry("admin", _("系统管理"), "/admin/", Action.ADMIN_SITE_OPEN, group=_("管理")),
    NavEntry("api", _("API 文档"), "/api/docs/", ALL, group=_("管理")),
)


def entry_for(key: str) -> NavEntry | None:
    return next((e for e in NAVIGATION if e.key == key), None)


def allowed(entry: NavEntry, user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return entry.action is None or can(user, entry.action)


def navigation_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """The built entries ``user`` may open, grouped, with the active one marked."""
    groups: list[dict[str, Any]] = []
    for entry in NAVIGATION:
        if not entry.built or not allowed(entry, user):
            continue
        try:
            url = entry.url()
        except NoReverseMatch:
            continue
        active = (current_path == url if url == "/" else current_path.startswith(url)) or any(
            current_path.startswith(prefix) for prefix in entry.also
        )
        if not groups or groups[-1]["label"] != entry.group:
            groups.append({"label": entry.group, "entries": []})
        groups[-1]["entries"].append({"key": entry.key, "label": entry.label, "url": url, "active": active})
    return groups
