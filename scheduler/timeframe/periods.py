"""Reading the periods a time frame names: dates, months, quarters, halves, years."""

from __future__ import annotations

from datetime import date
from typing import Any

from scheduler.timeframe.words import (
    _BAD_ROMAN,
    _BEFORE,
    _BY,
    _CONNECT,
    _HARD_SEPARATORS,
    _NEXT_YEAR,
    _PERIOD_HEADS,
    _PLAN_YEAR,
    _QUARTER_MONTH,
    _ROMAN,
    _THIS_OR_NEXT,
    _UNITS,
    _YEAR_AFTER_PLAN_YEAR,
    _YEAR_BEFORE_PLAN_YEAR,
    Item,
    Options,
    _Atom,
    _Token,
)


class _PeriodReader:
    """The reader's helpers and its periods; `_Reader` adds the rest of the parts."""

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

