"""Category codes of a text column (类别编码), exactly and fast: the text path of batch scoring.

Rule: a row gets the code (index into the variable's categories) of the category whose text it equals —
the same characters and the same length, so "own" is not "owner" and an unseen category is never taken
for a seen one; an empty text is missing (−1); anything else is unknown (−2).

How, for a numpy ``U`` array (fixed width, UTF-32, shorter texts padded with NUL), per block of rows so
that the temporaries stay in the CPU cache:

1. A candidate category from the character at one position (or a pair of positions) where the
   categories all differ, looked up in a table indexed by that character — no search and no loop over
   the categories. A character no category has there gives the "no candidate" row (empty text, code −2).
   Categories that no one or two positions tell apart fall back to a binary search on the text.
2. The candidate's characters, padding included, are compared with the row's, every one of them (two
   at a time as one uint64 when the width is even, else one uint32 code point at a time); a row's
   mismatches are folded eight at a time as uint64 words.
3. A row that differs from its candidate is unknown, unless it is empty (missing).

Only categories that fit in the array's width can match (and none that ends in NUL: numpy strips
trailing NULs from ``U`` text, so no row can hold one); the table for each width is built once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
IndexArray = npt.NDArray[np.intp]
Chars = npt.NDArray[np.uint32]

MISSING_CODE: Final = -1
UNKNOWN_CODE: Final = -2
BLOCK: Final = 16384
"""Rows per block: a block of the widest German Credit column (61 characters) is 4 MB."""


class TextCoder:
    """Exact codes of the text in ``U`` arrays of one width (see the module docstring)."""

    def __init__(self, categories: Sequence[str], width: int) -> None:
        self.width = width
        size = max(width, 1)
        # a U array cannot hold a trailing NUL (numpy strips it): such a category never matches
        fitting = [
            (value, code)
            for code, value in enumerate(categories)
            if len(value) <= width and not value.endswith("\x00")
        ]
        self._count = count = len(fitting)
        # table rows: the fitting categories, then the "no candidate" row (empty text, code −2)
        self._values = np.array([value for value, _ in fitting] + [""], dtype=f"<U{size}")
        self._codes = np.array([code for _, code in fitting] + [UNKNOWN_CODE], dtype=np.int64)
        self._chars: Chars = self._values.view(np.uint32).reshape(count + 1, size)
        # compared as uint64 lanes (two characters each) when the width is even, else one by one
        self._lane = np.dtype(np.uint64) if size % 2 == 0 else np.dtype(np.uint32)
        self._lanes = size * 4 // self._lane.itemsize
        self._table_lanes = self._values.view(self._lane).reshape(count + 1, self._lanes)
        self._padded = -(-self._lanes // 8) * 8
        known = self._chars[:count]
        columns = [known[:, position].tolist() for position in range(width)]
        singles = [p for p in range(width) if len(set(columns[p])) == count]
        self._positions: tuple[int, ...] = ()
        if singles:
            # the position whose characters are smallest keeps the lookup table short
            self._positions = (min(singles, key=lambda p: max(columns[p], default=0)),)
        else:
            self._positions = next(
                (
                    (p, q)
                    for p in range(width)
                    for q in range(p + 1, width)
                    if len(set(zip(columns[p], columns[q], strict=True))) == count
                ),
                (),
            )
        self._lookups: list[IndexArray] = []
        if len(self._positions) == 1:
            self._lookups = [_table(columns[self._positions[0]], list(range(count)), count)]
        elif len(self._positions) == 2:
            # two positions: each character → its index among that position's characters (the number
            # of them for any other), then the pair of indexes → the table row
            first, second = (sorted(set(columns[p])) for p in self._positions)
            stride = len(second) + 1
            firsts = _table(first, [i * stride for i in range(len(first))], len(first) * stride)
            seconds = _table(second, list(range(len(second))), len(second))
            pairs = np.full((len(first) + 1) * stride, count, dtype=np.intp)
            for row in range(count):
                a = first.index(columns[self._positions[0]][row])
                b = second.index(columns[self._positions[1]][row])
                pairs[a * stride + b] = row
            self._lookups = [firsts, seconds, pairs]
        else:
            self._order = np.argsort(self._values[:count], kind="stable")
            self._sorted = self._values[:count][self._order]

    def _candidates(self, chars: Chars, text: npt.NDArray[np.str_]) -> IndexArray:
        # mode="clip": a character above the table's last entry reads that entry ("no candidate")
        if len(self._positions) == 1:
            (table,) = self._lookups
            single: IndexArray = np.take(table, chars[:, self._positions[0]], mode="clip")
            return single
        if len(self._positions) == 2:
            firsts, seconds, pairs = self._lookups
            p, q = self._positions
            index = np.take(firsts, chars[:, p], mode="clip")
            index += np.take(seconds, chars[:, q], mode="clip")
            pair: IndexArray = np.take(pairs, index)
            return pair
        found = np.searchsorted(self._sorted, text)
        candidates: IndexArray = self._order[np.minimum(found, max(self._count - 1, 0))]
        return candidates

    def codes(self, array: npt.NDArray[np.str_]) -> IntArray:
        """Codes of a contiguous 1-D ``U`` array of this coder's width."""
        n = array.shape[0]
        codes = np.empty(n, dtype=np.int64)
        if self.width == 0 or self._count == 0:
            codes.fill(UNKNOWN_CODE)
        else:
            chars: Chars = array.view(np.uint32).reshape(n, self.width)
            lanes = array.view(self._lane).reshape(n, self._lanes)
            rows = min(n, BLOCK)
            expected = np.empty((rows, self._lanes), dtype=self._lane)
            differs = np.zeros((rows, self._padded), dtype=np.bool_)  # the padding stays False
            words = differs.view(np.uint64)
            for start in range(0, n, BLOCK):
                stop = min(n, start + BLOCK)
                size = stop - start
                candidates = self._candidates(chars[start:stop], array[start:stop])
                np.take(self._table_lanes, candidates, axis=0, out=expected[:size], mode="clip")
                np.not_equal(expected[:size], lanes[start:stop], out=differs[:size, : self._lanes])
                mismatch = words[:size, 0]
                if words.shape[1] > 1:
                    mismatch = mismatch.copy()
                    for word in range(1, words.shape[1]):
                        mismatch |= words[:size, word]
                found = codes[start:stop]
                np.take(self._codes, candidates, out=found, mode="clip")
                found[mismatch != 0] = UNKNOWN_CODE
        unmatched = np.flatnonzero(codes == UNKNOWN_CODE)
        if unmatched.size:
            codes[unmatched[array[unmatched] == ""]] = MISSING_CODE
        return codes


def _table(characters: Sequence[int], values: Sequence[int], other: int) -> IndexArray:
    """A lookup indexed by a character: ``values[i]`` for ``characters[i]``, ``other`` for any other
    character (the caller clips characters above the largest to the last entry, which is ``other``)."""
    table = np.full(max(characters, default=0) + 2, other, dtype=np.intp)
    table[list(characters)] = values
    return table
