"""The workbench in the generated access matrix (``creditdesk/core/testing/access.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.core.testing.access import page

DECLARATIONS = [
    page("workbench:home", EVERYONE),
]
