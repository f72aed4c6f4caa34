"""Read a .docx plan into the blocks the text reader yields for the same content typed as text.

Word keeps a list's numbers ("1.", "a)", "II.") and bullets out of the paragraph's text: they are
drawn from numbering.xml. This reader draws them back, so that "a) Cơ quan chủ trì: ..." in an
automatically lettered list, or "- Cơ quan chủ trì: ..." in a bullet style, reads as typed.
Only the body is read: page headers, footers, footnotes and comments are not part of the plan.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
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
from plan_data.importer.text import header_field

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Containers whose children are read as if they stood in their parent (content controls, custom
# XML, tracked insertions and moves); deleted text is left out.
_TRANSPARENT = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"}
_SKIPPED = {
    f"{_W}del", f"{_W}moveFrom", f"{_W}pPr", f"{_W}rPr", f"{_W}sdtPr", f"{_W}sdtEndPr",
    # a text box or a drawing is not part of the paragraph's sentence; Word also saves a copy of
    # each in an mc:Fallback, which would double it
    f"{_W}txbxContent", f"{_MC}Fallback", f"{_W}instrText", f"{_W}delText",
}


def read_docx(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a .docx document, in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(texts.import_unreadable(path, ".docx")) from exc
    reader = _Reader(_Numbering(_part_element(document.part, "numbering_part")), _Styles(document))
    return build_blocks(reader.body(document.element.body))


def _part_element(part: Any, name: str) -> Any:
    try:
        return getattr(part, name).element
    except (KeyError, NotImplementedError, AttributeError):
        return None


class _Reader:
    def __init__(self, numbering: _Numbering, styles: _Styles) -> None:
        self._numbering = numbering
        self._styles = styles
        self._text_seen = False  # a paragraph with text has been read

    def body(self, element: Any) -> Iterator[str | Table]:
        """Yield the lines of each paragraph (then a blank line) and each table, in order."""
        for child in element:
            if child.tag == f"{_W}p":
                lines = self._paragraph_lines(child)
                self._text_seen = self._text_seen or any(line.strip() for line in lines)
                yield from lines
                yield ""
            elif child.tag == f"{_W}tbl":
                if not self._text_seen and _is_heading_block(child):
                    # The heading block of an administrative document is a two-column table:
                    # the issuer and the number on the left, the national motto and the place
                    # and date on the right. It is text set side by side, not a task table.
                    for tr in _children(child, "tr"):
                        for tc in _children(tr, "tc"):
                            yield from self.body(tc)
                    continue
                yield Table(tuple(self._rows(child)))
            elif child.tag in _TRANSPARENT:
                yield from self.body(child)

    def _paragraph_lines(self, p: Any) -> list[str]:
        label = self._numbering.label(*self._styles.numbering_of(p))
        text = paragraph_text(p)
        # a page break before the text comes before the number Word draws on the new page
        body = text.lstrip(PAGE_BREAK)
        breaks = text[: len(text) - len(body)]
        return (breaks + (f"{label} {body}" if label else body)).split("\n")

    def _rows(self, tbl: Any) -> Iterator[tuple[str, ...]]:
        above: dict[int, str] = {}  # grid column: text of the cell a vertical merge continues
        for tr in _children(tbl, "tr"):
            cells: list[str] = []
            column = _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
            cells.extend([""] * column)
            for tc in _children(tr, "tc"):
                span = max(1, _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1))
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                    # a vertically merged cell holds one value for each row it spans
                    text = above.get(column, "")
                else:
                    text = clean_cell(self._cell_text(tc))
                above[column] = text
                # a horizontally merged cell keeps its text in its first grid column only, so
                # that the columns stay aligned and a merged group heading stays one cell
                cells.append(text)
                cells.extend([""] * (span - 1))
                column += span
            cells.extend([""] * _int(tr.find(f"{_W}trPr/{_W}gridAfter"), 0))
            yield tuple(cells)

    def _cell_text(self, tc: Any) -> str:
        lines: list[str] = []
        for item in self.body(tc):
            if isinstance(item, Table):  # a table nested in a cell: its cells, line by line
                lines.extend(cell for row in item.rows for cell in row if cell)
            elif item:
                lines.append(item)
        return "\n".join(lines)


def _is_heading_block(tbl: Any) -> bool:
    """Return True for a table of at most two columns whose first row names no task field."""
    if _grid_columns(tbl) > 2:
        return False
    first = next(_children(tbl, "tr"), None)
    cells = [] if first is None else list(_children(first, "tc"))
    return not any(header_field(paragraph_text(tc)) for tc in cells)


def _grid_columns(tbl: Any) -> int:
    grid = tbl.find(f"{_W}tblGrid")
    columns = 0 if grid is None else len(grid.findall(f"{_W}gridCol"))
    widest_row = max(
        (
            sum(max(1, _int(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)) for tc in _children(tr, "tc"))
            for tr in _children(tbl, "tr")
        ),
        default=0,
    )
    return max(columns, widest_row)


def _children(element: Any, name: str) -> Iterator[Any]:
    """Yield the `name` children of `element`, looking through content controls."""
    for child in element:
        if child.tag == f"{_W}{name}":
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _children(child, name)


def _int(element: Any, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{_W}val", default))
    except ValueError:
        return default


def paragraph_text(p: Any) -> str:
    """Return the visible text of a paragraph; a soft line break is a newline."""
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    for node in element:
        tag = node.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == f"{_W}r" and _hidden(node):
            continue
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag in (f"{_W}tab", f"{_W}ptab"):
            parts.append("\t")
        elif tag == f"{_W}br":
            kind = node.get(f"{_W}type")
            parts.append(PAGE_BREAK if kind in ("page", "column") else "\n")
        elif tag == f"{_W}cr":
            parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            _collect(node, parts)


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val", "true") not in ("0", "false", "off")


# --- styles ------------------------------------------------------------------------------------


class _Styles:
    """Where a paragraph's numbering comes from: its own numPr, else its style's (inherited)."""

    def __init__(self, document: Any) -> None:
        self._based_on: dict[str, str] = {}
        self._num_pr: dict[str, tuple[str | None, int | None]] = {}
        self._default: str | None = None
        root = _part_element(document.part, "_styles_part")
        if root is None:
            return
        for style in root.findall(f"{_W}style"):
            if style.get(f"{_W}type") != "paragraph":
                continue
            style_id = style.get(f"{_W}styleId", "")
            if style.get(f"{_W}default") in ("1", "true", "on"):
                self._default = style_id
            based_on = _value(style, "basedOn")
            if based_on is not None:
                self._based_on[style_id] = based_on
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                self._num_pr[style_id] = _num_pr_values(num_pr)

    def numbering_of(self, p: Any) -> tuple[str | None, int | None, str | None]:
        """Return (numId, level, style id) of paragraph `p`; numId None when not numbered."""
        style_id = _value(p, "pPr/" + _W + "pStyle") or self._default
        num_id, level = _num_pr_values(p.find(f"{_W}pPr/{_W}numPr"))
        seen: set[str] = set()
        current = style_id
        while (num_id is None or level is None) and current and current not in seen:
            seen.add(current)
            style_num, style_level = self._num_pr.get(current, (None, None))
            num_id = num_id if num_id is not None else style_num
            level = level if level is not None else style_level
            current = self._based_on.get(current)
        return num_id, level, style_id


def _num_pr_values(num_pr: Any) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num_id = _value(num_pr, "numId")
    level = _value(num_pr, "ilvl")
    return num_id, (int(level) if level is not None and level.isdigit() else None)


def _value(element: Any, child: str) -> str | None:
    found = element.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


# --- numbering ---------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    kind: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart (1-based level; 0 = never restart)
    style: str | None = None  # a paragraph style bound to this level (w:pStyle)
    legal: bool = False  # w:isLgl: every level's number is drawn in decimal


@dataclass
class _List:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level: startOverride
    levels: dict[int, _Level] = field(default_factory=dict)  # level: overriding definition
    started: bool = False


class _Numbering:
    """The labels Word draws for automatically numbered paragraphs ("1.", "a)", "1.2.", "-").

    Counters are kept per abstract list, as Word continues a list across the w:num instances
    that share its definition; a w:num with a startOverride restarts it where first used.
    """

    def __init__(self, root: Any) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._lists: dict[str, _List] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return  # a document without any numbering
        links: dict[str, str] = {}  # abstract id: the numbering style it takes its levels from
        style_owner: dict[str, str] = {}  # numbering style: the abstract list defining it
        for abstract in root.findall(f"{_W}abstractNum"):
            abstract_id = abstract.get(f"{_W}abstractNumId", "")
            self._abstracts[abstract_id] = {
                _int_attr(level, "ilvl"): _level(level) for level in abstract.findall(f"{_W}lvl")
            }
            if (link := _value(abstract, "numStyleLink")) is not None:
                links[abstract_id] = link
            if (owner := _value(abstract, "styleLink")) is not None:
                style_owner[owner] = abstract_id
        for abstract_id, link in links.items():
            if link in style_owner and not self._abstracts[abstract_id]:
                self._abstracts[abstract_id] = self._abstracts[style_owner[link]]
        for num in root.findall(f"{_W}num"):
            entry = _List(_value(num, "abstractNumId") or "")
            for override in num.findall(f"{_W}lvlOverride"):
                level = _int_attr(override, "ilvl")
                start = _value(override, "startOverride")
                if start is not None and start.lstrip("-").isdigit():
                    entry.starts[level] = int(start)
                definition = override.find(f"{_W}lvl")
                if definition is not None:
                    entry.levels[level] = _level(definition)
            self._lists[num.get(f"{_W}numId", "")] = entry

    def label(self, num_id: str | None, level: int | None, style_id: str | None) -> str:
        """Return the label Word shows before a paragraph, or "" when it is not numbered."""
        if num_id is None or num_id == "0" or num_id not in self._lists:
            return ""  # numId 0 switches off the numbering a style would give
        entry = self._lists[num_id]
        levels = {**self._abstracts.get(entry.abstract, {}), **entry.levels}
        if level is None:  # a style bound to a level of the list ("Heading 2" -> level 1)
            level = next((n for n, lvl in levels.items() if lvl.style == style_id), 0)
        if level not in levels:
            return ""
        counters = self._counters.setdefault(entry.abstract, {})
        if not entry.started:
            entry.started = True
            for restarted, start in entry.starts.items():  # "Restart at ..." on this list
                for deeper in [n for n in counters if n >= restarted]:
                    del counters[deeper]
                counters[restarted] = start - 1
        definition = levels[level]
        counters[level] = counters.get(level, definition.start - 1) + 1
        for deeper, deeper_level in levels.items():
            restart_after = deeper_level.restart_after
            if deeper > level and (restart_after is None or level < restart_after):
                counters.pop(deeper, None)
        if definition.kind == "bullet":
            return _bullet(definition)
        text = definition.text
        for index in sorted(levels, reverse=True):  # %10 before %1
            placeholder = f"%{index + 1}"
            if placeholder in text:
                shown = levels[index]
                kind = "decimal" if definition.legal else shown.kind
                value = counters.get(index, shown.start)
                text = text.replace(placeholder, format_number(value, kind))
        return text.strip()


def _level(element: Any) -> _Level:
    start = _value(element, "start")
    restart = _value(element, "lvlRestart")
    legal = element.find(f"{_W}isLgl")
    return _Level(
        start=int(start) if start is not None and start.lstrip("-").isdigit() else 1,
        kind=_value(element, "numFmt") or "decimal",
        text=_value(element, "lvlText") or "",
        restart_after=int(restart) if restart is not None and restart.isdigit() else None,
        style=_value(element, "pStyle"),
        legal=legal is not None and legal.get(f"{_W}val", "true") not in ("0", "false", "off"),
    )


def _int_attr(element: Any, name: str) -> int:
    value = element.get(f"{_W}{name}", "0")
    return int(value) if value.isdigit() else 0


def _bullet(level: _Level) -> str:
    """Return the marker the text reader knows for a bullet: "+" stays, any other glyph is "-"."""
    return "+" if level.text.strip() == "+" else "-"


_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)


def format_number(value: int, kind: str) -> str:
    """Return `value` drawn in Word's number format `kind` (decimal, lowerLetter, upperRoman...)."""
    if kind == "none":
        return ""
    if kind in ("upperRoman", "lowerRoman") and 0 < value < 4000:
        roman = ""
        for amount, numeral in _ROMAN:
            count, value = divmod(value, amount)
            roman += numeral * count
        return roman if kind == "upperRoman" else roman.lower()
    if kind in ("lowerLetter", "upperLetter") and value > 0:
        # Word goes on after "z" with "aa", "bb", ...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if kind == "lowerLetter" else letter.upper()
    if kind == "decimalZero":
        return f"{value:02d}"
    return str(value)
