"""Read a plan document (Markdown, plain text, .docx, .pdf) into paragraphs and tables of text."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from plan_data.importer.blocks import PAGE_BREAK as PAGE_BREAK
from plan_data.importer.blocks import Block as Block
from plan_data.importer.blocks import DocumentError as DocumentError
from plan_data.importer.blocks import Table as Table
from plan_data.importer.flat_table import PAGE_HEADER, SIGNATURE, flat_table, flat_table_end
from plan_data.importer.text import (
    Field,
    Line,
    clean_line,
    header_field,
    html_breaks_to_newlines,
    starts_structure,
)

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
        if PAGE_HEADER.match(line.strip()) or SIGNATURE.match(line.strip()):
            # a page's running header or an e-signature stamp cuts a paragraph, nothing more
            yield PAGE_BREAK
            index += 1
            continue
        if line.lstrip().startswith("<!--"):
            # an HTML comment is not shown: skip it (it may span lines)
            while index < len(lines) and "-->" not in lines[index]:
                index += 1
            index += 1
            continue
        flat = flat_table_end(lines, index)
        if flat is not None:
            yield from flat_table(lines[index:flat])
            index = flat
            continue
        if line.strip() == "|":
            # a table copied from a legal database: one cell per line between "|" lines
            end = index
            while end < len(lines) and lines[end].strip():
                end += 1
            yield from _pipe_per_line_tables(lines[index:end])
            index = end
            continue
        loose = _loose_table_end(lines, index)
        if loose is not None:
            yield _loose_table(lines[index:loose])
            index = loose
            continue
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
        if not line.strip() and _bold_heading_goes_on(lines, index):
            index += 1  # "**3. Đề nghị ... Hội Liên hiệp**" / "" / "**Phụ nữ ...**": one heading
            continue
        # "**III. NỘI" / "DUNG THỰC HIỆN**": a bold heading hard-wrapped over lines is one line
        joined = 0
        while (
            line.count("**") % 2 == 1
            and joined < 6
            and index + 1 < len(lines)
            and lines[index + 1].strip()
            and lines[index + 1].strip() != "|"
        ):
            index += 1
            joined += 1
            line = line.rstrip() + " " + lines[index].strip()
        yield line
        index += 1


def _bold_heading_goes_on(lines: list[str], blank: int) -> bool:
    """Return True when the bold lines around the blank line `blank` are one heading cut in two.

    The first part ends without punctuation and the second opens no item of its own.
    """
    if blank == 0 or blank + 1 >= len(lines):
        return False
    before, after = lines[blank - 1].strip(), lines[blank + 1].strip()
    if not (before.endswith("**") and after.startswith("**") and len(before) > 4):
        return False
    if before[:-2].rstrip().endswith((".", ":", ";", "!", "?")):
        return False
    # the first part is the end of a bold paragraph that began on this line or above it
    start = blank - 1
    while start > 0 and lines[start - 1].strip():
        start -= 1
    if not lines[start].strip().startswith("**"):
        return False
    following = clean_line(after).text
    return bool(following) and not starts_structure(following)


_ROW_LABEL = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[IVX]{1,5}\.?|[A-Z]\.?|[a-zđ]\))$")


def _pipe_per_line_tables(lines: list[str]) -> Iterator[str | Table]:
    """Read cells written one per line between "|" lines; a row ends on "|" then "|".

    An empty cell looks like a row's end: it ends the row when the row is full, or when the
    next cell is a row number ("1.1", "II", "A"). A text between two tables (a bold heading)
    and a repeated header row are recognised by the header's width and words.
    """
    segments: list[str] = []
    current: list[str] = []
    for line in lines[1:] if lines and lines[0].strip() == "|" else lines:
        if line.strip() == "|":
            segments.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        segments.append("\n".join(current))
    cells = [_unwrap(clean_cell(segment)) for segment in segments]
    rows: list[list[str]] = []
    row: list[str] = []
    width = 0
    header: list[str] = []
    index = 0
    while index < len(cells):
        cell = cells[index]
        following = cells[index + 1] if index + 1 < len(cells) else ""
        if not header:
            if cell:
                row.append(cell)
            elif row:
                header, width = row, len(row)
                rows.append(row)
                row = []
            index += 1
            continue
        if header and cell and cell == header[0] and cells[index : index + width] == header:
            if row:
                rows.append(row)
            row = []
            index += width  # the header again, after a page break or a sub-table's heading
            if index < len(cells) and not cells[index]:
                index += 1  # the row boundary after it
            continue
        if not cell and row and (len(row) >= width or _ROW_LABEL.match(following)):
            rows.append(row)
            row = []
        elif cell and len(row) >= width:
            rows.append(row)
            row = [cell]
        else:
            row.append(cell)
        index += 1
    if row:
        rows.append(row)
    if rows:
        yield Table(tuple(tuple(found) for found in rows))


# --- pipe tables without a separator line, rows broken over lines ------------------------------


def _loose_table_end(lines: list[str], index: int) -> int | None:
    """Return where a pipe table without a "|---|" line ends, or None if none starts here.

    Its header is a line of cells naming a lead column; its rows run over several lines, a
    line opening with "|" starting a cell, up to a blank line.
    """
    line = lines[index].strip()
    if not line.startswith("|") or line.count("|") < 4:
        return None
    if index + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[index + 1].strip()):
        return None
    header = [cell.strip(" *") for cell in line.strip("|").split("|")]
    if not any(header_field(cell) is Field.LEAD or "soạn thảo" in cell.lower() for cell in header):
        return None
    end = index + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    return end


def _loose_table(lines: list[str]) -> Table:
    header = tuple(clean_cell(cell) for cell in lines[0].strip().strip("|").split("|"))
    while header and not header[-1]:
        header = header[:-1]
    width = len(header)
    stream = " ".join(line.strip() for line in lines[1:])
    rows: list[tuple[str, ...]] = [header]
    row: list[str] = []

    def close() -> None:
        while row and not row[-1]:
            row.pop()
        if row:
            rows.append(_loose_row(row, width))
        row.clear()

    for raw in stream.split("|"):
        cell = clean_cell(raw)
        if not cell:
            # an empty cell ends a row that is nearly full; inside a row it is an empty column
            if len([found for found in row if found]) >= width - 2:
                close()
            elif row:
                row.append("")
            continue
        if not row and split_roman_heading(cell):
            rows.append((cell,))
            continue
        row.append(cell)
    close()
    return Table(tuple(rows))


def split_roman_heading(cell: str) -> bool:
    return re.match(r"^[IVX]{1,5}\.\s+\S", cell) is not None


def _loose_row(cells: list[str], width: int) -> tuple[str, ...]:
    """Return a row's cells in the header's columns: a row without its number gets an empty one."""
    if len(cells) < width and not re.fullmatch(r"\d{1,3}\.?", cells[0]):
        cells = ["", *cells]
    return tuple(cells[:width]) + ("",) * (width - len(cells))


# --- tables flattened by PDF text extraction: one cell fragment per line -------------------------

def _unwrap(cell: str) -> str:
    """Return a cell's hard-wrapped lines joined; a line opening with a dash stays a line."""
    return re.sub(r"\n(?![-+•])", " ", cell)


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
            if line.bullet and line.text:
                # the list marker stays, normalised: the extractor reads dash and plus levels
                line = Line(f"{line.bullet} {line.text}", line.marked, line.heading, line.bullet)
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


# --- binary formats ----------------------------------------------------------------------------

# The first bytes of each file type, so that a file is read by what it is, not by its name.
_ZIP = b"PK\x03\x04"
_PDF = b"%PDF-"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc (and other old Office files)
_RTF = b"{\\rtf"


def read_docx(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a .docx document, in document order."""
    from plan_data.importer.word import read_docx as read

    return read(path)


def read_pdf(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a PDF with a text layer, pages split by a form feed."""
    from plan_data.importer.pdf import read_pdf as read

    return read(path)


def _kind(path: Path) -> str:
    """Return ".docx", ".odt", ".pdf", ".doc", ".rtf" or "text" for the file at `path`."""
    with path.open("rb") as file:
        head = file.read(1024)
    suffix = path.suffix.lower()
    if _PDF in head:  # the header may follow some bytes of junk (PDF 1.7, 7.5.2)
        return ".pdf"
    if head.startswith(_OLE):
        return ".doc"
    if head.startswith(_RTF):
        return ".rtf"
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return suffix
        if "word/document.xml" in names:
            return ".docx"
        return ".odt" if "content.xml" in names else suffix
    # not what its name says: a .docx or .pdf that is not one is refused as unreadable
    return suffix if suffix in (".docx", ".pdf", ".doc", ".odt", ".rtf") else "text"


def read_document(path: Path) -> list[Block]:
    """Return the blocks of the document at `path`: .docx, .pdf, else UTF-8 text or Markdown.

    The type is read from the file's first bytes; .doc, .odt, .rtf and scanned PDFs raise
    DocumentError saying how to convert them.
    """
    from plan_data.importer import texts

    if not path.is_file():
        raise DocumentError(f"không tìm thấy tệp: {path}")
    kind = _kind(path)
    if kind == ".docx":
        return read_docx(path)
    if kind == ".pdf":
        return read_pdf(path)
    if kind == ".doc":
        raise DocumentError(texts.import_old_word(path))
    if kind in (".odt", ".rtf"):
        raise DocumentError(texts.import_other_office(path, kind))
    raw = path.read_bytes()
    # Word's "Unicode text" is UTF-16 with a byte order mark; everything else here is UTF-8.
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(f"tệp không phải văn bản UTF-8: {path}") from exc
    return read_markdown(text)
