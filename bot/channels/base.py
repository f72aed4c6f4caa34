"""What every transport shares: the message it sends and the one error it raises."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Button:
    """A one-tap answer. `data` is at most 64 bytes (Telegram's callback_data limit)."""

    label: str
    data: str


@dataclass(frozen=True)
class FileRef:
    """A file the platform already holds, sent again by reference (never by its bytes).

    `kind` is "document" or "photo"; `ref` is the platform's file id (Telegram) or a URL.
    """

    kind: str
    ref: str


@dataclass(frozen=True)
class Attachment:
    """A file or photo a person sent with a message, as the platform describes it.

    `file_id` is what the platform sends it again by (Telegram); `url` where it can be fetched
    (a Zalo image). `size` in bytes and `mime_type` are what the platform said, when it said.
    `stored_path` is set once the file was downloaded (only when NHACVIEC_EVIDENCE_DIR is set).
    """

    kind: str  # "document" | "photo"
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    url: str | None = None
    stored_path: str | None = None


@dataclass(frozen=True)
class FileUpload:
    """A file sent with a message (a report): the channel uploads its bytes as a document."""

    filename: str
    content: bytes
    mime: str

    def __repr__(self) -> str:
        return f"FileUpload({self.filename!r}, {len(self.content)} bytes, {self.mime!r})"


@dataclass(frozen=True)
class OutMessage:
    """What to send. `first_piece`: the pieces of a long text already delivered (skipped).

    `file_ref`: a file the platform holds, sent with the text as its caption (/tailieu).
    `upload`: a file to send as a document, the text its caption (Telegram only; the command
    layer gives other channels a download link instead).
    """

    chat_id: str
    text: str
    buttons: tuple[Button, ...] = ()
    first_piece: int = 0
    file_ref: FileRef | None = None
    upload: FileUpload | None = None


class TransportError(Exception):
    """Sending failed. `permanent` means retrying is pointless (blocked, chat not found).

    `retry_after` is the delay in seconds the platform asked for (HTTP 429), if any.
    `pieces_sent` is how many pieces of the message were delivered before the failure.
    """

    def __init__(self, message: str, *, permanent: bool = False,
                 retry_after: float | None = None, pieces_sent: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.pieces_sent = pieces_sent


class ChannelDown(TransportError):
    """The channel itself cannot work (its token was revoked or is invalid).

    No chat is at fault: nothing may be marked unreachable, the message waits in the outbox, and
    nothing more is sent on this channel until the operator fixes it and restarts.
    """


class StartupError(Exception):
    """A channel cannot start. The message is the operator's line: Vietnamese, token-free."""


# Where a channel hands an answer it could not send for a passing reason (the outbox retries it).
# The message's `first_piece` says which pieces already arrived.
Undelivered = Callable[[str, OutMessage], None]

# Told the number of pieces delivered so far, after each piece the platform confirmed but the
# last (once that one is confirmed, the whole message is).
PieceSent = Callable[[int], None]


class Transport(Protocol):
    """One messenger. A message goes as pieces that each fit the platform's limit."""

    channel: str  # "telegram" | "zalo" | "console"

    def pieces(self, message: OutMessage) -> list[OutMessage]:
        """Return `message` as the pieces the platform takes, in order (always at least one)."""
        ...

    async def send_piece(self, piece: OutMessage) -> None:
        """Deliver one piece; return only once the platform confirmed it. Raise TransportError."""
        ...


async def deliver(transport: Transport, message: OutMessage,
                  on_piece: PieceSent | None = None,
                  pace: Callable[[], AbstractAsyncContextManager[None]] | None = None) -> None:
    """Send the pieces of `message` from its `first_piece` on, in order, each once.

    Each call to the platform runs inside `pace()` when given (the dispatcher's rate).

    A failure raises TransportError with `pieces_sent` set, so a retry resumes at the first
    piece that did not arrive instead of sending the earlier ones again.
    """
    pieces = transport.pieces(message)
    for index in range(message.first_piece, len(pieces)):
        try:
            if pace is None:
                await transport.send_piece(pieces[index])
            else:
                async with pace():
                    await transport.send_piece(pieces[index])
        except TransportError as error:
            error.pieces_sent = index
            raise
        if on_piece is not None and index + 1 < len(pieces):
            on_piece(index + 1)


def split_message(text: str, limit: int) -> list[str]:
    """Cut `text` into parts of at most `limit` characters, on line boundaries where possible.

    A single line longer than `limit` is cut at the last space inside the limit, or hard at the
    limit if it has none. Text that fits is returned as the one part.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = line if not current else f"{current}\n{line}"
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(line) > limit:
            cut = line.rfind(" ", 1, limit + 1)
            if cut <= 0:
                cut = limit
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        current = line
    if current or not parts:
        parts.append(current)
    return parts


def split_blocks(text: str, limit: int) -> list[str]:
    """Cut `text` into parts of at most `limit` characters between its blocks (the paragraphs
    a blank line separates), so an item of a list is never cut; a block longer than `limit` is
    cut between its lines (`split_message`)."""
    parts: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        candidate = block if not current else f"{current}\n\n{block}"
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if len(block) <= limit:
            current = block
            continue
        *whole, current = split_message(block, limit)
        parts.extend(whole)
    if current or not parts:
        parts.append(current)
    return parts
