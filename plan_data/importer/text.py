"""Text helpers for reading plans: folding, Markdown clean-up, numbers, Roman headings, labels."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from scheduler.text import fold as fold  # the one folder; importers still reach it here

# --- Markdown clean-up -------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_QUOTE = re.compile(r"^\s*>\s?")
_BULLET = re.compile(r"^\s*(?:[-+•–—·▪◦○●►✓]|\*(?=\s))\s+")
_RULE = re.compile(r"^\s*(?:[-*_=]\s*){3,}$")
_EMPHASIS = re.compile(r"(?<!\\)\*+|(?<![^\W_])_+|_+(?![^\W_])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u3000]+")


@dataclass(frozen=True)
class Line:
    """One cleaned line; `marked` when the source began it with a heading or list marker."""

    text: str
    marked: bool = False
    heading: bool = False
    bullet: str = ""  # "-" for a dash or dot bullet, "+" for a plus: the list's level


def clean_line(raw: str) -> Line:
    """Return `raw` without Markdown (headings, bullets, emphasis, escapes), spaces folded."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", raw))
    text = _HTML_BREAK.sub(" ", text).replace("&nbsp;", " ")
    if _RULE.match(text):
        return Line("")
    heading = marked = False
    bullet = ""
    while True:
        for pattern in (_QUOTE, _HEADING, _BULLET):
            stripped = pattern.sub("", text, count=1)
            if stripped != text:
                heading = heading or pattern is _HEADING
                if pattern is _BULLET and not bullet:
                    bullet = "+" if text.lstrip().startswith("+") else "-"
                marked = True
                text = stripped
                break
        else:
            # "**- a)**" hides a bullet behind emphasis: strip emphasis, then look again
            unmarked = _EMPHASIS.sub("", text)
            done = unmarked == text or _BULLET.match(unmarked) is None
            text = unmarked
            if done:
                break
    text = _ESCAPE.sub(r"\1", text)
    return Line(_SPACES.sub(" ", text).strip(), marked=marked, heading=heading, bullet=bullet)


def html_breaks_to_newlines(text: str) -> str:
    """Return `text` with HTML line breaks (Markdown table cells) as newlines."""
    return _HTML_BREAK.sub("\n", text)


# --- numbers and headings ----------------------------------------------------------------------

_ROMAN_HEADING = re.compile(r"^(?P<roman>[IVX]{1,5})\s*[.)]\s*(?P<title>.*)$")
_NUMBERED = re.compile(
    r"^(?P<multi>\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+|$)(?P<multi_rest>.*)$"  # 1.1 / 1.1.
    r"|^(?P<single>\d{1,2})\s*[.)](?!\d)\s*(?P<single_rest>.*)$"  # 1. / 1)
)
_PAREN_NUMBER = re.compile(r"^\(\d{1,2}\)\s")
LETTERED = re.compile(r"^(?P<letter>[a-zđ])\s*[).]\s+(?P<rest>.*)$")
_ROMAN_DIGITS = {"I": 1, "V": 5, "X": 10}
_ROMAN_UNITS = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")


def roman_value(text: str) -> int | None:
    """Return the value of a canonical Roman numeral below 40, else None."""
    if not text or any(char not in _ROMAN_DIGITS for char in text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_DIGITS[char]
        following = _ROMAN_DIGITS[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    if not 0 < total < 40:
        return None
    tens, units = divmod(total, 10)
    return total if "X" * tens + _ROMAN_UNITS[units] == text else None


def split_number(text: str) -> tuple[str, str] | None:
    """Return (number, rest) when `text` starts with a task number ("1.", "2)", "1.1.")."""
    match = _NUMBERED.match(text)
    if match is None:
        return None
    if match.group("multi") is not None:
        return match.group("multi"), match.group("multi_rest").strip()
    return match.group("single"), match.group("single_rest").strip()


def split_roman(text: str) -> tuple[str, str] | None:
    """Return (numeral, title) when `text` is a Roman section heading ("II. NỘI DUNG")."""
    match = _ROMAN_HEADING.match(text)
    if match is None or roman_value(match.group("roman")) is None:
        return None
    return match.group("roman"), match.group("title").strip()


# --- field labels ------------------------------------------------------------------------------


class Field(StrEnum):
    LEAD = "lead"
    COORDINATING = "coordinating"
    TIMEFRAME = "timeframe"


_LABEL_WORDS: dict[Field, tuple[str, ...]] = {  # folded spelling
    Field.LEAD: (
        "co quan chu tri thuc hien", "co quan chu tri", "don vi chu tri thuc hien",
        "don vi chu tri", "chu tri thuc hien", "co quan thuc hien", "don vi thuc hien",
        "co quan, don vi chu tri", "chu tri",
    ),
    Field.COORDINATING: (
        "co quan phoi hop thuc hien", "co quan phoi hop", "don vi phoi hop thuc hien",
        "don vi phoi hop", "phoi hop thuc hien", "co quan, don vi phoi hop", "phoi hop",
    ),
    Field.TIMEFRAME: (
        "thoi gian thuc hien", "thoi gian hoan thanh", "thoi han hoan thanh",
        "thoi gian hoan tat", "thoi han hoan tat",
        "thoi han thuc hien", "thoi gian trinh", "thoi han trinh", "tien do thuc hien",
        "tien do hoan thanh", "thoi gian", "thoi han", "tien do",
    ),
}
# Longest first, so "cơ quan chủ trì thực hiện" wins over "cơ quan chủ trì".
_LABELS = sorted(
    ((label, field) for field, labels in _LABEL_WORDS.items() for label in labels),
    key=lambda pair: -len(pair[0]),
)
_LABEL_END = re.compile(r"\s*(?:[:\-–—]\s*|$)")


@dataclass(frozen=True)
class Label:
    """A field label at the start of a line, with the value that follows it (maybe empty)."""

    field: Field
    label: str
    value: str


def find_label(text: str) -> Label | None:
    """Return the label `text` starts with (after an optional "a)"), else None.

    A label must be followed by a colon or a dash, or end the line: "Chủ trì, phối hợp với ..."
    is task text, not a label.
    """
    lettered = LETTERED.match(text)
    body = lettered.group("rest") if lettered else text
    offset = len(text) - len(body)
    folded = fold(body)
    for label, field in _LABELS:
        if not folded.startswith(label):
            continue
        end = _LABEL_END.match(body, len(label))
        if end is None:
            continue
        return Label(field, text[offset : offset + len(label)], body[end.end() :].strip())
    return None


def header_field(text: str) -> Field | None:
    """Return the field a table header cell names ("Cơ quan chủ trì" is LEAD), else None."""
    folded = fold(text)
    if "phoi hop" in folded:
        return Field.COORDINATING
    if "chu tri" in folded or folded.strip() in ("co quan thuc hien", "don vi thuc hien"):
        return Field.LEAD
    if any(word in folded for word in ("thoi gian", "thoi han", "tien do")):
        return Field.TIMEFRAME
    return None


def starts_structure(text: str) -> bool:
    """Return True when `text` opens a new element: a heading, task number, letter or label."""
    return (
        split_roman(text) is not None
        or split_number(text) is not None
        or _PAREN_NUMBER.match(text) is not None
        or LETTERED.match(text) is not None
        or find_label(text) is not None
    )
