"""Lead assignment (线索分配) — issue 17 "Assignment": which customer manager (客户经理) of a team gets
each new lead (线索). Pure Python: the team lead's page and the service call it, the models store what it
decides.

A team lead assigns new leads by hand or by rule:

- **Round robin (轮询)**: the managers take turns in a fixed order; the rotation goes on across batches
  (``after``: the last manager assigned before), so the next batch does not start over with the first.
- **Weighted by capacity (按接单能力加权)**: each manager has a weight of 1 to 10 (接单能力) and gets leads
  in proportion to it, interleaved rather than in runs — the smooth weighted round robin of nginx.

Every manager has a **daily quota (每日上限)**: nobody gets more leads in a day than their quota allows.
The caller passes what is left of it today (``Slot.remaining`` = quota − leads already assigned today,
clamped at 0 by the caller when the quota was lowered during the day). A manager whose quota is used up
drops out; leads that nobody can take stay in the team's pool (线索池): ``allocate`` then returns fewer
person ids than leads.

Fairness (what the tests check, over up to 1,000 leads):

- never above quota, and the number assigned is min(leads, Σ remaining) — a lead goes to the pool only when
  every manager's quota is used up;
- round robin, and the weighted rule with equal weights: among the managers who still had room at the
  end, nobody got more than one lead more than anybody else;
- weighted, as long as no quota runs out: after N leads a manager with weight w of the total W has never
  got one lead or more above N × w / W (proved below); at every whole cycle (N a multiple of W) the counts
  are exactly N × w / W; in between a manager may lag behind N × w / W by a little more than one lead
  (smooth weighted round robin does not promise less: with weights 4, 1, 1, 1, 1, 10, 1, 10, 10, 1, 1, 10
  — W = 51 — the last manager has 6 leads of 37 where 37 × 10 / 51 ≈ 7.25, 64/51 behind; a search over
  1–12 managers with weights 1–10 found no more, and none at all above one lead with 1–4 managers).

  Proof of the "never one above": after each turn the scores sum to 0 (every eligible slot adds its
  weight, W in all, and the winner gives W back); before the pick they sum to W > 0, so the highest is
  positive and the winner is left above −W; the others only grow. A score is N × w − n × W for a
  manager given n of N leads, so n × W < N × w + W.

- weighted, when some quota runs out midway: the managers left share the leads by their weights, but the
  score the leaving manager takes along is no longer balanced by the others', so the managers left can be
  off their weight share by more than one lead (2.5 in a case the tests keep). The quota and the pool rules
  still hold exactly.

All the arithmetic is on integers (weights and scores); the result is deterministic for given arguments.
The weighted rule starts from zero scores on every call (it has no ``after``): its shares hold within a
batch, not across batches — a batch of one lead always goes to the first slot of the highest weight.

Refusals (``AssignmentInvalid``, a ``DomainError``, HTTP 400):

- ``lead_assign_weight_invalid``: a weight that is not an integer from 1 to 10 (``True`` is not one);
- ``lead_assign_remaining_invalid``: a remaining quota that is negative or not an integer;
- ``lead_assign_count_invalid``: a number of leads that is negative or not an integer;
- ``lead_assign_duplicate_person``: the same manager twice among the slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from creditdesk.core.enums import LabelledEnum, gettext_noop
from creditdesk.core.exceptions import DomainError

MIN_WEIGHT = 1
MAX_WEIGHT = 10
"""接单能力: a manager's weight is an integer from ``MIN_WEIGHT`` to ``MAX_WEIGHT``."""


class Method(LabelledEnum):
    """分配方式 — how a team lead's rule hands out new leads (by hand is not a rule: no member here)."""

    ROUND_ROBIN = "round_robin", gettext_noop("轮询")
    WEIGHTED = "weighted", gettext_noop("按接单能力加权")


class AssignmentInvalid(DomainError):
    """The assignment's inputs break a rule (see the codes in the module docstring); ``extra`` names the
    manager (``person_id``) and the value refused."""


def _is_int(value: object) -> bool:
    """An ``int`` that is not a ``bool`` (``True`` would otherwise pass as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Slot:
    """One manager who can take leads now: id, capacity weight (接单能力, 1–10), how many more leads today
    (quota − already assigned today; 0: the daily quota (每日上限) is used up). Checked when made."""

    person_id: int
    weight: int
    remaining: int

    def __post_init__(self) -> None:
        if not _is_int(self.weight) or not MIN_WEIGHT <= self.weight <= MAX_WEIGHT:
            raise AssignmentInvalid(
                "lead_assign_weight_invalid",
                f"接单权重须为 {MIN_WEIGHT} 至 {MAX_WEIGHT} 的整数"
                f"（客户经理 {self.person_id}：{self.weight!r}）。",
                {"person_id": self.person_id, "weight": repr(self.weight)},
            )
        if not _is_int(self.remaining) or self.remaining < 0:
            raise AssignmentInvalid(
                "lead_assign_remaining_invalid",
                f"今日剩余可接线索数须为不小于 0 的整数（客户经理 {self.person_id}：{self.remaining!r}）。",
                {"person_id": self.person_id, "remaining": repr(self.remaining)},
            )


def _check(slots: Sequence[Slot], count: int) -> None:
    if not _is_int(count) or count < 0:
        raise AssignmentInvalid(
            "lead_assign_count_invalid",
            f"待分配的线索数须为不小于 0 的整数（收到 {count!r}）。",
            {"count": repr(count)},
        )
    seen: set[int] = set()
    for slot in slots:
        if slot.person_id in seen:
            raise AssignmentInvalid(
                "lead_assign_duplicate_person",
                f"同一客户经理在分配名单中出现了两次（客户经理 {slot.person_id}）。",
                {"person_id": slot.person_id},
            )
        seen.add(slot.person_id)


def _start(slots: Sequence[Slot], after: int | None) -> int:
    """Where the rotation goes on: just after ``after``'s slot; when ``after`` is not among the slots (that
    manager left the team or is away today), the first slot whose person_id is greater — the next one when
    the slots are listed by person_id, as callers should — and the first slot when there is none."""
    if after is None:
        return 0
    for index, slot in enumerate(slots):
        if slot.person_id == after:
            return (index + 1) % len(slots)
    return next((index for index, slot in enumerate(slots) if slot.person_id > after), 0)


def _round_robin(slots: Sequence[Slot], count: int, after: int | None) -> list[int]:
    left = [slot.remaining for slot in slots]
    room = sum(left)
    assigned: list[int] = []
    index = _start(slots, after)
    while len(assigned) < count and room > 0:
        if left[index] > 0:
            left[index] -= 1
            room -= 1
            assigned.append(slots[index].person_id)
        index = (index + 1) % len(slots)
    return assigned


def _weighted(slots: Sequence[Slot], count: int) -> list[int]:
    left = [slot.remaining for slot in slots]
    score = [0] * len(slots)
    eligible = [index for index, slot in enumerate(slots) if slot.remaining > 0]
    assigned: list[int] = []
    while len(assigned) < count and eligible:
        total = 0
        best = eligible[0]
        for index in eligible:
            score[index] += slots[index].weight
            total += slots[index].weight
            if score[index] > score[best]:  # strictly: a tie goes to the earlier slot
                best = index
        score[best] -= total
        left[best] -= 1
        assigned.append(slots[best].person_id)
        if left[best] == 0:
            eligible.remove(best)
    return assigned


def allocate(slots: Sequence[Slot], count: int, method: Method, *, after: int | None = None) -> list[int]:
    """The person_id for each of ``count`` leads in order; shorter than ``count`` when the quotas run out
    (the rest stay in the team's pool, 线索池).

    ``ROUND_ROBIN`` (轮询): cycle through the slots in the given order, starting with the first slot whose
    person_id comes after ``after`` in that order (the last person assigned before, so the rotation goes on
    across calls; None: from the start; see ``_start`` when ``after`` is not among the slots), skipping
    anybody with no remaining quota.

    ``WEIGHTED`` (按接单能力加权): smooth weighted round robin (nginx): each turn every eligible slot adds its
    weight to its score, the highest score wins — ties to the earlier slot — and the winner's score drops by
    the total weight of the eligible slots; a slot leaves when its quota is used up. ``after`` is ignored.

    Deterministic; integers only. Refuses bad inputs with ``AssignmentInvalid`` (module docstring).
    """
    _check(slots, count)
    if method == Method.ROUND_ROBIN:
        return _round_robin(slots, count, after)
    if method == Method.WEIGHTED:
        return _weighted(slots, count)
    raise ValueError(f"unknown assignment method {method!r}")


def counts(assigned: Sequence[int]) -> dict[int, int]:
    """person_id → number of leads in ``assigned``, in order of first appearance (managers given none are
    absent)."""
    result: dict[int, int] = {}
    for person_id in assigned:
        result[person_id] = result.get(person_id, 0) + 1
    return result
