"""Read a list of agencies as a plan writes it ("Sở Tư pháp và các sở, ban, ngành") into codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from plan_data.importer.text import fold
from scheduler.plan import Agency, AgencyKind, Directory

# Spellings that mean the same words, as folded token sequences: "Ủy ban nhân dân" is "UBND".
_EQUIVALENT_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("uy", "ban", "nhan", "dan"), "ubnd"),
    (("thanh", "pho"), "tp"),
    (("thi", "xa"), "tx"),
)
# Skipped inside a name: "UBND các huyện, thị xã và thành phố" is the group's name too.
_SKIPPABLE_INSIDE_NAME = frozenset({",", "va"})
_SEPARATORS = frozenset({",", ";", "\n", "/", "+", "va", "cung"})
# An open-ended phrase starts with "các" and one of these: "các sở, ban, ngành liên quan".
_GENERIC_WORDS: tuple[tuple[str, ...], ...] = (
    ("so",), ("ban",), ("nganh",), ("co", "quan"), ("don", "vi"), ("dia", "phuong"),
    ("to", "chuc"), ("hoi",), ("doan", "the"), ("phong",), ("ca", "nhan"), ("doanh", "nghiep"),
    ("chu", "dau", "tu"), ("cap",), ("tinh",), ("huyen",), ("xa",),
)
# Words that begin the name of a body: where an unknown name in a list ends and the next begins.
_HEAD_WORDS: tuple[tuple[str, ...], ...] = (
    ("so",), ("ubnd",), ("hdnd",), ("bo",), ("ban",), ("cong", "an"), ("cuc",), ("chi", "cuc"),
    ("hoi",), ("dai",), ("bao",), ("truong",), ("van", "phong"), ("kho", "bac"),
    ("ngan", "hang"), ("mat", "tran"), ("tinh", "doan"), ("thanh", "tra"), ("vien",),
    ("trung", "tam"), ("lien", "minh"), ("lien", "doan"), ("cac",), ("quy",), ("tong", "cong"),
    ("cong", "ty"),
)
_TOKEN = re.compile(r"[^\W_]+|[&,;()\n/+]")


@dataclass(frozen=True)
class _Token:
    word: str  # folded; "&" reads as "va"
    start: int
    end: int


def _tokenize(text: str) -> list[_Token]:
    folded = fold(text)
    raw = [
        _Token("va" if m.group() == "&" else folded[m.start() : m.end()], m.start(), m.end())
        for m in _TOKEN.finditer(text)
    ]
    tokens: list[_Token] = []
    index = 0
    while index < len(raw):
        for words, replacement in _EQUIVALENT_WORDS:
            window = raw[index : index + len(words)]
            if tuple(token.word for token in window) == words:
                tokens.append(_Token(replacement, window[0].start, window[-1].end))
                index += len(words)
                break
        else:
            tokens.append(raw[index])
            index += 1
    return tokens


@dataclass(frozen=True)
class AgencyReading:
    """What a list of agencies says: known codes, open-ended phrases, and names not recognised."""

    codes: tuple[str, ...] = ()
    open_text: str | None = None  # verbatim; several phrases joined with ", "
    unknown: tuple[str, ...] = ()  # verbatim names that match no agency


class AgencyMatcher:
    """Match agency names to the codes of a directory, ignoring case, diacritics and spelling."""

    def __init__(self, directory: Directory) -> None:
        self._names: list[tuple[tuple[str, ...], str]] = []
        province: tuple[str, ...] = ()
        for agency in directory.agencies:
            for name in (agency.name, agency.short_name, *agency.units):
                self._add(name, agency.code)
            if agency.kind == "ubnd_tinh":
                words = self._words(agency.name)
                if "tinh" in words:
                    province = words[words.index("tinh") + 1 :]
        for group in directory.groups:
            self._add(group.name, group.code)
            words = self._words(group.name)
            # "UBND các huyện, ..." is also written "UBND huyện, ..." and, for districts,
            # "UBND cấp huyện"
            if words[:2] == ("ubnd", "cac"):
                self._names.append((("ubnd", *words[2:]), group.code))
                if len(words) > 2 and words[2] == "huyen":
                    self._names.append((("ubnd", "cap", "huyen"), group.code))
        # "Sở Công Thương tỉnh Bình Thuận": the province after a name adds nothing
        self._suffixes = (("tinh", *province), ("tinh",)) if province else (("tinh",),)
        self._names.sort(key=lambda pair: -len(pair[0]))

    @staticmethod
    def _words(name: str) -> tuple[str, ...]:
        return tuple(token.word for token in _tokenize(unicodedata.normalize("NFC", name)))

    def _add(self, name: str, code: str) -> None:
        words = tuple(word for word in self._words(name) if word != ",")
        self._names.append((words, code))
        if "&" in name:  # "Sở TN&MT" is also written "Sở TNMT"
            self._names.append((self._words(name.replace("&", "")), code))

    def read(self, text: str) -> AgencyReading:
        """Return the agencies `text` names, its open-ended phrases, and the names not known."""
        text = unicodedata.normalize("NFC", text)
        tokens = _tokenize(text)
        codes: dict[str, None] = {}
        open_parts: list[str] = []
        unknown: list[str] = []
        index = 0
        while index < len(tokens):
            if tokens[index].word in _SEPARATORS or tokens[index].word in "()":
                index += 1
                continue
            known = self._known_at(tokens, index)
            if known is not None:
                code, index = known
                codes[code] = None
                index = self._skip_qualifiers(tokens, index)
                continue
            if self._opens_phrase(tokens, index):
                end = self._segment_end(tokens, index, stop_at_heads=False)
                open_parts.append(_span(text, tokens, index, end))
            else:
                end = self._segment_end(tokens, index, stop_at_heads=True)
                segment = _span(text, tokens, index, end)
                if fold(segment).endswith("lien quan"):  # "đơn vị có liên quan"
                    open_parts.append(segment)
                else:
                    unknown.append(segment)
            index = end
        return AgencyReading(
            tuple(codes), ", ".join(open_parts) or None, tuple(dict.fromkeys(unknown))
        )

    def _known_at(self, tokens: list[_Token], index: int) -> tuple[str, int] | None:
        for words, code in self._names:
            end = _match(tokens, index, words)
            if end is not None:
                return code, end
        return None

    def _skip_qualifiers(self, tokens: list[_Token], index: int) -> int:
        for suffix in self._suffixes:
            end = _match(tokens, index, suffix)
            if end is not None and (end == len(tokens) or tokens[end].word in _SEPARATORS):
                index = end
                break
        # "Sở Nội vụ (Ban Thi đua - Khen thưởng tỉnh)": the brackets name a unit of the same body
        if index < len(tokens) and tokens[index].word == "(":
            depth = 0
            while index < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[index].word, 0)
                index += 1
                if depth == 0:
                    break
        return index

    @staticmethod
    def _opens_phrase(tokens: list[_Token], index: int) -> bool:
        if tokens[index].word != "cac":
            return False
        return any(_match(tokens, index + 1, words) is not None for words in _GENERIC_WORDS)

    def _segment_end(self, tokens: list[_Token], index: int, *, stop_at_heads: bool) -> int:
        """Return where the segment starting at `index` ends: at a separator before a new name."""
        position = index + 1
        while position < len(tokens):
            if tokens[position - 1].word in _SEPARATORS and tokens[position].word not in (
                _SEPARATORS
            ):
                if self._known_at(tokens, position) is not None:
                    return position
                if stop_at_heads and (
                    self._opens_phrase(tokens, position)
                    or any(_match(tokens, position, head) is not None for head in _HEAD_WORDS)
                ):
                    return position
            position += 1
        return position


def _match(tokens: list[_Token], index: int, words: tuple[str, ...]) -> int | None:
    """Return the index after `words` matched at `index` (skipping "," and "và" inside), or None."""
    position = index
    for number, word in enumerate(words):
        if number > 0:
            while (
                position < len(tokens)
                and tokens[position].word != word
                and tokens[position].word in _SKIPPABLE_INSIDE_NAME
            ):
                position += 1
        if position >= len(tokens) or tokens[position].word != word:
            return None
        position += 1
    return position


def _span(text: str, tokens: list[_Token], start: int, end: int) -> str:
    """Return the verbatim text of tokens[start:end] without separators at either end."""
    last = end - 1
    while last > start and tokens[last].word in _SEPARATORS:
        last -= 1
    return text[tokens[start].start : tokens[last].end].strip()


# --- agencies named in prose --------------------------------------------------------------------

# Words that begin an agency's name in prose ("Sở ...", "Ủy ban nhân dân ...", "Công an tỉnh").
# Folded, so words that fold alike are told apart by what follows: "Ban hành", "Bổ sung",
# "Số hóa", "Hội nghị", "Phòng, chống", "Bảo đảm" open no agency's name.
_PROSE_HEADS = re.compile(
    r"^(?:so (?!hoa|lieu|luong)|bo (?!sung|tri|sung)|ubnd|uy ban|hdnd|hoi dong|"
    r"ban (?!hanh|giao|do|dau)|cong an|cuc|chi cuc|tong cuc|hoi (?!nghi|thao|cho)|"
    r"dai (?:phat thanh|truyen hinh)|bao (?:va|[a-z]+ tinh)|"
    r"van phong|kho bac|ngan hang|mat tran|tinh doan|thanh doan|thanh tra (?!,|kiem)|"
    r"vien (?!chuc)|trung tam|lien minh|lien doan|quy (?:phat trien|ho tro|bao)|"
    r"tong cong ty|cong ty|bao hiem xa hoi|toa an|vien kiem sat|kiem toan|"
    r"thue (?!dat)|hai quan|phong (?!chong|ngua|chay|,)|giam doc|thu truong|chu tich|"
    r"bo chi huy|bo chqs|bch|"
    r"cac (?:so|bo|co quan|don vi|dia phuong|nganh|ban|hoi|to chuc|doan the|phong|tinh|ubnd)|"
    r"chinh phu|thu tuong|quoc hoi|tinh uy|thanh uy|dang uy|cong doan|doan thanh nien)\b"
)
# Where a name in prose ends: the verb of the sentence ("Sở Tài chính thẩm định ...").
_PROSE_VERBS = re.compile(
    r"\b(?:chu tri|phoi hop|tiep tuc|chi dao|to chuc|thanh lap|lap|tham dinh|ra soat|"
    r"xay dung|huong dan|ban hanh|trien khai|thuc hien|tham muu|bao cao|kiem tra|nghien cuu|"
    r"khan truong|co trach nhiem|chiu trach nhiem|truc tiep|bo tri|tong hop|de xuat|cung cap|"
    r"trinh|quyet dinh|chu dong|dam bao|bao dam|theo doi|phe duyet|xuat cap|ho tro|dang tai|"
    r"can cu|tang cuong|day manh|huy dong|phan cong|uu tien|nang cao|dieu chinh|sua doi|"
    r"tuyen truyen|tiep nhan|niem yet|gui|phan bo|xu ly|thong ke|danh gia|cong bo|"
    r"dieu tra|van dong|phat dong|xem xet|thuc day|dong vien|kip thoi|khuyen khich|lam|"
    r"la co quan|giup|duy tri|nghiem tuc|quan triet|hoan thanh|"
    r"tap trung|chuan bi|van hanh|ket noi|tham gia|thuc thi|giam sat|don doc|trien khai|"
    r"sau khi|dong thoi)\b"
)
# Short words that end a name only with their diacritics: "để" (not "đề án"), "tại" (not "Tài
# chính", "vận tải"), "về" (not "bảo vệ").
_PROSE_STOPS = re.compile(
    r"(?<!\w)(?:để|tại|về|bằng|nhằm|theo|trong)(?!\w)"
)
_OPENERS = re.compile(r"^(?:giao cho|giao|de nghi|yeu cau|dong thoi|khuyen khich)\s+")
# A sentence that opens with its circumstances names its subject after the comma: "Trên cơ
# sở đề nghị của ..., Sở Tài chính thẩm định ...", "Căn cứ Kế hoạch này, Giám đốc các sở ...".
_CIRCUMSTANCE = re.compile(r"^(?:tren co so|sau khi|can cu|de |khi |dong thoi|theo )")
_HEAD_BEFORE = re.compile(r"(?:^|[\s,])(?:so|bo|ban|cac|cac ban|cuc|vien|hoi|uy ban|phong)\s$")


@dataclass(frozen=True)
class ProseAgencies:
    """The agencies a sentence opens with (its subject) and those it says it works with."""

    lead: str
    coordinating: str


def prose_agencies(text: str) -> ProseAgencies | None:
    """Return the agency a sentence opens with ("Sở Tài chính chủ trì, phối hợp với Sở X ...").

    "Giao X ...", "Đề nghị X ..." name X. Return None when the sentence opens otherwise.
    """
    folded = fold(text)
    start = 0
    opener = _OPENERS.match(folded)
    if opener is not None:
        start = opener.end()
    head = _PROSE_HEADS.match(folded[start:])
    if head is None and _CIRCUMSTANCE.match(folded):
        sentence_end = _clause_end(folded, 0)
        for comma in re.finditer(r",\s+", folded[:sentence_end]):
            head = _PROSE_HEADS.match(folded[comma.end() :])
            if head is not None and not folded[comma.end() :].startswith("cac "):
                start = comma.end()
                break
        else:
            head = None
    if head is None:
        return None
    end = _name_end(folded, start + head.end(), text.lower())
    end = min(end, _clause_end(folded, start))
    lead = text[start:end].strip(" ,;:.")
    if not lead or len(lead) > 400:
        return None
    coordinating = ""
    with_ = re.search(r"\bphoi hop(?:\s+voi)?\s+", folded[end:])
    if with_ is not None and with_.start() < 40:
        begin = end + with_.end()
        coordinating = text[begin : _name_end(folded, begin, text.lower())].strip(" ,;:.")
    return ProseAgencies(lead, coordinating)


def _name_end(folded: str, after_head: int, text_lower: str = "") -> int:
    """Return where the names starting before `after_head` end: at the verb or the clause end.

    A verb right after the head word is part of the name ("Sở Xây dựng", "Ban Chỉ đạo").
    """
    position = after_head
    verb = _PROSE_VERBS.search(folded, position)
    while verb is not None and (
        verb.start() <= after_head + 1 or _HEAD_BEFORE.search(folded[: verb.start()])
    ):
        position = verb.end()
        verb = _PROSE_VERBS.search(folded, position)
    end = verb.start() if verb is not None else len(folded)
    stop = _PROSE_STOPS.search(text_lower, after_head) if text_lower else None
    if stop is not None:
        end = min(end, stop.start())
    return min(end, _clause_end(folded, after_head))


def partners(text: str) -> str:
    """Return the agencies after "phối hợp (với)" near a duty's start ("Phối hợp với X ...")."""
    folded = fold(text)
    found = re.search(r"\bphoi hop(?:\s+voi)?\s+", folded)
    if found is None or found.start() > 40 or not _PROSE_HEADS.match(folded[found.end() :]):
        return ""
    return text[found.end() : _name_end(folded, found.end(), text.lower())].strip(" ,;:.")


def _clause_end(folded: str, start: int) -> int:
    found = re.search(r"[.:;(]\s|[.:;]$", folded[start:])
    return start + found.start() if found is not None else len(folded)


def split_roles(value: str) -> ProseAgencies:
    """Return a lead field's value split at "chủ trì" and "phối hợp (với)".

    "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính" gives lead "Sở Nội vụ" and coordinating
    "Sở Tài chính"; a value without those words is all lead.
    """
    folded = fold(value)
    lead_end = re.search(r"\s*\bchu tri\b", folded)
    if lead_end is None:
        return ProseAgencies(value, "")
    coordinating = ""
    with_ = re.search(r"\bphoi hop(?:\s+voi)?\s+", folded[lead_end.end() :])
    if with_ is not None:
        begin = lead_end.end() + with_.end()
        coordinating = value[begin : _name_end(folded, begin, value.lower())].strip(" ,;:.")
    return ProseAgencies(value[: lead_end.start()].strip(" ,;:."), coordinating)


# --- agencies the directory lacks ---------------------------------------------------------------

# folded: "tai" is also "Tài" (Tài chính), "ve" also "vệ", so only unambiguous words are left out
_CODE_SKIPPED_WORDS = frozenset({"cac", "va", "cua", "voi", "&", "-"})
SHORT_NAME_MAX = 32


def agency_kind(name: str) -> AgencyKind:
    """Return the kind an agency's name says: a ministry, a People's Committee, else a sở."""
    folded = " ".join(token.word for token in _tokenize(name))
    if re.match(r"^(?:bo (?!chi huy|chqs)|van phong chinh phu|thu tuong|chinh phu|quoc hoi)",
                folded):
        return "bo"
    if re.match(r"^ubnd (?:cac )?(?:huyen|xa|phuong|quan|thi|tp|cap|dac khu)\b", folded):
        return "ubnd_huyen"
    if re.match(r"^ubnd (?:tinh|thanh pho|tp)\b", folded):
        return "ubnd_tinh"
    return "so"


def _short_name(name: str) -> str:
    if len(name) <= SHORT_NAME_MAX:
        return name
    words = name.split()
    while len(words) > 1 and len(" ".join(words)) > SHORT_NAME_MAX - 1:
        words.pop()
    return " ".join(words).rstrip(",;") + "…"


class Proposals:
    """New agencies proposed for the names a document gives that the directory does not know.

    Each gets a code made of its words' initials ("Sở Y tế" is SYT, "Công an tỉnh" CAT), kept
    apart from the directory's codes and from each other by a number when they clash.
    """

    def __init__(self, directory: Directory) -> None:
        self._taken = {agency.code for agency in directory.agencies}
        self._taken |= {group.code for group in directory.groups}
        self._by_name: dict[str, Agency] = {}

    def code(self, name: str) -> str:
        """Return the code proposed for `name`, proposing the agency on first sight."""
        key = " ".join(token.word for token in _tokenize(name) if token.word not in ",;()")
        if key in self._by_name:
            return self._by_name[key].code
        # an abbreviation keeps its letters: "Bộ CHQS tỉnh" is BCHQST
        initials = "".join(
            name[token.start : token.end] if name[token.start : token.end].isupper()
            and token.end - token.start > 1 else token.word[0]
            for token in _tokenize(name)
            if token.word[:1].isalnum() and token.word not in _CODE_SKIPPED_WORDS
        ).upper()
        base = re.sub(r"[^A-Z0-9]", "", initials)[:12] or "CQ"
        if not base[0].isalpha():
            base = "CQ" + base
        code, number = base, 2
        while code in self._taken:
            code, number = f"{base}{number}", number + 1
        self._taken.add(code)
        self._by_name[key] = Agency(
            code=code, name=name, short_name=_short_name(name), kind=agency_kind(name)
        )
        return code

    def codes(self, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.code(name) for name in names)

    def agencies(self) -> tuple[Agency, ...]:
        return tuple(self._by_name.values())
