"""Read a plan's numbered outline (I., 1., a), ...) into task drafts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plan_data.importer.agencies import (
    ProseAgencies,
    partners,
    prose_agencies,
)
from plan_data.importer.model import (
    Draft,
)
from plan_data.importer.text import (
    LETTERED,
    Field,
    find_label,
    fold,
    split_number,
    split_roman,
    starts_structure,
)

TASK_SECTION_WORDS = ("noi dung", "nhiem vu", "giai phap", "cong viec", "phan cong", "hoat dong")
_NOT_TASK_SECTION_WORDS = ("muc dich", "yeu cau", "can cu", "kinh phi", "quan diem", "muc tieu")


def is_task_section(title: str) -> bool:
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


def join_parts(parts: list[str]) -> str:
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
) -> list[Draft]:
    """Return the tasks under `node`.

    `labelled` False (a section beside the document's tasks section, such as "TỔ CHỨC THỰC
    HIỆN") reads only the duties under agency headings and the items that open with an agency.
    """
    key = _node_key(node, parent_key, ordinal) if node.kind[0] not in ("root", "R") else ""
    if node.kind[0] == "R":
        in_tasks = is_task_section(node.head)
        if not in_tasks:
            return []
    if node.kind[0] not in ("root", "R"):
        if _own(node) and not labelled:
            return []  # a labelled item of the organisation section: not the plan's task list
        if _own(node):
            draft = Draft(key, [node.head, *_texts(node)] if node.head else _texts(node))
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
            joined = join_parts([rest, *node.body] if rest else list(node.body))
            body = [joined] if joined else []
            draft = Draft(key, [node.head.partition(":")[0].strip() + ":", *body], duty=True)
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
    drafts: list[Draft] = []
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
    draft = Draft(key, [part for part in text if part])
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


def outline_drafts(paragraphs: list[str]) -> list[Draft]:
    root = _outline(paragraphs)
    drafts: list[Draft] = []
    first_section: str | None = None
    tasks_sections = [
        child.number
        for child in root.children
        if child.kind[0] == "R" and is_task_section(child.head)
        and any(word in fold(child.head) for word in TASK_SECTION_WORDS)
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
