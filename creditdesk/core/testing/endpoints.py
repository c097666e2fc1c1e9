"""Every endpoint CreditDesk serves, read from the URLconf and from the OpenAPI schema.

Two kinds, each with a stable id that a declaration names:

- a **page**: one URL pattern outside the REST API, named ``"namespace:name"`` (``"customers:detail"``;
  a pattern without a name is named by its route);
- an **API operation**: one (method, path) of the OpenAPI schema, ``"GET /api/v1/customers/{id}/"``.

The API's URL patterns are checked against the schema too (``api_routes_missing_from_schema``): a route
left out of the schema (``extend_schema(exclude=True)``) would otherwise escape every declaration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PAGE = "page"
API = "api"
API_PREFIX = "/api/v1/"
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Endpoint:
    """A page (``kind == PAGE``: ``id`` is its URL name, ``path`` its route) or an API operation
    (``kind == API``: ``id`` is ``"METHOD path"``, ``method`` and ``path`` as in the schema)."""

    kind: str
    id: str
    path: str
    method: str | None = None
    callback: str = ""

    def __str__(self) -> str:
        return self.id


# --- the URLconf ---------------------------------------------------------------------------------------


def _walk(resolver: URLResolver, prefix: str = "", namespace: str | None = None) -> Iterator[tuple]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace, entry


def _display_route(route: str) -> str:
    """``"/api/v1/^tasks/(?P<pk>[^/.]+)/$"`` → ``"/api/v1/tasks/{pk}/"`` (and ``<int:pk>`` → ``{pk}``)."""
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route.replace("^", "").replace("$", "").lstrip("/")


def _callback_name(pattern: URLPattern) -> str:
    callback = pattern.callback
    owner = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    name = owner.__name__ if owner is not None else getattr(callback, "__name__", repr(callback))
    return f"{getattr(callback, '__module__', '')}.{name}"


def url_patterns(*, skip_prefixes: Iterable[str] = ()) -> list[Endpoint]:
    """Every page of the URLconf, the REST API's routes left out (they are API operations), and the
    routes under ``skip_prefixes`` (e.g. ``"/admin/"``, with its own permission system)."""
    skip = tuple(skip_prefixes)
    found: dict[str, Endpoint] = {}
    for route, namespace, pattern in _walk(get_resolver()):
        path = _display_route(route)
        if path.startswith(API_PREFIX) or path.startswith(skip):
            continue
        name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or path)
        found.setdefault(name, Endpoint(PAGE, name, path, callback=_callback_name(pattern)))
    return sorted(found.values(), key=lambda e: e.id)


def _route_methods(pattern: URLPattern) -> set[str]:
    """The methods a route of the API answers: a viewset's ``actions``, else the view's handlers."""
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        return {method.upper() for method in actions} & set(API_METHODS)
    view_class = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
    return {m for m in API_METHODS if view_class is not None and hasattr(view_class, m.lower())}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


# --- the OpenAPI schema ---------------------------------------------------------------------------------


def api_operations() -> list[Endpoint]:
    """Every operation of the public OpenAPI schema (drf-spectacular), as ``METHOD path``."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method.upper() in API_METHODS:
                operations.append(
                    Endpoint(
                        API,
                        f"{method.upper()} {path}",
                        path,
                        method=method.upper(),
                        callback=str(operation.get("operationId", "")),
                    )
                )
    return sorted(operations, key=lambda e: e.id)


def api_routes_missing_from_schema(operations: Iterable[Endpoint]) -> list[str]:
    """``METHOD route`` of every API route of the URLconf that no schema operation stands for (the
    format-suffix twins DRF's router adds, ``tasks.json``, are the same operations and are ignored)."""
    known = {(op.method, _shape(op.path)) for op in operations}
    missing = set()
    for route, _namespace, pattern in _walk(get_resolver()):
        path = _display_route(route)
        if not path.startswith(API_PREFIX) or "{format}" in path:
            continue
        for method in _route_methods(pattern):
            if (method, _shape(path)) not in known:
                missing.add(f"{method} {path}")
    return sorted(missing)
