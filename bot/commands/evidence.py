"""Evidence on reports: files, photos and links kept with a report, the "gửi kèm văn bản?"
question, and /tailieu (the file sent back by the platform's reference)."""

from __future__ import annotations

from datetime import timedelta

from bot import texts
from bot.channels.base import Attachment, FileRef
from bot.commands.core import Refusal, Reply, Request, agency_name
from bot.evidence import MAX_SIZE as EVIDENCE_MAX_SIZE
from bot.evidence import TOO_BIG, links_in, only_links, refusal
from bot.render import ref
from storage import evidence, inbox
from storage.evidence_row import EvidenceRow
from storage.models import (
    Assignment,
    Channel,
    PendingPrompt,
    PromptKind,
    Role,
    StatusEvent,
)

# How long after a report the next file, photo or link still goes with it.
EVIDENCE_PROMPT_LIFETIME = timedelta(hours=1)
# Where a file can follow a report (the console has only links, and takes them in the note).
_ASKS = {Channel.TELEGRAM.value: texts.EVIDENCE_ASK_TELEGRAM,
         Channel.ZALO.value: texts.EVIDENCE_ASK_ZALO}


def with_report(request: Request, assignment: Assignment, event: StatusEvent,
                note: str | None) -> list[str]:
    """Keep what came with the report `event` (the attachment, the links in its note) and
    return the lines that say so.

    A refused attachment is told with its reason; the report stands. Where files can follow
    (Telegram, Zalo) the next message may still bring one: it is asked for when nothing came.
    """
    lines: list[str] = []
    kept = False
    attachment = request.incoming.attachment
    if attachment is not None:
        request.evidence_handled = True
        line, kept = _keep(request, event, attachment)
        lines.append(line if kept else f"{line} {texts.EVIDENCE_REPORT_KEPT}")
    for link in links_in(note or ""):
        row = evidence.add_evidence(request.session, event, request.incoming.channel,
                                    evidence.NewEvidence("link", link=link), request.now)
        lines.append(texts.EVIDENCE_SAVED.format(id=row.id, what=link))
        kept = True
    ask = _ASKS.get(request.incoming.channel)
    if ask is not None and request.officer is not None:
        inbox.set_prompt(request.session, request.incoming.channel, request.incoming.chat_id,
                         assignment.id, request.officer, request.now,
                         kind=PromptKind.EVIDENCE, status_event_id=event.id)
        if not kept and attachment is None:
            minutes = int(EVIDENCE_PROMPT_LIFETIME.total_seconds() // 60)
            lines.append(ask.format(minutes=minutes))
    return lines


def answers_prompt(request: Request, prompt: PendingPrompt, text: str) -> bool:
    """Return True if this message answers the "gửi kèm văn bản?" question `prompt`: it is the
    asked officer's, in time, and brings a file, a photo or only links."""
    officer = request.officer
    return (prompt.kind == PromptKind.EVIDENCE.value and officer is not None
            and prompt.officer_id == officer.id and prompt.status_event_id is not None
            and request.now - prompt.created_at <= EVIDENCE_PROMPT_LIFETIME
            and (request.incoming.attachment is not None or only_links(text)))


def answer_prompt(request: Request, prompt: PendingPrompt, text: str) -> list[Reply]:
    """Keep the file or links of this message with the report the question was about.

    A refused file is refused (the question stays, for another file); after a kept one the
    question stays too, so the files of an album all go with the report.
    """
    session = request.session
    event = session.get(StatusEvent, prompt.status_event_id)
    if event is None:
        return [Reply(texts.EVIDENCE_NO_REPORT)]
    request.evidence_handled = True
    lines: list[str] = []
    attachment = request.incoming.attachment
    if attachment is not None:
        line, kept = _keep(request, event, attachment)
        if not kept:
            raise Refusal(line)  # rolled back: the question is still asked
        lines.append(line)
    else:
        for link in links_in(text):
            row = evidence.add_evidence(session, event, request.incoming.channel,
                                        evidence.NewEvidence("link", link=link), request.now)
            lines.append(texts.EVIDENCE_SAVED.format(id=row.id, what=link))
    officer = request.registered
    inbox.set_prompt(session, request.incoming.channel, request.incoming.chat_id,
                     prompt.assignment_id, officer, request.now, kind=PromptKind.EVIDENCE,
                     status_event_id=event.id)
    return [Reply("\n".join(lines))]


def unasked(request: Request) -> list[Reply]:
    """Answer a file or photo that came with no report and no question."""
    request.evidence_handled = True
    return [Reply(texts.EVIDENCE_NO_REPORT)]


def fetch(request: Request, rest: str) -> list[Reply]:
    """/tailieu ID: send the evidence back (coordinators; focal officers of its agency)."""
    officer = request.registered
    token = rest.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        raise Refusal(texts.USAGE_EVIDENCE)
    found = evidence.evidence_with_event(request.session, int(token))
    if found is None:
        raise Refusal(texts.EVIDENCE_UNKNOWN.format(id=int(token)))
    row, event, assignment = found
    own = officer.role == Role.FOCAL.value and officer.agency_code == assignment.agency_code
    if officer.role != Role.COORDINATOR.value and not own:
        raise Refusal(texts.EVIDENCE_FORBIDDEN.format(
            agency=agency_name(request, assignment.agency_code), id=row.id))
    occurrence = assignment.occurrence
    day = event.at.astimezone(request.tz).date()
    lines = [texts.EVIDENCE_HEADER.format(
        id=row.id, what=texts.evidence_what(row.kind, row.file_name, row.link, row.size),
        key=ref(occurrence.task, occurrence.period), period=occurrence.label,
        agency=agency_name(request, assignment.agency_code),
        status=texts.REPORT_STATUS_LABELS.get(event.status, event.status), day=texts.day(day))]
    file_ref = _file_ref(row, request.incoming.channel)
    if row.kind == "link" or (file_ref is None and row.link):
        lines.append(texts.EVIDENCE_LINK.format(link=row.link))
    elif file_ref is None:
        name = texts.CHANNEL_NAMES.get(row.channel, row.channel)
        lines.append(texts.EVIDENCE_ON_OTHER_CHANNEL.format(channel=name, id=row.id))
    if row.stored_path and request.incoming.channel == Channel.CONSOLE.value:
        lines.append(texts.EVIDENCE_STORED_AT.format(path=row.stored_path))
    return [Reply("\n".join(lines), file_ref=file_ref)]


def _file_ref(row: EvidenceRow, channel: str) -> FileRef | None:
    """Return how `channel` sends `row` again, or None if it cannot."""
    if row.kind == "link":
        return None
    if row.file_id and row.channel == channel == Channel.TELEGRAM.value:
        return FileRef(row.kind, row.file_id)
    # An image at a URL (Zalo's): Telegram and Zalo both send a photo from a URL.
    if row.kind == "photo" and row.link and channel in _ASKS:
        return FileRef("photo", row.link)
    return None


def _keep(request: Request, event: StatusEvent, attachment: Attachment) -> tuple[str, bool]:
    """Keep `attachment` with `event`; return the line that says so and whether it was kept."""
    what = texts.evidence_what(attachment.kind, attachment.file_name, None)
    reason = refusal(attachment)
    if reason is not None:
        if reason == TOO_BIG:
            because = texts.EVIDENCE_TOO_BIG.format(
                size=texts.evidence_size(attachment.size or 0),
                limit=texts.evidence_size(EVIDENCE_MAX_SIZE))
        else:
            because = texts.EVIDENCE_WRONG_TYPE
        return texts.EVIDENCE_REFUSED.format(what=what, reason=because), False
    row = evidence.add_evidence(request.session, event, request.incoming.channel,
                                evidence.NewEvidence(
                                    attachment.kind, file_id=attachment.file_id,
                                    file_unique_id=attachment.file_unique_id,
                                    file_name=attachment.file_name,
                                    mime_type=attachment.mime_type, size=attachment.size,
                                    link=attachment.url, stored_path=attachment.stored_path),
                                request.now)
    return texts.EVIDENCE_SAVED.format(id=row.id, what=what), True
