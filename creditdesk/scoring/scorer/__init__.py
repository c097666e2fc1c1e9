"""The parts of the numpy scorer (评分卡计分); :mod:`creditdesk.scoring.scorecard` is its public face
and states the artefact format and the business rules of scoring.

- :mod:`.artefact`: the envelope, its canonical JSON and SHA-256 checksum, sealing and verifying;
- :mod:`.fields`: reading the artefact's fields (``model_invalid`` when one is malformed);
- :mod:`.values`: how categories are compared (as text) and how numbers and bins are written for people;
- :mod:`.results`: what a score returns (contributions, reasons, warnings, the form's variables);
- :mod:`.risk`: probability of default from points, grade from probability of default;
- :mod:`.variable`, :mod:`.numerical`, :mod:`.categorical`: one variable compiled for scoring (bins,
  points, lookups by bin edges or by category);
- :mod:`.text_codes`: the exact and fast text → category code lookup of batch scoring;
- :mod:`.applicant`: one applicant's answers checked and placed in their bins;
- :mod:`.reasons`: reason codes in Chinese sentences;
- :mod:`.card`: the :class:`~creditdesk.scoring.scorer.card.Scorecard` that ties them together.

Everything here imports the standard library, numpy, the scoring errors and the pure ``core.enums``
(the risk grades) only.
"""
