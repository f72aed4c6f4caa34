"""What a read document is made of: paragraphs (str) and tables."""

from __future__ import annotations

from dataclasses import dataclass

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
