"""Choices of the marketing models: the pipeline's stages come from the pure core (``pipeline``), the
rest are the app's own."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from creditdesk.core.choices import text_choices
from creditdesk.marketing import assignment, festivals, next_offer, pipeline

LeadStage = text_choices(pipeline.LeadStage)
AssignMethod = text_choices(assignment.Method, "AssignMethod")


class LeadBasis(models.TextChoices):
    """联系依据 — why the bank may contact this person about a loan (《广告法》第四十三条: commercial messages
    only with the recipient's consent or at their request)."""

    REQUEST = "request", _("客户主动咨询")
    CONSENT = "consent", _("已获营销同意")


class LeadEventKind(models.TextChoices):
    CREATED = "created", _("新建")
    STAGE = "stage", _("阶段变更")
    ASSIGNED = "assigned", _("分配")
    RELEASED = "released", _("退回线索池")
    RECYCLED = "recycled", _("超时收回")
    LINKED = "linked", _("关联客户")


class AssignSource(models.TextChoices):
    """How a lead got its owner (the ``method`` of an assignment event)."""

    MANUAL = "manual", _("手工分配")
    ROUND_ROBIN = "round_robin", _("轮询")
    WEIGHTED = "weighted", _("按接单能力加权")
    EXISTING_CUSTOMER = "existing_customer", _("存量客户归属")
    CLAIMED = "claimed", _("自行领取")
    CREATED = "created", _("录入人跟进")
    HANDOVER = "handover", _("客户移交")


class ActivityKind(models.TextChoices):
    CALL = "call", _("电话")
    VISIT = "visit", _("实地走访")
    MESSAGE = "message", _("短信/微信")
    MEETING = "meeting", _("面谈")


class ActivityDirection(models.TextChoices):
    OUTBOUND = "outbound", _("主动联系")
    INBOUND = "inbound", _("客户来电来访")


class ActivityOutcome(models.TextChoices):
    REACHED = "reached", _("已沟通")
    INTERESTED = "interested", _("有意向")
    NOT_INTERESTED = "not_interested", _("暂无意向")
    NO_ANSWER = "no_answer", _("未接通")
    FOLLOW_UP = "follow_up", _("约定再联系")


CONTACT_OUTCOMES = frozenset(
    {
        ActivityOutcome.REACHED,
        ActivityOutcome.INTERESTED,
        ActivityOutcome.NOT_INTERESTED,
        ActivityOutcome.FOLLOW_UP,
    }
)
"""Outcomes that count as a contact made (the ``contact_logged`` requirement): all but 未接通."""


class PartnerKind(models.TextChoices):
    """合作渠道的类型 (seed 000: 中介、房产经纪、商会、涉税数据合作、平台)."""

    INTERMEDIARY = "intermediary", _("助贷/贷款中介")
    REAL_ESTATE = "real_estate", _("房产经纪")
    CHAMBER = "chamber", _("商会/协会")
    TAX_DATA = "tax_data", _("涉税数据合作")
    PLATFORM = "platform", _("互联网平台")
    PARK = "park", _("产业园区/市场管委会")
    OTHER = "other", _("其他")


class ReferrerKind(models.TextChoices):
    """转介绍人 — who referred a lead."""

    CUSTOMER = "customer", _("客户")
    STAFF = "staff", _("员工")
    PARTNER = "partner", _("合作渠道")


class PlanStepKind(models.TextChoices):
    """What one step of an activity plan asks for."""

    CALL = "call", _("电话")
    VISIT = "visit", _("实地走访")
    MESSAGE = "message", _("短信/微信")
    MEETING = "meeting", _("面谈")
    PROPOSAL = "proposal", _("出具方案")
    DOCUMENTS = "documents", _("收集资料")


class SurveyKind(models.TextChoices):
    NPS = "nps", _("净推荐值（NPS，0–10 分）")
    CSAT = "csat", _("满意度（CSAT，1–5 分）")


class SurveyTrigger(models.TextChoices):
    """What the survey follows."""

    DISBURSEMENT = "disbursement", _("放款后")
    SERVICE = "service", _("服务事件后")


class SurveyStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    ANSWERED = "answered", _("已回复")


class FeedbackKind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")
    QUESTION = "question", _("咨询")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("待跟进")
    CLOSED = "closed", _("已办结")


OfferCategory = text_choices(next_offer.Category, "OfferCategory")


class OfferOutcome(models.TextChoices):
    OFFERED = "offered", _("已推荐")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")


class TerritoryKind(models.TextChoices):
    """片区类型 (seed 000 区域市场分析)."""

    PARK = "park", _("产业园区")
    DISTRICT = "district", _("商圈")
    MARKET = "market", _("专业市场")
    COMMUNITY = "community", _("社区")
    OTHER = "other", _("其他")


class CaseOutcome(models.TextChoices):
    WON = "won", _("成功案例")
    LOST = "lost", _("流失案例")


class EducationTopic(models.TextChoices):
    """金融知识 topics (seeds 001, 003)."""

    APR = "apr", _("年化利率怎么看")
    CREDIT_REPORT = "credit_report", _("征信与异议申诉")
    ILLEGAL_LENDING = "illegal_lending", _("识别非法放贷")
    REPAYMENT = "repayment", _("按时还款与提前还款")


class CareOccasion(models.TextChoices):
    """关怀时点 of the care calendar."""

    FESTIVAL = "festival", _("节日")
    BIRTHDAY = "birthday", _("生日")
    ANNIVERSARY = "anniversary", _("合作周年")
    MATURITY = "maturity", _("贷款到期")


Festival = text_choices(festivals.Festival, "Festival")
