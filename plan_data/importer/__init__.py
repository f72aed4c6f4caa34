"""Import a plan from its document: find the tasks, match the agencies, show every gap.

`import_document` reads Markdown, plain text, .docx or .pdf and proposes a plan; `render_review`
and `review_json` show it to the operator; `write_plan` writes the plan file once nothing blocks
it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plan_data.importer.agencies import AgencyMatcher, AgencyReading
from plan_data.importer.document import Block, DocumentError, Table, read_document, read_markdown
from plan_data.importer.extract import derive_title, extract_plan, slug
from plan_data.importer.model import Gap, GapKind, ImportedTask, PlanImport
from plan_data.importer.review import (
    agencies_path,
    agencies_yaml,
    plan_data,
    plan_yaml,
    render_review,
    review_json,
    with_proposals,
    write_import,
    write_plan,
)
from scheduler.plan import Directory

__all__ = [
    "AgencyMatcher",
    "AgencyReading",
    "Block",
    "DocumentError",
    "Gap",
    "GapKind",
    "ImportedTask",
    "PlanImport",
    "Table",
    "agencies_path",
    "agencies_yaml",
    "derive_title",
    "extract_plan",
    "import_document",
    "plan_data",
    "plan_yaml",
    "read_document",
    "read_markdown",
    "render_review",
    "review_json",
    "slug",
    "with_proposals",
    "write_import",
    "write_plan",
]


def import_document(
    path: Path,
    directory: Directory,
    *,
    plan_id: str | None = None,
    plan_start: date | None = None,
) -> PlanImport:
    """Return the plan the document at `path` proposes. Raise DocumentError if it is unreadable.

    `plan_id` defaults to the file name; `plan_start` to the issue date the document states.
    """
    blocks = read_document(path)
    return extract_plan(
        blocks,
        directory,
        source=path.name,
        plan_id=plan_id or slug(path.stem),
        plan_start=plan_start,
    )
