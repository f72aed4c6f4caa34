"""Cutting a time frame into parts: periods, rhythms, markers, references and filler."""

from __future__ import annotations

from scheduler.timeframe.periods import _PeriodReader
from scheduler.timeframe.words import (
    _A_YEAR,
    _AD_HOC,
    _ADDRESSEE,
    _AFTER_UNIT,
    _ASIDE,
    _BEFORE,
    _BY,
    _CAPITAL_STOPS,
    _CONNECT,
    _CONTINUOUS,
    _DATE_WORDS,
    _DONE,
    _DURATION_START,
    _DURATION_WORDS,
    _ENDING,
    _EVENT,
    _EVERY,
    _FILLER,
    _FOLLOW,
    _FROM,
    _HARD_SEPARATORS,
    _IN,
    _LABELS,
    _MONTHS_TO_GRAIN,
    _NAME_LIMIT,
    _NOW,
    _ONCE,
    _OPEN,
    _REPORTS,
    _SINCE_DAY,
    _SOFT_SEPARATORS,
    _TIME_HEADS,
    _UNIT_GRAINS,
    _UNITS,
    _UNTIL_EVENT,
    _Atom,
)


class _Reader(_PeriodReader):
    """Cut the tokens into parts (`items`), marking each token it places."""

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


