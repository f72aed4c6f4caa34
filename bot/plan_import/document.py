"""Read a plan document (Markdown, plain text, .docx, .pdf) into paragraphs and tables of text."""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

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


# --- binary formats ----------------------------------------------------------------------------

# The first bytes of each file type, so that a file is read by what it is, not by its name.
_ZIP = b"PK\x03\x04"
_PDF = b"%PDF-"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc (and other old Office files)
_RTF = b"{\\rtf"


def read_docx(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a .docx document, in document order."""
    from bot.plan_import.word import read_docx as read

    return read(path)


def read_pdf(path: Path) -> list[Block]:
    """Return the paragraphs and tables of a PDF with a text layer, pages split by a form feed."""
    from bot.plan_import.pdf import read_pdf as read

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
    from bot import texts

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
