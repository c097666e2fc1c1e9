"""The products pages name the LPR behind every LPR-priced rate: value, date, spread and result."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_detail_page_shows_each_rate_with_its_basis(client, org, catalogue):
    client.force_login(org.cm_a)
    page = client.get("/products/GXED/").content.decode()
    for basis in (
        "LPR 3.00%（2025-05-20）+ 10 bp = 3.10%",
        "LPR 3.00%（2025-05-20）+ 40 bp = 3.40%",
        "LPR 3.00%（2025-05-20）+ 150 bp = 4.50%",
    ):
        assert basis in page, basis
    assert page.count('data-testid="rate-basis"') == 4  # grades A–D, one term column
    provident = client.get("/products/GJJDK/").content.decode()
    # Not LPR-priced: the 公积金 table's rows, each with its date (首套 / 二套, ≤ 5 years / over).
    assert provident.count('data-testid="rate-basis"') == 4
    assert "公积金二套 5 年以下（含） 2.525%（2025-05-08 起执行）" in provident


def test_the_list_names_the_lpr_of_its_range(client, org, catalogue):
    client.force_login(org.cm_a)
    html = client.get("/products/").content.decode()
    assert "A 级 3.10% … D 级 4.50%（LPR 3.00%，2025-05-20 起）" in html
    assert "公积金首套 2.10% / 2.60%（2025-05-08 起执行）" in html
