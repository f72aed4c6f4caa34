"""Read a plan document (Markdown, plain text or .docx) into paragraphs and tables of clean text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.plan_import.text import clean_line, html_breaks_to_newlines, starts_structure

# A page break in a source (form feed from pdftotext, a hard page break in Word) is read as a
# paragraph break; the extractor decides whether the two halves belong together.
PAGE_BREAK = "\f"


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts; a cell keeps its own line breaks."""

    rows: tuple[tuple[str, ...], ...]


Block = str | Table


class DocumentError(ValueError):
    """The document cannot be read (missing, unsupported type, not a valid .docx)."""


_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


def read_markdown(text: str) -> list[Block]:
    """Return the paragraphs and tables of a Markdown or plain-text document."""
    return build_blocks(_markdown_items(text))


def _markdown_items(text: str) -> Iterator[str | Table]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if (
            "|" in line
            and index + 1 < len(lines)
            and _TABLE_SEPARATOR.match(lines[index + 1].strip())
        ):
            rows = [_pipe_cells(line)]
            index += 2
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                rows.append(_pipe_cells(lines[index]))
                index += 1
            yield Table(tuple(rows))
            continue
        yield line
        index += 1


def _pipe_cells(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return tuple(clean_cell(html_breaks_to_newlines(cell).replace("\\|", "|")) for cell in cells)


def clean_cell(text: str) -> str:
    """Return a table cell's text with each line cleaned and empty lines dropped."""
    lines = (clean_line(line).text for line in text.replace(PAGE_BREAK, "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def build_blocks(items: Iterable[str | Table]) -> list[Block]:
    """Join raw lines into paragraphs (soft-wrapped lines join; markers and blanks split)."""
    blocks: list[Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for item in items:
        if isinstance(item, Table):
            flush()
            blocks.append(item)
            continue
        for index, part in enumerate(item.split(PAGE_BREAK)):
            if index > 0:
                flush()
            line = clean_line(part)
            if not line.text:
                flush()
                continue
            # pdftotext leaves page numbers on their own line between the halves of a paragraph
            if _PAGE_NUMBER.match(line.text) and not line.marked:
                flush()
                continue
            # An all-capitals line ("KẾ HOẠCH", "ỦY BAN NHÂN DÂN TỈNH ...") is a heading of its
            # own in plain text, never a wrapped part of the paragraph around it.
            heading = line.heading or _is_capitals(line.text)
            if line.marked or heading or not current or starts_structure(line.text):
                flush()
            current.append(line.text)
            if heading:
                flush()
    flush()
    return blocks


def _is_capitals(text: str) -> bool:
    return text.isupper() and sum(char.isalpha() for char in text) >= 2


# --- .docx ------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a .docx document, in document order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocumentError(f"không đọc được tệp .docx: {path}") from exc
    return build_blocks(_docx_items(document))


def _docx_items(document: Any) -> Iterator[str | Table]:
    from docx.table import Table as DocxTable

    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            yield Table(tuple(_docx_row(row) for row in item.rows))
        else:
            yield from _xml_text(item._p).split("\n")
            yield ""


def _docx_row(row: Any) -> tuple[str, ...]:
    cells: list[str] = []
    previous: Any = None
    # python-docx returns a horizontally merged cell once per grid column: keep its text in the
    # first column only, so that columns stay aligned and a merged heading row stays one cell
    for cell in row.cells:
        same = cell._tc is previous
        previous = cell._tc
        cells.append("" if same else clean_cell("\n".join(_xml_text(p._p) for p in cell.paragraphs)))
    return tuple(cells)


def _xml_text(element: Any) -> str:
    parts: list[str] = []
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag == f"{_W}br":
            kind = node.get(f"{_W}type")
            parts.append(PAGE_BREAK if kind in ("page", "column") else "\n")
        elif tag == f"{_W}cr":
            parts.append("\n")
    return "".join(parts)


def read_document(path: Path) -> list[Block]:
    """Return the blocks of the document at `path` (.docx, else read as UTF-8 text/Markdown)."""
    if not path.is_file():
        raise DocumentError(f"không tìm thấy tệp: {path}")
    if path.suffix.lower() == ".docx":
        return read_docx(path)
    if path.suffix.lower() in (".doc", ".pdf", ".odt", ".rtf"):
        raise DocumentError(
            f"chưa đọc được định dạng {path.suffix}: hãy lưu thành .docx, .md hoặc .txt"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"tệp không phải văn bản UTF-8: {path}") from exc
    return read_markdown(text)
