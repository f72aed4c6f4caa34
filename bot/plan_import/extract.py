"""Find a plan's tasks in a document's paragraphs and tables, and say what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from bot.plan_import.agencies import AgencyMatcher, AgencyReading
from bot.plan_import.document import Block, Table
from bot.plan_import.text import (
    Field,
    find_label,
    fold,
    header_field,
    roman_value,
    split_number,
    split_roman,
)
from scheduler.plan import Directory
from scheduler.timeframe import Timeframe, TimeframeKind, parse_timeframe

TITLE_MAX = 60  # scheduler.plan.Task.title


class GapKind(StrEnum):
    NO_TASKS = "no_tasks"
    NO_PLAN_START = "no_plan_start"
    NO_NUMBER = "no_number"
    DUPLICATE_KEY = "duplicate_key"
    NO_TEXT = "no_text"
    NO_LEAD = "no_lead"
    OPEN_LEAD = "open_lead"
    UNKNOWN_AGENCY = "unknown_agency"
    NO_TIMEFRAME = "no_timeframe"
    UNREADABLE_TIMEFRAME = "unreadable_timeframe"
    UNREAD_TEXT = "unread_text"


# Gaps that leave the plan file invalid or wrong; the others the operator checks, the file
# stays valid (an unreadable time frame is written as an explicit `unscheduled: true` task).
BLOCKING = frozenset(GapKind) - {GapKind.UNREADABLE_TIMEFRAME, GapKind.UNREAD_TEXT}


@dataclass(frozen=True)
class Gap:
    """Something the operator must fix (`blocking`) or check; `message` is ready to show."""

    kind: GapKind
    message: str
    task: str | None = None
    field: str | None = None  # "text", "lead", "coordinating", "timeframe"

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING


@dataclass(frozen=True)
class ImportedTask:
    """One task as found: the verbatim values, what they mean, and its gaps."""

    key: str
    title: str  # derived from the text: the operator checks it
    text: str
    lead_source: str  # the value after "Cơ quan chủ trì", verbatim ("" when absent)
    lead: tuple[str, ...]
    coordinating_source: str
    coordinating: tuple[str, ...]
    coordinating_text: str | None
    timeframe_text: str
    timeframe: Timeframe | None
    gaps: tuple[Gap, ...] = ()


@dataclass(frozen=True)
class PlanImport:
    """A proposed plan read from a document, with every gap the operator has to see."""

    source: str
    id: str
    title: str
    title_source: str  # where the title comes from, in Vietnamese
    issuer: str
    issuer_source: str
    start: date | None
    start_source: str
    section: str | None  # the heading of the tasks section, when there is one
    tasks: tuple[ImportedTask, ...]
    gaps: tuple[Gap, ...]  # plan-wide gaps, then each task's, in document order

    @property
    def ok(self) -> bool:
        """Return True when no gap blocks writing the plan file."""
        return not any(gap.blocking for gap in self.gaps)


# --- the tasks section ---------------------------------------------------------------------

_TASK_SECTION_WORDS = ("noi dung", "nhiem vu", "giai phap", "cong viec")
_NOT_TASK_SECTION_WORDS = ("muc dich", "to chuc thuc hien", "kinh phi")


def _is_tasks_heading(title: str) -> bool:
    folded = fold(title)
    return any(word in folded for word in _TASK_SECTION_WORDS) and not any(
        word in folded for word in _NOT_TASK_SECTION_WORDS
    )


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ":", "!", "?", "…"))


_CONNECTORS = frozenset({"va", "cac", "cua", "voi", "hoac", "cho", "tai", "trong", "ve", "den"})


def joins_softly(previous: str, following: str) -> bool:
    """Return True when `following` continues `previous` mid-sentence (cut by a page break).

    It does when `previous` stops without a full stop and `following` starts in lower case, or
    `previous` stops on a comma or a word such as "và" ("Sở Tài nguyên và" / "Môi trường").
    """
    if not previous or _ends_sentence(previous):
        return False
    words = fold(previous).split()
    dangling = previous.rstrip().endswith(",") or (bool(words) and words[-1] in _CONNECTORS)
    return dangling or not following[:1].isupper()


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if not text:
            text = part
        else:
            text += (" " if joins_softly(text, part) else "\n") + part
    return text


@dataclass
class _Draft:
    key: str
    parts: list[str] = field(default_factory=list)
    values: dict[Field, list[str]] = field(default_factory=dict)
    last: Field | None = None
    unread: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    def add(self, paragraph: str) -> None:
        label = find_label(paragraph)
        if label is not None:
            self.values.setdefault(label.field, []).append(label.value)
            self.last = label.field
            return
        if self.last is None:
            self.parts.append(paragraph)
            return
        values = self.values[self.last]
        if not values[-1]:  # "Cơ quan chủ trì:" with its value on the next line
            values[-1] = paragraph
        elif joins_softly(values[-1], paragraph):
            values[-1] += " " + paragraph
        else:
            self.unread.append(paragraph)


def _paragraph_drafts(paragraphs: list[str]) -> list[_Draft]:
    drafts: list[_Draft] = []
    for paragraph in paragraphs:
        numbered = split_number(paragraph)
        if numbered is not None and find_label(numbered[1]) is None:
            number, rest = numbered
            drafts.append(_Draft(number, [rest] if rest else []))
        elif drafts:
            # "2. Cơ quan phối hợp: ..." under a task is a label numbered like a list
            drafts[-1].add(numbered[1] if numbered is not None else paragraph)
    # "1. Nhóm nhiệm vụ tuyên truyền" followed by "1.1. ...": a heading, not a task
    return [
        draft
        for index, draft in enumerate(drafts)
        if draft.values
        or index + 1 == len(drafts)
        or not drafts[index + 1].key.startswith(draft.key + ".")
    ]


@dataclass
class _Layout:
    """Where the tasks are: the paragraphs of each tasks section, and the tables to read."""

    sections: list[list[str]] = field(default_factory=list)
    heading: str | None = None  # the first tasks section's heading
    tables: list[Table] = field(default_factory=list)  # in a tasks section or an appendix


def _layout(blocks: list[Block]) -> _Layout:
    layout = _Layout()
    where = "front"  # "front" | "tasks" | "other" | "appendix"
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            if where in ("tasks", "appendix"):
                layout.tables.append(block)
            continue
        if fold(block).startswith("phu luc"):
            where = "appendix"  # "PHỤ LỤC: DANH MỤC NHIỆM VỤ" after the signature
            continue
        roman = split_roman(block)
        if roman is None:
            if where == "tasks":
                layout.sections[-1].append(block)
            continue
        numeral, title = roman
        if not title and index + 1 < len(blocks) and isinstance(blocks[index + 1], str):
            title = str(blocks[index + 1])  # "II." on its own line, the title below
        where = "tasks" if _is_tasks_heading(title) else "other"
        if where == "tasks":
            layout.sections.append([])
            layout.heading = layout.heading or f"{numeral}. {title}"
    return layout


# --- tables ----------------------------------------------------------------------------------

_NUMBER_HEADERS = ("stt", "tt", "so tt", "so thu tu")
_TEXT_HEADERS = ("noi dung", "nhiem vu", "cong viec", "ten")


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
    if text is None or Field.LEAD not in fields:
        return None
    return _Columns(text, number, fields)


_GROUP_LABEL = re.compile(r"^(?P<label>[IVX]+|[A-Z])(?:[.)]|\s|$)")


def _group_label(cell: str) -> str | None:
    """Return the numeral of a group heading row ("II" of "II. TRUYỀN THÔNG"), else None."""
    match = _GROUP_LABEL.match(cell)
    if match is None:
        return None
    label = match.group("label")
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


def _table_drafts(table: Table) -> list[_Draft]:
    found = _header(table.rows)
    if found is None:
        return []
    first_row, columns = found
    width = max(len(row) for row in table.rows)
    drafts: list[_Draft] = []
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
        draft = _Draft(key, [line for line in cells[columns.text].split("\n") if line])
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
    if len(set(keys)) < len(keys) and all(groups):
        for draft, in_group in zip(drafts, groups, strict=True):
            draft.key = f"{in_group}.{draft.key}"
    return drafts


# --- one task ----------------------------------------------------------------------------------

_DANGLING_WORDS = frozenset(
    (
        "và", "của", "các", "với", "đến", "trong", "cho", "theo", "tại", "về", "để", "đối",
        "hoặc", "những", "được", "là", "số", "thuộc", "từ", "trên",
    )
)
_CLAUSE_END = re.compile(r"[;:(]|\.(?=\s|$)")


def derive_title(text: str) -> str:
    """Return a short title: the first clause of `text`, cut at a word boundary to 60 chars."""
    clause = _CLAUSE_END.split(text.split("\n", 1)[0], maxsplit=1)[0].strip(" ,")
    words = clause.split()
    while len(" ".join(words)) > TITLE_MAX:
        words.pop()
    while len(words) > 1 and (words[-1].lower() in _DANGLING_WORDS or words[-1] in "-–"):
        words.pop()
    return " ".join(words).rstrip(" ,") or clause[:TITLE_MAX]


def _value(draft: _Draft, name: Field) -> str:
    return ", ".join(value for value in draft.values.get(name, []) if value).strip(" .;,")


def _agency_gaps(reading: AgencyReading, key: str, name: Field) -> list[Gap]:
    role = "chủ trì" if name is Field.LEAD else "phối hợp"
    return [
        Gap(
            GapKind.UNKNOWN_AGENCY,
            f"Cơ quan {role} «{unknown}» không có trong danh mục cơ quan (agencies.yaml): "
            "thêm cơ quan vào danh mục hoặc sửa tên trong văn bản.",
            key,
            name.value,
        )
        for unknown in reading.unknown
    ]


def _task(
    draft: _Draft, matcher: AgencyMatcher, plan_start: date | None
) -> ImportedTask:
    key = draft.key
    gaps = list(draft.gaps)
    text = _join(draft.parts)
    if not text:
        gaps.append(Gap(GapKind.NO_TEXT, "Không có nội dung nhiệm vụ.", key, "text"))

    lead_source = _value(draft, Field.LEAD)
    lead = matcher.read(lead_source)
    if not lead_source:
        gaps.append(Gap(GapKind.NO_LEAD, "Không tìm thấy cơ quan chủ trì.", key, "lead"))
    gaps += _agency_gaps(lead, key, Field.LEAD)
    if lead.open_text:
        gaps.append(
            Gap(
                GapKind.OPEN_LEAD,
                f"Cơ quan chủ trì «{lead.open_text}» không chỉ rõ cơ quan nào: "
                "cần ghi tên cơ quan.",
                key,
                "lead",
            )
        )

    coordinating_source = _value(draft, Field.COORDINATING)
    coordinating = matcher.read(coordinating_source)
    gaps += _agency_gaps(coordinating, key, Field.COORDINATING)

    timeframe_text = _value(draft, Field.TIMEFRAME)
    timeframe = _parse(timeframe_text, plan_start) if timeframe_text else None
    if timeframe is None:
        gaps.append(
            Gap(GapKind.NO_TIMEFRAME, "Không tìm thấy thời gian thực hiện.", key, "timeframe")
        )
    elif timeframe.kind is TimeframeKind.UNSCHEDULED:
        gaps.append(
            Gap(
                GapKind.UNREADABLE_TIMEFRAME,
                f"Không đọc được thời gian «{timeframe_text}»: nhiệm vụ sẽ không có lịch nhắc "
                "(sửa thành dạng như «Quý 2 năm 2024», «Hằng năm», «Thường xuyên»).",
                key,
                "timeframe",
            )
        )
    for paragraph in draft.unread:
        gaps.append(
            Gap(
                GapKind.UNREAD_TEXT,
                f"Đoạn không nhận diện được, chưa đưa vào kế hoạch: «{_clip(paragraph)}».",
                key,
            )
        )
    return ImportedTask(
        key=key,
        title=derive_title(text),
        text=text,
        lead_source=lead_source,
        lead=lead.codes,
        coordinating_source=coordinating_source,
        coordinating=coordinating.codes,
        coordinating_text=coordinating.open_text,
        timeframe_text=timeframe_text,
        timeframe=timeframe,
        gaps=tuple(gaps),
    )


def _parse(text: str, plan_start: date | None) -> Timeframe:
    if plan_start is not None:
        return parse_timeframe(text, plan_start)
    # Without a plan start the kind and rule are known, the dates are not.
    return replace(parse_timeframe(text, date(2000, 1, 1)), start=None, due=None)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- plan metadata -----------------------------------------------------------------------------

# "Bình Thuận, ngày 10 tháng 4 năm 2024": the place, a comma, the date spelt out. A reference
# to another text ("Nghị định số 32/2024/NĐ-CP ngày 15/3/2024") has no comma before "ngày".
_ISSUE_DATE = re.compile(
    r"(?:^|\s)[a-z][a-z .]{1,40},\s*ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})"
)
_ISSUER = re.compile(r"^(?:uy ban nhan dan|ubnd)\s+tinh\s+(?P<province>.+)$")


def _front_matter(blocks: list[Block]) -> list[str]:
    front: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            continue
        if split_roman(block) is not None:
            break
        front.append(block)
    return front


def _issue_date(front: list[str]) -> date | None:
    for paragraph in front:
        match = _ISSUE_DATE.search(fold(paragraph))
        if match:
            day, month, year = (int(group) for group in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def _plan_title(front: list[str]) -> str | None:
    for index, paragraph in enumerate(front):
        if fold(paragraph) == "ke hoach" and index + 1 < len(front):
            subtitle = front[index + 1]
            return "Kế hoạch " + subtitle[:1].lower() + subtitle[1:]
    return None


def _issuer(front: list[str], directory: Directory) -> tuple[str, str]:
    for paragraph in front[:10]:
        # the issuer heads the page in capitals: "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN"
        match = _ISSUER.match(fold(paragraph)) if paragraph.isupper() else None
        if match:
            province = paragraph[match.start("province") :].strip()
            return f"UBND tỉnh {province.title()}", "từ văn bản"
    for agency in directory.agencies:
        if agency.kind == "ubnd_tinh":
            name = re.sub(r"^(?:Ủy|Uỷ) ban nhân dân", "UBND", agency.name)
            return name, "suy ra từ danh mục cơ quan: cần kiểm tra"
    return "", "không tìm thấy"


def slug(text: str) -> str:
    """Return `text` as a plan id: lower case ASCII letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "ke-hoach"


def extract_plan(
    blocks: list[Block],
    directory: Directory,
    *,
    source: str,
    plan_id: str,
    plan_start: date | None,
) -> PlanImport:
    """Return the plan `blocks` describe: section II tasks (or task tables), and every gap.

    `plan_start` None means "not given": the document's issue date is used if it has one.
    """
    front = _front_matter(blocks)
    start_source = "theo --plan-start"
    if plan_start is None:
        plan_start = _issue_date(front)
        start_source = (
            "ngày ban hành ghi trong văn bản" if plan_start else "văn bản không ghi ngày ban hành"
        )

    layout = _layout(blocks)
    drafts: list[_Draft] = []
    for paragraphs in layout.sections:
        drafts += _paragraph_drafts(paragraphs)
    tables = layout.tables
    if not layout.sections:
        # No "II. NỘI DUNG ..." heading: numbered items count only with a label under them.
        drafts = [draft for draft in _paragraph_drafts(_strings(blocks)) if draft.values]
        tables = [block for block in blocks if isinstance(block, Table)]
    for table in tables:
        drafts += _table_drafts(table)

    matcher = AgencyMatcher(directory)
    tasks = [_task(draft, matcher, plan_start) for draft in drafts]

    gaps: list[Gap] = []
    if not tasks:
        gaps.append(
            Gap(
                GapKind.NO_TASKS,
                "Không tìm thấy nhiệm vụ nào: cần một mục như «II. NỘI DUNG THỰC HIỆN» với các "
                "nhiệm vụ đánh số (1., 2., ...) có «Cơ quan chủ trì», «Cơ quan phối hợp», "
                "«Thời gian thực hiện», hoặc một bảng có cột «Nội dung» và «Cơ quan chủ trì».",
            )
        )
    if plan_start is None:
        gaps.append(
            Gap(
                GapKind.NO_PLAN_START,
                "Văn bản không ghi ngày ban hành: cho ngày bắt đầu kế hoạch bằng "
                "--plan-start YYYY-MM-DD.",
            )
        )
    seen: set[str] = set()
    for index, task in enumerate(tasks):
        if task.key in seen:
            duplicate = Gap(
                GapKind.DUPLICATE_KEY, f"Số thứ tự «{task.key}» bị trùng.", task.key, "key"
            )
            tasks[index] = replace(task, gaps=(duplicate, *task.gaps))
        seen.add(task.key)
    for task in tasks:
        gaps += task.gaps

    title = _plan_title(front)
    issuer, issuer_source = _issuer(front, directory)
    return PlanImport(
        source=source,
        id=plan_id,
        title=title or source,
        title_source="từ văn bản" if title else "tên tệp: cần sửa",
        issuer=issuer,
        issuer_source=issuer_source,
        start=plan_start,
        start_source=start_source,
        section=layout.heading,
        tasks=tuple(tasks),
        gaps=tuple(gaps),
    )


def _strings(blocks: list[Block]) -> list[str]:
    return [block for block in blocks if isinstance(block, str)]
