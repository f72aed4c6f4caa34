"""Turn a Vietnamese time frame ("Quý 2 năm 2024", "Hàng năm hoặc đột xuất") into a schedule.

A reader, not a list of whole-phrase patterns: it cuts the text into parts (periods and lists or
ranges of periods, open starts, rhythms, continuity, ad hoc, events, references, filler), then
combines them by a few rules (see `_combine`). Words it cannot place are returned in `unread`;
a phrase it cannot schedule is UNSCHEDULED with a `reason` code. It never raises.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from dateutil.rrule import rrulestr

from scheduler.text import fold


class TimeframeKind(StrEnum):
    DEADLINE = "deadline"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    AFTER_EVENT = "after_event"
    UNSCHEDULED = "unscheduled"


@dataclass(frozen=True)
class Timeframe:
    """A parsed time frame.

    `start` is the window start (None when open); `due` the first due date on or after
    max(start, plan start) (None when there is none); `rrule` an RFC 5545 RRULE body without
    DTSTART (e.g. "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31") for recurring and continuous kinds.
    """

    text: str
    kind: TimeframeKind
    start: date | None
    due: date | None
    rrule: str | None
    ad_hoc: bool = False
    # What the reader could not use: the words it could not place, and for UNSCHEDULED time
    # frames a reason code (see README, "Time frames"). Not part of the schedule's identity.
    unread: tuple[str, ...] = field(default=(), compare=False)
    reason: str | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object printed by `nhacviec timeframe`.

        `unread` (the words it could not place) and `reason` (why it is UNSCHEDULED) are
        present only when there is something to say, so a clean reading keeps the old shape.
        """
        found: dict[str, Any] = {
            "text": self.text,
            "kind": self.kind.value,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "ad_hoc": self.ad_hoc,
        }
        if self.unread:
            found["unread"] = list(self.unread)
        if self.reason:
            found["reason"] = self.reason
        return found


# --- Canonical rules -----------------------------------------------------------------------------

YEARLY_END_RULE = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
HALF_YEARLY_RULE = "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
QUARTERLY_RULE = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
MONTHLY_RULE = "FREQ=MONTHLY;BYMONTHDAY=-1"

# Longer text is prose, not a time frame; the cap also bounds the work per phrase.
MAX_TEXT_LENGTH = 400


def yearly_rule(month: int, day: int) -> str:
    """Return the rule "every year on day/month"; day -1 is the month's last day."""
    date(2000, month, day if day > 0 else 1)  # a leap year: raises ValueError unless a real day
    if month == 2 and day == 29:
        # 29/2 exists one year in four; the other years the last day of February stands for it.
        return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
    return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"


def monthly_rule(day: int) -> str:
    """Return the rule "every month on `day`", the month's last day when it is shorter."""
    if day <= 28:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    # A plain BYMONTHDAY=30 would skip February; the last of 28..day is the day or the month end.
    days = ",".join(str(d) for d in range(28, day + 1))
    return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"


def first_instance(rule: str, on_or_after: date) -> date | None:
    """Return the first date of `rule` on or after `on_or_after`, or None if there is none."""
    start = datetime(on_or_after.year, on_or_after.month, on_or_after.day)
    found = rrulestr(rule, dtstart=start).after(start, inc=True)
    return found.date() if found else None


def _rule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)


def rule_period_code(rrule: str, due: date) -> str:
    """Return the period name of the occurrence of `rrule` due on `due` ("2024-Q3", "2024-07").

    Yearly rules with one, two or four months give "2024", "2024-H1"/"2024-H2", "2024-Q1"...;
    monthly rules "2024-07"; any other rule the due date itself ("2024-07-15").
    """
    parts = _rule_parts(rrule)
    months = parts.get("BYMONTH", "").split(",")
    if parts.get("FREQ") == "MONTHLY":
        return f"{due.year}-{due.month:02d}"
    if parts.get("FREQ") == "YEARLY":
        if len(months) == 1:
            return str(due.year)
        if len(months) == 2:
            return f"{due.year}-H{1 if due.month <= 6 else 2}"
        if len(months) == 4:
            return f"{due.year}-Q{(due.month - 1) // 3 + 1}"
    return due.isoformat()


def rule_period_label(rrule: str, due: date) -> str:
    """Return the Vietnamese period name a person reads ("Quý 3/2024", "Tháng 7/2024")."""
    code = rule_period_code(rrule, due)
    year, _, part = code.partition("-")
    if not part:
        return f"Năm {year}"
    if part == "H1":
        return f"6 tháng đầu năm {year}"
    if part == "H2":
        return f"6 tháng cuối năm {year}"
    if part.startswith("Q"):
        return f"Quý {part[1:]}/{year}"
    if len(code) == len("2024-07"):
        return f"Tháng {due.month}/{year}"
    return f"Ngày {due.day}/{due.month}/{due.year}"


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


class _Reader:
    """Cut the tokens into parts (`items`), marking each token it places."""

    def __init__(self, tokens: list[_Token], plan_start: date) -> None:
        self.tokens = tokens
        self.w = [t.word for t in tokens]
        self.n = len(tokens)
        self.plan_start = plan_start
        self.placed = [False] * self.n
        self.items: list[Item] = []

    # -- helpers --

    def match(self, i: int, options: Options) -> int:
        """Return the end of the first option the words at `i` spell, or -1."""
        w = self.w
        for words in options.get(w[i], ()) if i < self.n else ():
            j = i + len(words)
            if w[i:j] == words:
                return j
        return -1

    def word(self, i: int) -> str:
        return self.w[i] if 0 <= i < self.n else ""

    def number(self, i: int, widths: tuple[int, ...] = (1, 2)) -> int | None:
        """Return the number at `i` if it has one of the digit counts `widths`."""
        w = self.word(i)
        if w.isascii() and w.isdigit() and len(w) in widths:
            return int(w)
        return None

    def glued(self, i: int, count: int) -> bool:
        """Return whether the `count` tokens from `i` are written without spaces ("2025-12-15")."""
        toks = self.tokens
        return i + count <= self.n and all(
            toks[k].start == toks[k - 1].end for k in range(i + 1, i + count)
        )

    def year(self, i: int) -> int | None:
        return self.number(i, (4,))

    def add(self, kind: str, value: Any, i: int, j: int) -> int:
        self.items.append((kind, value, i))
        for k in range(i, j):
            self.placed[k] = True
        return j

    def swallow(self, i: int, before_deadline: bool = True) -> int:
        """Return the end of the clause that starts at `i` (an event or a reference).

        It ends at ";", "." or a parenthesis, or before a deadline that follows ("từ ngày ký
        đến hết năm 2024", "sau khi ... ban hành, chậm nhất ngày 30/6/2025") unless
        `before_deadline` is False.
        """
        while i < self.n and self.w[i] not in _HARD_SEPARATORS and self.w[i] not in ("(", ")"):
            for options in (_CONNECT, _BEFORE, _BY) if before_deadline else ():
                j = self.match(i, options)
                if j > 0 and (self.word(j) in _PERIOD_HEADS or self.number(j, (1, 2, 4))):
                    return i
            i += 1
        return i

    # -- the read --

    def read(self) -> None:
        i = 0
        readers = (
            self.document_number, self.atom, self.follow, self.rhythm, self.continuous,
            self.ad_hoc, self.done, self.event, self.reference, self.duration, self.modifier,
            self.label, self.separator, self.filler,
        )
        while i < self.n:
            for reader in readers:
                j = reader(i)
                if j > i:
                    i = j
                    break
            else:
                self.items.append(("word", self.w[i], i))
                i += 1

    def document_number(self, i: int) -> int:
        """Skip "32/2024/NĐ-CP", "3210/QĐ-UBND", "57-NQ/TW": a number glued to letters by / or -."""
        if self.number(i, (1, 2, 3, 4, 5)) is None:
            return -1
        j, letters = i + 1, False
        toks = self.tokens
        while (
            j + 1 < self.n
            and self.w[j] in ("/", "-")
            and toks[j].start == toks[j - 1].end
            and toks[j + 1].start == toks[j].end
            and (self.w[j + 1].isalnum())
        ):
            letters = letters or not self.w[j + 1].isdigit()
            j += 2
        if not letters:
            return -1
        # "Quyết định số 1234/QĐ-UBND ngày 15/3/2013": the document's date is not a time frame
        if self.word(j) == "ngay":
            k = j + 1
            while k < self.n and (self.w[k].isdigit() or self.w[k] in _DATE_WORDS):
                k += 1
            j = k
        return self.add("filler", None, i, j)

    # periods

    def year_suffix(self, i: int) -> tuple[int | None, int]:
        """Read the year after a day, month, quarter or half ("/2025", "năm kế hoạch")."""
        w = self.word
        if w(i) in ("/", "-") and self.year(i + 1) is not None:
            return self.year(i + 1), i + 2
        j = i + 1 if w(i) == "," else i
        j = j + 1 if w(j) == "cua" else j
        if w(j) != "nam":
            return None, i
        if self.year(j + 1) is not None:
            return self.year(j + 1), j + 2
        relative = self.relative_year(j)
        if relative is not None:
            return relative
        return None, i

    def relative_year(self, j: int) -> tuple[int | None, int] | None:
        """Read "năm kế hoạch" (the plan's year), "năm sau", "năm tiếp theo" (the next one)."""
        plan_year = self.plan_start.year
        end = self.match(j, _YEAR_AFTER_PLAN_YEAR)
        if end > 0:
            return plan_year + 1, end
        # A date in "the year before the plan year" comes back for every plan year.
        end = self.match(j, _YEAR_BEFORE_PLAN_YEAR)
        if end > 0:
            self.items.append(("rhythm", "year", j))
            return None, end
        end = self.match(j, _PLAN_YEAR)
        if end > 0:
            return plan_year, end
        end = self.match(j, _NEXT_YEAR)
        if end > 0:
            return plan_year + 1, end
        return None

    def atom(self, i: int) -> int:
        for reader in (
            self.numeric_date, self.spelled_date, self.month, self.quarter, self.half,
            self.whole_year, self.continued,
        ):
            j = reader(i)
            if j > i:
                return j
        return -1

    def put(self, atom: _Atom, i: int, j: int) -> int:
        return self.add("atom", atom, i, j)

    def invalid(self, reason: str, i: int, j: int) -> int:
        return self.add("invalid", reason, i, j)

    def numeric_date(self, i: int) -> int:
        """Read "15/12/2025", "ngày 15-12", "12/2013" (a month), "1.7.2025", "2025-12-15"."""
        iso = self.year(i)
        if iso is not None and self.glued(i, 5) and self.w[i + 1] == self.w[i + 3] == "-":
            day, month = self.number(i + 4), self.number(i + 2)
            if day is not None and month is not None:
                return self.day_atom(day, month, iso, i, i + 5)
        start = i + 1 if self.word(i) == "ngay" else i
        day = self.number(start)
        sep = self.word(start + 1)
        if day is None or sep not in ("/", "-", "."):
            return -1
        year = self.year(start + 2)
        if year is not None:  # "12/2013": a month and its year
            if not 1 <= day <= 12:
                return self.invalid("invalid_period", i, start + 3)
            return self.put(_Atom("month", year, day), i, start + 3)
        month = self.number(start + 2)
        if month is None:
            return -1
        j = start + 3
        year = None
        if self.word(j) == sep and self.year(j + 1) is not None:
            year, j = self.year(j + 1), j + 2
        elif sep != ".":
            year, j = self.year_suffix(j)
        elif self.word(i) != "ngay":  # "1.7" without a year is a number, not a date
            return -1
        return self.day_atom(day, month, year, i, j)

    def day_atom(self, day: int, month: int | None, year: int | None, i: int, j: int) -> int:
        if not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
            return self.invalid("invalid_date", i, j)
        if month is not None:
            try:
                date(2000 if year is None else year, month, day)  # 2000: 29/2 exists
            except ValueError:
                return self.invalid("invalid_date", i, j)
        return self.put(_Atom("day", year, month, day), i, j)

    def spelled_date(self, i: int) -> int:
        """Read "ngày 15 tháng 12 năm 2025", "ngày 20 tháng cuối quý", "ngày 25" (no month)."""
        if self.word(i) != "ngay":
            return -1
        day = self.number(i + 1)
        if day is None:
            return -1
        j = i + 2 + (self.word(i + 2) in (",", "cua"))
        if self.word(j) == "thang":
            where = self.match(j + 1, _QUARTER_MONTH)
            if where > 0:
                if not 1 <= day <= 31:
                    return self.invalid("invalid_date", i, where)
                # "tháng đầu quý sau": the first month of the next quarter is still a first month
                of_quarter = {"dau": 1, "giua": 2, "cuoi": 3}[self.w[j + 1]]
                return self.put(_Atom("qday", None, of_quarter, day), i, where)
            month = self.number(j + 1)
            if month is not None:
                year, end = self.year_suffix(j + 2)
                return self.day_atom(day, month, year, i, end)
        if self.word(i + 2) in ("/", "-", "."):
            return -1
        return self.day_atom(day, None, None, i, i + 2)

    def month(self, i: int) -> int:
        """Read "tháng 11/2013", "tháng 12 năm 2025", "tháng 6"."""
        if self.word(i) != "thang" and not (self.word(i) == "t" and self.glued(i, 2)):  # "T12"
            return -1
        step = self.this_or_next(i + 1)
        if step > 0:  # "tháng này", "tháng tới"
            month = self.plan_start.month - 1 + (self.w[i + 1] != "nay")
            return self.put(
                _Atom("month", self.plan_start.year + month // 12, month % 12 + 1), i, step
            )
        number = self.number(i + 1)
        if number is None:
            return -1
        year, j = self.year_suffix(i + 2)
        if not 1 <= number <= 12:
            return self.invalid("invalid_period", i, j)
        return self.put(_Atom("month", year, number), i, j)

    def this_or_next(self, i: int) -> int:
        """Read "này" (the plan start's) or "tới", "sau" (the next), not "sau khi"."""
        j = self.match(i, _THIS_OR_NEXT)
        return -1 if j > 0 and self.word(j) == "khi" else j

    def quarter_number(self, i: int) -> int | None:
        """Return the quarter number at `i` (roman or arabic), 0 for a number no quarter has."""
        w = self.word(i)
        if w in _ROMAN:
            return _ROMAN[w]
        if w in _BAD_ROMAN:
            return 0
        number = self.number(i)
        if number is None:
            return None
        return number if 1 <= number <= 4 else 0

    def quarter(self, i: int) -> int:
        """Read "quý IV/2013", "quý 2 năm 2024", "quý III"."""
        if self.word(i) != "quy" and not (self.word(i) == "q" and self.glued(i, 2)):  # "Q3"
            return -1
        step = self.this_or_next(i + 1)
        if step > 0:  # "quý này", "quý tới": the plan start's quarter or the next
            quarter = (self.plan_start.month - 1) // 3 + (self.w[i + 1] != "nay")
            return self.put(
                _Atom("quarter", self.plan_start.year + quarter // 4, quarter % 4 + 1), i, step
            )
        number = self.quarter_number(i + 1)
        if number is None:
            return -1
        year, j = self.year_suffix(i + 2)
        if number == 0:
            return self.invalid("invalid_period", i, j)
        return self.put(_Atom("quarter", year, number), i, j)

    def half(self, i: int) -> int:
        """Read "6 tháng đầu năm 2025", "sáu tháng cuối năm", "nửa đầu năm 2026"."""
        w = self.word
        if w(i) in ("6", "06", "sau") and w(i + 1) == "thang":
            j = i + 2
        elif w(i) == "nua":
            j = i + 1
        else:
            return -1
        if w(j) not in ("dau", "cuoi") or w(j + 1) != "nam":
            return -1
        number = 1 if w(j) == "dau" else 2
        j += 2
        year = None
        if self.year(j) is not None:
            year, j = self.year(j), j + 1
        elif w(j) in ("/", "-") and self.year(j + 1) is not None:
            year, j = self.year(j + 1), j + 2
        else:
            relative = self.relative_year(j) if w(j) == "nam" else None
            if relative is not None:
                year, j = relative
        return self.put(_Atom("half", year, number), i, j)

    def whole_year(self, i: int) -> int:
        """Read "năm 2025", "2026", "năm kế hoạch", "năm tiếp theo", "(trong|cuối) năm"."""
        w = self.word
        if w(i) == "nam" and w(i + 1) == "hoc" and self.year(i + 2) is not None:
            # "năm học 2024-2025": September to May
            end = i + 5 if w(i + 3) == "-" and self.year(i + 4) is not None else i + 3
            return self.put(_Atom("school", self.year(i + 2)), i, end)
        if self.year(i) is not None:
            year = self.year(i)
            assert year is not None
            if year < 1:
                return self.invalid("invalid_period", i, i + 1)
            return self.put(_Atom("year", year), i, i + 1)
        if w(i) != "nam" or w(i - 1) in ("cac", "nhung", "hang", "moi", "tung"):
            return -1
        if self.year(i + 1) is not None:
            year = self.year(i + 1)
            assert year is not None
            if year < 1:
                return self.invalid("invalid_period", i, i + 2)
            return self.put(_Atom("year", year), i, i + 2)
        relative = self.relative_year(i)
        if relative is not None:
            year, j = relative
            return self.put(_Atom("year", year), i, j) if year is not None else j
        if w(i - 1) in ("trong", "cuoi", "dau", "het", "ca", "suot") and not w(i + 1).isdigit():
            return self.put(_Atom("year"), i, i + 1)  # this year
        return -1

    def continued(self, i: int) -> int:
        """Read the bare number in a list of months or quarters ("tháng 11, 12/2013")."""
        if len(self.items) < 2 or self.items[-1][0] not in ("sep", "conn"):
            return -1
        kind, previous, _ = self.items[-2]
        if kind != "atom" or previous.grain not in ("month", "quarter"):
            return -1
        if previous.grain == "quarter":
            number = self.quarter_number(i)
            if number is None or number == 0:
                return -1
        else:
            number = self.number(i)
            if number is None or not 1 <= number <= 12 or self.word(i + 1) in _UNITS:
                return -1
        year, j = self.year_suffix(i + 1)
        return self.put(_Atom(previous.grain, year, number), i, j)

    # rhythms and other markers

    def follow(self, i: int) -> int:
        j = self.match(i, _FOLLOW)
        return self.add("follow", None, i, j) if j > 0 else -1

    def rhythm(self, i: int) -> int:
        """Read "hằng quý", "định kỳ 6 tháng", "mỗi 6 tháng", "3 tháng một lần", "theo quý",
        "2 lần/năm", "báo cáo tháng, quý, năm"."""
        w = self.word
        j = i + 2 if w(i) == "dinh" and w(i + 1) == "ky" else i
        every = self.match(j, _EVERY)
        if every > 0:
            unit = w(every)
            if unit == "nam":
                times = self.times_a_year(every + 1)
                if times is not None:
                    return self.add("rhythm", times[0], i, times[1])
            if unit in _UNIT_GRAINS:
                return self.add("rhythm", _UNIT_GRAINS[unit], i, every + 1)
            if unit == "ngay":
                return self.add("cont", None, i, every + 1)
            months = self.months(every)
            if months is not None:
                return self.add("rhythm", months[0], i, months[1])
        if j > i:
            months = self.months(j)
            if months is not None:
                return self.add("rhythm", months[0], i, months[1])
            units = self.units(j)
            return units if units > j else self.add("dinhky", None, i, j)
        if w(i) == "theo" and w(i + 1) in _UNIT_GRAINS and w(i + 2) != "dinh":
            return self.add("rhythm", _UNIT_GRAINS[w(i + 1)], i, i + 2)
        if (w(i - 2), w(i - 1)) in _REPORTS:
            units = self.units(i)
            if units > i:
                return units
        times = self.times_a_year(i)
        if times is not None:
            return self.add("rhythm", times[0], i, times[1])
        months = self.months(i)
        if months is not None:
            once = self.match(months[1], _ONCE)
            if once > 0:
                return self.add("rhythm", months[0], i, once)
            # A bare "6 tháng" names a rhythm; after "trong", "sau"... it is a duration.
            if w(i - 1) not in _DURATION_WORDS and w(months[1]) not in ("dau", "cuoi", "ke"):
                return self.add("rhythm", months[0], i, months[1])
        return -1

    def times_a_year(self, i: int) -> tuple[str, int] | None:
        """Read "2 lần/năm", "02 lần một năm", or after "mỗi năm", "2 lần"."""
        count = self.number(i)
        if count is None or self.word(i + 1) != "lan":
            return None
        grain = _MONTHS_TO_GRAIN.get(12 // count) if count and 12 % count == 0 else None
        if grain is None:
            return None
        end = self.match(i + 2, _A_YEAR)
        if end > 0:
            return grain, end
        before = self.w[i - 1] if i > 0 else ""
        return (grain, i + 2) if before == "nam" else None

    def units(self, i: int) -> int:
        """Read the bare periods a report is named by: "(báo cáo) tháng, quý, năm"."""
        j, grains = i, []
        while w := self.word(j):
            nxt = self.word(j + 1)
            if w not in _UNIT_GRAINS or nxt not in _AFTER_UNIT:
                break
            grains.append(_UNIT_GRAINS[w])
            j += 1
            if nxt in (",", "va", "hoac") and self.word(j + 1) in _UNIT_GRAINS:
                j += 1
        for k, grain in enumerate(grains):
            self.items.append(("rhythm", grain, i + k))
        for k in range(i, j):
            self.placed[k] = True
        return j

    def months(self, i: int) -> tuple[str, int] | None:
        """Read "6 tháng", "03 tháng", "1 năm" as a grain, if the count is one a rhythm has."""
        count = self.number(i)
        unit = self.word(i + 1)
        if count is None or unit not in ("thang", "nam"):
            return None
        if unit == "nam":
            count *= 12
        grain = _MONTHS_TO_GRAIN.get(count)
        return (grain, i + 2) if grain else None

    def continuous(self, i: int) -> int:
        j = self.match(i, _CONTINUOUS)
        return self.add("cont", None, i, j) if j > 0 else -1

    def ad_hoc(self, i: int) -> int:
        j = self.match(i, _AD_HOC)
        if j < 0:
            return -1
        if self.word(j) == "cua":  # "theo yêu cầu của cấp có thẩm quyền"
            j = self.swallow(j)
        return self.add("adhoc", None, i, j)

    def done(self, i: int) -> int:
        j = self.match(i, _DONE)
        return self.add("done", None, i, j) if j > 0 else -1

    def event(self, i: int) -> int:
        j = self.match(i, _UNTIL_EVENT)
        if j > 0:
            return self.add("until", None, i, self.swallow(j))
        j = self.match(i, _EVENT)
        if j > 0 and self.match(j, _ENDING) > 0:
            return -1  # "trước khi kết thúc năm 2025": by the end of 2025 (see _BY)
        since = self.match(i, _SINCE_DAY)
        if j < 0 and since > 0 and self.number(since) is None:
            j = since  # "kể từ ngày nhận Kế hoạch": a start that is an event, not a date
        if j < 0:
            return -1
        return self.add("event", None, i, self.swallow(j))

    def reference(self, i: int) -> int:
        """Read "theo kế hoạch ...", "theo tiến độ ...": a schedule set elsewhere."""
        if self.word(i) != "theo" or i + 1 >= self.n:
            return -1
        return self.add("ref", None, i, self.swallow(i + 1))

    def modifier(self, i: int) -> int:
        w = self.word
        j = self.match(i, _NOW)
        if j > 0:
            self.add("mod", "from", i, i)
            return self.put(_Atom("now"), i, j)
        j = self.match(i, _OPEN)
        if j > 0:
            return self.add("open", None, i, j)
        j = self.match(i, _CONNECT)
        if j > 0:
            return self.add("conn", None, i, j)
        j = self.match(i, _BY)
        if j > 0 and (w(i) != "cuoi" or w(j) in ("nam", "quy", "thang")):
            return self.add("mod", "by", i, j)
        j = self.match(i, _BEFORE)
        if j > 0:
            return self.add("mod", "before", i, j)
        j = self.match(i, _FROM)
        if j > 0:
            return self.add("mod", "from", i, j)
        if w(i) in ("dau", "giua") and w(i + 1) in ("nam", "quy", "thang"):
            return self.add("mod", "early" if w(i) == "dau" else "middle", i, i + 1)
        if w(i) == "sau" and (w(i + 1) in ("ngay", "thang", "quy", "nam") or self.year(i + 1)):
            return self.add("mod", "after", i, i + 1)  # "sau năm 2025": from 2026 on
        j = self.match(i, _IN)
        if j > 0:
            return self.add("mod", "in", i, j)
        return -1

    def duration(self, i: int) -> int:
        """Read "trong vòng 30 ngày", "10 ngày làm việc": a span from some unnamed start."""
        j = self.match(i, _DURATION_START)
        k = j if j > 0 else i
        count = self.number(k, (1, 2, 3))
        unit = self.word(k + 1)
        if count is None or unit not in _UNITS or self.word(k + 2) in ("dau", "cuoi"):
            return -1
        if j < 0 and unit in ("thang", "nam") and self.months(k) is not None:
            return -1  # a bare "6 tháng" is a rhythm
        end = k + 2 + 2 * (self.w[k + 2 : k + 4] == ["lam", "viec"])
        return self.add("duration", None, i, end)

    def label(self, i: int) -> int:
        """Skip "Thời gian thực hiện:" and "c)" before the time frame itself."""
        if i == 0 and self.n > 1 and len(self.w[0]) == 1 and self.w[1] == ")":
            return self.add("filler", None, 0, 2)
        j = self.match(i, _LABELS)
        if j > 0 and self.word(j) in (":", "-"):
            return self.add("filler", None, i, j + 1)
        return -1

    def separator(self, i: int) -> int:
        w = self.w[i]
        if w in _HARD_SEPARATORS:
            return self.add("hard", None, i, i + 1)
        if w in _SOFT_SEPARATORS:
            return self.add("sep", None, i, i + 1)
        return -1

    def filler(self, i: int) -> int:
        aside = self.match(i, _ASIDE)
        if aside > 0:  # "định hướng đến năm 2030", "(đối với cấp xã)": not a deadline
            return self.add("filler", None, i, self.swallow(aside, before_deadline=False))
        j = self.match(i, _FILLER)
        if j < 0:
            return -1
        self.add("filler", None, i, j)
        if " ".join(self.w[i:j]) in _ADDRESSEE:
            j = self.name(j)
        return j

    def name(self, i: int) -> int:
        """Skip the agency a report goes to ("về Sở Tài chính", "UBND tỉnh, Bộ Công an")."""
        toks, w = self.tokens, self.w
        if i >= self.n or not toks[i].capital:
            return i
        j = i
        while j < min(self.n, i + _NAME_LIMIT):
            word = w[j]
            if word == ",":
                if j + 1 < self.n and toks[j + 1].capital:
                    j += 1
                    continue
                break
            if not word[0].isalpha() or word in _CAPITAL_STOPS:
                break
            if not toks[j].capital and word in _TIME_HEADS:
                break
            j += 1
        while j > i and w[j - 1] in (",", "va"):
            j -= 1
        return self.add("filler", None, i, j)


# --- Combining the parts into one schedule -------------------------------------------------------


def _group(items: list[Item]) -> tuple[list[_When], dict[str, list[int]]]:
    """Return the periods (single or ranges, with their modifiers) and where each marker is.

    Periods joined only by links (",", "và", "-", "đến", modifiers) form one group: a period
    without a year takes the year of the next one of its group ("tháng 11, 12/2013").
    """
    whens: list[_When] = []
    markers: dict[str, list[int]] = {}
    group, mod, connect = 0, "", False
    last: _When | None = None
    for kind, value, pos in items:
        if kind == "atom":
            if connect and last is not None and last.last is None and last.group == group:
                last.last = value
            else:
                last = _When(value, pos, group, mod or ("by" if connect else ""))
                whens.append(last)
            mod, connect = "", False
        elif kind == "mod":
            # "chậm nhất từ ngày X": at the latest X, not from X on
            if value != "in" and not (mod in ("before", "by") and value == "from"):
                mod = value
        elif kind == "conn":
            connect = True
        elif kind == "sep":
            mod, connect = "", False
        elif kind == "open":
            if last is not None:
                last.open = True
        elif kind in ("filler", "word"):
            group, connect = group + 1, False
        elif kind == "hard":
            group, mod, connect, last = group + 1, "", False, None
        else:
            if kind == "until" and last is not None and last.mod == "from" and last.last is None:
                last.open = True  # "từ tháng 10/2025 đến khi ...": an open start
            markers.setdefault(kind, []).append(pos)
            group, mod, connect = group + 1, "", False
    _backfill(whens)
    return whens, markers


def _backfill(whens: list[_When]) -> None:
    """Give a period without a year (a day without a month) those of the next one of its group."""
    year: int | None = None
    month: int | None = None
    group = -1
    for when in reversed(whens):
        if when.group != group:
            group, year, month = when.group, None, None
        for atom in (when.last, when.first):
            if atom is None or atom.grain == "now":
                continue
            if atom.year is None and year is not None and atom.grain != "qday":
                atom.year, atom.inherited = year, True
            if atom.grain == "day" and atom.number is None and month is not None:
                atom.number = month
            if atom.year is not None:
                year = atom.year
            if atom.grain == "day" and atom.number is not None:
                month = atom.number


def _yearless(when: _When) -> bool:
    return all(a.year is None and a.grain != "now" for a in (when.first, when.last) if a)


def _window(atom: _Atom, year: int, plan_start: date) -> tuple[date | None, date]:
    """Return the window of `atom` in `year`; raises ValueError for a day no calendar has."""
    n = atom.number or 1
    if atom.grain == "now":
        return plan_start, plan_start
    if atom.grain == "day":
        if atom.number is None or atom.day is None:
            raise _Unreadable("incomplete")
        return None, date(year, atom.number, atom.day)
    if atom.grain == "month":
        return date(year, n, 1), _month_end(year, n)
    if atom.grain == "quarter":
        return date(year, 3 * n - 2, 1), _month_end(year, 3 * n)
    if atom.grain == "half":
        return date(year, 6 * n - 5, 1), _month_end(year, 6 * n)
    if atom.grain == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if atom.grain == "school":
        return date(year, 9, 1), date(year + 1, 5, 31)
    raise _Unreadable("incomplete")  # a day of every quarter needs a rhythm


def _atom_window(atom: _Atom, plan_start: date) -> tuple[date | None, date]:
    """Return the window of `atom`; without a year, the first one ending on/after plan start."""
    if atom.year is not None:
        return _window(atom, atom.year, plan_start)
    this_year = _window(atom, plan_start.year, plan_start)
    if this_year[1] >= plan_start:
        atom.year = plan_start.year
        return this_year
    atom.year = plan_start.year + 1
    return _window(atom, plan_start.year + 1, plan_start)


def _resolve(when: _When, plan_start: date) -> None:
    """Fill `when.start`/`when.end` from its atoms and modifier."""
    first = when.first
    if when.last is None:
        start, end = _atom_window(first, plan_start)
    else:
        end = _atom_window(when.last, plan_start)[1]
        if first.year is None and first.grain != "now":
            first.year, first.inherited = when.last.year, True
        start, first_end = _atom_window(first, plan_start)
        if (start or first_end) > end and first.inherited and first.year is not None:
            first.year -= 1  # "từ tháng 11 đến tháng 2/2026": November 2025
            start, first_end = _window(first, first.year, plan_start)
        start = start or first_end
        if start > end:
            raise _Unreadable("range_reversed")
    if when.mod == "after":
        start = end = end + timedelta(days=1)
        when.mod = "from"
    elif when.mod == "before" and when.last is None:
        start, end = None, (end if start is None else start - timedelta(days=1))
    elif when.mod == "by":
        start = None
    elif when.mod == "from" and start is None:
        start = end  # "từ ngày 15/10/2013": that day on
    elif when.mod == "early" and start is not None:
        # "đầu năm": the first quarter; "đầu quý": its first month; "đầu tháng": ten days
        if first.grain in ("year", "half"):
            end = _month_end(start.year, start.month + 2)
        elif first.grain == "quarter":
            end = _month_end(start.year, start.month)
        elif first.grain == "month":
            end = start + timedelta(days=9)
    elif when.mod == "middle" and start is not None:
        # "giữa năm": by 30/6; "giữa quý": its second month; "giữa tháng": the 15th
        if first.grain == "year":
            end = date(start.year, 6, 30)
        elif first.grain == "quarter":
            end = _month_end(start.year, start.month + 1)
        elif first.grain == "month":
            end = start + timedelta(days=14)
    when.start, when.end = start, end


def _unscheduled(reason: str, ad_hoc: bool = False) -> Timeframe:
    return Timeframe("", TimeframeKind.UNSCHEDULED, None, None, None, ad_hoc, reason=reason)


def _without_dates(markers: dict[str, list[int]]) -> Timeframe:
    """Return the reading of a text that names no period and no rhythm."""
    if "adhoc" in markers:
        return _unscheduled("ad_hoc", ad_hoc=True)
    if "event" in markers or "until" in markers:
        return Timeframe("", TimeframeKind.AFTER_EVENT, None, None, None)
    for marker, reason in (
        ("ref", "reference"), ("done", "done"), ("dinhky", "no_rhythm"), ("duration", "relative"),
    ):
        if marker in markers:
            return _unscheduled(reason)
    return _unscheduled("no_time")


def _combine(items: list[Item], plan_start: date) -> Timeframe:
    """Combine the parts into one schedule.

    - No period and no rhythm: ad hoc, after an event, or unscheduled with the reason.
    - Periods only: a deadline at the latest end of a list or range (or at the end of a last
      period inside it: "Năm 2024 (trước ngày 30/11/2024)"), from the first period's start; a
      start with no end ("từ X", "từ X trở đi", "từ X đến khi ...") is continuous from X.
    - A rhythm ("hằng quý"), continuity ("thường xuyên") or "các năm tiếp theo": periodic, on the
      finest rhythm named. Periods without a year fix the day of the rule ("trước ngày 15/12
      hằng năm"); a dated period named before the rhythm is its first due date ("Năm 2025 và
      thường xuyên"); one named after it, or a range, is its window ("hằng năm từ quý IV/2026 -
      2029").
    """
    reasons = [value for kind, value, _ in items if kind == "invalid"]
    if reasons:
        raise _Unreadable(reasons[0])
    whens, markers = _group(items)
    ad_hoc = "adhoc" in markers
    rhythms = [value for kind, value, _ in items if kind == "rhythm"]
    periodic = bool(rhythms) or "cont" in markers or "follow" in markers
    if "dinhky" in markers and any(_yearless(w) for w in whens):
        periodic, rhythms = True, rhythms or ["year"]  # "định kỳ trước ngày 15/12"
    if any(w.first.grain == "qday" for w in whens):
        periodic, rhythms = True, rhythms or ["quarter"]  # "ngày 20 tháng cuối quý"
    if not whens and not periodic:
        return _without_dates(markers)
    if periodic:
        found = _periodic(whens, markers, rhythms, plan_start)
    else:
        found = _dated(whens, plan_start)
    return replace(found, ad_hoc=ad_hoc)


def _dated(whens: list[_When], plan_start: date) -> Timeframe:
    for when in whens:
        _resolve(when, plan_start)
    last = whens[-1]
    if last.open or (last.mod == "from" and last.last is None):
        start = whens[0].start or whens[0].end
        assert start is not None
        due = first_instance(QUARTERLY_RULE, max(start, plan_start))
        return Timeframe("", TimeframeKind.CONTINUOUS, start, due, QUARTERLY_RULE)
    latest = max(whens, key=lambda w: w.end or date.min)
    due = latest.end
    # "Năm 2024 (trước ngày 30/11/2024)": a last period inside an earlier one narrows it
    if last.end is not None and latest.start is not None and latest.start <= last.end:
        due = last.end
    assert due is not None
    start = whens[0].start
    if start is not None and start > due:  # a list in reverse order: no window start
        start = None
    return Timeframe("", TimeframeKind.DEADLINE, start, due, None)


def _periodic(
    whens: list[_When], markers: dict[str, list[int]], rhythms: list[str], plan_start: date
) -> Timeframe:
    continuous = "cont" in markers
    grains = rhythms + (["quarter"] if continuous else [])
    grain = min(grains, key=_GRAINS.index) if grains else "year"
    kind = TimeframeKind.CONTINUOUS if continuous else TimeframeKind.RECURRING
    marker_at = min(
        (pos for name in ("rhythm", "cont", "follow", "dinhky") for pos in markers.get(name, [])),
        default=0,
    )
    anchors = [w for w in whens if _yearless(w)]
    dated = [w for w in whens if not _yearless(w)]
    for when in dated:
        _resolve(when, plan_start)
    firsts = [
        w for w in dated if w.pos < marker_at and w.last is None and w.mod != "from" and not w.open
    ]
    windows = [w for w in dated if w not in firsts]
    rule = _anchored_rule(grain, anchors) if anchors else None
    start: date | None = None
    until: date | None = None
    own_due: date | None = None
    if firsts:
        first = firsts[0]
        start, own_due = first.start, first.end
        if rule is None and not continuous:
            rule = _rule_from(grain, first)
    if windows:
        if start is None:
            start = min(w.start or w.end for w in windows if w.end is not None)
        open_ended = "follow" in markers or any(
            w.open or (w.mod == "from" and w.last is None) for w in windows
        )
        if not open_ended:
            until = max(w.end for w in windows if w.end is not None)
    rule = rule or _RULES[grain]
    if until is not None:
        rule += f";UNTIL={until.year:04d}{until.month:02d}{until.day:02d}"
    first_day = max(start or plan_start, plan_start)
    if own_due is not None and own_due >= first_day:
        due: date | None = own_due
    else:
        due = first_instance(rule, first_day)
    return Timeframe("", kind, start, due, rule)


def _point(when: _When) -> tuple[int | None, int]:
    """Return the (month, day) a period without a year stands for in a yearly rule; day -1 is
    the month's last day, month None a day of every month."""
    atom = when.last or when.first
    before = when.mod == "before" and when.last is None
    if atom.grain == "day":
        if atom.day is None:
            raise _Unreadable("incomplete")
        return atom.number, atom.day
    if atom.grain == "month":
        n = atom.number or 1
        return ((n - 2) % 12 + 1, -1) if before else (n, -1)
    if atom.grain in ("quarter", "half", "year"):
        start, end = _window(atom, 2001, date(2001, 1, 1))  # any year: these ends do not move
        if before and start is not None:
            end = start - timedelta(days=1)
        return end.month, end.day
    raise _Unreadable("incomplete")


def _is_month_end(month: int | None, day: int) -> bool:
    return day == -1 or (month is not None and day == calendar.monthrange(2001, month)[1])


def _anchored_rule(grain: str, anchors: list[_When]) -> str | None:
    """Return the rule of `grain` on the days the yearless periods name, None for the default."""
    quarter_days = [w.first for w in anchors if w.first.grain == "qday"]
    if quarter_days:
        atom = quarter_days[0]
        day = atom.day if atom.day is not None and atom.day <= 28 else -1
        months = ",".join(str(m) for m in range(atom.number or 3, 13, 3))
        return f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={day}"
    points = [_point(w) for w in anchors]
    if grain == "month":
        month_days = {day for _, day in points}
        if len(month_days) == 1 and -1 not in month_days:
            return monthly_rule(month_days.pop())
        return None
    if grain == "year":
        if any(month is None for month, _ in points):
            raise _Unreadable("incomplete")
        days = {day for _, day in points}
        if len(days) != 1 and all(_is_month_end(m, d) for m, d in points):
            days = {-1}  # "quý II và quý IV hằng năm": 30/6 and 31/12
        if len(days) != 1:
            raise _Unreadable("days_differ")
        day = days.pop()
        in_months = sorted({month for month, _ in points if month is not None})
        if len(in_months) == 1:
            return yearly_rule(in_months[0], day)
        for month in in_months:
            yearly_rule(month, day)  # raises ValueError unless a real day
        return f"FREQ=YEARLY;BYMONTH={','.join(map(str, in_months))};BYMONTHDAY={day}"
    if grain in ("quarter", "half") and points and all(m is not None for m, _ in points):
        # "trước ngày 20/6 và trước ngày 20/12 (báo cáo 6 tháng)": the 20th of June and December
        days = {day for _, day in points}
        if len(days) != 1:
            return None
        day = days.pop()
        step = 3 if grain == "quarter" else 6
        spread = sorted(
            {m for month, _ in points if month for m in range((month - 1) % step + 1, 13, step)}
        )
        by_day = day if day <= 28 else -1
        return f"FREQ=YEARLY;BYMONTH={','.join(map(str, spread))};BYMONTHDAY={by_day}"
    return None


def _rule_from(grain: str, first: _When) -> str | None:
    """Return the rule that repeats a dated first period ("Quý III/2025 và các năm tiếp theo")."""
    end = first.end
    assert end is not None
    if grain == "year":
        month_end = first.first.grain == "month" or (end.month == 2 and end.day == 29)
        return yearly_rule(end.month, -1 if month_end else end.day)
    if grain == "month" and first.first.grain == "day":
        return monthly_rule(end.day)
    return None


# --- Entry point ---------------------------------------------------------------------------------


def _read(text: str, plan_start: date) -> Timeframe:
    if len(text) > MAX_TEXT_LENGTH:
        return _unscheduled("too_long")
    tokens = _tokens(text)
    if not any(t.word[0].isalnum() for t in tokens):
        return _unscheduled("empty")
    reader = _Reader(tokens, plan_start)
    reader.read()
    unread = tuple(
        text[t.start : t.end]
        for t, placed in zip(tokens, reader.placed, strict=True)
        if not placed and t.word[0].isalnum()
    )
    try:
        found = _combine(reader.items, plan_start)
    except _Unreadable as exc:
        found = _unscheduled(str(exc.args[0]))
    except (ValueError, OverflowError):  # a day no calendar has, or a year past 9999
        found = _unscheduled("invalid_date")
    return replace(found, unread=unread)


def parse_timeframe(text: str, plan_start: date) -> Timeframe:
    """Return the schedule `text` describes. Unreadable text is UNSCHEDULED, never an error."""
    verbatim = text if isinstance(text, str) else ""
    return replace(_read(verbatim, plan_start), text=verbatim)
