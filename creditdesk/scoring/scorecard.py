"""The scorecard scorer (评分卡计分): loads a saved scorecard and scores applicants with numpy alone.

This is the scorer's public face; its parts live in :mod:`creditdesk.scoring.scorer` (artefact and
checksum, field checks, values and labels, results, PD and grades, the compiled variables, the text →
category code lookup, one applicant's answers, reason codes, the :class:`Scorecard`). They import only
the standard library, numpy and the scoring errors: scoring never loads Django, pandas, scikit-learn or
optbinning (``training`` produces the artefact, the scorer reads it).

Artefact (JSON text, UTF-8)::

    {"format": "creditdesk-scorecard/1", "content": {...}, "checksum": "sha256:<64 hex>"}

``checksum`` is the SHA-256 of the canonical JSON of ``content``: keys sorted, no whitespace
(``separators=(",", ":")``), non-ASCII characters kept as UTF-8 (``ensure_ascii=False``), no NaN or
infinity. The file around it may be indented any way; a change to any value of ``content`` (one point
of one bin) makes :meth:`Scorecard.from_json` refuse it with ``model_tampered``; a file that is not a
scorecard of this format is refused with ``model_invalid``. ``content`` holds:

- ``name`` (model code), ``version``, ``title`` (Chinese name), ``created_at`` (ISO 8601, UTC);
- ``target``: ``{"column": ..., "event": <the target value that means bad>}``;
- ``training_data``: ``{"fingerprint": "sha256:...", "source": ..., "rows", "events", "non_events"}`` —
  the fingerprint is the SHA-256 of the training CSV's bytes (or of the frame written as CSV);
- ``parameters``: the validated training configuration and library versions;
- ``scaling``: ``{"method": "pdo_odds", "pdo", "base_points", "base_odds", "factor", "offset",
  "rounding", "intercept_points"}``;
- ``grades``: ``[{"grade": "A", "max_pd": 0.05}, ..., {"grade": "E", "max_pd": null}]``;
- ``reasons``: ``{"top_n": 4}``;
- ``variables``: in scoring order, each ``{"name", "label", "kind": "numerical" | "categorical",
  "coefficient", "iv", "bins": [{"bin", "label", "woe", "points", "count", "event_rate"}, ...],
  "special": {...}, "missing": {...}}`` plus, for a numerical variable, ``"splits"`` (increasing bin
  edges), ``"special_codes"`` and ``"bounds": {"min", "max", "integer"}`` (seen in training), and for a
  categorical one ``"categories": [{"value", "label", "bin"}, ...]`` (``bin`` indexes ``bins``);
- ``score_reference``: the training scores' decile edges and counts (the expected side of a score PSI);
- ``metrics``: evaluation figures filled by whoever trained it (cross-validation), possibly empty.

A card written by people (an expert card, compiled by :func:`creditdesk.scoring.expert.compile_to_artefact`)
is the same artefact with: ``scaling`` ``{"method": "points", "intercept_points": <base points>}`` (no
PD: its scores' ``probability_of_default`` is None), ``grades`` ``[{"grade": "A", "min_points": 650},
…, {"grade": "E", "min_points": null}]``, a ``rationale`` on each bin and on the Missing row (which may
carry its own ``label``), a numerical variable's designed ``"range": {"from", "below"}`` (a value outside
scores the nearest bin and is reported, ``out_of_range``), and the card itself under ``source_card``.

Business rules of scoring (they mirror optbinning's ``Scorecard.score`` exactly, tested on every German
Credit row):

- Numerical bins are right-open: with edges s1 < s2 < … < sk, bin 0 is x < s1, bin i is
  s_i ≤ x < s_(i+1), the last bin is x ≥ sk (optbinning uses ``np.digitize(x, splits, right=False)``;
  here the number of splits ≤ x, counted by comparisons — or ``np.searchsorted(splits, x,
  side="right")`` when there are many splits — which is the same). A value listed in ``special_codes``
  scores the Special bin; NaN scores the Missing bin.
- A category scores the points of the bin that holds it. A category the model has never seen gets the
  Missing bin's points — what optbinning does (its transform gives an unseen category the index −1, the
  last row of the variable's table, which is Missing). It is never silent: :meth:`Scorecard.score`
  reports it as a warning ``unknown_category``, :meth:`Scorecard.score_batch` refuses it unless the
  caller asks for ``unknown="missing_bin"``.
- Missing values: a single applicant (:meth:`Scorecard.score`) must give every variable a value or the
  explicit ``UNKNOWN`` marker; a missing field, ``None`` or NaN is refused (``missing_value``) so that
  no score is made from an unanswered form. ``UNKNOWN`` scores the Missing bin and is reported as a
  warning. A batch (:meth:`Scorecard.score_batch`) scores NaN / ``None`` / ``""`` with the Missing bin,
  as optbinning does. ``NOT_APPLICABLE`` (the variable does not apply to this applicant) scores the
  Missing bin without a warning, shows as 不适用 and is never a reason code.
- Points of a score = Σ points of each variable's bin (+ ``intercept_points``, 0 unless the scorecard is
  intercept-based), added in the variables' order starting from 0.0, as optbinning adds them.
- Probability of default (PD) from the points S, with factor = PDO / ln 2 and
  offset = base_points − factor · ln(base_odds) (good:bad odds): S = offset + factor · ln(good/bad odds),
  hence PD = 1 / (1 + exp((S − offset) / factor)). At S = base_points the odds are base_odds:1 (PD =
  1/51 with the defaults) and every PDO points more halve the odds of being bad. Unrounded points give
  exactly the logistic regression's PD; with rounded points (the shipped model rounds) it is the PD of
  the rounded total, each bin's points being at most half a point from the regression's.
- Grade: the first grade whose ``max_pd`` is above the PD (``pd < max_pd``); the last grade (E) has no
  upper bound. A PD equal to a threshold falls in the worse grade.
- Reason codes: for each variable, points lost = the best points any of its regular bins gives − the
  points obtained; the ``top_n`` variables with a loss > 0, largest loss first (ties in the model's
  variable order), each as a Chinese sentence such as
  「支票账户状态」为「余额低于 0 马克」，比该项最佳档少 35 分.
"""

from __future__ import annotations

from creditdesk.scoring.scorer.applicant import NOT_APPLICABLE, UNKNOWN
from creditdesk.scoring.scorer.artefact import FORMAT, canonical_json, content_checksum, dump_artefact, seal
from creditdesk.scoring.scorer.card import Scorecard
from creditdesk.scoring.scorer.reasons import DEFAULT_TOP_N
from creditdesk.scoring.scorer.results import (
    CategoryOption,
    Contribution,
    Reason,
    ScoreResult,
    ScoreWarning,
    VariableSpec,
)
from creditdesk.scoring.scorer.risk import GRADES, probability_of_default
from creditdesk.scoring.scorer.values import category_text, format_number, format_points, interval_label
from creditdesk.scoring.scorer.variable import FloatArray, IntArray

__all__ = [
    "DEFAULT_TOP_N",
    "FORMAT",
    "GRADES",
    "NOT_APPLICABLE",
    "UNKNOWN",
    "CategoryOption",
    "Contribution",
    "FloatArray",
    "IntArray",
    "Reason",
    "ScoreResult",
    "ScoreWarning",
    "Scorecard",
    "VariableSpec",
    "canonical_json",
    "category_text",
    "content_checksum",
    "dump_artefact",
    "format_number",
    "format_points",
    "interval_label",
    "probability_of_default",
    "seal",
]
