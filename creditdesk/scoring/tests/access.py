"""The scoring app in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import CHANGES, EVERYONE, MODEL_KEEPERS, SEES
from creditdesk.core.testing.access import ALLOW, FORBIDDEN, Grid, api, page
from creditdesk.scoring import services
from creditdesk.scoring.seed import expert_artefact
from creditdesk.solutions.tests.conftest import grade


def build(w) -> None:
    """The shipped expert card, active (``w.score_model``: registered by risk2, so that risk1 and the
    branch head of the matrix are checkers of it, not its maker), and 张三's pre-assessment graded B."""
    model = services.score_model_register(actor=w.risk2, artefact=expert_artefact())
    services.score_model_approve(actor=w.risk1, model_id=model.pk)
    w.score_model = services.score_model_activate(actor=w.risk1, model_id=model.pk)
    w.model = w.score_model
    w.assessment = grade(w, w.customer, "B")


OVERRIDE = SEES.but(
    manager="FNNN",
    why=(
        "a grade is overridden by a second person (team lead, risk manager, approver, branch head) who "
        "sees the assessment, never by the customer's own manager"
    ),
)
ASSESS = CHANGES  # a pre-assessment is made by the customer's manager or team lead
ASSESS_API = CHANGES.but(
    approver="--FF",
    risk_manager="--FF",
    branch_head="--FF",
    admin="---F",
    why=(
        "the service refuses a role that never makes pre-assessments before it looks at the customer "
        "(403 whichever customer, so nothing is learnt); the page looks the customer up first (404)"
    ),
)
MODEL_ACTIVATORS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    branch_head=ALLOW,
    why=(
        "a scorecard version is put in use by a risk manager or the branch head (issue 14: 'another risk "
        "manager (or the head) activates it'), never by whoever registered it"
    ),
)
CARD_EDITORS = Grid.by_role(
    FORBIDDEN,
    risk_manager=ALLOW,
    why=(
        "an expert card is edited as a new draft version by risk managers (issue 14: 'risk managers edit it "
        "in a versioned draft'); a CM, the head or an approver may not"
    ),
)
OVERRIDE_BODY = {"grade": "A", "reason": "补充了收入证明"}


def _edited_card(w, me) -> dict:
    """A valid edit of the shipped card (one band's points) as a new version: a risk manager gets 201."""
    from creditdesk.scoring.expert import load_shipped

    card = dict(load_shipped().data)
    card.pop("score_range")
    card["base_points"] = 201
    return {"version": "9.0.0", "note": "矩阵测试：基础分加 1", "card": card}


DECLARATIONS = [
    page(
        "scoring:list",
        SEES.as_list(),
        subject="assessment",
        listed=lambda w: f"/scoring/assessments/{w.assessment.pk}/",
    ),
    page("scoring:models", EVERYONE),  # reference data, no customer in it
    page("scoring:model", EVERYONE),
    page("scoring:approve", MODEL_KEEPERS, method="POST"),
    page("scoring:activate", MODEL_ACTIVATORS, method="POST"),
    page("scoring:card_edit", CARD_EDITORS),
    page("scoring:card_edit", CARD_EDITORS, method="POST"),
    page("scoring:assess", ASSESS, subject="customer"),
    page("scoring:assess", ASSESS, method="POST", subject="customer"),
    page("scoring:panel", SEES, subject="customer"),
    page("scoring:detail", SEES, subject="assessment"),
    page("scoring:override", OVERRIDE, method="POST", subject="assessment", data=OVERRIDE_BODY),
    api("GET /api/v1/score-models/", EVERYONE),
    api("GET /api/v1/score-models/{id}/", EVERYONE, params={"id": lambda w, me: w.score_model.pk}),
    api(
        "POST /api/v1/score-models/{id}/approve/",
        MODEL_KEEPERS,
        params={"id": lambda w, me: w.score_model.pk},
    ),
    api(
        "POST /api/v1/score-models/{id}/activate/",
        MODEL_ACTIVATORS,
        params={"id": lambda w, me: w.score_model.pk},
    ),
    api(
        "POST /api/v1/score-models/{id}/drafts/",
        CARD_EDITORS,
        params={"id": lambda w, me: w.score_model.pk},
        body=_edited_card,
    ),
    api("POST /api/v1/score-models/score/", EVERYONE),  # scores given figures, stores nothing
    api("POST /api/v1/score-models/score-batch/", EVERYONE),
    api("GET /api/v1/assessments/", SEES.as_list(), subject="assessment", listed=True),
    api(
        "POST /api/v1/assessments/",
        ASSESS_API,
        subject="customer",
        body=lambda w, me: {"customer": w.customer.pk, "answers": {}},
    ),
    api("GET /api/v1/assessments/{id}/", SEES, subject="assessment"),
    api("POST /api/v1/assessments/{id}/override/", OVERRIDE, subject="assessment", body=OVERRIDE_BODY),
]
