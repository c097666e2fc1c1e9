"""Editing an expert card as a new draft version (专家评分卡编辑 → 新版本草稿).

There is no draft table: a draft *is* a ``ScoreModel`` in draft status whose artefact carries the card
it was compiled from (``source_card``), so the next edit starts from it and the approve / activate
services (maker-checker) treat it like any other version.

Rules (``card_draft_create``): only a risk manager drafts (``SCORING_CARD_DRAFT``, the policy's rule);
the base is an expert card's version (``not_an_expert_card``); the new version number is new for that
card (``score_model_version_exists``) and the change has a note (``note_required``); the edited card
passes every rule of :mod:`creditdesk.scoring.expert` (refused with the card's code, the feature and band
named, every problem listed under ``extra["problems"]``) and differs from its base (``card_unchanged``).
The draft is registered by ``services.score_model_register`` and the change — what moved against the
base, from :func:`creditdesk.scoring.expert.diff.card_changes` — is audited in the same transaction;
nothing is saved when anything is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from creditdesk.accounts import policy
from creditdesk.accounts.models import User
from creditdesk.core.actions import Action
from creditdesk.core.audit import audit_record
from creditdesk.core.exceptions import Conflict, DomainError, NotFound
from creditdesk.scoring import engine, services
from creditdesk.scoring.expert import CardError, ExpertCard, compile_to_artefact, source_card, validate
from creditdesk.scoring.expert.diff import card_changes
from creditdesk.scoring.models import ScoreModel
from creditdesk.scoring.scorecard import dump_artefact

NOTE_MIN: Final = 4
NOTE_MAX: Final = 200
VERSION_PATTERN: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,39}")


def base_card(model: ScoreModel) -> ExpertCard:
    """The expert card a version was compiled from; ``not_an_expert_card`` for a trained card."""
    try:
        return source_card(engine.load(model))
    except CardError:
        raise DomainError(
            "not_an_expert_card",
            _("「%(title)s %(version)s」不是专家评分卡，不能在此编辑（训练所得的评分卡须重新训练）。")
            % {"title": model.title, "version": model.version},
        ) from None


def next_patch_version(version: str) -> str:
    """The version after ``version`` for a small change: 1.0.0 → 1.0.1 (a version not ending in a number
    gets ".1")."""
    found = re.fullmatch(r"(.*?)(\d+)", version)
    if found is None:
        return f"{version}.1"
    return f"{found.group(1)}{int(found.group(2)) + 1}"


def _text_problems(base: ScoreModel, version: str, note: str) -> list[dict[str, Any]]:
    """What is wrong with the new version number and the change note (each a problem, as the card's)."""
    problems = []
    if not VERSION_PATTERN.fullmatch(version):
        problems.append(
            {
                "code": "version_invalid",
                "message": _("请填写新的版本号（字母、数字、点或短横线，最多 40 个字符，如 1.0.1）。"),
                "field": "version",
            }
        )
    elif ScoreModel.objects.filter(name=base.name, version=version).exists():
        problems.append(
            {
                "code": "score_model_version_exists",
                "message": _("模型 %(name)s 的版本 %(version)s 已登记，请使用新的版本号。")
                % {"name": base.name, "version": version},
                "field": "version",
            }
        )
    if not NOTE_MIN <= len(note) <= NOTE_MAX or "\n" in note:
        problems.append(
            {
                "code": "note_required",
                "message": _("请用一行说明本次修改的内容和理由（%(low)s–%(high)s 个字）。")
                % {"low": NOTE_MIN, "high": NOTE_MAX},
                "field": "note",
            }
        )
    return problems


def _refuse(problems: list[dict[str, Any]]) -> DomainError:
    """One refusal for every problem found: the first one's code, sentence and place, all listed under
    ``problems`` (an existing version number is a conflict with what is registered: 409)."""
    first = problems[0]
    error = Conflict if first["code"] == "score_model_version_exists" else DomainError
    where = {key: value for key, value in first.items() if key not in ("code", "message")}
    return error(first["code"], first["message"], {**where, "problems": problems})


def _edited(base: ExpertCard, card_data: object, version: str) -> tuple[ExpertCard | None, list[Any]]:
    """The edited card checked (same name as its base, the new version, today's date; title and
    description kept from the base unless given), or the card's problems."""
    if not isinstance(card_data, Mapping):
        return None, [
            {"code": "card_invalid", "message": _("评分卡应为一个对象（名称、版本、特征、分档、等级）。")}
        ]
    data = {
        "title": base.title,
        "description": base.description,
        "top_n": base.top_n,
        **dict(card_data),
        "name": base.name,
        "version": version or base.version,
        "created_at": timezone.localdate().isoformat(),
    }
    try:
        return validate(data), []
    except CardError as error:  # the card's own codes and sentences, naming feature and band
        return None, list(error.extra.get("problems") or [{"code": error.code, "message": error.message}])


@transaction.atomic(durable=True)
def card_draft_create(
    *, actor: User, base_model_id: int | str, card_data: object, version: str, note: str
) -> ScoreModel:
    """新版本草稿: a risk manager's edit of an expert card, registered as a draft version (see the
    module docstring for the rules). Another risk manager approves it and another risk manager or the
    branch head activates it (``score_model_own_draft``)."""
    policy.require(actor, Action.SCORING_CARD_DRAFT)
    base = ScoreModel.objects.filter(pk=base_model_id).first()
    if base is None:
        raise NotFound("not_found", _("评分模型不存在。"))
    before = base_card(base)
    version, note = (version or "").strip(), (note or "").strip()
    problems = _text_problems(base, version, note)
    after, card_problems = _edited(before, card_data, version)
    problems += card_problems
    if problems or after is None:
        raise _refuse(problems)
    changes = card_changes(before, after)
    if not changes:
        raise DomainError("card_unchanged", _("评分卡与所依据的版本相比没有任何修改，无需登记新版本。"))
    artefact = dump_artefact(compile_to_artefact(after))
    # Registered inside this transaction: the draft and the audit row of its change commit or roll back
    # together.
    try:
        with transaction.atomic():
            model = services.register_draft(actor=actor, artefact=artefact)
    except IntegrityError:  # the same version registered by someone else a moment ago
        raise Conflict(
            "score_model_version_exists",
            _("模型 %(name)s 的版本 %(version)s 已登记，请使用新的版本号。")
            % {"name": base.name, "version": version},
            {"field": "version"},
        ) from None
    audit_record(
        actor=actor,
        action="score_model.card_draft",
        target=model,
        before={"base_id": base.pk, "base": f"{base.name} {base.version}"},
        after={
            "version": model.version,
            "note": note,
            "changes": [change["text"] for change in changes],
            "detail": changes,
        },
    )
    return model
