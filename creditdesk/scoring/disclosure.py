"""What of a pre-assessment a person may read: a sensitive feature's value in clear, or masked.

Rule (RULES.md "Personal information"; PIPL art. 28 and 51; JR/T 0171-2020 C3): a sensitive feature
(``features.Feature.sensitive``: the monthly income, read from encrypted customer and need fields) is shown
in clear — in the inputs, the contributions, the reason codes, the warnings and the reasons in the
customer's terms — only to a person the policy lets unmask the customer's values
(``Action.SENSITIVE_UNMASK``: the owner CM, the team lead, the branch's risk manager, a routed approver;
not the branch head, not the administrator). Everyone else reads the mask ("已登记",
``customers.sensitive.mask_amount``) in the value's place, and the customer reasons in the registry's
masked sentence ("月收入低于 50,000.00 元": ``adverse.masked_reason``). The masked texts are built from the
same templates as the clear ones, never by editing a sentence. There is no unmask flow here: whoever may
see the income in clear sees it on this page already, and the customer page unmasks it with a reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from creditdesk.accounts import policy
from creditdesk.core.actions import Action
from creditdesk.customers.sensitive import mask_amount
from creditdesk.scoring import engine
from creditdesk.scoring.adverse import masked_reason
from creditdesk.scoring.features import SENSITIVE
from creditdesk.scoring.models import Assessment
from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN, out_of_range
from creditdesk.scoring.scorer.numerical import NumericalVariable
from creditdesk.scoring.scorer.reasons import reason_message
from creditdesk.scoring.scorer.results import Contribution

_CONTRIBUTION_FIELDS = tuple(item.name for item in fields(Contribution))


def may_see_sensitive(user: Any, customer: Any = None) -> bool:
    """Whether ``user`` reads the customer's sensitive values in clear (the policy's
    ``Action.SENSITIVE_UNMASK``). Without ``customer`` only the role is asked: for rows already taken
    through the person's scope (an assessment is in scope exactly when its customer is: the same paths,
    ``models.CUSTOMER_SCOPE``), which is then the same answer without a query per row."""
    return policy.can(user, Action.SENSITIVE_UNMASK, customer)


def hidden_features(*, clear: bool) -> frozenset[str]:
    """The features whose values are masked for a person who reads clear values or not."""
    return frozenset() if clear else SENSITIVE


@dataclass(frozen=True)
class Shown:
    """An assessment's JSON as one person reads it; ``masked``: sensitive values were replaced."""

    inputs: dict[str, Any]
    contributions: list[dict[str, Any]]
    reasons: list[dict[str, Any]]
    customer_reasons: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    masked: bool = False
    hidden: frozenset[str] = field(default_factory=frozenset)


def _quotes_value(value: Any) -> bool:
    return value not in (None, NOT_APPLICABLE, UNKNOWN)


def shown(assessment: Assessment, *, clear: bool) -> Shown:
    """``assessment``'s inputs, contributions, reasons, customer reasons and warnings, with every sensitive
    feature's value masked unless ``clear`` (see the module docstring)."""
    stored = Shown(
        inputs=dict(assessment.inputs or {}),
        contributions=list(assessment.contributions or []),
        reasons=list(assessment.reasons or []),
        customer_reasons=list(assessment.customer_reasons or []),
        warnings=list(assessment.warnings or []),
    )
    hidden = hidden_features(clear=clear) & set(stored.inputs)
    if not hidden:
        return stored
    card = engine.load(assessment.model)
    mask = str(mask_amount(None))
    inputs = {
        name: {**item, "value": mask} if name in hidden and _quotes_value(item.get("value")) else item
        for name, item in stored.inputs.items()
    }
    placed: dict[str, Mapping[str, Any]] = {}
    contributions = []
    for row in stored.contributions:
        placed[row["variable"]] = row
        if row["variable"] in hidden and _quotes_value(row.get("value")):
            row = {**row, "value": mask, "value_label": mask}
        contributions.append(row)
    reasons = []
    for reason in stored.reasons:
        row = placed.get(reason["variable"])
        if reason["variable"] in hidden and row is not None:
            masked = next(item for item in contributions if item["variable"] == reason["variable"])
            contribution = Contribution(**{name: masked[name] for name in _CONTRIBUTION_FIELDS})
            reason = {**reason, "message": reason_message(contribution, card.variable(reason["variable"]))}
        reasons.append(reason)
    customer_reasons = [
        masked_reason(card, reason, placed[reason["feature"]])
        if reason["feature"] in hidden and reason["feature"] in placed
        else reason
        for reason in stored.customer_reasons
    ]
    warnings = []
    for warning in stored.warnings:
        name = warning.get("variable")
        variable = card.variable(name) if name in hidden else None
        if warning.get("code") == "out_of_range" and isinstance(variable, NumericalVariable):
            warning = {**warning, "message": out_of_range(variable, mask, int(placed[name]["bin"]))}
        warnings.append(warning)
    return Shown(inputs, contributions, reasons, customer_reasons, warnings, masked=True, hidden=hidden)
