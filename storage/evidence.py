"""Evidence kept with reports: add it, find it, list it by event. Each takes the session first;
none commits."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.evidence_row import EvidenceRow
from storage.models import Assignment, StatusEvent

KINDS = ("document", "photo", "link")


@dataclass(frozen=True)
class NewEvidence:
    """What to keep of one file, photo or link (`kind` one of KINDS)."""

    kind: str
    file_id: str | None = None
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    link: str | None = None
    stored_path: str | None = None


def add_evidence(session: Session, event: StatusEvent, channel: str, evidence: NewEvidence,
                 now: datetime) -> EvidenceRow:
    """Keep `evidence` with the status event `event`; return the new row (its id set)."""
    if evidence.kind not in KINDS:
        raise ValueError(f"unknown evidence kind {evidence.kind!r}")
    row = EvidenceRow(
        status_event_id=event.id, channel=channel, kind=evidence.kind, file_id=evidence.file_id,
        file_unique_id=evidence.file_unique_id, file_name=evidence.file_name,
        mime_type=evidence.mime_type, size=evidence.size, link=evidence.link,
        stored_path=evidence.stored_path, created_at=now)
    session.add(row)
    session.flush()
    return row


def evidence_for_events(session: Session,
                        event_ids: Collection[int]) -> dict[int, list[EvidenceRow]]:
    """Return the evidence of each of the status events, oldest first (events without any are
    left out)."""
    found: dict[int, list[EvidenceRow]] = {}
    if not event_ids:
        return found
    rows = session.scalars(select(EvidenceRow)
                           .where(EvidenceRow.status_event_id.in_(list(event_ids)))
                           .order_by(EvidenceRow.id))
    for row in rows:
        found.setdefault(row.status_event_id, []).append(row)
    return found


def evidence_with_event(
    session: Session, evidence_id: int
) -> tuple[EvidenceRow, StatusEvent, Assignment] | None:
    """Return the evidence `evidence_id`, its status event and that event's assignment."""
    found = session.execute(
        select(EvidenceRow, StatusEvent, Assignment)
        .join(StatusEvent, StatusEvent.id == EvidenceRow.status_event_id)
        .join(Assignment, Assignment.id == StatusEvent.assignment_id)
        .where(EvidenceRow.id == evidence_id)
    ).first()
    if found is None:
        return None
    row, event, assignment = found
    return row, event, assignment


def path_in_use(session: Session, stored_path: str) -> bool:
    """Return True if some evidence keeps the downloaded file at `stored_path`."""
    return session.scalar(select(EvidenceRow.id).where(EvidenceRow.stored_path == stored_path)
                          .limit(1)) is not None
