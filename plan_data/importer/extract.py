"""Find a plan's tasks in a document's paragraphs and tables, and say what is missing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from plan_data.importer import texts
from plan_data.importer.agencies import (
    AgencyMatcher,
    AgencyReading,
    Proposals,
    prose_agencies,
    split_roles,
)
from plan_data.importer.document import Block, Table
from plan_data.importer.model import (
    TITLE_MAX,
    Draft,
    Gap,
    GapKind,
    ImportedTask,
    PlanImport,
)
from plan_data.importer.outline import (
    join_parts,
    outline_drafts,
)
from plan_data.importer.tables import table_drafts, tables_and_section
from plan_data.importer.text import (
    Field,
    fold,
    split_roman,
)
from scheduler.plan import Directory
from scheduler.timeframe import Timeframe, TimeframeKind, parse_timeframe

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


def _value(draft: Draft, name: Field) -> str:
    return ", ".join(value for value in draft.values.get(name, []) if value).strip(" .;,")


def _agency_gaps(
    reading: AgencyReading, key: str, name: Field, proposals: Proposals
) -> list[Gap]:
    role = "chủ trì" if name is Field.LEAD else "phối hợp"
    return [
        Gap(
            GapKind.UNKNOWN_AGENCY,
            texts.IMPORT_UNKNOWN_AGENCY.format(
                role=role, name=unknown, code=proposals.code(unknown)
            ),
            key,
            name.value,
        )
        for unknown in reading.unknown
    ]


def _task(
    draft: Draft, matcher: AgencyMatcher, proposals: Proposals, plan_start: date | None
) -> ImportedTask:
    key = draft.key
    gaps = list(draft.gaps)
    text = join_parts(draft.parts)
    if not text:
        gaps.append(Gap(GapKind.NO_TEXT, "Không có nội dung nhiệm vụ.", key, "text"))

    lead_source = _value(draft, Field.LEAD)
    lead_names, more_coordinating = _lead_names(lead_source)
    lead = matcher.read(lead_names)
    lead_codes = (*lead.codes, *proposals.codes(lead.unknown))
    if not lead_source:
        gaps.append(Gap(GapKind.NO_LEAD, "Không tìm thấy cơ quan chủ trì.", key, "lead"))
    gaps += _agency_gaps(lead, key, Field.LEAD, proposals)
    if lead.open_text and draft.duty and not lead_codes:
        gaps.append(
            Gap(
                GapKind.DUTY_NOT_WRITTEN,
                texts.IMPORT_DUTY_OPEN_LEAD.format(group=lead.open_text),
                key,
                "lead",
            )
        )
    elif lead.open_text and not lead_codes:
        gaps.append(
            Gap(
                GapKind.OPEN_LEAD,
                f"Cơ quan chủ trì «{lead.open_text}» không chỉ rõ cơ quan nào: "
                "cần ghi tên cơ quan.",
                key,
                "lead",
            )
        )

    coordinating_source = _value(draft, Field.COORDINATING) or more_coordinating
    coordinating = matcher.read(_coordinating_names(coordinating_source))
    coordinating_codes = tuple(
        code
        for code in dict.fromkeys((*coordinating.codes, *proposals.codes(coordinating.unknown)))
        if code not in lead_codes
    )
    gaps += _agency_gaps(coordinating, key, Field.COORDINATING, proposals)

    timeframe_text = _value(draft, Field.TIMEFRAME)
    timeframe = _parse(timeframe_text, plan_start) if timeframe_text else None
    if timeframe is None and draft.duty:
        gaps.append(
            Gap(
                GapKind.DUTY_NOT_WRITTEN,
                texts.IMPORT_DUTY_NO_TIMEFRAME,
                key,
                "timeframe",
            )
        )
    elif timeframe is None:
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
    for guessed in draft.guessed:
        value = lead_source if guessed is Field.LEAD else timeframe_text
        what = texts.IMPORT_READ_LEAD if guessed is Field.LEAD else texts.IMPORT_READ_TIMEFRAME
        gaps.append(
            Gap(
                GapKind.READ_FROM_TEXT,
                texts.IMPORT_READ_FROM_TEXT.format(what=what, value=_clip(value)),
                key,
                guessed.value,
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
        title=_title(text, draft.duty),
        text=text,
        lead_source=lead_source,
        lead=lead_codes,
        coordinating_source=coordinating_source,
        coordinating=coordinating_codes,
        coordinating_text=coordinating.open_text,
        timeframe_text=timeframe_text,
        timeframe=timeframe,
        gaps=tuple(gaps),
        duty=draft.duty,
    )


def _title(text: str, duty: bool) -> str:
    """Return a task's short title; a duty's comes from its first duty, not its heading."""
    if duty:
        heading, _, duties = text.partition("\n")
        body = duties.removeprefix("- ").removeprefix("+ ").strip() or heading.partition(":")[2]
        if body.strip():
            return derive_title(body.strip())
    return derive_title(text)


def _lead_names(value: str) -> tuple[str, str]:
    """Return the agencies a lead value names, and those it says the lead works with.

    "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính" leads with Sở Nội vụ; "Sở KH&CN chủ trì
    hướng dẫn; Các sở thực hiện ..." names two; "Bộ Tư pháp (đối với ...)" keeps the agency.
    """
    names: list[str] = []
    coordinating: list[str] = []
    for part in re.split(r"\n|;", value):
        part = part.strip(" .,")
        if not part:
            continue
        roles = split_roles(part)
        if roles.coordinating or roles.lead != part:
            names.append(roles.lead)
            if roles.coordinating:
                coordinating.append(roles.coordinating)
            continue
        found = prose_agencies(part)
        names.append(found.lead if found is not None else part)
    return "; ".join(name for name in names if name), "; ".join(coordinating)


def _coordinating_names(value: str) -> str:
    """Return the agencies a coordinating value names, without what they are to do."""
    names: list[str] = []
    for part in re.split(r"\n|;", value):
        part = part.strip(" .,")
        found = prose_agencies(part) if part else None
        names.append(found.lead if found is not None else part)
    return "; ".join(name for name in names if name)


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
_ISSUER = re.compile(r"^(?:uy ban nhan dan|ubnd)\s+(?P<level>tinh|thanh pho)\s+(?P<province>.+)$")
# "(Kèm theo Kế hoạch số 179/KH-UBND ngày 18 tháng 11 năm 2025 ...)": an annex's own heading
_ANNEXED_TO = re.compile(
    r"kem theo .{0,80}?\bso\s+(?P<number>[0-9][\w/.-]*)\s+ngay\s+(?P<day>\d{1,2})"
    r"(?:\s+thang\s+|/)(?P<month>\d{1,2})(?:\s+nam\s+|/)(?P<year>\d{4})"
)
_NUMBER_LINE = re.compile(r"^so\s*:?\s*(?P<number>[0-9][\w/.-]*/[\w.-]+)", re.IGNORECASE)
_DOCUMENT_KINDS = ("ke hoach", "chuong trinh", "de an", "chuong trinh hanh dong")


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
    """Return the date the document was issued: its "Place, ngày ..." line, else the date of
    the plan an annex is attached to ("Kèm theo Kế hoạch số ... ngày ...")."""
    found: tuple[int, int, int] | None = None
    for paragraph in front:
        match = _ISSUE_DATE.search(fold(paragraph))
        if match:
            found = (int(match.group(3)), int(match.group(2)), int(match.group(1)))
            break
    if found is None:
        for paragraph in front:
            annexed = _ANNEXED_TO.search(fold(paragraph))
            if annexed:
                found = (
                    int(annexed.group("year")),
                    int(annexed.group("month")),
                    int(annexed.group("day")),
                )
                break
    if found is None:
        return None
    try:
        return date(*found)
    except ValueError:
        return None


def _plan_number(front: list[str]) -> str:
    """Return the document's number ("Số: 45/KH-UBND"), or the annexed plan's; else ""."""
    for paragraph in front[:12]:
        match = _NUMBER_LINE.match(fold(paragraph.strip()))
        if match:
            start = match.start("number")
            return paragraph.strip()[start : match.end("number")].rstrip(".,")
    for paragraph in front:
        annexed = _ANNEXED_TO.search(fold(paragraph))
        if annexed:
            start = annexed.start("number")
            return paragraph[start : start + len(annexed.group("number"))]
    return ""


def _plan_title(front: list[str]) -> str | None:
    """Return "Kế hoạch ..." from the line under the heading "KẾ HOẠCH", skipping the number
    and date lines a copy may put between them."""
    for index, paragraph in enumerate(front):
        kind = fold(paragraph).strip(" .:")
        if kind not in _DOCUMENT_KINDS:
            continue
        for subtitle in front[index + 1 : index + 4]:
            folded = fold(subtitle)
            if _ISSUE_DATE.search(folded) or _NUMBER_LINE.match(folded) or not subtitle:
                continue
            if subtitle.isupper():
                subtitle = subtitle.lower()
            return paragraph.strip(" .:").capitalize() + " " + subtitle[:1].lower() + subtitle[1:]
    return None


def _issuer(front: list[str], directory: Directory) -> tuple[str, str]:
    for paragraph in front[:10]:
        # the issuer heads the page in capitals: "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN"
        match = _ISSUER.match(fold(paragraph)) if paragraph.isupper() else None
        if match:
            province = paragraph[match.start("province") :].strip()
            level = "tỉnh" if match.group("level") == "tinh" else "thành phố"
            return f"UBND {level} {province.title()}", "từ văn bản"
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

    section, tables = tables_and_section(blocks)
    drafts = outline_drafts(_strings(blocks))
    for table in tables:
        drafts += table_drafts(table)

    matcher = AgencyMatcher(directory)
    proposals = Proposals(directory)
    tasks = [_task(draft, matcher, proposals, plan_start) for draft in drafts]

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
    number = _plan_number(front)
    return PlanImport(
        source=source,
        id=plan_id,
        title=title or source,
        title_source="từ văn bản" if title else "tên tệp: cần sửa",
        issuer=issuer,
        issuer_source=issuer_source,
        number=number,
        start=plan_start,
        start_source=start_source,
        section=section,
        tasks=tuple(tasks),
        gaps=tuple(gaps),
        proposed=proposals.agencies(),
    )




def _strings(blocks: list[Block]) -> list[str]:
    return [block for block in blocks if isinstance(block, str)]
