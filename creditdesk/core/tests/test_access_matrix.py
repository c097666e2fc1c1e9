"""The generated access matrix (CONVENTIONS.md, "Tests"): every page of the URLconf and every operation of
the OpenAPI schema is declared — expected outcome per role × relation of the object to the person, plus
anonymous — in its app's ``tests/access.py``, and every declared case is run against the real views.

- A new page or API operation without a declaration fails ``test_every_endpoint_is_declared``; a
  declaration whose endpoint is gone fails ``test_every_declaration_names_an_endpoint``.
- ``test_access[<endpoint>]`` runs all the cases of one declaration (each person's request in a
  transaction rolled back afterwards) and lists every case that differs.

The world (organisation, objects, sessions) is built once for the module: see ``access_world.py``.
"""

from __future__ import annotations

import time
from collections import Counter
from functools import cache

import pytest

from creditdesk.core.testing.access import RELATIONS, Access, cases, grid_problems, report, run
from creditdesk.core.testing.endpoints import (
    API,
    PAGE,
    Endpoint,
    api_operations,
    api_routes_missing_from_schema,
    url_patterns,
)
from creditdesk.core.tests.access_world import PEOPLE, declarations, world_in_transaction

# URL prefixes outside the matrix, each with the reason.
NOT_IN_THE_MATRIX = {
    "/admin/": "Django's admin: staff accounts only, with its own per-model permission system",
}

DECLARATIONS: list[Access] = declarations()
FIGURES: dict[str, float] = Counter()


@cache
def endpoints() -> dict[str, Endpoint]:
    found = url_patterns(skip_prefixes=NOT_IN_THE_MATRIX) + api_operations()
    return {endpoint.id: endpoint for endpoint in found}


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker, tmp_path_factory):
    started = time.perf_counter()
    with world_in_transaction(django_db_blocker, tmp_path_factory.mktemp("media")) as built:
        FIGURES["world_seconds"] = time.perf_counter() - started
        yield built
    if FIGURES["ran_cases"]:
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(
                f"\naccess matrix: ran {FIGURES['ran_cases']:.0f} cases of {FIGURES['ran_declarations']:.0f} "
                f"declarations in {FIGURES['case_seconds']:.1f} s "
                f"(world built in {FIGURES['world_seconds']:.1f} s)"
            )


def test_every_endpoint_is_declared():
    declared = {access.endpoint for access in DECLARATIONS}
    missing = [
        f"{e.kind:4} {e.id}  ({e.path}, {e.callback})" for e in endpoints().values() if e.id not in declared
    ]
    assert not missing, (
        "Endpoints without a declaration in the access matrix — add them to their app's tests/access.py:\n"
        + "\n".join(missing)
    )


def test_every_declaration_names_an_endpoint():
    gone = sorted({access.endpoint for access in DECLARATIONS} - set(endpoints()))
    assert not gone, "Declarations whose endpoint no longer exists:\n" + "\n".join(gone)


def test_every_api_route_is_in_the_schema():
    operations = [e for e in endpoints().values() if e.kind == API]
    assert not api_routes_missing_from_schema(operations)


def test_every_grid_is_complete_and_declared_once():
    problems = [problem for access in DECLARATIONS for problem in grid_problems(access, PEOPLE)]
    twice = [key for key, n in Counter(access.id for access in DECLARATIONS).items() if n > 1]
    problems += [f"{key}: declared twice" for key in twice]
    pages = {e.id for e in endpoints().values() if e.kind == PAGE}
    problems += [
        f"{access.id}: a page declared as an API operation or the other way round"
        for access in DECLARATIONS
        if access.endpoint in endpoints() and (access.kind == PAGE) != (access.endpoint in pages)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("access", DECLARATIONS, ids=[access.id for access in DECLARATIONS])
def test_access(world, db, access):
    built, client_for = world
    endpoint = endpoints().get(access.endpoint)
    assert endpoint is not None, f"{access.endpoint} does not exist"
    started = time.perf_counter()
    results = run(access, endpoint.path, PEOPLE, built, client_for)
    FIGURES["case_seconds"] += time.perf_counter() - started
    FIGURES["ran_cases"] += len(results)
    FIGURES["ran_declarations"] += 1
    assert not any(result.failed for result in results), report(access, results)


def figures() -> dict[str, int]:
    """The size of the matrix: endpoints, declarations (endpoint × method), roles, relations, cases."""
    all_endpoints = endpoints()
    pages = sum(1 for e in all_endpoints.values() if e.kind == PAGE)
    all_cases = [case for access in DECLARATIONS for case in cases(access, PEOPLE)]
    return {
        "endpoints": len(all_endpoints),
        "pages": pages,
        "api_operations": len(all_endpoints) - pages,
        "declarations": len(DECLARATIONS),
        "roles": len(PEOPLE.roles),
        "relations": len(RELATIONS),
        "cases": len(all_cases),
        "known_gaps": sum(1 for case in all_cases if case.gap),
    }


def test_figures(capsys):
    """Prints the size of the matrix and its known gaps (shown without ``-s``)."""
    f = figures()
    gaps = sorted(
        {f"  {access.id}: {key}: {why}" for access in DECLARATIONS for key, why in access.gaps.items()}
    )
    with capsys.disabled():
        print(
            f"\naccess matrix: {f['endpoints']} endpoints ({f['pages']} pages, {f['api_operations']} API "
            f"operations), {f['declarations']} declarations (endpoint × method), {f['roles']} roles × "
            f"{f['relations']} relations + anonymous → {f['cases']} cases ({f['known_gaps']} known gaps)"
        )
        if gaps:
            print("known gaps (the code does not do what the declaration says yet):\n" + "\n".join(gaps))
    assert f["cases"] > f["declarations"] >= f["endpoints"]
