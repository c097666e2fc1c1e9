"""The generated access matrix: what each person may do with each endpoint, declared once and run.

A declaration (``page(...)`` / ``api(...)``) names an endpoint (``endpoints.py``) and gives a **grid**: the
expected outcome for every role × relation of the object to the person —

- ``own``: the person owns it (a customer manager's own customer);
- ``same_team``: it belongs to someone of the person's team;
- ``other_team``: it belongs to the person's branch but not to their team (approvers, risk managers and
  branch heads belong to no team: every object of their branch is ``other_team`` to them);
- ``other_branch``: it belongs to another branch (administrators belong to no branch: everything is);

plus the anonymous visitor. An endpoint with no object (a list, a form for a new record, reference data)
has one column, ``any``.

Outcomes, and how a response is classed:

========== ==================================================================================
ALLOW      GET: 2xx. Unsafe methods (POST, PUT, PATCH, DELETE): anything but the refusals below —
           a 2xx, a redirect, or a 400/409 for a body the view did not take, which still means
           "let in" (so a declaration needs no valid body for every write)
HIDDEN     a list (``listed=``): 2xx, and the subject is not in it — out of scope, left out
REDIRECT   GET: a redirect that is not to the sign-in page (a signed-in person on the sign-in page)
NOT_FOUND  404 — out of scope: nobody learns that the object exists
FORBIDDEN  403 — visible, but this person may not do this
LOGIN      anonymous: a redirect to the sign-in page (pages), 401 (API; an API that redirects to the
           sign-in page fails)
========== ==================================================================================

A list declared with a ``subject`` and ``listed`` is read by every person of the grid: ``ALLOW`` there
means 2xx *and* the subject listed (``Grid.as_list()`` turns a visibility grid's 404s into ``HIDDEN``).

A GET is asserted by its exact class: a 400 there is ``INVALID``, never ``ALLOW``. A 405 or a 5xx is
always a failure. Grids are written as tables (``Grid.parse``); a declaration that departs from the rule
of its grid says why (``Grid.but(..., why=...)``).

This module knows nothing of CreditDesk's apps: the people, the objects and the declarations are given
by the tests (``creditdesk/<app>/tests/access.py``; ``creditdesk/core/tests/test_access_matrix.py``).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import resolve_url
from django.urls import reverse

from creditdesk.core.testing.endpoints import API, PAGE, SAFE_METHODS


class Outcome(enum.Enum):
    ALLOW = "A"
    HIDDEN = "H"
    REDIRECT = "R"
    NOT_FOUND = "N"
    FORBIDDEN = "F"
    LOGIN = "L"
    # only ever observed, never declared:
    INVALID = "400"
    METHOD_NOT_ALLOWED = "405"
    ERROR = "5xx"

    def __str__(self) -> str:
        return self.name


ALLOW, HIDDEN, REDIRECT = Outcome.ALLOW, Outcome.HIDDEN, Outcome.REDIRECT
NOT_FOUND, FORBIDDEN, LOGIN = Outcome.NOT_FOUND, Outcome.FORBIDDEN, Outcome.LOGIN
DECLARABLE = {o.value: o for o in (ALLOW, HIDDEN, REDIRECT, NOT_FOUND, FORBIDDEN, LOGIN)}
NA = "-"  # a cell the organisation has no person for (a team lead's "own" object, an admin's team)

OWN, SAME_TEAM, OTHER_TEAM, OTHER_BRANCH = "own", "same_team", "other_team", "other_branch"
RELATIONS = (OWN, SAME_TEAM, OTHER_TEAM, OTHER_BRANCH)
ANY = "any"  # the one column of an endpoint with no object


# --- grids ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """role → column → Outcome, with the business rule it writes down (``why``). ``default``: the outcome
    of a role the grid does not name (grids of endpoints with no object, ``Grid.by_role``)."""

    cells: Mapping[str, Mapping[str, Outcome]]
    why: str
    columns: tuple[str, ...] = RELATIONS
    default: Outcome | None = None

    @classmethod
    def parse(cls, table: str, *, why: str) -> Grid:
        """A table: a header row of columns, then one row per role of one-letter outcomes (``A H R N F L``,
        ``-`` where no person has that relation)::

                            own  same_team  other_team  other_branch
              manager        A       N          N            N
              team_lead      -       A          N            N
        """
        lines = [line.split() for line in table.strip().splitlines() if line.strip()]
        columns, rows = tuple(lines[0]), lines[1:]
        unknown = set(columns) - {*RELATIONS, ANY}
        if unknown:
            raise ValueError(f"unknown grid columns {sorted(unknown)}")
        cells: dict[str, dict[str, Outcome]] = {}
        for row in rows:
            role, values = row[0], row[1:]
            if len(values) != len(columns):
                raise ValueError(f"grid row {role!r}: {len(values)} cells for {len(columns)} columns")
            cells[role] = {c: DECLARABLE[v] for c, v in zip(columns, values, strict=True) if v != NA}
        return cls(cells, why, columns)

    @classmethod
    def by_role(cls, default: Outcome, *, why: str, **roles: Outcome) -> Grid:
        """An endpoint with no object: ``default`` for every role but those named."""
        return cls({role: {ANY: outcome} for role, outcome in roles.items()}, why, (ANY,), default)

    def complete(self, roles: Sequence[str]) -> Grid:
        """Every role of ``roles`` given its cells (the default for a per-role grid)."""
        if self.default is None:
            return self
        cells = {role: dict(self.cells.get(role, {ANY: self.default})) for role in roles}
        return Grid(cells, self.why, self.columns)

    def but(self, *, why: str, **roles: str | Mapping[str, Outcome] | Outcome) -> Grid:
        """This grid with some roles' cells replaced — a row string (``"--FN"``, one letter per column,
        ``-`` for none), a mapping column → Outcome, or one Outcome for all the role's columns. ``why`` is
        required: the business rule that makes this endpoint differ from its kind."""
        if not why.strip():
            raise ValueError("an override says why")
        cells = {role: dict(row) for role, row in self.cells.items()}
        for role, change in roles.items():
            if isinstance(change, Outcome):
                row = cells.get(role) or dict.fromkeys(self.columns, change)
                cells[role] = dict.fromkeys(row, change)
            elif isinstance(change, str):
                if len(change) != len(self.columns):
                    raise ValueError(f"override {role}={change!r}: one letter per column {self.columns}")
                cells[role] = {c: DECLARABLE[v] for c, v in zip(self.columns, change, strict=True) if v != NA}
            else:
                cells.setdefault(role, {}).update(change)
        return Grid(cells, f"{self.why} — except: {why}", self.columns, self.default)

    def as_list(self) -> Grid:
        """The grid of a list of such objects: whoever gets 404 for the object finds it left out."""
        cells = {
            role: {c: HIDDEN if o == NOT_FOUND else o for c, o in row.items()}
            for role, row in self.cells.items()
        }
        return Grid(cells, f"{self.why} — in a list, left out instead of 404", self.columns, self.default)

    def outcome(self, role: str, column: str) -> Outcome | None:
        return self.cells.get(role, {}).get(column)


# --- declarations ---------------------------------------------------------------------------------------

Value = Callable[[Any, Any], Any]  # (world, the person making the request or None) → a value


@dataclass(frozen=True)
class Access:
    """The expected access to one endpoint with one method.

    ``subject``: the world's object the relation columns are about (``"customer"``: the customer in the
    URL, the query or the body); None for an endpoint with no object. ``params``: the URL's parameters (a
    page's kwargs, an API path's ``{…}``); by default ``<x>_id`` is the world's ``<x>.pk``, ``id`` / ``pk``
    the subject's and any other name the world's attribute of that name. ``query`` / ``data``: the query
    string and the form data (pages) or the JSON body (API). Each value may be ``(world, person) → value``.

    ``listed``: a list whose rows are checked for the subject — ``True`` for an API list (the subject's
    ``pk`` among the results' ``id``), or ``(world) → text`` a page shows for it (its link).

    ``gaps``: cells where the code does not (yet) do what the grid says, each with what happens instead —
    keyed ``"role"`` or ``"role/column"``. Such a case is reported, not failed; once it behaves as
    declared the test fails until the gap is removed, so a gap never outlives its fix.
    """

    kind: str
    endpoint: str
    grid: Grid
    method: str = "GET"
    subject: str | None = None
    anonymous: Outcome = LOGIN
    params: Mapping[str, Any] = field(default_factory=dict)
    query: Any = None
    data: Any = None
    gaps: Mapping[str, str] = field(default_factory=dict)
    listed: Any = None

    @property
    def id(self) -> str:
        return self.endpoint if self.kind == API else f"{self.method} {self.endpoint}"

    @property
    def safe(self) -> bool:
        return self.method in SAFE_METHODS

    def gap(self, role: str | None, column: str | None) -> str | None:
        if role is None:
            return self.gaps.get("anonymous")
        return self.gaps.get(f"{role}/{column}") or self.gaps.get(role)


def page(
    name: str,
    grid: Grid,
    *,
    method: str = "GET",
    subject: str | None = None,
    anonymous: Outcome = LOGIN,
    params: Mapping[str, Any] | None = None,
    query: Any = None,
    data: Any = None,
    gaps: Mapping[str, str] | None = None,
    listed: Callable[[Any], str] | None = None,
) -> Access:
    """A page (URL name) tried with ``method``; declare each method the page answers."""
    return Access(
        PAGE, name, grid, method.upper(), subject, anonymous, params or {}, query, data, gaps or {}, listed
    )


def api(
    operation: str,
    grid: Grid,
    *,
    subject: str | None = None,
    anonymous: Outcome = LOGIN,
    params: Mapping[str, Any] | None = None,
    query: Any = None,
    body: Any = None,
    gaps: Mapping[str, str] | None = None,
    listed: bool = False,
) -> Access:
    """An API operation, ``"METHOD /api/v1/path/{id}/"`` as in the OpenAPI schema."""
    method = operation.split(" ", 1)[0].upper()
    return Access(
        API,
        operation,
        grid,
        method,
        subject,
        anonymous,
        params or {},
        query,
        body,
        gaps or {},
        listed or None,
    )


# --- cases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Who plays each cell: ``by_relation[(role, relation)]`` for endpoints with an object, ``by_role[role]``
    for the others (names of the world's attributes, ``"cm_a"``)."""

    roles: tuple[str, ...]
    by_relation: Mapping[tuple[str, str], str]
    by_role: Mapping[str, str]

    def person(self, role: str, column: str) -> str | None:
        return self.by_role.get(role) if column == ANY else self.by_relation.get((role, column))


@dataclass(frozen=True)
class Case:
    access: Access
    role: str | None  # None: anonymous
    column: str | None
    person: str | None  # the world's attribute naming the person; None: anonymous
    expected: Outcome

    @property
    def gap(self) -> str | None:
        return self.access.gap(self.role, self.column)

    def __str__(self) -> str:
        if self.person is None:
            return "anonymous"
        return f"{self.role} / {self.column} ({self.person})"


def columns_of(access: Access) -> tuple[str, ...]:
    return (ANY,) if access.subject is None else RELATIONS


def grid_problems(access: Access, people: People) -> list[str]:
    """A grid gives an outcome for exactly the cells someone plays, for every role, in the right columns."""
    grid = access.grid.complete(people.roles)
    columns = columns_of(access)
    if tuple(grid.columns) != columns:
        kind = "an object (subject)" if access.subject else "no object"
        return [f"{access.id}: has {kind}, so its grid's columns are {columns}, not {grid.columns}"]
    problems = []
    for role in people.roles:
        for column in columns:
            declared = grid.outcome(role, column) is not None
            played = people.person(role, column) is not None
            if declared and not played:
                problems.append(f"{access.id}: {role}/{column} is declared but nobody plays it (write -)")
            if played and not declared:
                problems.append(f"{access.id}: {role}/{column} has no outcome")
    unknown = set(grid.cells) - set(people.roles)
    if unknown:
        problems.append(f"{access.id}: unknown roles {sorted(unknown)}")
    if access.listed and not (access.subject and access.safe):
        problems.append(f"{access.id}: a list checked for its subject (listed) is a GET with a subject")
    for key in access.gaps:
        role = key.split("/")[0]
        if role != "anonymous" and role not in people.roles:
            problems.append(f"{access.id}: a gap for an unknown role {key!r}")
    return problems


def cases(access: Access, people: People) -> list[Case]:
    """The anonymous case, then one case per role × column that someone plays."""
    grid = access.grid.complete(people.roles)
    found = [Case(access, None, None, None, access.anonymous)]
    for role in people.roles:
        for column in columns_of(access):
            expected, person = grid.outcome(role, column), people.person(role, column)
            if expected is not None and person is not None:
                found.append(Case(access, role, column, person, expected))
    return found


# --- running a case ---------------------------------------------------------------------------------------


def classify(response: Any, *, safe: bool, api: bool = False) -> Outcome:
    """The outcome a response stands for (see the module docstring)."""
    status = response.status_code
    if status == 401:
        return LOGIN
    if 300 <= status < 400:
        to_login = response.get("Location", "").split("?")[0].endswith(resolve_url(settings.LOGIN_URL))
        if to_login:
            return Outcome.INVALID if api else LOGIN  # a program is answered 401, never sent to a page
        return REDIRECT if safe else ALLOW
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status == 405:
        return Outcome.METHOD_NOT_ALLOWED
    if status >= 500:
        return Outcome.ERROR
    if 200 <= status < 300:
        return ALLOW
    return Outcome.INVALID if safe else ALLOW


def _value(value: Any, world: Any, person: Any) -> Any:
    return value(world, person) if callable(value) else value


def _attr_path(world: Any, path: str) -> Any:
    value = world
    for part in path.split("."):
        value = getattr(value, part)
    return value


def path_params(access: Access, names: Sequence[str], world: Any, person: Any) -> dict[str, Any]:
    values = {}
    for name in names:
        if name in access.params:
            values[name] = _value(access.params[name], world, person)
        elif name in ("id", "pk") and access.subject:
            values[name] = _attr_path(world, f"{access.subject}.pk")
        elif name.endswith("_id") and hasattr(world, name.removesuffix("_id")):
            values[name] = _attr_path(world, f"{name.removesuffix('_id')}.pk")
        else:
            values[name] = _attr_path(world, name)
    return values


def url_of(access: Access, path: str, world: Any, person: Any) -> str:
    """The URL a case requests: a page reversed by its name, an API path with its ``{…}`` filled in."""
    values = path_params(access, re.findall(r"\{(\w+)\}", path), world, person)
    if access.kind == PAGE:
        url = reverse(access.endpoint, kwargs=values or None)
    else:
        url = path
        for name, value in values.items():
            url = url.replace("{" + name + "}", str(value))
    query = _value(access.query, world, person)
    return f"{url}?{urlencode(query, doseq=True)}" if query else url


def send(client: Any, access: Access, url: str, world: Any, person: Any) -> Any:
    method = getattr(client, access.method.lower())
    if access.safe:
        return method(url)
    data = _value(access.data, world, person) or {}
    if access.kind == API:
        return method(url, json.dumps(data, cls=DjangoJSONEncoder), content_type="application/json")
    return method(url, data)


def lists(access: Access, response: Any, world: Any) -> bool:
    """Whether the list in ``response`` shows the declaration's subject."""
    subject = _attr_path(world, access.subject or "")
    if access.kind == API:
        return subject.pk in {row.get("id") for row in response.json().get("results", [])}
    return access.listed(world) in response.content.decode()


@contextmanager
def rolled_back(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Whatever the block writes is undone. Marked like a test case's own transaction, so that the
    services' ``atomic(durable=True)`` may open inside it (as they do inside ``TestCase``)."""
    atomic = transaction.atomic(using=using)
    atomic._from_testcase = True  # type: ignore[attr-defined]
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True, using=using)
        atomic.__exit__(None, None, None)


@dataclass(frozen=True)
class Result:
    case: Case
    observed: Outcome
    status: int
    url: str

    @property
    def as_declared(self) -> bool:
        return self.observed == self.case.expected

    @property
    def failed(self) -> bool:
        """Not as declared — or as declared although a gap says it is not (the gap must go)."""
        return self.as_declared == bool(self.case.gap)

    def line(self) -> str:
        case = self.case
        where = f"{case.access.method} {self.url}"
        if case.gap and self.as_declared:
            return f"  {case}: {self.observed} as declared, but a gap is recorded ({case.gap}): remove it"
        note = f" — known gap: {case.gap}" if case.gap else ""
        return f"  {case}: expected {case.expected}, got {self.observed} ({self.status}) {where}{note}"


def run(
    access: Access, path: str, people: People, world: Any, client_for: Callable[[Any], Any]
) -> list[Result]:
    """Every case of ``access``, each in a transaction rolled back afterwards. ``client_for(person)``
    gives a test client signed in as that person (None: anonymous)."""
    results = []
    for case in cases(access, people):
        person = getattr(world, case.person) if case.person else None
        with rolled_back():
            url = url_of(access, path, world, person)
            response = send(client_for(case.person), access, url, world, person)
        observed = classify(response, safe=access.safe, api=access.kind == API)
        if observed == ALLOW and access.listed and access.subject and not lists(access, response, world):
            observed = HIDDEN
        results.append(Result(case, observed, response.status_code, url))
    return results


def report(access: Access, results: Sequence[Result]) -> str:
    failed = [r for r in results if r.failed]
    return "\n".join(
        [
            f"{access.id}: {len(failed)} of {len(results)} cases differ from the declaration",
            f"  rule: {access.grid.why}",
        ]
        + [r.line() for r in failed]
    )
