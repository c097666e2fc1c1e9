"""What changed between the approved text of a script and the version submitted (the review queue's diff).
Pure (no Django). Chinese has no spaces, so texts are compared character by character; a run of changes is
kept whole so a reviewer reads "删去 X，加上 Y" rather than scattered letters."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class Piece:
    kind: str  # SAME, ADDED or REMOVED
    text: str


def pieces(before: str, after: str) -> list[Piece]:
    """``after`` against ``before``: the unchanged runs, what was removed and what was added, in order."""
    found: list[Piece] = []
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            found.append(Piece(SAME, before[a1:a2]))
            continue
        if a2 > a1:
            found.append(Piece(REMOVED, before[a1:a2]))
        if b2 > b1:
            found.append(Piece(ADDED, after[b1:b2]))
    return found


def changed(before: str, after: str) -> bool:
    return before != after
