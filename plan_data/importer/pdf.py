"""Read a PDF with a text layer into the blocks the text reader yields for the same content.

A PDF has no paragraphs, only positioned words. This reader rebuilds them from the layout:
- words on one baseline are a line; lines are read top to bottom, pages in order, a form feed
  between pages (the text reader's page break);
- a line ends its paragraph when the next line's first word would have fitted on it, or when a
  gap wider than the page's usual one between lines follows; otherwise the line was wrapped;
- ruled tables are read as tables (pdfplumber finds them from their lines); a cell's wrapped
  lines are joined back, its own line breaks kept; a table running onto the next page continues,
  its repeated header rows dropped and a row cut by the page joined back;
- lines repeated at the top or bottom of the pages (running headers, footers, page numbers) are
  dropped.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_data.importer import texts
from plan_data.importer.document import (
    PAGE_BREAK,
    Block,
    DocumentError,
    Table,
    build_blocks,
    clean_cell,
)
from plan_data.importer.text import starts_structure

# A page whose text layer has fewer letters than this is taken as a scanned image.
_MIN_LETTERS = 40
# How many lines at the top and at the bottom of a page may be running headers or footers.
_EDGE_LINES = 2
_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*/\s*\d{1,4})?$", re.I)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_POSITION_TOLERANCE = 2.0  # points: two column edges this close are the same edge


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    first_word: float  # width of the line's first word, to tell a wrap from a break
    space: float  # width of a space between the line's words
    row: int = 0  # the baseline it stands on: two lines side by side share one
    right: float = 0.0  # the right margin of the page's text
    leading: float = 0.0  # the page's usual gap between two lines of a paragraph

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class _Table:
    rows: list[list[str]]
    top: float
    bottom: float
    edges: tuple[float, ...]  # x positions of the column edges
    joined_rows: list[bool] = field(default_factory=list)  # row holds a horizontally merged cell


_Element = _Line | _Table


def read_pdf(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a PDF with a text layer, pages split by a form feed.

    Raise DocumentError if it is not a readable PDF, or if most of its pages have no text layer
    (a scanned document).
    """
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
            widths = [round(float(page.width)) for page in pdf.pages]
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, PSException) as exc:
        raise DocumentError(texts.import_unreadable(path, ".pdf")) from exc
    if not pages:
        raise DocumentError(texts.import_unreadable(path, ".pdf"))
    # a scan, or mostly one (an e-office copy may add a typed cover page to a scanned plan)
    if 2 * sum(_letters(page) < _MIN_LETTERS for page in pages) >= max(1, len(pages)) + 1:
        raise DocumentError(texts.import_scanned_pdf(path))
    _drop_running_lines(pages)
    return build_blocks(_items(pages, widths))


def _letters(page: Sequence[_Element]) -> int:
    """Count the letters of a page's text layer; glyphs without a Unicode mapping do not count."""
    texts_: list[str] = []
    for element in page:
        if isinstance(element, _Line):
            texts_.append(element.text)
        else:
            texts_.extend(cell for row in element.rows for cell in row)
    return sum(char.isalpha() for text in texts_ for char in _UNMAPPED.sub("", text))


_UNMAPPED = re.compile(r"\(cid:\d+\)")


# --- one page ----------------------------------------------------------------------------------

def extract_words(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the words `chars` make; a space or a gap wider than 1.5 pt ends a word."""
    from pdfplumber.utils.text import extract_words as extract

    words: list[dict[str, Any]] = extract(chars, x_tolerance=1.5, y_tolerance=3)
    return words


def _read_page(page: Any) -> list[_Element]:
    tables = [table for table in page.find_tables() if len(table.rows) > 0]
    outside: list[dict[str, Any]] = []
    inside: list[list[dict[str, Any]]] = [[] for _ in tables]
    # a character printed twice (simulated bold) is read once; text set sideways (a stamp, a
    # note along the margin) is not part of the page's lines
    for char in page.dedupe_chars().chars:
        if not char.get("upright", True):
            continue
        for index, table in enumerate(tables):
            if _center_in(char, table.bbox):
                inside[index].append(char)
                break
        else:
            outside.append(char)
    lines = _side_by_side(list(_lines(extract_words(outside), columns=True)))
    found = sorted(
        (_table(table, chars) for table, chars in zip(tables, inside, strict=True)),
        key=lambda table: table.top,
    )
    # tables between the lines by their position; the lines keep their reading order
    elements: list[_Element] = []
    for line in lines:
        while found and found[0].top <= line.top:
            elements.append(found.pop(0))
        elements.append(line)
    elements.extend(found)
    return elements


def _center_in(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return bool(box[0] <= x < box[2] and box[1] <= y < box[3])


def _lines(words: list[dict[str, Any]], *, columns: bool = False) -> Iterator[_Line]:
    """Group words into lines: a word belongs to the line whose middle its own middle is near.

    With `columns`, words far apart on one baseline (the issuer and the national motto side by
    side at the top of a document, the columns of a table drawn without rules) are separate
    lines, as typed. Not in a table cell: there a wide gap is a justified line's stretched space.
    """
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if rows:
            last = rows[-1]
            top = min(w["top"] for w in last)
            bottom = max(w["bottom"] for w in last)
            if abs(middle - (top + bottom) / 2) < (bottom - top) / 2:
                last.append(word)
                continue
        rows.append([word])
    for index, row in enumerate(rows):
        row.sort(key=lambda w: w["x0"])
        size = statistics.median(w["bottom"] - w["top"] for w in row)
        part = [row[0]]
        for word in row[1:]:
            if columns and word["x0"] - part[-1]["x1"] > _COLUMN_GAP * size:
                yield _line(part, size, index)
                part = []
            part.append(word)
        yield _line(part, size, index)


# A gap this many times the font size is not a space between words: a justified line of body
# text seldom stretches its spaces past one font size.
_COLUMN_GAP = 3.0


def _side_by_side(lines: list[_Line]) -> list[_Line]:
    """Return `lines` with each block set in two columns read left column first, as typed.

    A block is a run of baselines holding two lines apart (the issuer beside the motto) or one
    line on either side of that gap; any other line ends it.
    """
    out: list[_Line] = []
    index = 0
    while index < len(lines):
        row = [line for line in lines[index:] if line.row == lines[index].row]
        if len(row) != 2:
            out.extend(row)
            index += len(row)
            continue
        start, end = row[0].x1, row[1].x0  # the gap between the columns
        left: list[_Line] = []
        right: list[_Line] = []
        bottom = row[0].top
        while index < len(lines):
            row = [line for line in lines[index:] if line.row == lines[index].row]
            if row[0].top - bottom > row[0].height:
                break  # a paragraph's space: the block has ended
            if len(row) == 2 and row[0].x1 <= end and row[1].x0 >= start:
                left.append(row[0])
                right.append(row[1])
            elif len(row) == 1 and (row[0].x1 <= end or row[0].x0 >= start):
                (left if row[0].x1 <= end else right).append(row[0])
            else:
                break
            bottom = max(line.bottom for line in row)
            index += len(row)
        out.extend(left)
        out.extend(right)
    return out


def _line(words: list[dict[str, Any]], size: float, row: int) -> _Line:
    gaps = [b["x0"] - a["x1"] for a, b in itertools.pairwise(words) if b["x0"] > a["x1"]]
    # the space the line itself shows; else a third of the font size (Times 0.25 em, Arial
    # 0.28 em, DejaVu 0.32 em)
    space = statistics.median(gaps) if gaps else size / 3
    return _Line(
        text=" ".join(w["text"] for w in words),
        x0=words[0]["x0"],
        x1=words[-1]["x1"],
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        first_word=words[0]["x1"] - words[0]["x0"],
        space=space,
        row=row,
    )


def _table(found: Any, chars: list[dict[str, Any]]) -> _Table:
    """Read a ruled table's cells; a merged cell spans columns or rows as drawn."""
    x0, top, x1, bottom = found.bbox
    edges = sorted({cell[0] for cell in found.cells} | {x1})
    rows: list[list[str]] = []
    joined: list[bool] = []
    above: dict[int, tuple[float, str]] = {}  # column: (bottom, text) of the last cell read
    for row in found.rows:
        cells: list[str] = []
        spanning = False
        reach = x0  # right edge of the last cell read in this row
        row_top = min(cell[1] for cell in row.cells if cell is not None)
        row_chars = [char for char in chars if _center_in(char, row.bbox)]
        for column, box in enumerate(row.cells):
            if box is not None:
                text = _cell_text([char for char in row_chars if _center_in(char, box)], box)
                cells.append(text)
                above[column] = (box[3], text)
                reach = box[2]
                continue
            left = edges[column] if column < len(edges) else x1
            if reach > left + _POSITION_TOLERANCE:  # covered by the cell on its left
                spanning = True
                cells.append("")
            elif column in above and above[column][0] > row_top + _POSITION_TOLERANCE:
                cells.append(above[column][1])  # a cell merged down: its value for each row
            else:
                cells.append("")
        rows.append(cells)
        joined.append(spanning)
    return _Table(rows, top, bottom, tuple(edges), joined)


def _cell_text(chars: list[dict[str, Any]], box: tuple[float, float, float, float]) -> str:
    lines = list(_lines(extract_words(chars)))
    if not lines:
        return ""
    padding = max(1.0, min(line.x0 for line in lines) - box[0])
    parts = [lines[0].text]
    for previous, line in itertools.pairwise(lines):
        fits = previous.x1 + 2 * previous.space + line.first_word < box[2] - padding
        parts.append("\n" if fits else " ")
        parts.append(line.text)
    return clean_cell("".join(parts))


# --- running headers and footers ---------------------------------------------------------------


def _edge_lines(page: list[_Element]) -> Iterator[tuple[str, _Line]]:
    lines = [element for element in page if isinstance(element, _Line)]
    for line in lines[:_EDGE_LINES]:
        yield "top", line
    for line in lines[_EDGE_LINES:][-_EDGE_LINES:]:
        yield "bottom", line


def _key(text: str) -> str:
    """Return a line's letters: a running header differs from page to page by its numbers."""
    return " ".join(_NOT_LETTERS.sub(" ", text.casefold()).split())


def _drop_running_lines(pages: list[list[_Element]]) -> None:
    """Remove page numbers and the lines repeated at the same edge of at least half the pages."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({(edge, _key(line.text)) for edge, line in _edge_lines(page)})
    needed = max(2, (len(pages) + 1) // 2)
    for page in pages:
        drop = set()
        for edge, line in _edge_lines(page):
            key = _key(line.text)
            if _PAGE_NUMBER.match(line.text) or (
                len(key) >= 3 and seen[edge, key] >= needed and not starts_structure(line.text)
            ):
                drop.add(id(line))
        page[:] = [element for element in page if id(element) not in drop]


# --- pages into the text reader's items --------------------------------------------------------


def _items(pages: list[list[_Element]], widths: list[int]) -> Iterator[str | Table]:
    # The text's right margin, for each page size (an appendix may be set in landscape)
    margins: dict[int, float] = {}
    for page, width in zip(pages, widths, strict=True):
        for element in page:
            if isinstance(element, _Line):
                margins[width] = max(margins.get(width, 0.0), element.x1)
    for page, width in zip(pages, widths, strict=True):
        lines = [element for element in page if isinstance(element, _Line)]
        # gaps narrower than most paragraph spacing; none on a page of one-line paragraphs
        gaps = [
            b.top - a.bottom
            for a, b in itertools.pairwise(lines)
            if 0 < b.top - a.bottom < 0.8 * a.height
        ]
        for line in lines:
            leading = statistics.median(gaps) if gaps else 0.3 * line.height
            line.right, line.leading = margins[width], leading
    previous: _Element | None = None
    for item in _join_tables(pages):
        if isinstance(item, str):  # the break between two pages
            yield item
            previous = None
        elif isinstance(item, _Table):
            yield Table(tuple(tuple(row) for row in item.rows))
            previous = item
        else:
            if isinstance(previous, _Line) and _ends_paragraph(previous, item):
                yield ""
            yield item.text
            previous = item


def _ends_paragraph(previous: _Line, line: _Line) -> bool:
    """Return True when `previous` ended its paragraph instead of wrapping into `line`."""
    if previous.x1 + 2 * previous.space + line.first_word < previous.right:
        return True  # the next word would have fitted: the author broke the line
    # a gap wider than the page's usual one between lines, by half a line
    gap = line.top - previous.bottom
    return gap > previous.leading + 0.5 * max(previous.height, line.height)


def _join_tables(pages: list[list[_Element]]) -> list[_Element | str]:
    """Flatten the pages, form feeds between them; a table cut by a page break is one table."""
    out: list[_Element | str] = []
    for index, page in enumerate(pages):
        start = 0
        last = out[-1] if out else None
        if index > 0 and isinstance(last, _Table):
            first = next((n for n, element in enumerate(page) if isinstance(element, _Table)), None)
            # the table goes on at the top of the page; a short line above it that two pages
            # were too few to recognise as repeated is the page's header
            if (
                first is not None
                and first <= _EDGE_LINES
                and _same_columns(last, page[first])  # type: ignore[arg-type]
                and not any(
                    isinstance(element, _Line) and starts_structure(element.text)
                    for element in page[:first]
                )
            ):
                more = page[first]
                assert isinstance(more, _Table)
                _continue_table(last, more)
                start = first + 1
            else:
                out.append(PAGE_BREAK)
        elif index > 0:
            out.append(PAGE_BREAK)
        out.extend(page[start:])
    return out


def _same_columns(first: _Table, second: _Table) -> bool:
    return len(first.edges) == len(second.edges) and all(
        abs(a - b) <= _POSITION_TOLERANCE for a, b in zip(first.edges, second.edges, strict=True)
    )


def _continue_table(table: _Table, more: _Table) -> None:
    rows, joined = list(more.rows), list(more.joined_rows)
    repeated = 0  # header rows Word repeats at the top of each page
    while repeated < min(3, len(rows), len(table.rows)) and rows[repeated] == table.rows[repeated]:
        repeated += 1
    rows, joined = rows[repeated:], joined[repeated:]
    # a row the page break cut: its rest has no number and no merged cell
    if rows and table.rows and not rows[0][0] and not joined[0] and any(rows[0]):
        last = table.rows[-1]
        pairs = zip(last, rows[0], strict=True)  # same columns: _same_columns
        table.rows[-1] = [" ".join(part for part in pair if part) for pair in pairs]
        rows, joined = rows[1:], joined[1:]
    table.rows.extend(rows)
    table.joined_rows.extend(joined)
    table.bottom = more.bottom
