"""Demo leads (filled in below)."""

from __future__ import annotations

from typing import Any


def run(*, stdout: Any = None) -> dict[str, int]:
    return {}
