"""The one diacritic folder: what people type and what plans say are matched folded."""

from __future__ import annotations

import unicodedata
from functools import cache


def fold(text: str) -> str:
    """Return `text` lower-cased without diacritics ("đ" as "d"), one character for each of `text`.

    Composed text (NFC) folds fully; callers that may receive decomposed text compose it first.
    """
    return "".join(_fold_char(char) for char in text)


@cache
def _fold_char(char: str) -> str:
    if char in "đĐ":
        # "đ" is a letter of its own, not "d" plus a mark, so NFD does not decompose it.
        return "d"
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char
