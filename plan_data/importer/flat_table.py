"""Tables that a PDF's text layer (or a pasted text) lays out flat, one cell per line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from plan_data.importer.blocks import PAGE_BREAK, Table
from plan_data.importer.text import (
    Field,
    header_field,
)

_FLAT_NUMBER_HEADER = re.compile(r"^(?:STT|TT|Số TT)$", re.IGNORECASE)
_FLAT_ROW = re.compile(r"^(?P<number>\d{1,3})\.?$")
_FLAT_SECTION = re.compile(r"^(?P<numeral>[IVX]{1,5}|[A-Z])\.?(?:\s+(?P<title>.+))?$")
PAGE_HEADER = re.compile(r"^(?:CÔNG BÁO|CONG BAO)\b.*\d", re.IGNORECASE)
_PAGE_MARK = "<page>"
SIGNATURE = re.compile(r"^(?:Ký bởi|Ngày ký|Cơ quan: [A-ZĐ ]+$|Thời gian ký)\b")
_FOOTNOTE = re.compile(r"^\d{1,2}\s+\S.{30,}$")
_FLAT_END = re.compile(r"^(?:Điều \d+\.|Nơi nhận|KT\.|TM\.|Phụ lục\b|PHỤ LỤC\b)")
_CONTINUES = re.compile(
    r"(?:[,;\-–(/]|\b(?:và|của|các|ở|với|cho|tại|trong|về|đến|hoặc|thuộc|số|theo|"
    r"từ|trên|được|những|là|để|có|khóa|ngày|tháng|tháng \d{1,2} năm|Ủy ban|Uỷ ban|quý|Quý|Từ))$"
)


def flat_table_end(lines: list[str], index: int) -> int | None:
    """Return where a PDF-flattened table starting at `index` ends, or None if none starts.

    It starts with its header one cell per line ("STT" / "Tên nhiệm vụ" / "Cơ quan" /
    "chủ trì" ...) and runs to a line that closes the annex ("Điều 2.", "Nơi nhận") or the end.
    """
    if not _FLAT_NUMBER_HEADER.match(lines[index].strip()):
        return None
    window = [line.strip() for line in lines[index + 1 : index + 14]]
    if not any("chủ trì" in line.lower() or "chu tri" in line.lower() for line in window):
        return None
    if any(len(line) > 40 for line in window[:4]):
        return None
    end = index + 1
    while end < len(lines) and not _FLAT_END.match(lines[end].strip()):
        if _closes_flat_table(lines, end):
            break
        end += 1
    return end


def _closes_flat_table(lines: list[str], index: int) -> bool:
    """Return True at a section heading of the document itself ("III. TỔ CHỨC THỰC HIỆN").

    A table's own group rows are written in sentence case, or are followed by a row number.
    """
    line = lines[index].strip()
    section = _FLAT_SECTION.match(line)
    title = section.group("title") if section is not None else None
    if not title or not title.isupper() or len(title.split()) < 2:
        return False
    following = [other.strip() for other in lines[index + 1 : index + 5]]
    return not any(_FLAT_ROW.match(other.split("  ")[0]) for other in following if other)


def flat_table(lines: list[str]) -> Iterator[str | Table]:
    stripped: list[str] = []
    for line in lines:
        if PAGE_BREAK in line:
            # pdftotext's form feed: a page ends here; its number may stand on either side
            before, _, after = line.partition(PAGE_BREAK)
            if before.strip():
                stripped.append(before.strip())
            if stripped and stripped[-1].isdigit():
                stripped.pop()
            stripped += [_PAGE_MARK, after.strip()]
        else:
            stripped.append(line.strip())
    header_lines: list[str] = []
    position = 0
    while position < len(stripped):
        line = stripped[position]
        if header_lines and (_FLAT_ROW.match(line) or _FLAT_SECTION.match(line)):
            break
        if line:
            header_lines.append(line)
        position += 1
    header: list[str] = []
    for line in header_lines:
        if header and line[:1].islower():
            header[-1] += " " + line
        else:
            header.append(line)
    rows: list[tuple[str, ...]] = [tuple(header)]
    fragments: list[str] = []
    number = ""
    previous_number = 0
    skipping = False

    def close() -> None:
        if number:
            rows.append((number, *_flat_cells(fragments, header[1:])))
        fragments.clear()

    while position < len(stripped):
        line = stripped[position]
        position += 1
        if line == _PAGE_MARK or PAGE_HEADER.match(line):
            skipping = False
            if fragments:
                fragments.append(PAGE_BREAK)
            # the page number below it, then maybe the header again
            while position < len(stripped) and not stripped[position]:
                position += 1
            if position < len(stripped) and stripped[position].isdigit():
                position += 1
            look = position
            while look < len(stripped) and not stripped[look]:
                look += 1
            if stripped[look : look + len(header_lines)] == header_lines:
                position = look + len(header_lines)
            continue
        if skipping or not line:
            continue
        parts = [part for part in re.split(r"\s{2,}", line) if part]
        if len(parts) > 1 and _FLAT_ROW.match(parts[0]):
            # "10.  Xây dựng Luật ...": the number and the first words on one line
            stripped[position - 1 : position] = parts
            line = parts[0]
        continuing = bool(fragments) and _CONTINUES.search(fragments[-1]) is not None
        if _FOOTNOTE.match(line) and position >= 2 and not stripped[position - 2]:
            skipping = True  # footnotes at the foot of the page, up to the next header
            continue
        row = _FLAT_ROW.match(line)
        if row is not None and int(row.group("number")) in (previous_number + 1, 1) and (
            not continuing
        ):
            close()
            number = row.group("number")
            previous_number = int(number)
            continue
        section = None if continuing else _FLAT_SECTION.match(line)
        if (section is not None and (section.group("title") or "").strip()[:1].isupper()) or (
            section is not None and not section.group("title") and len(line) <= 5
        ):
            close()
            number = ""
            title = section.group("title") or ""
            if not title and position < len(stripped):
                title = stripped[position]
                position += 1
            while (
                position < len(stripped)
                and stripped[position]
                and not _FLAT_ROW.match(stripped[position].split("  ")[0])
                and (stripped[position][:1].islower() or _CONTINUES.search(title))
            ):
                title += " " + stripped[position]  # the heading's second line
                position += 1
            rows.append((section.group("numeral"), title))
            continue
        fragments.extend(part for part in re.split(r"\s{2,}", line) if part)
    close()
    yield Table(tuple(rows))


_AGENCY_AT_END = re.compile(
    r"^(?P<text>.*\S)\s+(?P<agency>(?:Bộ|Sở|Ủy ban|UBND|Các bộ|Các sở|Ban|Văn phòng)\s.*)$"
)


_AGENCY_OPENS = re.compile(
    r"^(?:Bộ|Sở|Ủy ban|Uỷ ban|UBND|Ban|Văn phòng|Công an|Bảo hiểm xã hội|Hội đồng|Thanh tra|"
    r"Kho bạc|Ngân hàng|Tòa án|Viện|Kiểm toán|Mặt trận|Tổng|Cục|"
    r"Các (?:bộ|Bộ|sở|Sở|cơ quan|đơn vị|ngành|địa phương|tỉnh|tổ chức))\b"
)
_TIME_OPENS = re.compile(
    r"^(?:Thường|Hằng|Hàng|Quý|Năm|Tháng|Trước|Từ|Đến|Giai đoạn|Đã hoàn thành|Kỳ họp|Theo|"
    r"Định kỳ|Trong|Sau khi|Khi|Ngay|Hoàn thành|\d{1,2}/\d{4}|\d{4})"
)


_TIME_AT_END = re.compile(
    r"\s(?:Thường xuyên|Hằng (?:năm|quý|tháng)|Hàng (?:năm|quý|tháng)|Quý [IV]+/\d{4}|"
    r"Tháng \d{1,2}/\d{4}|Năm \d{4})$"
)


def _flat_cells(fragments: list[str], columns: tuple[str, ...] | list[str]) -> list[str]:
    """Return a row's cells, in the columns' order, from its fragments.

    A cell begins where a fragment opens in capitals after one that does not continue
    ("..., " / "của" / "và" continue). The lead is the first cell that opens with an agency
    after the task's text, the coordinating cell the next one that does, the time the last
    cell that opens with a time word; the other columns take the rest in order.
    """
    segments = _flat_segments(fragments, len(columns))
    roles = [header_field(column) for column in columns]
    if Field.LEAD not in roles or len(segments) < 2:
        return segments + [""] * (len(columns) - len(segments))
    lead = next(
        (i for i in range(1, len(segments)) if _AGENCY_OPENS.match(segments[i])), None
    )
    if lead is None:
        return segments + [""] * (len(columns) - len(segments))
    cells = [""] * len(columns)
    cells[0] = " ".join(segments[:lead])
    cells[roles.index(Field.LEAD)] = segments[lead]
    rest = segments[lead + 1 :]
    if Field.COORDINATING in roles and rest and _AGENCY_OPENS.match(rest[0]):
        cells[roles.index(Field.COORDINATING)] = rest.pop(0)
    if Field.TIMEFRAME in roles:
        timed = [i for i, segment in enumerate(rest) if _TIME_OPENS.match(segment)]
        if not timed and rest:
            # "văn bản phối hợp Thường xuyên": the result and the time on one line
            glued = _TIME_AT_END.search(rest[-1])
            if glued is not None and glued.start() > 0:
                rest[-1:] = [rest[-1][: glued.start()].strip(), glued.group().strip()]
                timed = [len(rest) - 1]
        if timed:
            cells[roles.index(Field.TIMEFRAME)] = rest.pop(timed[-1])
    others = [i for i, role in enumerate(roles) if i > 0 and role is None]
    for index, segment in zip(others, rest, strict=False):
        cells[index] = segment
    if len(rest) > len(others) and others:
        cells[others[-1]] = " ".join([cells[others[-1]], *rest[len(others) :]]).strip()
    return cells


def _flat_segments(fragments: list[str], width: int) -> list[str]:
    """Return a row's cell texts: a new cell where a fragment opens in capitals after one that
    does not continue ("..., " / "của" / "và" continue)."""
    cells: list[list[str]] = []
    after_break: list[str] = []
    if PAGE_BREAK in fragments:
        # a row cut by a page: what continues on the next page in lower case is the task text's
        cut = fragments.index(PAGE_BREAK)
        after_break = [part for part in fragments[cut + 1 :] if part != PAGE_BREAK]
        fragments = fragments[:cut]
        while after_break and after_break[0][:1].islower():
            moved = after_break.pop(0)
            fragments = [*fragments]
            if fragments:
                first_end = 1
                while first_end < len(fragments) and (
                    not (fragments[first_end][:1].isupper() or fragments[first_end][:1].isdigit())
                    or _CONTINUES.search(fragments[first_end - 1])
                ):
                    first_end += 1
                fragments.insert(first_end, moved)
        fragments = [*fragments, *after_break]
    for fragment in fragments:
        # a name printed a word per line ("Sở" / "Công" / "Thương") is one cell
        single_word = (
            bool(cells)
            and all(part.isalpha() for part in cells[-1])
            and fragment.rstrip(",.;").isalpha()
        )
        if cells and (
            not (fragment[:1].isupper() or fragment[:1].isdigit())
            or _CONTINUES.search(cells[-1][-1])
            or single_word
        ):
            cells[-1].append(fragment)
        else:
            cells.append([fragment])
    texts = [" ".join(cell) for cell in cells]
    if len(texts) < width and texts:
        # "... theo lộ trình phù hợp Bộ Y tế": the task's last line holds the lead too
        found = _AGENCY_AT_END.match(cells[0][-1]) if len(cells[0]) > 1 else None
        if found is not None:
            head = " ".join([*cells[0][:-1], found.group("text")])
            texts = [head, found.group("agency"), *texts[1:]]
    return texts
