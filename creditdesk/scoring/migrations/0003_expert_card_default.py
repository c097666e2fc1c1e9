"""The expert card becomes the default on databases that already use scorecards (issue 14).

On a database that holds scorecard versions (an installation that ran the earlier demo, where the German
Credit card was active for customers):

- the shipped expert card (零售及小微贷款预筛专家评分卡, ``shipped/expert_retail_sme.json``, compiled as
  ``seed.expert_artefact`` compiles it) is registered as a **draft** by the system (``created_by`` NULL),
  unless that name and version are registered already;
- the German Credit benchmark card, when it is active, is **retired** (``ModelStatus.RETIRED``): it is
  the trainer's benchmark, never a card for customers, and may not be activated again
  (``benchmark_card_not_for_customers``).

Each change leaves an audit row by the system. Nothing is activated here: a risk manager then approves
the expert card's draft and another risk manager or the branch head activates it (maker-checker,
``accounts/policy.py``). Until then a pre-assessment answers "no active model" with its existing refusal
(``no_active_model``: 尚未启用评分模型，请联系风险经理). Pre-assessments already made keep the version that
made them. A fresh database (no version yet) is left alone: the demo seed or a risk manager registers the
card.

The card is read from the shipped file when the migration runs (it is data, versioned by its own
``version``); reversing the migration does nothing (the draft and the retirement are history, kept).
"""

from django.db import migrations

BENCHMARK = "german_credit"


def _audit(apps, action, model, before, after):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditEvent.objects.create(
        actor=None,
        actor_username="system",
        action=action,
        target_type="scoring.scoremodel",
        target_id=str(model.pk),
        target_repr=f"{model.title} {model.version}"[:200],
        before=before,
        after=after,
    )


def expert_card_default(apps, schema_editor):
    ScoreModel = apps.get_model("scoring", "ScoreModel")
    if not ScoreModel.objects.exists():
        return
    from creditdesk.scoring.scorecard import Scorecard
    from creditdesk.scoring.seed import expert_artefact

    artefact = expert_artefact()
    card = Scorecard.from_json(artefact)
    if not ScoreModel.objects.filter(name=card.name, version=card.version).exists():
        model = ScoreModel.objects.create(
            name=card.name,
            version=card.version,
            title=card.title,
            artefact=artefact,
            checksum=card.checksum,
            data_fingerprint=card.data_fingerprint,
            parameters=card.parameters,
            report=card.metrics,
            status="draft",
            created_by=None,
        )
        _audit(apps, "score_model.register", model, {}, {"name": model.name, "version": model.version})
    for model in ScoreModel.objects.filter(name=BENCHMARK, status="active"):
        model.status = "retired"
        model.save(update_fields=["status"])
        _audit(apps, "score_model.retire", model, {"status": "active"}, {"status": "retired"})


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_assessment_points_only"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(expert_card_default, migrations.RunPython.noop)]
