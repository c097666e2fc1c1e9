"""Every app has the shape the README and CONVENTIONS.md describe, or the README's "App shape" table says
why it differs — one list of exceptions, read from the README, so the two cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
APPS = REPO / "creditdesk"
PARTS = (
    "models.py",
    "choices.py",
    "services.py",
    "selectors.py",
    "forms.py",
    "filtersets.py",
    "views.py",
    "urls.py",
    "api",
    "templates",
    "tests",
)


def _declared_exceptions() -> dict[str, set[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### App shape", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\w+) \| ([^|]+) \| [^|]+ \|$", section, flags=re.MULTILINE)
    return {app: {part.strip() for part in parts.split(",")} for app, parts in rows if app != "app"}


def _has(app: Path, part: str) -> bool:
    stem = part.removesuffix(".py")
    return (app / part).exists() or (app / stem).is_dir()


def _apps() -> list[Path]:
    return sorted(p.parent for p in APPS.glob("*/apps.py"))


def test_every_app_has_every_part_or_says_why():
    exceptions = _declared_exceptions()
    assert exceptions, "README.md has no App shape table"
    missing = {app.name: {part for part in PARTS if not _has(app, part)} for app in _apps()}
    undeclared = {name: parts - exceptions.get(name, set()) for name, parts in missing.items()}
    assert {name: parts for name, parts in undeclared.items() if parts} == {}


def test_the_table_names_only_parts_that_are_really_missing():
    apps = {app.name: app for app in _apps()}
    stale = {
        name: {part for part in parts if name not in apps or _has(apps[name], part)}
        for name, parts in _declared_exceptions().items()
    }
    assert {name: parts for name, parts in stale.items() if parts} == {}
