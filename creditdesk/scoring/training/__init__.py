"""Training a scorecard (评分卡训练): optimal WoE binning, logistic regression, scaling to points.

Rules:

- Data (:mod:`.data`): a labelled CSV (or DataFrame). The target column must hold exactly two values;
  1 = bad (the event). Which value is bad: ``target_event`` from the configuration, else 1/True, or "bad"
  when the values are "good"/"bad". A target that is not binary, missing in a row, or has one class is
  refused. Variables: the configuration's ``variables`` (default: every column but the target). A column
  listed in ``categorical``/``numerical`` is that; otherwise its dtype decides (numbers → numerical, text
  → categorical), except that a text column whose values are at least 90 % numbers is a numerical column
  with typing errors and is refused (``not_numeric``, naming the column and the first bad row; list it
  under ``categorical`` if it really is a category). Categories are compared as text
  (:func:`creditdesk.scoring.scorecard.category_text`). Infinite numbers, an all-empty column and too
  few rows (``min_rows``, ``min_class_rows`` of each class) are refused.
- Configuration (:mod:`.config`): every key validated, unknown keys refused.
- Model (:mod:`.fitting`): optbinning's ``BinningProcess`` (binning parameters from ``binning`` and
  ``binning_by_variable``, selection by IV from ``selection``, fitted on the training rows only) and
  ``Scorecard`` with scikit-learn's ``LogisticRegression`` (``logistic_regression``), scaled with
  ``pdo_odds``: PDO 20, 600 points at good:bad odds 50:1 unless ``scaling`` says otherwise; points
  rounded to integers when ``scaling.rounding``. Missing and special values get WoE 0 (optbinning's
  default), so their bins score the neutral points of the variable.
- Output (:mod:`.content`, :mod:`.model`): the artefact described in :mod:`creditdesk.scoring.scorecard`
  (sealed with its checksum) and the scorecard table. ``train`` is deterministic: the same data and
  configuration give the same artefact except ``created_at``.

A card on the bank's own history (``creditdesk scoring train``, issue 14): the training table's format
and its all-or-nothing import are in :mod:`.table`; :mod:`.bank` fits through the same machinery
(:func:`.bank.fit_and_validate`, which German Credit goes through too), gives each numerical variable
its designed range, records the bad definition and calibrates to the book's bad rate (or marks the card
``calibration: null``); :mod:`.validation` writes the validation report.

pandas, scikit-learn and optbinning are imported inside the functions, so that importing this package
(or scoring) never loads them.

Command line (:mod:`.cli`; regenerates the shipped model; the lead's ``creditdesk score train`` calls
:func:`train`)::

    python -m creditdesk.scoring.training --data germancredit.csv --target creditability \\
        --config creditdesk/scoring/shipped/german_credit_config.json --cv 5 5 --baselines \\
        --out creditdesk/scoring/shipped/german_credit.json
"""

from __future__ import annotations

from creditdesk.scoring.training.config import DEFAULT_CONFIG, MONOTONIC_TRENDS, load_config, validate_config
from creditdesk.scoring.training.content import build_content, compile_scorecard
from creditdesk.scoring.training.data import TrainingData, columns_of, prepare, read_frame
from creditdesk.scoring.training.fitting import fit_pipeline
from creditdesk.scoring.training.model import TrainedModel, train

__all__ = [
    "DEFAULT_CONFIG",
    "MONOTONIC_TRENDS",
    "TrainedModel",
    "TrainingData",
    "build_content",
    "columns_of",
    "compile_scorecard",
    "fit_pipeline",
    "load_config",
    "prepare",
    "read_frame",
    "train",
    "validate_config",
]
