"""Evidence rules shared by the channels and the command layer: what is accepted, links in a note,
where a downloaded file goes. No network, no database."""

from __future__ import annotations

import re
from pathlib import Path, PurePath

from bot.channels.base import Attachment

# Telegram lets a bot fetch (getFile) files of at most 20 MB; a larger one could be sent back by
# its file id but never kept on the server, so it is refused for every channel alike.
MAX_SIZE = 20 * 1024 * 1024
# PDF, Word, Excel and images: what an agency sends as the proof of a task (a signed decision,
# a report, a table, a photo of the event).
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
}
ALLOWED_SUFFIXES = frozenset(s for suffixes in ALLOWED_TYPES.values() for s in suffixes)
# What a client sends when it does not know the type: the file name decides then.
_UNKNOWN_TYPES = frozenset({"", "application/octet-stream"})
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}…"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")

TOO_BIG = "too_big"
WRONG_TYPE = "wrong_type"


def refusal(attachment: Attachment) -> str | None:
    """Return why `attachment` is refused (TOO_BIG, WRONG_TYPE), or None if it is accepted.

    A photo is an image whatever it says; a size or type the platform did not give is not held
    against it (a Zalo image comes with neither).
    """
    if attachment.size is not None and attachment.size > MAX_SIZE:
        return TOO_BIG
    if attachment.kind == "photo":
        return None
    mime = (attachment.mime_type or "").split(";")[0].strip().lower()
    suffix = PurePath(attachment.file_name or "").suffix.lower()
    if mime in ALLOWED_TYPES:
        return None
    if mime in _UNKNOWN_TYPES and (suffix in ALLOWED_SUFFIXES or not attachment.file_name):
        return None
    return WRONG_TYPE


def links_in(text: str) -> list[str]:
    """Return the http(s) links in `text`, in order, once each, without trailing punctuation."""
    found = (match.group().rstrip(_TRAILING) for match in _LINK.finditer(text))
    return list(dict.fromkeys(link for link in found if len(link) > len("https://")))


def only_links(text: str) -> bool:
    """Return True if `text` is one or more links and nothing else."""
    return bool(text.strip()) and not _LINK.sub("", text).strip(" \n\t" + _TRAILING)


def download_path(folder: Path, attachment: Attachment, platform_path: str = "") -> Path:
    """Return where a downloaded copy of `attachment` goes in `folder`.

    Named by the platform's unique id (a file sent twice is kept once), with the suffix of its
    name or of the platform's path; nothing a person typed reaches the file system unescaped.
    """
    stem = attachment.file_unique_id or attachment.file_id or "tep"
    suffix = PurePath(attachment.file_name or platform_path).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        suffix = ".jpg" if attachment.kind == "photo" else ""
    return folder / (_UNSAFE.sub("_", stem)[:100] + suffix)
