"""The tools of ``creditdesk/core/testing``: grids, response classes, query counts."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, HttpResponseRedirect

from creditdesk.core.testing.access import (
    ALLOW,
    ANY,
    FORBIDDEN,
    HIDDEN,
    LOGIN,
    NOT_FOUND,
    REDIRECT,
    Grid,
    Outcome,
    People,
    cases,
    classify,
    grid_problems,
    page,
)
from creditdesk.core.testing.queries import QueryCountError, assert_max_queries, assert_same_queries

GRID = Grid.parse(
    """
            own  same_team  other_team  other_branch
    clerk    A       N          N            N
    boss     -       A          F            N
    """,
    why="a rule",
)
PEOPLE = People(
    roles=("clerk", "boss"),
    by_relation={
        ("clerk", "own"): "c1",
        ("clerk", "same_team"): "c2",
        ("clerk", "other_team"): "c3",
        ("clerk", "other_branch"): "c4",
        ("boss", "same_team"): "b1",
        ("boss", "other_team"): "b2",
        ("boss", "other_branch"): "b3",
    },
    by_role={"clerk": "c1", "boss": "b1"},
)


def test_a_grid_is_read_from_its_table():
    assert GRID.outcome("clerk", "own") == ALLOW
    assert GRID.outcome("boss", "own") is None  # "-": nobody plays it
    assert GRID.outcome("boss", "other_team") == FORBIDDEN


def test_an_override_says_why_and_replaces_only_what_it_names():
    changed = GRID.but(boss={"other_team": ALLOW}, why="bosses may")
    assert (
        changed.outcome("boss", "other_team") == ALLOW
        and changed.outcome("boss", "other_branch") == NOT_FOUND
    )
    assert "bosses may" in changed.why and GRID.outcome("boss", "other_team") == FORBIDDEN
    assert GRID.but(clerk="FNNN", why="x").outcome("clerk", "own") == FORBIDDEN
    with pytest.raises(ValueError, match="says why"):
        GRID.but(clerk="FNNN", why=" ")
    with pytest.raises(ValueError, match="one letter per column"):
        GRID.but(clerk="FN", why="x")


def test_a_list_grid_leaves_out_instead_of_404():
    listed = GRID.as_list()
    assert (
        listed.outcome("clerk", "same_team") == HIDDEN and listed.outcome("boss", "other_team") == FORBIDDEN
    )


def test_a_per_role_grid_has_a_default():
    grid = Grid.by_role(FORBIDDEN, boss=ALLOW, why="bosses only").complete(("clerk", "boss"))
    assert grid.outcome("clerk", ANY) == FORBIDDEN and grid.outcome("boss", ANY) == ALLOW


def test_grid_problems_name_missing_and_unplayed_cells():
    assert grid_problems(page("x:y", GRID, subject="thing"), PEOPLE) == []
    incomplete = Grid.parse("own same_team other_team other_branch\nclerk A N N N", why="r")
    assert grid_problems(page("x:y", incomplete, subject="thing"), PEOPLE) == [
        "GET x:y: boss/same_team has no outcome",
        "GET x:y: boss/other_team has no outcome",
        "GET x:y: boss/other_branch has no outcome",
    ]
    assert (
        "nobody plays it"
        in grid_problems(page("x:y", GRID.but(boss="ANFN", why="r"), subject="t"), PEOPLE)[0]
    )
    assert "columns" in grid_problems(page("x:y", GRID), PEOPLE)[0]  # an object grid on a list


def test_cases_are_anonymous_then_every_played_cell():
    found = cases(page("x:y", GRID, subject="thing"), PEOPLE)
    assert [(c.person, c.expected) for c in found] == [
        (None, LOGIN),
        ("c1", ALLOW),
        ("c2", NOT_FOUND),
        ("c3", NOT_FOUND),
        ("c4", NOT_FOUND),
        ("b1", ALLOW),
        ("b2", FORBIDDEN),
        ("b3", NOT_FOUND),
    ]


@pytest.mark.parametrize(
    ("response", "safe", "api", "outcome"),
    [
        (HttpResponse(status=200), True, False, ALLOW),
        (HttpResponse(status=400), True, False, Outcome.INVALID),
        (HttpResponse(status=400), False, False, ALLOW),  # a write let in, its body refused
        (HttpResponse(status=409), False, True, ALLOW),
        (HttpResponse(status=401), True, True, LOGIN),
        (HttpResponseRedirect("/accounts/login/?next=/x/"), True, False, LOGIN),
        (HttpResponseRedirect("/accounts/login/?next=/x/"), True, True, Outcome.INVALID),
        (HttpResponseRedirect("/"), True, False, REDIRECT),
        (HttpResponseRedirect("/"), False, False, ALLOW),
        (HttpResponse(status=403), False, False, FORBIDDEN),
        (HttpResponse(status=404), True, False, NOT_FOUND),
        (HttpResponse(status=405), True, False, Outcome.METHOD_NOT_ALLOWED),
        (HttpResponse(status=500), False, False, Outcome.ERROR),
    ],
)
def test_responses_are_classed(response, safe, api, outcome):
    assert classify(response, safe=safe, api=api) == outcome


@pytest.mark.django_db
def test_assert_max_queries_lists_the_sql_when_it_fails():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    with assert_max_queries(1):
        users.count()
    with pytest.raises(QueryCountError) as failed, assert_max_queries(1, label="two counts"):
        users.count()
        users.filter(is_active=True).count()
    message = str(failed.value)
    assert message.startswith("two counts: 2 queries, at most 1 expected") and message.count("SELECT") == 2


@pytest.mark.django_db
def test_assert_same_queries_catches_a_query_per_row():
    from django.contrib.auth import get_user_model

    from creditdesk.accounts.tests.factories import UserFactory

    users = get_user_model().objects
    UserFactory()

    def one_query() -> None:
        list(users.select_related("team"))

    def a_query_per_row() -> None:
        for user in users.all():
            _ = user.team  # N+1

    def grow() -> None:
        UserFactory.create_batch(3)

    assert assert_same_queries(one_query, grow, at_most=1) == 1
    with pytest.raises(QueryCountError, match="an N\\+1"):
        assert_same_queries(a_query_per_row, grow, at_most=10)
