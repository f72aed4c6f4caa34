"""Read a plan's task tables (STT, Nội dung, Cơ quan chủ trì, ...) into task drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plan_data.importer.document import Block, Table
from plan_data.importer.model import (
    Draft,
    Gap,
    GapKind,
)
from plan_data.importer.outline import TASK_SECTION_WORDS, is_task_section
from plan_data.importer.text import (
    Field,
    fold,
    header_field,
    roman_value,
    split_roman,
)

_NUMBER_HEADERS = ("stt", "tt", "so tt", "so thu tu")
_TEXT_HEADERS = ("noi dung", "nhiem vu", "cong viec", "ten", "chi tieu", "hoat dong", "van ban")


@dataclass(frozen=True)
class _Columns:
    text: int
    number: int | None
    fields: dict[Field, int]


def _columns(header: tuple[str, ...]) -> _Columns | None:
    number: int | None = None
    text: int | None = None
    fields: dict[Field, int] = {}
    for index, cell in enumerate(header):
        folded = fold(cell).strip(" .:")
        named = header_field(cell)
        if named is not None:
            fields.setdefault(named, index)
        elif folded in _NUMBER_HEADERS:
            number = index
        elif text is None and any(word in folded for word in _TEXT_HEADERS):
            text = index
    if Field.LEAD not in fields:
        # a table of laws to draft names no "chủ trì": the drafting body leads
        drafting = [i for i, cell in enumerate(header) if "soan thao" in fold(cell)]
        if drafting:
            fields[Field.LEAD] = drafting[0]
    if text is None or Field.LEAD not in fields:
        return None
    return _Columns(text, number, fields)


_GROUP_LABEL = re.compile(r"^(?P<label>[IVX]+|[A-Z]|\d{1,2}(?=\.\s))(?:[.)]|\s|$)")


def _group_label(cell: str) -> str | None:
    """Return the numeral of a group heading row ("II" of "II. TRUYỀN THÔNG"), else None."""
    match = _GROUP_LABEL.match(cell)
    if match is None:
        return None
    label = match.group("label")
    if label.isdigit():  # "2. Các nhiệm vụ ...": the heading of a second list in the table
        return label
    return label if len(label) == 1 or roman_value(label) is not None else None


_COLUMN_NUMBER = re.compile(r"\(?\d{1,2}\)?")


def _header(rows: tuple[tuple[str, ...], ...]) -> tuple[int, _Columns] | None:
    """Return the first row after the header and the columns the header names, else None.

    A header may take two rows ("Cơ quan thực hiện" above "Chủ trì" and "Phối hợp"): the
    texts of each column are read together.
    """
    for start in range(min(3, len(rows))):
        if _columns(rows[start]) is None:
            continue
        end = start + 1
        while end < len(rows) and any(header_field(cell) for cell in rows[end]):
            end += 1
        width = max(len(row) for row in rows[start:end])
        combined = tuple(
            " ".join(dict.fromkeys(row[i] for row in rows[start:end] if i < len(row) and row[i]))
            for i in range(width)
        )
        columns = _columns(combined)
        return (end, columns) if columns is not None else None
    return None


def table_drafts(table: Table) -> list[Draft]:
    found = _header(table.rows)
    if found is None:
        return []
    first_row, columns = found
    width = max(len(row) for row in table.rows)
    drafts: list[Draft] = []
    groups: list[str | None] = []
    group: str | None = None
    for row_number, row in enumerate(table.rows[first_row:], start=first_row + 1):
        cells = [*row, *[""] * (width - len(row))]
        if all(_COLUMN_NUMBER.fullmatch(cell) for cell in cells if cell):
            continue  # "(1) | (2) | (3)": the column numbers under a header, or an empty row
        number = cells[columns.number].strip(" .") if columns.number is not None else ""
        values = {name: cells[index] for name, index in columns.fields.items() if cells[index]}
        if not values and not re.fullmatch(r"[\d.]*", number):
            group = _group_label(number)  # "I", "II. TRUYỀN THÔNG", "A": a heading row
            continue
        if not values and not number:
            continue
        # without a number column the rows are the tasks in order
        key = str(len(drafts) + 1) if columns.number is None else number or f"dòng {row_number}"
        draft = Draft(key, [line for line in cells[columns.text].split("\n") if line])
        for name, value in values.items():
            separator = "\n" if name in (Field.LEAD, Field.COORDINATING) else " "
            draft.values[name] = [separator.join(value.split("\n"))]
        if not number and columns.number is not None:
            draft.gaps.append(
                Gap(GapKind.NO_NUMBER, f"Dòng {row_number} của bảng không có số thứ tự.", key)
            )
        drafts.append(draft)
        groups.append(group)
    # numbering that restarts in each group ("I" 1, 2; "II" 1, 2) gets the group in the key
    keys = [draft.key for draft in drafts]
    if len(set(keys)) < len(keys) and any(groups):
        for draft, in_group in zip(drafts, groups, strict=True):
            if in_group is not None:
                draft.key = f"{in_group}.{draft.key}"
    return drafts


# --- one task ----------------------------------------------------------------------------------



def tables_and_section(blocks: list[Block]) -> tuple[str | None, list[Table]]:
    """Return the first tasks section's heading and the tables to read for tasks.

    Those are the tables of a tasks section ("II. NỘI DUNG", "NHIỆM VỤ, GIẢI PHÁP") or of an
    appendix, or every table when the document has no sections.
    """
    heading: str | None = None
    tables: list[Table] = []
    everywhere: list[Table] = []
    where = "front"
    sections = False
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            everywhere.append(block)
            if where in ("tasks", "appendix", "front"):
                tables.append(block)
            continue
        if fold(block).startswith("phu luc"):
            where = "appendix"  # "PHỤ LỤC: DANH MỤC NHIỆM VỤ" after the signature
            continue
        roman = split_roman(block)
        if roman is None or where == "appendix":
            continue
        sections = True
        numeral, title = roman
        if not title and index + 1 < len(blocks) and isinstance(blocks[index + 1], str):
            title = str(blocks[index + 1])  # "II." on its own line, the title below
        folded = fold(title)
        tasks = any(word in folded for word in TASK_SECTION_WORDS) and is_task_section(title)
        where = "tasks" if tasks else "other"
        if tasks and heading is None:
            heading = f"{numeral}. {title}"
    return heading, tables if sections else everywhere
