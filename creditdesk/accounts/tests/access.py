"""Sign-in, sign-out, password, the staff directory and the API's token and ``me`` in the generated access
matrix (``creditdesk/core/testing/access.py``; grids in ``grids.py``)."""

from __future__ import annotations

from creditdesk.accounts.tests.grids import EVERYONE
from creditdesk.core.testing.access import ALLOW, LOGIN, REDIRECT, Grid, api, page

SIGN_IN = EVERYONE.but(why="the sign-in page and the token exchange are for people not signed in yet")
SIGNED_IN_ALREADY = Grid.by_role(
    REDIRECT, why="a signed-in person opening the sign-in page goes on to the workbench"
)
SIGNED_OUT = Grid.by_role(LOGIN, why="signing out ends on the sign-in page, whoever asks")

DECLARATIONS = [
    page("accounts:login", SIGNED_IN_ALREADY, anonymous=ALLOW),
    page("accounts:login", SIGN_IN, method="POST", anonymous=ALLOW),
    page("accounts:logout", SIGNED_OUT, method="POST"),
    page("accounts:password_change", EVERYONE),
    page("accounts:password_change", EVERYONE, method="POST"),
    page("accounts:staff_list", EVERYONE),  # each sees their own colleagues: test_scope_matrix
    api("POST /api/v1/auth/token/", SIGN_IN, anonymous=ALLOW),
    api("GET /api/v1/me/", EVERYONE),
]
