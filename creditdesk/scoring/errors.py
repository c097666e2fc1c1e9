"""Errors of the scoring core (评分): a stable ``code`` for programs, a Chinese sentence for people.

Codes raised by the pure core (training, evaluation, scoring, PSI):

- reference data: ``reference_data_missing``;
- configuration: ``config_unreadable``, ``config_unknown_key``, ``config_invalid``;
- training data: ``data_unreadable``, ``missing_column``, ``target_missing``, ``target_not_binary``,
  ``single_class``, ``not_numeric``, ``not_finite``, ``all_missing``, ``too_few_rows``, ``no_variables``;
- saved model: ``model_invalid`` (not a scorecard artefact), ``model_tampered`` (checksum differs);
- scoring: ``missing_value``, ``not_numeric``, ``not_finite``, ``unknown_category`` (batch only: a
  single applicant's unknown category is scored and reported as a warning), ``column_length``;
- monitoring: ``psi_invalid``;
- cards that give no probability (expert cards): ``no_probability``; the feature registry
  (``features``): ``feature_protected``, ``feature_unknown``; an expert card (``expert``): the codes
  listed there (``band_overlap``, ``band_gap``, ``points_invalid``, ``cutoff_out_of_range`` …). A single
  applicant's value outside a card's designed range is scored and reported as a warning ``out_of_range``.

``extra`` names what to fix where that helps: ``{"field": <variable or config key>, "row": <1-based
data row>}``.
"""

from __future__ import annotations

from creditdesk.core.exceptions import DomainError


class ScoringError(DomainError):
    """The scoring core refused its input (data, configuration, saved model or applicant)."""
