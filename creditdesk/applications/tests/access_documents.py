from __future__ import annotations


def build(w) -> None:
    return None


DECLARATIONS: list = []
