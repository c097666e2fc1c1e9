"""Lead pipeline (线索管道) — issue 17 "Leads and pipeline": the stages, the moves between them, the stage
gates and the idle-time deadlines. Pure Python: the services and the kanban call it, the models store
what it decides.

Stages, in order: 新线索 ``new`` → 已联系 ``contacted`` → 需求确认 ``need_confirmed`` → 方案已提供
``proposal_offered`` → 申请中 ``applying`` → 已放款 ``disbursed``; or 已流失 ``lost``.

Moves (``check_move``):

- **Forward one step at a time**, and entering a stage passes its **gate** (阶段门槛): every requirement
  the gate of the stage entered lists must be met. A jump (新线索 → 方案已提供) is refused.
- **Back one step** is allowed without a gate (a proposal the customer turned down goes back to 需求确认),
  except from 已放款.
- **Any open stage → 已流失** requires a lost reason (流失原因; the reasons are data elsewhere, here only
  "a reason code is given"). A gate configured for 已流失 is checked too (none by default).
- **已流失 → 新线索** reopens the lead, without a gate; 已流失 goes nowhere else.
- **已放款 is final**: no move out of it.

Gates are data: a mapping stage → requirement keys (``Requirement``), configured by the bank in a rules
table (``parse_requirements`` reads one cell); ``DEFAULT_GATES`` is a starting point. What a lead has done
is ``LeadFacts``, one flag per requirement, which the service derives from the lead's record.

Idle time (停滞): each stage has a maximum idle time in days; a lead untouched longer is stalled (停滞,
flagged on the board), and once its recycle period has passed it returns to the team's pool (收回线索池).
Both periods count from the last touch (``deadlines``); the recycle period may be None (never recycled)
and is never shorter than the idle time. A lead is stalled (or due for recycling) strictly **after** its
deadline: touched at ``t`` with 3 idle days, it is not stalled at ``t + 3 days``, it is one second later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import Conflict, DomainError


class LeadStage(LabelledEnum):
    """线索阶段 — the pipeline stages; the order of declaration is the forward order, then 已流失."""

    NEW = "new", gettext_noop("新线索")
    CONTACTED = "contacted", gettext_noop("已联系")
    NEED_CONFIRMED = "need_confirmed", gettext_noop("需求确认")
    PROPOSAL_OFFERED = "proposal_offered", gettext_noop("方案已提供")
    APPLYING = "applying", gettext_noop("申请中")
    DISBURSED = "disbursed", gettext_noop("已放款")
    LOST = "lost", gettext_noop("已流失")


FORWARD: tuple[LeadStage, ...] = (
    LeadStage.NEW,
    LeadStage.CONTACTED,
    LeadStage.NEED_CONFIRMED,
    LeadStage.PROPOSAL_OFFERED,
    LeadStage.APPLYING,
    LeadStage.DISBURSED,
)
"""The forward order, 新线索 first, 已放款 last (已流失 is off the line)."""

OPEN_STAGES: tuple[LeadStage, ...] = tuple(
    stage for stage in LeadStage if stage not in (LeadStage.DISBURSED, LeadStage.LOST)
)
"""The stages a lead is still being worked in (every stage but 已放款 and 已流失)."""

_POSITION = {stage: index for index, stage in enumerate(FORWARD)}


class Requirement(LabelledEnum):
    """阶段要求 — what a gate may require before a lead enters a stage; ``LeadFacts`` says which are met."""

    CONTACT_LOGGED = "contact_logged", gettext_noop("已记录有效联系")
    NEED_RECORDED = "need_recorded", gettext_noop("已记录融资需求（用途与金额）")
    CUSTOMER_LINKED = "customer_linked", gettext_noop("已关联客户档案")
    PROPOSAL_ISSUED = "proposal_issued", gettext_noop("已出具方案")
    APPLICATION_SUBMITTED = "application_submitted", gettext_noop("已提交贷款申请")
    LOAN_DISBURSED = "loan_disbursed", gettext_noop("已放款")


DEFAULT_GATES: Mapping[LeadStage, tuple[Requirement, ...]] = {
    LeadStage.CONTACTED: (Requirement.CONTACT_LOGGED,),
    LeadStage.NEED_CONFIRMED: (Requirement.NEED_RECORDED,),
    LeadStage.PROPOSAL_OFFERED: (Requirement.PROPOSAL_ISSUED,),
    LeadStage.APPLYING: (Requirement.CUSTOMER_LINKED, Requirement.APPLICATION_SUBMITTED),
    LeadStage.DISBURSED: (Requirement.LOAN_DISBURSED,),
}
"""A starting configuration (one gate per forward stage); a bank configures its own as data."""


@dataclass(frozen=True)
class LeadFacts:
    """What a lead has done, one flag per ``Requirement`` (the field names are the requirement keys)."""

    contact_logged: bool = False
    need_recorded: bool = False
    customer_linked: bool = False
    proposal_issued: bool = False
    application_submitted: bool = False
    loan_disbursed: bool = False

    def met(self, requirement: Requirement | str) -> bool:
        """Whether ``requirement`` is met (an unknown key: ``lead_requirement_unknown``)."""
        return bool(getattr(self, _requirement(requirement).value))


def _unknown_requirement(key: str) -> DomainError:
    known = "、".join(requirement.value for requirement in Requirement)
    return DomainError(
        "lead_requirement_unknown",
        f"未知的阶段要求“{key}”。可用的要求：{known}。",
        {"key": key},
    )


def _requirement(value: Requirement | str) -> Requirement:
    try:
        return Requirement(value)
    except ValueError:
        raise _unknown_requirement(str(value)) from None


def _stage(value: LeadStage | str) -> LeadStage:
    try:
        return LeadStage(value)
    except ValueError:
        raise DomainError("lead_stage_unknown", f"未知的线索阶段“{value}”。", {"stage": str(value)}) from None


def parse_requirements(text: str) -> tuple[Requirement, ...]:
    """One cell of a gates table: requirement keys separated by commas (ASCII ``,`` or full-width ``，``),
    spaces around them allowed, letter case ignored, blank items skipped (an empty cell is no
    requirement: ``()``). A key repeated counts once, in the order first typed. An unknown key is refused
    (``lead_requirement_unknown``, ``extra["key"]``) so a typo never silently drops a requirement."""
    found: list[Requirement] = []
    for item in text.replace("，", ",").split(","):
        key = item.strip().lower()
        if not key:
            continue
        try:
            requirement = Requirement(key)
        except ValueError:
            raise _unknown_requirement(item.strip()) from None
        if requirement not in found:
            found.append(requirement)
    return tuple(found)


def missing(
    target: LeadStage | str, facts: LeadFacts, gates: Mapping[LeadStage, Sequence[Requirement]]
) -> tuple[Requirement, ...]:
    """The requirements of ``target``'s gate that ``facts`` do not meet, in the gate's order, each once
    (``()`` when the stage has no gate). ``check_move`` refuses a gated move with them; a kanban card shows
    them as what the lead still lacks."""
    stage = _stage(target)
    lacking: list[Requirement] = []
    for value in gates.get(stage, ()):
        requirement = _requirement(value)
        if not facts.met(requirement) and requirement not in lacking:
            lacking.append(requirement)
    return tuple(lacking)


def _is_step(current: LeadStage, target: LeadStage, step: int) -> bool:
    if current not in _POSITION or target not in _POSITION:
        return False
    return _POSITION[target] - _POSITION[current] == step


def check_move(
    current: LeadStage | str,
    target: LeadStage | str,
    *,
    facts: LeadFacts,
    gates: Mapping[LeadStage, Sequence[Requirement]],
    lost_reason: str = "",
) -> LeadStage:
    """The stage a lead in ``current`` may move to, ``target``, or the refusal (see the module docstring):

    - ``lead_stage_unknown`` (DomainError): a stage that does not exist;
    - ``lead_stage_unchanged`` (Conflict): ``target`` is ``current``;
    - ``lead_closed`` (Conflict): the lead is 已放款, final;
    - ``lead_stage_transition`` (Conflict): neither one step forward, one step back, an open stage to
      已流失 nor 已流失 to 新线索 (a jump, or 已流失 to anything but 新线索);
    - ``lead_lost_reason_required`` (DomainError): to 已流失 without a reason (blank counts as none);
    - ``lead_stage_gate`` (Conflict): a gated move (forward, or to 已流失 when a gate is configured for
      it) whose requirements are not all met; ``extra`` has the ``missing`` keys and their ``labels``.
    """
    source = _stage(current)
    destination = _stage(target)
    if source == destination:
        raise Conflict(
            "lead_stage_unchanged",
            f"线索已处于“{source.label}”阶段。",
            {"stage": source.value},
        )
    if source == LeadStage.DISBURSED:
        raise Conflict("lead_closed", "线索已放款，阶段不能再变更。", {"stage": source.value})

    if destination == LeadStage.LOST:
        if not lost_reason.strip():
            raise DomainError(
                "lead_lost_reason_required", "标记为“已流失”须选择流失原因。", {"field": "lost_reason"}
            )
        gated = True
    elif source == LeadStage.LOST and destination == LeadStage.NEW:
        gated = False  # reopened
    elif _is_step(source, destination, 1):
        gated = True
    elif _is_step(source, destination, -1):
        gated = False
    else:
        raise Conflict(
            "lead_stage_transition",
            f"线索不能从“{source.label}”直接转到“{destination.label}”：须逐级推进或退回一级。",
            {"current": source.value, "target": destination.value},
        )

    if gated:
        lacking = missing(destination, facts, gates)
        if lacking:
            labels = [requirement.label for requirement in lacking]
            raise Conflict(
                "lead_stage_gate",
                f"进入“{destination.label}”前须完成：{'、'.join(labels)}。",
                {"missing": [requirement.value for requirement in lacking], "labels": labels},
            )
    return destination


@dataclass(frozen=True)
class Deadlines:
    """When a lead touched last at some moment becomes stalled (停滞) and when it is due to return to the
    team's pool (收回线索池; None: never)."""

    stalled_after: datetime
    recycle_after: datetime | None


def _whole_days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def deadlines(touched_at: datetime, max_idle_days: int, recycle_days: int | None) -> Deadlines:
    """The deadlines of a lead last touched at ``touched_at`` in a stage whose maximum idle time is
    ``max_idle_days`` and whose recycle period is ``recycle_days``, both whole days counted from the last
    touch (a day is 24 hours; pass aware datetimes): stalled after ``touched_at + max_idle_days``,
    recycled after ``touched_at + recycle_days`` (None: never).

    Refused: an idle time that is not a whole number of days ≥ 1 (``lead_idle_days_invalid``); a recycle
    period that is not a whole number of days or is shorter than the idle time
    (``lead_recycle_days_invalid``) — a lead is stalled before it is taken back."""
    if not _whole_days(max_idle_days) or max_idle_days < 1:
        raise DomainError(
            "lead_idle_days_invalid",
            "阶段最长停留天数应为不小于 1 的整数。",
            {"field": "max_idle_days", "value": repr(max_idle_days)},
        )
    if recycle_days is not None and (not _whole_days(recycle_days) or recycle_days < max_idle_days):
        raise DomainError(
            "lead_recycle_days_invalid",
            f"收回线索池的天数应为整数，且不少于阶段最长停留天数（{max_idle_days} 天）；不收回请留空。",
            {"field": "recycle_days", "value": repr(recycle_days)},
        )
    return Deadlines(
        stalled_after=touched_at + timedelta(days=max_idle_days),
        recycle_after=None if recycle_days is None else touched_at + timedelta(days=recycle_days),
    )


def is_stalled(deadlines: Deadlines, now: datetime) -> bool:
    """停滞: ``now`` is strictly after ``stalled_after`` (at the deadline itself the lead is not yet)."""
    return now > deadlines.stalled_after


def is_due_for_recycling(deadlines: Deadlines, now: datetime) -> bool:
    """收回线索池: there is a recycle deadline and ``now`` is strictly after it."""
    return deadlines.recycle_after is not None and now > deadlines.recycle_after
