"""The words of a time frame: folding, tokens pointing back at the text, the vocabulary."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from scheduler.text import fold
from scheduler.timeframe.model import (
    HALF_YEARLY_RULE,
    MONTHLY_RULE,
    QUARTERLY_RULE,
    YEARLY_END_RULE,
)

# --- Normalisation -------------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"} | {"(": " ", ")": " "})
_LABEL = re.compile(r"^(?:c\)\s*)?thoi gian(?: thuc hien)?\s*:\s*")


def normalise(text: str) -> str:
    """Return `text` lowercased, without diacritics, with single spaces and no trailing period."""
    bare = fold(unicodedata.normalize("NFC", text)).translate(_DASHES)
    spaced = re.sub(r"\s*/\s*", "/", " ".join(bare.split()))
    return _LABEL.sub("", spaced.strip(" .;,:"))


# --- Tokens: the folded words of the text, each pointing back at the original ---------------------

_FOLD = str.maketrans({c: "-" for c in "‐‑‒–—―−"} | {"đ": "d"})
_TOKEN = re.compile(r"[a-z]+|[0-9]+|[^\W_]+|\S")


@dataclass(frozen=True)
class _Token:
    word: str  # folded: lowercase, no diacritics, "đ" -> "d", compatibility forms decomposed
    start: int  # span in the original text
    end: int
    capital: bool  # the original word starts with a capital letter


def _tokens(text: str) -> list[_Token]:
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch < "\x80":
            chars.append(ch.lower())
            origin.append(i)
            continue
        for c in unicodedata.normalize("NFKD", ch.lower().translate(_FOLD)):
            if not unicodedata.combining(c):
                chars.append(c)
                origin.append(i)
    folded = "".join(chars)
    return [
        _Token(m[0], origin[m.start()], origin[m.end() - 1] + 1, text[origin[m.start()]].isupper())
        for m in _TOKEN.finditer(folded)
    ]


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


Options = dict[str, tuple[list[str], ...]]  # first word -> word lists, longest first


def _options(*phrases: str) -> Options:
    """Return the phrases as word lists by first word, longest first ("cham nhat la" wins over
    "cham nhat"), so a match looks only at the phrases that can start at a word."""
    found: dict[str, list[list[str]]] = {}
    for words in sorted((p.split() for p in phrases), key=len, reverse=True):
        found.setdefault(words[0], []).append(words)
    return {first: tuple(options) for first, options in found.items()}


# --- Parts ---------------------------------------------------------------------------------------

# Grains of a rhythm, finest first; a combination keeps the finest ("hằng quý, hằng năm").
_GRAINS = ("week", "month", "quarter", "half", "year")
_MONTHS_TO_GRAIN = {1: "month", 3: "quarter", 6: "half", 12: "year"}
_RULES = {
    "week": "FREQ=WEEKLY;BYDAY=FR",
    "month": MONTHLY_RULE,
    "quarter": QUARTERLY_RULE,
    "half": HALF_YEARLY_RULE,
    "year": YEARLY_END_RULE,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_BAD_ROMAN = {"v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}


@dataclass
class _Atom:
    """A period the text names, perhaps without its year (or, for a day, its month)."""

    grain: str  # "day", "month", "quarter", "half", "year", "qday" (a day of each quarter), "now"
    year: int | None = None
    number: int | None = None  # the month (day, month), quarter, half (1, 2), month of a quarter
    day: int | None = None
    inherited: bool = False  # the year was taken from the next period of the same list or range


@dataclass
class _When:
    """One period, or a range of two, with what the text says about it."""

    first: _Atom
    pos: int
    group: int
    mod: str = ""  # "", "before", "by", "from", "after", "early", "middle"
    last: _Atom | None = None  # the end of a range
    open: bool = False  # "trở đi", "đến khi ...": a start without an end
    start: date | None = None  # resolved window
    end: date | None = None


class _Unreadable(Exception):
    """The text names something impossible ("Quý 7", "31/02/2024"); args[0] is the reason code."""


Item = tuple[str, Any, int]  # (kind, value, token position)

_BEFORE = _options("truoc")
_ENDING = _options("ket thuc nam", "ket thuc quy", "ket thuc thang", "het nam", "het quy",
                   "het thang")
_BY = _options(
    "truoc khi ket thuc", "truoc khi het", "cham nhat la", "cham nhat vao", "cham nhat",
    "muon nhat la", "muon nhat", "han chot la",
    "han chot", "thoi han la", "thoi han", "khong qua", "khong muon hon", "het", "cuoi",
)
_FROM = _options("bat dau tu", "ke tu", "tinh tu", "bat dau ke tu", "tu")
_NOW = _options("tu nay", "tu bay gio", "ke tu nay", "tu thoi diem nay", "ngay tu bay gio")
_IN = _options("trong", "vao", "ngay trong", "trong thoi gian", "trong giai doan", "giai doan")
_CONNECT = _options("-", "den het", "den", "toi", "cho den", "den cuoi", "den truoc")
_OPEN = _options("tro di", "tro ve sau", "ve sau", "tro ve sau nay")
_FOLLOW = _options(
    "cac nam tiep theo", "cac nam ke tiep", "cac nam sau do", "cac nam sau", "cac nam tiep",
    "cac nam toi", "nhung nam tiep theo", "nhung nam sau", "nhung nam tiep", "nhung nam toi",
    "cac nam ve sau",
)
_EVERY = _options("hang", "moi", "tung")
_CONTINUOUS = _options("thuong xuyen", "lien tuc", "hang ngay", "moi ngay", "thuong nien lien tuc")
_AD_HOC = _options(
    "dot xuat", "khi co yeu cau", "khi duoc yeu cau", "khi can thiet", "khi can", "khi phat sinh",
    "theo yeu cau",
)
_DONE = _options("da hoan thanh", "da thuc hien", "da trien khai", "da xong", "da ban hanh")
_EVENT = _options(
    "sau khi", "ngay sau khi", "truoc khi", "khi", "nhan dip", "nhan cac dip", "nhan dot",
    "nhan cac dot", "nhan ky", "ky hop", "phien hop", "tai ky hop", "tai phien hop", "tet",
    "truoc tet", "sau tet", "dip tet",
)
_UNTIL_EVENT = _options("den khi", "cho den khi", "toi khi")
_YEAR_AFTER_PLAN_YEAR = _options("nam sau nam ke hoach", "nam tiep theo nam ke hoach")
_YEAR_BEFORE_PLAN_YEAR = _options("nam lien ke truoc nam ke hoach", "nam truoc nam ke hoach")
_PLAN_YEAR = _options("nam ke hoach", "nam nay", "nam hien hanh")
_NEXT_YEAR = _options("nam tiep theo", "nam sau", "nam toi", "nam ke tiep")
_SINCE_DAY = _options("ke tu ngay", "tu ngay", "tinh tu ngay")
_QUARTER_MONTH = _options(
    "cuoi quy", "dau quy", "giua quy", "cuoi cua quy", "dau cua quy", "dau quy sau",
    "dau cua quy sau", "dau quy tiep theo", "dau cua quy tiep theo",
)
_THIS_OR_NEXT = _options("nay", "toi", "sau", "tiep theo", "ke tiep")
_UNIT_GRAINS = {"nam": "year", "quy": "quarter", "thang": "month", "tuan": "week"}
_A_YEAR = _options("/ nam", "mot nam", "moi nam", "trong nam", "1 nam", "trong 1 nam")
_DATE_WORDS = {"/", "-", ".", "thang", "nam"}
_AFTER_UNIT = {"", ",", ";", ".", "va", "hoac", ")"}
_ONCE = _options("mot lan", "1 lan", "01 lan", "/ lan")
_DURATION_START = _options("trong vong", "trong thoi han", "trong", "sau", "khoang")
_TIME_HEADS = {
    "quy", "thang", "nam", "ngay", "truoc", "trong", "tu", "den", "cham", "muon", "hang", "moi",
    "dinh", "theo", "sau", "khi", "dot", "vao", "giai", "ke", "bat", "thuong", "lien", "tai", "ky",
    "phien", "da", "hoac", "de",
}
_DURATION_WORDS = {"trong", "vong", "han", "gian", "sau", "khoang", "da", "nhat", "hon", "qua"}
_UNITS = {"ngay", "tuan", "thang", "nam"}
_LABELS = _options(
    "thoi gian thuc hien", "thoi gian hoan thanh", "thoi gian hoan tat", "thoi gian",
    "thoi gian bat dau", "tien do thuc hien", "tien do hoan thanh",
)
_FILLER = _options(
    "hoan thanh", "hoan tat", "thuc hien", "trien khai", "to chuc", "bao cao", "gui", "trinh",
    "cong bo", "ap dung", "tai", "tong hop", "ket thuc", "bat dau", "ngay", "la", "cua", "ve",
    "cho", "len", "voi", "de", "co the", "ket qua", "tinh hinh", "so", "duy tri", "tiep tuc",
    "dam bao",
    "xem xet", "thong qua", "cho y kien", "tung giai doan", "giai doan", "va", "hoac", "cac",
    "nhiem vu", "xong", "tat ca", "phai", "can", "duoc", "se", "dinh ky", "bao cao ket qua",
    "ban hanh", "phe duyet", "xay dung", "hoan thien", "tham muu", "du thao", "ca", "suot",
    "phan dau", "co ban", "so ket", "tong ket",
)
_REPORTS = {("bao", "cao"), ("so", "ket"), ("tong", "ket")}  # "báo cáo quý", "tổng kết năm"
_PERIOD_HEADS = {"ngay", "thang", "quy", "nam"}
_ASIDE = _options("dinh huong", "tam nhin", "doi voi", "ap dung doi voi", "rieng doi voi")
_ADDRESSEE = {"ve", "cho", "gui", "trinh", "len", "bao cao", "toi"}
_NAME_LIMIT = 16  # words
# Words that end an agency's name even when capitalised ("Sở Tư pháp" goes on, "Kỳ họp" does not).
_CAPITAL_STOPS = {
    "ky", "phien", "quy", "thang", "ngay", "truoc", "trong", "hang", "dinh", "theo", "sau", "khi",
    "dot", "vao", "cham",
}
_SOFT_SEPARATORS = {",", "va", "hoac", "(", ")", ":", "/", "+", "&"}
_HARD_SEPARATORS = {";", ".", "!", "?"}

