"""Find a plan's tasks in a document's paragraphs and tables, and say what is missing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from bot import texts
from bot.plan_import.agencies import (
    AgencyMatcher,
    AgencyReading,
    Proposals,
    ProseAgencies,
    partners,
    prose_agencies,
    split_roles,
)
from bot.plan_import.document import Block, Table
from bot.plan_import.text import (
    LETTERED,
    Field,
    find_label,
    fold,
    header_field,
    roman_value,
    split_number,
    split_roman,
    starts_structure,
)
from scheduler.plan import Agency, Directory
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
    READ_FROM_TEXT = "read_from_text"
    DUTY_NOT_WRITTEN = "duty_not_written"


# Gaps that leave the plan file invalid or wrong; the others the operator checks, the file
# stays valid (an unreadable time frame is written as an explicit `unscheduled: true` task).
BLOCKING = frozenset(GapKind) - {
    GapKind.UNKNOWN_AGENCY,  # proposed as a new agency, in the agencies file beside the plan
    GapKind.UNREADABLE_TIMEFRAME,
    GapKind.UNREAD_TEXT,
    GapKind.READ_FROM_TEXT,
    GapKind.DUTY_NOT_WRITTEN,
}


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
    duty: bool = False  # an agency's duties under its heading ("1. Sở Xây dựng" + dashes)

    @property
    def written(self) -> bool:
        """Return True when the task goes into the plan file (a duty needs a lead and a time)."""
        return not any(gap.kind is GapKind.DUTY_NOT_WRITTEN for gap in self.gaps)


@dataclass(frozen=True)
class PlanImport:
    """A proposed plan read from a document, with every gap the operator has to see."""

    source: str
    id: str
    title: str
    title_source: str  # where the title comes from, in Vietnamese
    issuer: str
    issuer_source: str
    number: str  # the document's number ("45/KH-UBND"), "" when it prints none
    start: date | None
    start_source: str
    section: str | None  # the heading of the tasks section, when there is one
    tasks: tuple[ImportedTask, ...]
    gaps: tuple[Gap, ...]  # plan-wide gaps, then each task's, in document order
    proposed: tuple[Agency, ...] = ()  # agencies the document names that the list lacks

    @property
    def ok(self) -> bool:
        """Return True when no gap blocks writing the plan file."""
        return not any(gap.blocking for gap in self.gaps)


# --- the document's outline --------------------------------------------------------------

# Sections whose items are never tasks: the plan's aims, its legal grounds, its budget.
_NOT_TASK_SECTION_WORDS = ("muc dich", "yeu cau", "can cu", "kinh phi", "quan diem", "muc tieu")


def _is_task_section(title: str) -> bool:
    folded = fold(title)
    return not any(word in folded for word in _NOT_TASK_SECTION_WORDS)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ";", ":", "!", "?", "…"))


# words a sentence does not stop on; "Sở", "Bộ" and "UBND" begin a name cut by a page break
_CONNECTORS = frozenset(
    {"va", "cac", "cua", "voi", "hoac", "cho", "tai", "trong", "ve", "den", "so", "bo", "ubnd"}
)


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
            soft = (
                joins_softly(text, part)
                and part[:2] not in ("- ", "+ ")
                and not starts_structure(part)
                and _classify(part)[0] is None
            )
            text += (" " if soft else "\n") + part
    return text


@dataclass
class _Draft:
    key: str
    parts: list[str] = field(default_factory=list)
    values: dict[Field, list[str]] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    duty: bool = False  # an agency's duties under its heading: no time frame of its own
    guessed: list[Field] = field(default_factory=list)  # read from sentences, not from labels


_PAREN_NUMBER = re.compile(r"^\((?P<number>\d{1,2})\)\s*(?P<rest>.*)$")
_NUMBERED_LETTER = re.compile(
    r"^(?P<number>\d{1,2}(?:\.\d{1,2})+)\.(?P<letter>[a-zđ])[.)]?\s+(?P<rest>.*)$"
)
_CONTENT_LABEL = re.compile(r"^(?:nội dung|tên nhiệm vụ|nhiệm vụ)\s*:\s*", re.IGNORECASE)
# Fields a plan prints that are not read: the product, the budget, the legal basis, a note.
_OTHER_LABEL = re.compile(
    r"^(?:kết quả|sản phẩm|kinh phí|căn cứ|ghi chú|hình thức|dự kiến|nguồn vốn|cấp trình)"
    r"[^:]{0,30}:\s",
    re.IGNORECASE,
)
_LETTER_KEYS = {"đ": "dd"}

# Nesting: kind -> how the item is numbered. A Roman numeral opens a section.
_Kind = tuple[str, int]


@dataclass
class _Node:
    kind: _Kind
    number: str
    head: str = ""
    raw: str = ""  # the paragraph as printed, marker included
    body: list[str] = field(default_factory=list)
    values: dict[Field, list[str]] = field(default_factory=dict)
    last: Field | None = None
    continuing: bool = False  # the last field's value takes the list items that follow
    unread: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def add_value(self, name: Field, value: str) -> None:
        self.values.setdefault(name, []).append(value)
        self.last = name
        self.continuing = not value


def _classify(paragraph: str) -> tuple[_Kind | None, str, str, str]:
    """Return (kind, number, text, bullet) of a paragraph; kind None for plain text."""
    bullet = ""
    if paragraph[:2] in ("- ", "+ "):
        bullet, paragraph = paragraph[0], paragraph[2:]
    roman = split_roman(paragraph)
    if roman is not None and not bullet:
        return ("R", 0), roman[0], roman[1], ""
    lettered_number = _NUMBERED_LETTER.match(paragraph)
    if lettered_number is not None:
        number = lettered_number.group("number") + "." + lettered_number.group("letter")
        return ("L", 0), number, lettered_number.group("rest"), bullet
    paren = _PAREN_NUMBER.match(paragraph)
    if paren is not None:
        return ("P", 0), paren.group("number"), paren.group("rest"), bullet
    numbered = split_number(paragraph)
    if numbered is not None:
        return ("N", numbered[0].count(".") + 1), numbered[0], numbered[1], bullet
    lettered = LETTERED.match(paragraph)
    if lettered is not None:
        return ("L", 0), lettered.group("letter"), lettered.group("rest"), bullet
    if bullet:
        return (bullet, 0), "", paragraph, bullet
    return None, "", paragraph, ""


def _outline(paragraphs: list[str]) -> _Node:
    """Return the items of `paragraphs` as a tree: sections, numbered, lettered, dash items."""
    root = _Node(("root", 0), "")
    stack = [root]
    for paragraph in paragraphs:
        kind, number, text, _ = _classify(paragraph)
        current = stack[-1]
        label = find_label(text)
        if label is not None and (kind is None or kind[0] in ("L", "-", "+", "N", "P")):
            # "a) Cơ quan chủ trì: ...", "- Thời gian: ...", "2. Cơ quan phối hợp: ..."
            target = current
            unmarked = kind is None
            if unmarked and current.kind[0] in ("L", "-", "+") and not current.values:
                # "Thời gian hoàn tất: ..." after lettered steps is the numbered item's own
                for node in reversed(stack[:-1]):
                    if node.kind[0] in ("N", "P", "R"):
                        target = node
                        break
            target.add_value(label.field, label.value)
            continue
        if kind is None:
            _add_text(current, text)
            continue
        if kind[0] in ("-", "+") and (_CONTENT_LABEL.match(text) or current.continuing):
            # "- Nội dung: ..." is the item's text; "+ ..." under "Cơ quan thực hiện:" its value
            _add_text(current, text if _CONTENT_LABEL.match(text) else paragraph)
            continue
        if current.values and kind[0] != "R" and _OTHER_LABEL.match(text):
            current.unread.append(text)  # "d) Sản phẩm: ..." under the fields: not read
            continue
        if kind[0] == "R":
            del stack[1:]
            node = _Node(kind, number, text, paragraph)
            root.children.append(node)
            stack.append(node)
            continue
        # a new item is the sibling of the outermost open item numbered the same way ("1.1"
        # closes every item down from the first "1.1"-style item), else the current's child
        if kind[0] == "N":
            _close_numbered(stack, number)
        else:
            for index in range(1, len(stack)):
                if stack[index].kind == kind:
                    del stack[index:]
                    break
        content = _CONTENT_LABEL.sub("", text)
        node = _Node(kind, number, content, paragraph)
        if content != text:
            node.continuing = True
        stack[-1].children.append(node)
        stack.append(node)
    return root


def _close_numbered(stack: list[_Node], number: str) -> None:
    """Close the open items a numbered item ends: "2.3" goes under "2", "3" under its section."""
    parent = number.rsplit(".", 1)[0] if "." in number else None
    for index, node in enumerate(stack):
        if parent is not None and node.kind[0] == "N" and node.number == parent:
            del stack[index + 1 :]
            return
    for index, node in enumerate(stack):
        if node.kind[0] == "N":
            del stack[index:]
            return


def _add_text(node: _Node, paragraph: str) -> None:
    """Add a plain paragraph to `node`: the value of its open field, or its text."""
    if node.last is not None and not _CONTENT_LABEL.match(paragraph):
        values = node.values[node.last]
        if node.continuing and paragraph[:2] in ("- ", "+ "):
            values[-1] = (values[-1] + "\n" if values[-1] else "") + paragraph[2:]
            return
        if not values[-1]:  # "Cơ quan chủ trì:" with its value on the next line
            values[-1] = paragraph
            return
        if joins_softly(values[-1], paragraph):
            values[-1] += " " + paragraph
            return
        node.unread.append(paragraph)
        return
    content = _CONTENT_LABEL.sub("", paragraph)
    if content != paragraph:
        node.continuing = True
        node.last = None
    if not node.head:
        node.head = content
    elif content:
        node.body.append(content)


def _own(node: _Node) -> bool:
    return bool(node.values)


def _node_key(node: _Node, parent_key: str, ordinal: int) -> str:
    if node.kind[0] == "N":
        return node.number
    if node.kind[0] == "P":  # "(1)" under "2." is 2.1; at the top it is 1
        return f"{parent_key}.{node.number}" if parent_key else node.number
    if node.kind[0] == "L":
        letter = node.number.rsplit(".", 1)[-1]
        letter = _LETTER_KEYS.get(letter, letter)
        if "." in node.number:
            return node.number.rsplit(".", 1)[0] + "." + letter
        return f"{parent_key}.{letter}" if parent_key else letter
    return f"{parent_key}.{ordinal}" if parent_key else str(ordinal)


def _texts(node: _Node) -> list[str]:
    """Return the paragraphs under `node`'s heading: its body, then each child as printed."""
    parts = list(node.body)
    for child in node.children:
        parts.append(child.raw)
        parts += _texts(child)
    return parts


def _agency_heading(text: str) -> tuple[str, str] | None:
    """Return (agency, rest) when `text` is an agency's name ("Sở Xây dựng:", "1. Công an tỉnh")."""
    name, _, rest = text.partition(":")
    name = name.strip()
    if not name or len(name) > 160 or name.endswith((".", ";")):
        return None
    found = prose_agencies(name)
    if found is None or fold(name).startswith(("giao ", "de nghi", "doi voi", "yeu cau")):
        return None
    leftover = name[len(found.lead) :].strip() if name.startswith(found.lead) else name
    if leftover and not (leftover.startswith("(") and leftover.endswith(")")):
        return None
    return found.lead, rest.strip()


def _node_drafts(
    node: _Node,
    parent_key: str,
    ordinal: int,
    in_tasks: bool,
    labelled: bool,
    inherited: ProseAgencies | None = None,
) -> list[_Draft]:
    """Return the tasks under `node`.

    `labelled` False (a section beside the document's tasks section, such as "TỔ CHỨC THỰC
    HIỆN") reads only the duties under agency headings and the items that open with an agency.
    """
    key = _node_key(node, parent_key, ordinal) if node.kind[0] not in ("root", "R") else ""
    if node.kind[0] == "R":
        in_tasks = _is_task_section(node.head)
        if not in_tasks:
            return []
    if node.kind[0] not in ("root", "R"):
        if _own(node) and not labelled:
            return []  # a labelled item of the organisation section: not the plan's task list
        if _own(node):
            draft = _Draft(key, [node.head, *_texts(node)] if node.head else _texts(node))
            draft.values = {name: list(values) for name, values in node.values.items()}
            draft.unread = list(node.unread)
            if Field.TIMEFRAME not in draft.values:
                # "Tổ chức Tuần lễ (từ ngày 10/4 đến ngày 17/4)": a period in brackets
                bracket = _BRACKETED_PERIOD.search(" ".join(draft.parts))
                if bracket is not None:
                    draft.values[Field.TIMEFRAME] = [bracket.group(1)]
                    draft.guessed.append(Field.TIMEFRAME)
            if Field.LEAD not in draft.values:
                # "Bước 2: ..." then "Ban Chỉ đạo ... tổ chức kiểm tra ...": the prose says who
                for paragraph in draft.parts:
                    found = prose_agencies(paragraph)
                    if found is not None:
                        draft.values[Field.LEAD] = [found.lead]
                        draft.guessed.append(Field.LEAD)
                        if found.coordinating and Field.COORDINATING not in draft.values:
                            draft.values[Field.COORDINATING] = [found.coordinating]
                        break
            return [draft]
        heading = _agency_heading(node.head) if in_tasks else None
        if heading is not None and any(
            child.kind[0] in ("N", "P") and _agency_heading(child.head) for child in node.children
        ):
            heading = None  # "2. Các sở, ngành" above "2.1. Sở Xây dựng:": a group of duties
        if heading is not None and (node.children or node.body or heading[1]):
            agency, rest = heading
            joined = _join([rest, *node.body] if rest else list(node.body))
            body = [joined] if joined else []
            draft = _Draft(key, [node.head.partition(":")[0].strip() + ":", *body], duty=True)
            for child in node.children:
                draft.parts.append(child.raw)
                draft.parts += _texts(child)
            draft.values[Field.LEAD] = [agency]
            first = body[:1] or [child.head for child in node.children[:1]]
            coordinating = partners(first[0]) if first else ""
            if coordinating:
                draft.values[Field.COORDINATING] = [coordinating]
            time = inline_timeframe(" ".join(body))
            if time:
                draft.values[Field.TIMEFRAME] = [time]
                draft.guessed.append(Field.TIMEFRAME)
            return [draft]
    drafts: list[_Draft] = []
    # "Ủy ban nhân dân các tỉnh, thành phố:" above a), b): the items it introduces are theirs
    intro = [part for part in [node.head, *node.body] if part.rstrip().endswith(":")]
    shared = _intro_agencies(intro[-1]) if intro and node.children else None
    for counter, child in enumerate(node.children, start=1):
        child_key = key if node.kind[0] not in ("root", "R") else ""
        drafts += _node_drafts(
            child, child_key, counter, in_tasks, labelled, shared or inherited
        )
    if drafts or node.kind[0] in ("root", "R") or not in_tasks:
        return drafts
    # a leaf item in prose: the agency it opens with leads, its own time clause is the time
    text = [node.head, *_texts(node)]
    found = None
    for paragraph in text:
        found = prose_agencies(paragraph)
        if found is not None:
            break
    found = found or inherited
    if found is None:
        return []
    draft = _Draft(key, [part for part in text if part])
    draft.values[Field.LEAD] = [found.lead]
    draft.guessed.append(Field.LEAD)
    if found.coordinating:
        draft.values[Field.COORDINATING] = [found.coordinating]
    time = inline_timeframe(" ".join(text))
    if time:
        draft.values[Field.TIMEFRAME] = [time]
        draft.guessed.append(Field.TIMEFRAME)
    return [draft]


def _intro_agencies(line: str) -> ProseAgencies | None:
    """Return who an intro line names: "Bộ Tài chính chỉ đạo Bảo hiểm xã hội Việt Nam:" both."""
    found = prose_agencies(line)
    if found is None:
        return None
    rest = line[line.find(found.lead) + len(found.lead) :].strip(" :")
    if fold(rest).startswith("chi dao "):
        directed = rest[len("chỉ đạo ") :].strip(" :")
        also = prose_agencies(directed)
        if also is not None and also.lead == directed:
            return ProseAgencies(f"{found.lead}; {directed}", found.coordinating)
    return found


def _outline_drafts(paragraphs: list[str]) -> list[_Draft]:
    root = _outline(paragraphs)
    drafts: list[_Draft] = []
    first_section: str | None = None
    tasks_sections = [
        child.number
        for child in root.children
        if child.kind[0] == "R" and _is_task_section(child.head)
        and any(word in fold(child.head) for word in _TASK_SECTION_WORDS)
    ]
    for index, child in enumerate(root.children, start=1):
        labelled = not tasks_sections or child.number in tasks_sections or child.kind[0] != "R"
        found = _node_drafts(child, "", index, True, labelled)
        if child.kind[0] == "R" and found:
            if first_section is None:
                first_section = child.number
            elif child.number != first_section:
                for draft in found:
                    draft.key = f"{child.number}.{draft.key}"
        drafts += found
    return drafts


# Inline time clauses: "hoàn thành trong tháng 11 năm 2025", "trước ngày 30/6/2025",
# "(từ ngày 15/11 đến ngày 15/12)", "định kỳ hằng quý ...", "khi có yêu cầu".
_INLINE_TIME = re.compile(
    r"\b(?:hoan thanh (?:truoc|trong|theo|cham nhat|xong)|hoan tat truoc|truoc ngay \d|"
    r"vao ky|dinh ky|khi co yeu cau|trong (?:thang|quy) [\divx]|trong nam \d{4}|"
    r"tu ngay \d[^()]*den ngay \d|chậm nhat|cham nhat (?:ngay|truoc))"
)


_BRACKETED_PERIOD = re.compile(
    r"\(((?:từ|Từ) (?:ngày|tháng) [\d/]+(?: năm \d{4})? đến (?:hết )?(?:ngày|tháng) [\d/]+"
    r"(?: năm \d{4})?)\)"
)
_OPENING_RHYTHM = re.compile(r"^(?:hang|hang nam|dinh ky) ?(?:nam|quy|thang|6 thang)\b")


def inline_timeframe(text: str) -> str:
    """Return the time clause written inside a sentence, from its first word to its end.

    A sentence that opens with its rhythm ("Hàng năm, trên cơ sở ...") gives the rhythm.
    """
    folded = fold(text)
    opening = _OPENING_RHYTHM.match(folded)
    if opening is not None:
        return text[: opening.end()]
    found = _INLINE_TIME.search(folded)
    if found is None:
        return ""
    end = len(folded)
    before = folded.rfind("(", 0, found.start())
    if before != -1 and folded.find(")", before) > found.start():
        end = folded.find(")", found.start())
    else:
        stop = re.search(r"[.;:,](?:\s|$)|\n|\s(?:de|nham)\s", folded[found.end() :])
        if stop is not None:
            end = found.end() + stop.start()
        closing = folded.find(")", found.end(), end)
        if closing != -1 and folded.find("(", found.end(), closing) != -1:
            end = closing + 1  # "(trước ngày 20 tháng cuối quý)" belongs to the clause
    return text[found.start() : end].strip(" ,.;")


# --- tables ----------------------------------------------------------------------------------

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
    if len(set(keys)) < len(keys) and any(groups):
        for draft, in_group in zip(drafts, groups, strict=True):
            if in_group is not None:
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
    draft: _Draft, matcher: AgencyMatcher, proposals: Proposals, plan_start: date | None
) -> ImportedTask:
    key = draft.key
    gaps = list(draft.gaps)
    text = _join(draft.parts)
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

    section, tables = _tables_and_section(blocks)
    drafts = _outline_drafts(_strings(blocks))
    for table in tables:
        drafts += _table_drafts(table)

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


_TASK_SECTION_WORDS = ("noi dung", "nhiem vu", "giai phap", "cong viec", "phan cong", "hoat dong")


def _tables_and_section(blocks: list[Block]) -> tuple[str | None, list[Table]]:
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
        tasks = any(word in folded for word in _TASK_SECTION_WORDS) and _is_task_section(title)
        where = "tasks" if tasks else "other"
        if tasks and heading is None:
            heading = f"{numeral}. {title}"
    return heading, tables if sections else everywhere


def _strings(blocks: list[Block]) -> list[str]:
    return [block for block in blocks if isinstance(block, str)]
