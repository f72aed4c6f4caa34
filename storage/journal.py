"""The journal: an append-only file of received messages the database could not take.

One JSON object per line, in the order the messages arrived. A line is written under an
exclusive `flock` and made durable (`fsync`) before the person is told it was received. Replay
reads the file under the same lock, hands each entry, in order, to the caller and empties the file
only once every entry was taken; the file is truncated, never replaced, so a writer waiting for
the lock still appends to the file the next replay reads. An entry carries the platform's message
id (or one made up at receipt): the database's inbound log, which refuses an id it has seen,
decides whether it was applied already, so a replay cut short (a crash, the database failing
again) is simply run again.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

FORMAT_VERSION = 1
JOURNAL_SUFFIX = ".journal.jsonl"  # SQLite itself owns "<db>-journal" and "<db>-wal"
DEFAULT_JOURNAL = Path("nhacviec-journal.jsonl")
REJECTED_SUFFIX = ".rejected"


def default_journal_path(db_url: str) -> Path:
    """Return where the journal lives: beside a SQLite file, else in the working directory."""
    try:
        url = make_url(db_url)
    except ArgumentError:
        return DEFAULT_JOURNAL
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not database.startswith("file:"):
        return Path(database + JOURNAL_SUFFIX)
    return DEFAULT_JOURNAL


@dataclass(frozen=True)
class JournalEntry:
    """A message as it was received: enough to apply it later exactly as it would have been."""

    channel: str
    chat_id: str
    display_name: str
    text: str
    is_button: bool
    message_id: str
    received_at: datetime  # aware
    attachment: dict[str, Any] | None = None  # a file or photo sent with it, as JSON fields

    def to_line(self) -> bytes:
        record: dict[str, Any] = {
            "v": FORMAT_VERSION, "channel": self.channel, "chat_id": self.chat_id,
            "display_name": self.display_name, "text": self.text, "is_button": self.is_button,
            "message_id": self.message_id, "received_at": self.received_at.isoformat(),
        }
        if self.attachment is not None:
            record["attachment"] = self.attachment
        # ASCII escapes keep any string writable, lone surrogates included; never a raw newline.
        return json.dumps(record, ensure_ascii=True).encode("ascii") + b"\n"

    @classmethod
    def from_line(cls, line: bytes) -> JournalEntry:
        """Parse one line. Raise ValueError for anything that is not a whole entry."""
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"not JSON: {exc}") from None
        if not isinstance(record, dict) or record.get("v") != FORMAT_VERSION:
            raise ValueError("not a journal entry of this version")
        try:
            received_at = datetime.fromisoformat(record["received_at"])
            attachment = record.get("attachment")
            entry = cls(str(record["channel"]), str(record["chat_id"]),
                        str(record["display_name"]), str(record["text"]),
                        bool(record["is_button"]), str(record["message_id"]), received_at,
                        attachment if isinstance(attachment, dict) else None)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"incomplete entry: {exc!r}") from None
        if received_at.tzinfo is None:
            raise ValueError("received_at has no time zone")
        return entry


Apply = Callable[[JournalEntry], bool]
Rejected = Callable[[ValueError], None]


class Journal:
    """The journal file at `path` (created on the first append)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def rejected_path(self) -> Path:
        """Lines that were not whole entries (a write cut short) are kept here, for a person."""
        return self.path.with_name(self.path.name + REJECTED_SUFFIX)

    def append(self, entry: JournalEntry) -> None:
        """Append `entry` durably. Raise OSError if it could not be written (then it is not)."""
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            size = os.fstat(fd).st_size
            line = entry.to_line()
            if size and os.pread(fd, 1, size - 1) != b"\n":
                # An earlier write was cut short (disk full, a crash): start a line of our own.
                line = b"\n" + line
            _write_all(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)  # releases the lock
        if created:
            _fsync_directory(self.path.parent)

    def pending(self) -> bool:
        """Return True if the journal holds anything."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def replay(self, apply: Apply, rejected_line: Rejected | None = None) -> bool:
        """Hand each entry, in order, to `apply`; return True once the journal is empty.

        A line that is no entry is kept in the rejected file and handed, with its error, to
        `rejected_line` (the caller words the log line).

        `apply` returns False to stop (the database failed again): the journal is kept whole
        and the next replay starts from its first entry again. Raise OSError if the file
        cannot be read or emptied.
        """
        if not self.pending():
            return True
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # writers and other replays wait
            data = _read_all(fd)
            if not data:
                return True  # another process replayed it while we waited
            *lines, tail = data.split(b"\n")
            rejected = [tail] if tail else []  # no newline: a write that was cut short
            for line in lines:
                if not line.strip():
                    continue
                try:
                    entry = JournalEntry.from_line(line)
                except ValueError as exc:
                    if rejected_line is not None:
                        rejected_line(exc)
                    rejected.append(line)
                    continue
                if not apply(entry):
                    return False
            if rejected:
                self.keep_rejected(rejected)
            os.ftruncate(fd, 0)
            os.fsync(fd)
            return True
        finally:
            os.close(fd)

    def keep_rejected(self, lines: list[bytes]) -> None:
        """Append `lines` to the rejected file, durably (a person decides what to do)."""
        fd = os.open(self.rejected_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            _write_all(fd, b"".join(line + b"\n" for line in lines))
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _fsync_directory(directory: Path) -> None:
    # The new file's name must survive a power cut too, not only its content.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
