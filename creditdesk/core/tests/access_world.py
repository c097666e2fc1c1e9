"""The world the generated access matrix runs in: the shared organisation, who plays each cell, the
objects every app's ``tests/access.py`` builds, and a signed-in test client per person.

Every object of the world belongs to cm_a (team T1, branch B1) — or hangs off 张三, his customer — so
the person decides the relation: ``CAST`` below says who plays each role × relation (approver2, of
branch B2, is added to the shared ``org`` here). An endpoint with no object is tried by the first person
of each row: cm_a, lead1, approver1, risk1, head1 and admin.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from types import ModuleType, SimpleNamespace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.test import Client, override_settings

from creditdesk.accounts.choices import Role
from creditdesk.core.testing.access import NA, RELATIONS, Access, People, rolled_back

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Who plays each cell of a grid (the table of the module docstring); the first person of a row also
# plays the role for endpoints with no object.
CAST = """
                 own    same_team   other_team   other_branch
  manager        cm_a   cm_b        cm_c         cm_d
  team_lead      -      lead1       lead2        lead3
  approver       -      -           approver1    approver2
  risk_manager   -      -           risk1        risk2
  branch_head    -      -           head1        head2
  admin          -      -           -            admin
"""


def _cast(table: str) -> People:
    lines = [line.split() for line in table.strip().splitlines()]
    columns, rows = lines[0], lines[1:]
    assert tuple(columns) == RELATIONS, columns
    by_relation = {
        (row[0], column): who
        for row in rows
        for column, who in zip(columns, row[1:], strict=True)
        if who != NA
    }
    by_role = {row[0]: next(who for who in row[1:] if who != NA) for row in rows}
    roles = tuple(row[0] for row in rows)
    assert sorted(roles) == sorted(role.value for role in Role), f"the cast names every role once: {roles}"
    return People(roles=roles, by_relation=by_relation, by_role=by_role)


PEOPLE = _cast(CAST)


def app_modules() -> Iterator[ModuleType]:
    """``creditdesk.<app>.tests.access`` of every installed CreditDesk app that has one, in the order
    of INSTALLED_APPS (an app's objects may hang off a lower app's)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("creditdesk."):
            continue
        name = f"{config.name}.tests.access"
        if importlib.util.find_spec(f"{config.name}.tests") and importlib.util.find_spec(name):
            yield importlib.import_module(name)


def declarations() -> list[Access]:
    found: list[Access] = []
    for module in app_modules():
        found.extend(getattr(module, "DECLARATIONS", ()))
    return found


def build_world() -> SimpleNamespace:
    """The organisation, approver2, then every app's objects (``build(world)``)."""
    from creditdesk.accounts.tests.factories import make_person
    from creditdesk.accounts.tests.org import build_org

    world = build_org()
    world.approver2 = make_person(Role.APPROVER, branch=world.b2, username="approver2")
    for module in app_modules():
        build = getattr(module, "build", None)
        if build is not None:
            build(world)
    return world


def sign_in_all(world: Any) -> dict[str, str]:
    """A session for every person who plays a cell: username → session key."""
    keys = {}
    for username in {*PEOPLE.by_relation.values(), *PEOPLE.by_role.values()}:
        client = Client()
        client.force_login(getattr(world, username))
        keys[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def client_factory(keys: dict[str, str]) -> Callable[[str | None], Client]:
    """``client_for(person)``: one test client, its cookies replaced by the person's session (none for
    None). One client for every case: a new one loads the middleware again, and WhiteNoise's scans every
    static file when it starts (most of a request's time in a test)."""
    client = Client()

    def client_for(person: str | None) -> Client:
        client.cookies = SimpleCookie()
        if person is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = keys[person]
        return client

    return client_for


@contextmanager
def world_in_transaction(django_db_blocker: Any, media_root: Any) -> Iterator[tuple[Any, Any]]:
    """Build the world once (for a test module) inside a transaction rolled back at the end; yields the
    world and ``client_for(person)``. Tests that use it still ask for ``db``: theirs nests inside."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
        rolled_back(),
    ):
        world = build_world()
        yield world, client_factory(sign_in_all(world))
