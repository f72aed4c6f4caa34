"""Read a list of agencies as a plan writes it ("Sở Tư pháp và các sở, ban, ngành") into codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.plan_import.text import fold
from scheduler.plan import Directory

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
