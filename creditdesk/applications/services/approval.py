"""Submission, decisions and committee votes (审批, issue 15 items 7 and 8).

``application_submit`` checks that the file is complete, routes the application through the routing
matrix to its levels (each with a person, a start and an SLA due time), and hands it to the first level.
``application_decide`` records one level's decision — recommend, approve (possibly with changed terms and
conditions), return saying what is missing, reject with reason codes — and moves the application on.
``committee_vote`` records a member's vote at a 贷审会 level and decides when the quorum is reached.
Who may decide what is the policy module's (审贷分离, maker-checker, authority); the concession matrix is
``routing.check_concession``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy, scope
from creditdesk.accounts.choices import Role
from creditdesk.accounts.models import User
from creditdesk.applications import routing
from creditdesk.applications.lifecycle import EDITABLE, IN_REVIEW, Status
from creditdesk.applications.models import (
    Application,
    ApprovalStep,
    CommitteeVote,
    ConcessionLimit,
    Decision,
    RoutingRule,
)
from creditdesk.applications.routing import Level, Outcome
from creditdesk.applications.selectors import exposure
from creditdesk.applications.services import documents, signing
from creditdesk.applications.services.transitions import (
    application_lock,
    application_lock_visible,
    application_move,
)
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.notifications.choices import Event
from creditdesk.notifications.services import outbox_put

# 批复有效期: an approval not signed and disbursed within this many days lapses (bank practice; data).
APPROVAL_VALID_DAYS = 90
APPROVING = frozenset({Outcome.APPROVE, Outcome.APPROVE_WITH_CHANGES})
AMOUNT_LEVELS = frozenset({Level.APPROVER, Level.SENIOR_APPROVER})


def route_for(amount: Decimal, product_code: str, grade: str | None) -> tuple[routing.RouteRule, RoutingRule]:
    """The routing matrix's row for the application (``routing.route`` on the rows as the pure core
    reads them) and the row itself (its name and SLA)."""
    rows = list(RoutingRule.objects.all())
    rules = {
        id(rule): (rule, row)
        for row in rows
        for rule in [
            routing.RouteRule(
                position=row.position,
                levels=tuple(Level(level.strip()) for level in row.levels.split(",") if level.strip()),
                min_amount=row.min_amount,
                max_amount=row.max_amount,
                product_code=row.product_code,
                grades=tuple(g.strip() for g in row.grades.split(",") if g.strip()),
                quorum=row.quorum,
            )
        ]
    }
    chosen = routing.route([rule for rule, _row in rules.values()], amount, product_code, grade)
    return rules[id(chosen)]


def concession_limits() -> list[routing.ConcessionAuthority]:
    return [
        routing.ConcessionAuthority(
            role=row.role, max_rate_bp=row.max_rate_bp, source=row.source, max_amount_pct=row.max_amount_pct
        )
        for row in ConcessionLimit.objects.all()
    ]


def total_amount(application: Application) -> Decimal:
    return sum((p.amount for p in application.parts.all()), Decimal(0))


def concession_bp(application: Application) -> int:
    """The largest rate concession of the application's parts (bp below the product's price)."""
    return max(
        (routing.rate_concession_bp(p.priced_rate, p.annual_rate) for p in application.parts.all()), default=0
    )


def limit_concession_pct(application: Application) -> int:
    """The largest limit concession of the application's parts (percent above the product's maximum)."""
    return max(
        (
            routing.limit_concession_pct(p.product_version.as_spec().max_amount, p.amount)
            for p in application.parts.select_related("product_version")
        ),
        default=0,
    )


# --- submission ------------------------------------------------------------------------------------------


def _require_ready(application: Application, today: date) -> None:
    """What must be true before an application goes to approval: the investigation concluded, the
    borrower's identity verified (联网核查, ID not expired), every mandatory document present and valid,
    and the customer's and the group's exposure within the limits."""
    if not application.recommendation:
        raise DomainError(
            "investigation_incomplete",
            _("请先完成贷前调查并填写调查结论。"),
            {"field": "recommendation"},
        )
    signing.require_identity_verified(application=application, today=today, roles=("borrower",))
    documents.require_checklist_complete(application=application, today=today)
    exposure.exposure_check(application=application)


def _steps_for(application: Application, rule: routing.RouteRule, bp: int, pct: int) -> list[Level]:
    """The route's levels; a rate or limit concession beyond the team lead's authority adds the branch
    head right after the team lead; a team lead's own application skips the team lead's recommendation."""
    levels = list(rule.levels)
    lead = next((lim for lim in concession_limits() if lim.role == Role.TEAM_LEAD), None)
    beyond_lead = bp > (lead.max_rate_bp if lead else 0) or pct > (lead.max_amount_pct if lead else 0)
    if beyond_lead and Level.BRANCH_HEAD not in levels:
        at = levels.index(Level.TEAM_LEAD) + 1 if Level.TEAM_LEAD in levels else 0
        levels.insert(at, Level.BRANCH_HEAD)
    made_by_lead = Role.TEAM_LEAD in (application.owner.role, application.created_by.role)
    if made_by_lead and Level.TEAM_LEAD in levels:
        levels.remove(Level.TEAM_LEAD)
    return levels


def _no_one(level: Level) -> DomainError:
    return DomainError(
        "no_approver_available",
        _("找不到可以承担「%(level)s」的人员（须有足够的审批权限且不是本案经办人），请联系风险经理。")
        % {"level": _(level.label)},
        {"level": level.value},
    )


def _assignee(application: Application, level: Level, total: Decimal, taken: set[int]) -> User | None:
    """Who decides ``level`` for ``application``: the CM's team lead; the branch's approver with the
    smallest sufficient authority (a senior approver: the largest, another person than the approver);
    the branch head; nobody at a committee (its members vote)."""
    owner = application.owner
    mine = {owner.pk, application.created_by_id, application.customer.owner_id}
    people = User.objects.filter(is_active=True, branch_id=owner.branch_id).exclude(pk__in=mine)
    found: User | None
    if level == Level.COMMITTEE:
        return None
    if level == Level.TEAM_LEAD:
        found = people.filter(role=Role.TEAM_LEAD, team_id=owner.team_id).order_by("pk").first()
    elif level == Level.BRANCH_HEAD:
        found = people.filter(role=Role.BRANCH_HEAD).order_by("pk").first()
    else:
        approvers = people.filter(role=Role.APPROVER, approval_authority__gte=total)
        if level == Level.SENIOR_APPROVER:
            found = (
                approvers.exclude(pk__in=taken).order_by("-approval_authority", "pk").first()
                or approvers.order_by("-approval_authority", "pk").first()
            )
        else:
            found = approvers.order_by("approval_authority", "pk").first()
    if found is None:
        raise _no_one(level)
    return found


def _begin(step: ApprovalStep, sla_hours: int) -> None:
    now = timezone.now()
    step.started_at = now
    step.due_at = now + timedelta(hours=sla_hours)
    step.save(update_fields=["started_at", "due_at"])


@transaction.atomic(durable=True)
def application_submit(*, actor: User, application_id: int, concession_reason: str = "") -> Application:
    """提交审批. Rules: by the CM (or team lead) while the application is theirs to shape; the file is
    ready (``_require_ready``); the routing matrix names a route for the amount, product and grade
    (``no_route``); a rate below the product's price is a concession asked with a reason and within the
    bank's highest concession authority (beyond it: head office, ``concession_needs_head_office``);
    every level has a person. The levels are created with their SLA; the first level starts now. (A
    replayed API request is answered by its ``Idempotency-Key`` record; a second submission of the same
    application is refused for its status.)"""
    application = application_lock_visible(actor=actor, application_id=application_id)
    policy.require(actor, Action.APPLICATION_WORK, application)
    if application.status not in {s.value for s in EDITABLE}:
        raise Conflict(
            "application_not_editable",
            _("申请当前为「%(status)s」，不能提交。") % {"status": application.get_status_display()},
        )
    today = timezone.localdate()
    _require_ready(application, today)
    total = total_amount(application)
    first = application.parts.order_by("position").first()
    assert first is not None
    rule, row = route_for(total, first.product_version.product.code, application.grade or None)
    bp, pct = concession_bp(application), limit_concession_pct(application)
    limits = concession_limits()
    bank = routing.ConcessionAuthority(
        role="bank",
        max_rate_bp=max((lim.max_rate_bp for lim in limits), default=0),
        max_amount_pct=max((lim.max_amount_pct for lim in limits), default=0),
    )
    routing.check_concession([bank], "bank", bp, concession_reason)
    routing.check_limit_concession([bank], "bank", pct, concession_reason)
    levels = _steps_for(application, rule, bp, pct)
    round_no = (application.steps.order_by("-round").values_list("round", flat=True).first() or 0) + 1
    taken: set[int] = set()
    steps = []
    for position, level in enumerate(levels, start=1):
        person = _assignee(application, level, total, taken)
        if person is not None:
            taken.add(person.pk)
        steps.append(
            ApprovalStep.objects.create(
                application=application,
                round=round_no,
                position=position,
                level=level,
                quorum=rule.quorum if level == Level.COMMITTEE else 0,
                assigned_to=person,
            )
        )
    note = (
        _("利率优惠 %(bp)s 个基点：%(reason)s") % {"bp": bp, "reason": concession_reason.strip()}
        if bp
        else ""
    )
    if application.status != Status.DOCUMENTS_COMPLETE:
        application_move(application=application, to=Status.DOCUMENTS_COMPLETE, actor=actor)
    application_move(application=application, to=Status.SUBMITTED, actor=actor, note=note)
    _begin(steps[0], row.sla_hours)
    application.current_level = 1
    application.assigned_to = steps[0].assigned_to
    application.submitted_at = timezone.now()
    application.save(update_fields=["current_level", "assigned_to", "submitted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="application.submit",
        target=application,
        after={
            "route": row.name,
            "levels": [s.level for s in steps],
            "assigned_to": [s.assigned_to_id for s in steps],
            "concession_bp": bp,
        },
    )
    _announce_level(application, steps[0])
    return application


# --- decisions -------------------------------------------------------------------------------------------


def current_step(application: Application) -> ApprovalStep:
    step = (
        application.steps.filter(position=application.current_level, ended_at__isnull=True)
        .order_by("-round")
        .first()
    )
    if step is None:
        raise Conflict("not_in_review", _("该申请当前不在审批中。"))
    return step


def _check_changes(application: Application, changes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """An approval may lower an amount, change the rate, or change the term within the product's range;
    it never raises the amount (a larger limit is a new application)."""
    parts = {p.pk: p for p in application.parts.select_related("product_version")}
    done = []
    for change in changes:
        part = parts.get(change.get("part"))  # type: ignore[arg-type]
        if part is None:
            raise DomainError("change_part_unknown", _("调整的贷款品种不属于该申请。"), {"field": "changes"})
        spec = part.product_version.as_spec()
        amount = change.get("amount")
        rate = change.get("annual_rate")
        term = change.get("term_months")
        row: dict[str, Any] = {"part": part.pk}
        if amount is not None:
            amount = Decimal(str(amount))
            if amount > part.amount:
                raise DomainError(
                    "change_increases_amount", _("审批只能调减金额，不能调增。"), {"field": "changes"}
                )
            if amount < spec.min_amount or amount <= 0:
                raise DomainError(
                    "amount_out_of_range",
                    _("调整后金额低于产品下限 %(lo)s 元。") % {"lo": spec.min_amount},
                    {"field": "changes"},
                )
            row["amount"] = [str(part.amount), str(amount)]
            part.amount = amount
        if term is not None:
            term = int(term)
            if not spec.min_term_months <= term <= spec.max_term_months:
                raise DomainError(
                    "term_out_of_range",
                    _("调整后期限须在 %(lo)s–%(hi)s 个月之间。")
                    % {"lo": spec.min_term_months, "hi": spec.max_term_months},
                    {"field": "changes"},
                )
            row["term_months"] = [part.term_months, term]
            part.term_months = term
        if rate is not None:
            rate = Decimal(str(rate))
            if not Decimal(0) < rate < Decimal(100):
                raise DomainError("rate_invalid", _("年利率须大于 0 且小于 100%。"), {"field": "changes"})
            row["annual_rate"] = [str(part.annual_rate), str(rate)]
            part.annual_rate = rate
        if len(row) == 1:
            raise DomainError("change_empty", _("请说明调整的内容。"), {"field": "changes"})
        done.append((part, row))
    for part, _row in done:
        part.save()
    application._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    return [row for _part, row in done]


def _check_outcome(step: ApprovalStep, last: bool, outcome: Outcome, data: dict[str, Any]) -> None:
    if step.level == Level.COMMITTEE:
        raise Conflict("committee_votes_only", _("贷审会环节须由委员投票表决。"))
    if outcome == Outcome.RECOMMEND and last:
        raise DomainError(
            "final_level_must_decide",
            _("这是最后一个审批环节，请作出批准、退回或拒绝的决定。"),
            {"field": "outcome"},
        )
    if outcome in APPROVING and step.level == Level.TEAM_LEAD:
        raise DomainError(
            "team_lead_recommends", _("团队主管环节出具推荐意见，不作批准决定。"), {"field": "outcome"}
        )
    if outcome == Outcome.RETURN and not [m for m in data["missing"] if str(m).strip()]:
        raise DomainError("missing_required", _("退回补充时请逐项写明需要补充的内容。"), {"field": "missing"})
    if outcome == Outcome.REJECT:
        codes = data["reason_codes"]
        valid = {r.value for r in routing.RejectReason}
        if not codes or any(c not in valid for c in codes):
            raise DomainError("reason_codes_required", _("拒绝时请选择拒绝原因。"), {"field": "reason_codes"})
    if outcome == Outcome.APPROVE_WITH_CHANGES and not data["changes"] and not data["conditions"]:
        raise DomainError(
            "changes_required", _("调整后批准请写明调整的金额、利率、期限或附加条件。"), {"field": "changes"}
        )


def _grant_concession(
    actor: User, application: Application, step: ApprovalStep, later: Sequence[ApprovalStep], reason: str
) -> int:
    """The concessions the decision grants (rate and limit), checked against the decider's authority — at
    the team lead's level unless a branch head's level follows (then the head grants them), at the head's
    level, and at any level whose decision lowers the rate further than what was submitted. Returns the
    rate concession in bp (the limit concession is the parts' amounts, kept on the parts)."""
    bp, pct = concession_bp(application), limit_concession_pct(application)
    if not (bp or pct):
        return 0
    head_follows = any(s.level == Level.BRANCH_HEAD for s in later)
    granting = step.level == Level.BRANCH_HEAD or (step.level == Level.TEAM_LEAD and not head_follows)
    if granting:
        routing.check_concession(concession_limits(), actor.role, bp, reason)
        routing.check_limit_concession(concession_limits(), actor.role, pct, reason)
    return bp


def _finish_review(application: Application, actor: User | None, outcome: Outcome, today: date) -> None:
    decisions = Decision.objects.filter(application=application, step__round=_round_of(application))
    changed = outcome == Outcome.APPROVE_WITH_CHANGES or any(
        d.outcome == Outcome.APPROVE_WITH_CHANGES for d in decisions
    )
    conditions: list[str] = []
    for d in decisions.order_by("decided_at", "id"):
        conditions += [c for c in d.conditions if c not in conditions]
    target = Status.APPROVED_WITH_CHANGES if changed else Status.APPROVED
    if application.status == Status.SUBMITTED:
        application_move(application=application, to=Status.UNDER_REVIEW, actor=actor)
    application_move(application=application, to=target, actor=actor)
    application.conditions = conditions
    application.approval_expires_on = today + timedelta(days=APPROVAL_VALID_DAYS)
    application.decided_at = timezone.now()
    application.assigned_to = None
    application.current_level = None
    application.save(
        update_fields=[
            "conditions",
            "approval_expires_on",
            "decided_at",
            "assigned_to",
            "current_level",
            "updated_at",
        ]
    )


def _round_of(application: Application) -> int:
    return application.steps.order_by("-round").values_list("round", flat=True).first() or 1


def _end_review(application: Application, actor: User, to: Status, note: str) -> None:
    application_move(application=application, to=to, actor=actor, note=note)
    application.assigned_to = None
    application.current_level = None
    application.decided_at = timezone.now() if to == Status.REJECTED else application.decided_at
    application.save(update_fields=["assigned_to", "current_level", "decided_at", "updated_at"])
    application.steps.filter(ended_at__isnull=True).update(ended_at=timezone.now())


def _advance(application: Application, actor: User | None, step: ApprovalStep, outcome: Outcome) -> None:
    """After a favourable decision: the next level starts, or the review ends approved."""
    later = application.steps.filter(round=step.round, position__gt=step.position).order_by("position")
    following = later.first()
    if following is None:
        _finish_review(application, actor, outcome, timezone.localdate())
        _announce_decision(application, outcome)
        return
    move_to = Status.UNDER_REVIEW
    application_move(
        application=application,
        to=move_to,
        actor=actor,
        note=_("转入「%(level)s」") % {"level": following.get_level_display()},
    )
    _begin(following, _sla_for(application))
    application.current_level = following.position
    application.assigned_to = following.assigned_to
    application.save(update_fields=["current_level", "assigned_to", "updated_at"])
    _announce_level(application, following)


def _sla_for(application: Application) -> int:
    first = application.steps.filter(round=_round_of(application), position=1).first()
    if first and first.started_at and first.due_at:
        return int((first.due_at - first.started_at).total_seconds() // 3600)
    return 24


@transaction.atomic(durable=True)
def application_decide(
    *,
    actor: User,
    application_id: int,
    outcome: str,
    comment: str = "",
    reason_codes: Sequence[str] = (),
    missing: Sequence[str] = (),
    conditions: Sequence[str] = (),
    changes: Sequence[dict[str, Any]] = (),
    concession_reason: str = "",
    idempotency_key: str = "",
) -> Decision:
    """出具审批意见 at the level the application waits at. Rules (policy): the level is routed to the
    actor (审贷分离); not their own case (maker-checker); an approver approves within their amount
    authority, measured on the amounts as approved; a concession within the decider's concession
    authority, with its reason. Decisions: recommend (not at the last level), approve / approve with
    changes (lower amount, another rate or term, conditions), return (saying what is missing), reject
    (with reason codes). A replay of the same idempotency key returns the first decision."""
    application = application_lock_visible(actor=actor, application_id=application_id)
    if idempotency_key:
        done = Decision.objects.filter(
            application=application, decided_by=actor, idempotency_key=idempotency_key
        ).first()
        if done is not None:
            return done
    policy.require(actor, Action.APPLICATION_DECIDE, application)
    policy.require(actor, Action.APPLICATION_NOT_OWN_CASE, application)
    if application.status not in {s.value for s in IN_REVIEW}:
        raise Conflict("not_in_review", _("该申请当前不在审批中。"))
    try:
        chosen = Outcome(outcome)
    except ValueError:
        raise DomainError("outcome_invalid", _("审批意见无效。"), {"field": "outcome"}) from None
    step = current_step(application)
    later = list(application.steps.filter(round=step.round, position__gt=step.position))
    data = {
        "missing": [str(m).strip()[:500] for m in missing if str(m).strip()],
        "reason_codes": list(reason_codes),
        "conditions": [str(c).strip()[:500] for c in conditions if str(c).strip()],
        "changes": list(changes),
    }
    _check_outcome(step, not later, chosen, data)
    applied: list[dict[str, Any]] = []
    bp = 0
    if chosen in APPROVING or chosen == Outcome.RECOMMEND:
        applied = (
            _check_changes(application, data["changes"]) if chosen == Outcome.APPROVE_WITH_CHANGES else []
        )
        if step.level in AMOUNT_LEVELS:
            application.decided_total = total_amount(application)  # type: ignore[attr-defined]
            policy.require(actor, Action.APPLICATION_WITHIN_AUTHORITY, application)
        bp = _grant_concession(actor, application, step, later, concession_reason)
        if applied and any("annual_rate" in row for row in applied) and step.level in AMOUNT_LEVELS:
            routing.check_concession(concession_limits(), actor.role, bp, concession_reason)
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                application=application,
                step=step,
                outcome=chosen,
                decided_by=actor,
                comment=comment.strip()[:4000],
                reason_codes=data["reason_codes"] if chosen == Outcome.REJECT else [],
                missing=data["missing"] if chosen == Outcome.RETURN else [],
                conditions=data["conditions"] if chosen in APPROVING or chosen == Outcome.RECOMMEND else [],
                changes=applied,
                concession_bp=bp,
                concession_reason=concession_reason.strip()[:500] if bp else "",
                idempotency_key=idempotency_key[:100],
                decided_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict("already_decided", _("该审批环节已经作出决定。")) from None
    step.ended_at = decision.decided_at
    step.save(update_fields=["ended_at"])
    audit_record(
        actor=actor,
        action="application.decide",
        target=application,
        after={
            "level": step.level,
            "outcome": chosen.value,
            "changes": applied,
            "conditions": decision.conditions,
            "reason_codes": decision.reason_codes,
            "missing": decision.missing,
            "concession_bp": bp,
        },
    )
    if chosen == Outcome.RETURN:
        _end_review(application, actor, Status.RETURNED, "；".join(decision.missing))
        _announce_decision(application, chosen)
    elif chosen == Outcome.REJECT:
        _end_review(application, actor, Status.REJECTED, ",".join(decision.reason_codes))
        _announce_decision(application, chosen)
    else:
        _advance(application, actor, step, chosen)
    return decision


# --- the credit committee --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def committee_vote(*, actor: User, application_id: int, vote: str, comment: str = "") -> CommitteeVote:
    """贷审会表决. Rules: the application waits at a committee level; the voter is a member of the
    branch's committee and not on their own case (``COMMITTEE_VOTE``); one vote each. When the approving
    votes reach the level's quorum the committee approves (the level's decision); when the rejecting
    votes reach it, the committee rejects."""
    application = application_lock(application_id=application_id)
    # a committee member of the branch sees the case while the committee sits (selectors.committee_queue)
    if not (scope.can_see(actor, application) or policy.can(actor, Action.COMMITTEE_VOTE, application)):
        raise NotFound("not_found", _("申请不存在或不在您的权限范围内。"))
    policy.require(actor, Action.COMMITTEE_VOTE, application)
    if application.status not in {s.value for s in IN_REVIEW}:
        raise Conflict("not_in_review", _("该申请当前不在审批中。"))
    step = current_step(application)
    if step.level != Level.COMMITTEE:
        raise Conflict("not_at_committee", _("该申请当前不在贷审会环节。"))
    if vote not in CommitteeVote.Vote.values:
        raise DomainError("vote_invalid", _("表决意见须为同意或不同意。"), {"field": "vote"})
    if step.votes.filter(member=actor).exists():
        raise Conflict("already_voted", _("您已对该申请投过票。"))
    cast = CommitteeVote.objects.create(
        step=step, member=actor, vote=vote, comment=comment.strip()[:1000], voted_at=timezone.now()
    )
    audit_record(actor=actor, action="application.committee_vote", target=application, after={"vote": vote})
    counts = {v: step.votes.filter(vote=v).count() for v in CommitteeVote.Vote.values}
    quorum = max(step.quorum, 1)
    if counts[CommitteeVote.Vote.APPROVE] >= quorum or counts[CommitteeVote.Vote.REJECT] >= quorum:
        approved = counts[CommitteeVote.Vote.APPROVE] >= quorum
        outcome = Outcome.APPROVE if approved else Outcome.REJECT
        decision = Decision.objects.create(
            application=application,
            step=step,
            outcome=outcome,
            decided_by=None,
            comment=_("贷审会表决：同意 %(yes)s 票，不同意 %(no)s 票。")
            % {"yes": counts[CommitteeVote.Vote.APPROVE], "no": counts[CommitteeVote.Vote.REJECT]},
            reason_codes=[] if approved else [routing.RejectReason.OTHER.value],
            decided_at=timezone.now(),
        )
        step.ended_at = decision.decided_at
        step.save(update_fields=["ended_at"])
        if approved:
            _advance(application, None, step, outcome)
        else:
            _end_review(application, actor, Status.REJECTED, decision.comment)
            _announce_decision(application, outcome)
    return cast


# --- notifications ---------------------------------------------------------------------------------------


def _notify(recipient: User | None, event: str, title: str, application: Application, key: str) -> None:
    """An in-app notification written to the outbox in this transaction (delivered after commit)."""
    if recipient is None:
        return
    outbox_put(
        recipient=recipient,
        event=event,
        title=title,
        body=f"{application.number} · {application.customer.name}",
        link=f"/applications/{application.pk}/",
        dedupe_key=key,
    )


def _announce_level(application: Application, step: ApprovalStep) -> None:
    _notify(
        step.assigned_to,
        Event.APPROVAL_ROUTED,
        _("有一笔贷款申请等待您审批（%(level)s）") % {"level": step.get_level_display()},
        application,
        f"application.routed:{step.pk}",
    )


def _announce_decision(application: Application, outcome: Outcome) -> None:
    _notify(
        application.owner,
        Event.DECISION_MADE,
        _("贷款申请审批结果：%(outcome)s") % {"outcome": _(outcome.label)},
        application,
        f"application.decided:{application.pk}:{application.stage_events.count()}",
    )
