"""Fixtures of the applications tests: the solutions tests' small catalogue and 李四 (a customer of cm_a
with a renovation need, graded B on request: ``li_graded``), and media files in a temporary folder."""

from __future__ import annotations

import pytest

from creditdesk.solutions.tests.conftest import li, li_graded, li_need, small_catalogue

__all__ = ["li", "li_graded", "li_need", "small_catalogue"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
