"""The database tables, as SQLAlchemy 2 typed models. Nothing here is SQLite-only.

A model whose name would clash with a type of `scheduler` (Agency, Plan, Task, Occurrence,
Reminder) ends in `Row`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import NAMING_CONVENTION as NAMING_CONVENTION
from storage.base import Base as Base
from storage.base import UTCDateTime as UTCDateTime


class Role(StrEnum):
    FOCAL = "focal"  # đầu mối: reports for its agency
    COORDINATOR = "coordinator"  # sees everything, receives escalations
    LEADER = "leader"  # read-only


class Channel(StrEnum):
    TELEGRAM = "telegram"
    ZALO = "zalo"
    CONSOLE = "console"
    WEB = "web"  # the dashboard: an action a signed-in officer took on a page


class AssignmentRole(StrEnum):
    LEAD = "lead"
    COORDINATING = "coordinating"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    BLOCKED = "blocked"
    AWAITING = "awaiting"  # reported done, waiting for the coordinator's confirmation


class EventStatus(StrEnum):
    DONE = "done"
    BLOCKED = "blocked"
    PROGRESS = "progress"
    SNOOZE = "snooze"
    REOPENED = "reopened"
    WITHDRAWN = "withdrawn"  # withdraws the report `StatusEvent.withdraws_id` (/huy)
    # The follow-up workflow (storage/followup_models.py); at most 16 characters.
    EXTENSION_ASKED, EXTENSION_APPROVED, EXTENSION_REFUSED = "ext_asked", "ext_approved", \
        "ext_refused"
    DUE_CHANGED = "due_changed"  # /doihan: the coordinator set a new due date
    CONFIRMED, RETURNED = "confirmed", "returned"  # a completion confirmed or "trả lại"
    NUDGED = "nudged"  # /nhac: the coordinator reminded the agency outside the ladder


class OutboxKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"
    NOTICE = "notice"
    REPLY = "reply"  # an answer whose direct sending failed, handed to the outbox to retry
    DIGEST = "digest"  # the weekly summary for leaders


# Messages a person is waiting for (a blocker alert, an answer): they never queue behind the
# scheduled ones (reminders, escalations, digests) of their chat, only behind each other.
URGENT_KINDS = frozenset({OutboxKind.NOTICE.value, OutboxKind.REPLY.value})


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class PromptKind(StrEnum):
    BLOCKED_REASON = "blocked_reason"
    EVIDENCE = "evidence"  # "gửi kèm văn bản?": the next file or link goes with the report
    REFUSE_REASON, RETURN_REASON = "refuse_reason", "return_reason"  # of an extension, a return


class AgencyRow(Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    short_name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    # Succession and dissolution (storage/agencies.py): from `ceased_from` the agency no longer
    # exists; from `successor_from` its open work goes to `successor_code` (None: nobody).
    successor_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    successor_from: Mapped[date | None] = mapped_column(Date)
    ceased_from: Mapped[date | None] = mapped_column(Date)
    handover_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the notices were queued

    def __repr__(self) -> str:
        return f"AgencyRow(code={self.code!r}, short_name={self.short_name!r})"


class Officer(Base):
    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # Role
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    agency: Mapped[AgencyRow] = relationship()
    chats: Mapped[list[OfficerChat]] = relationship(
        back_populates="officer", order_by="OfficerChat.id"
    )

    @property
    def reachable(self) -> bool:
        """Return True if at least one of the officer's chats can still be messaged."""
        return any(chat.reachable for chat in self.chats)

    def __repr__(self) -> str:
        return (
            f"Officer(id={self.id!r}, name={self.name!r}, agency_code={self.agency_code!r}, "
            f"role={self.role!r}, active={self.active!r})"
        )


class OfficerChat(Base):
    """One place an officer can be reached; a chat belongs to one officer at a time."""

    __tablename__ = "officer_chats"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    chat_id: Mapped[str] = mapped_column(String(64))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(Text)

    officer: Mapped[Officer] = relationship(back_populates="chats")

    def __repr__(self) -> str:
        return (
            f"OfficerChat(id={self.id!r}, officer_id={self.officer_id!r}, "
            f"channel={self.channel!r}, chat_id={self.chat_id!r}, reachable={self.reachable!r})"
        )


class Invite(Base):
    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    role: Mapped[str] = mapped_column(String(16))  # Role
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))

    def __repr__(self) -> str:
        # The code is a credential until used: keep it out of logs.
        return (
            f"Invite(agency_code={self.agency_code!r}, role={self.role!r}, "
            f"expires_at={self.expires_at!r}, used_at={self.used_at!r})"
        )


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(255))
    start: Mapped[date] = mapped_column(Date)
    coordinator_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    # The reminder ladder as JSON (scheduler.plan.Ladder), so a tick needs no plan file.
    ladder_json: Mapped[str] = mapped_column(Text)
    # The short code people read and type ("ND32" in "ND32:3"); unique across stored plans.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    send_at: Mapped[str | None] = mapped_column(String(5))  # "HH:MM"; None: NHACVIEC_SEND_AT
    # Archived: no reminders, out of /status; its history stays.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Periods due before this day are not tracked (a plan started mid-way); None: all are.
    track_from: Mapped[date | None] = mapped_column(Date)
    # A completion waits for the coordinator's confirmation (plan YAML `confirm_done: true`).
    confirm_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the last sync wrote (storage.sync.content_hash of the plan and agencies) and the day
    # its occurrences reach: an unchanged plan is not synced again, only extended.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    synced_until: Mapped[date | None] = mapped_column(Date)

    def __repr__(self) -> str:
        return f"PlanRow(id={self.id!r}, start={self.start!r})"


class TaskRow(Base):
    """A task of a plan. A task gone from the plan file is archived, never deleted."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    coordinating_text: Mapped[str | None] = mapped_column(Text)
    timeframe: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # scheduler.timeframe.TimeframeKind
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    plan: Mapped[PlanRow] = relationship()

    def __repr__(self) -> str:
        return f"TaskRow(id={self.id!r}, plan_id={self.plan_id!r}, key={self.key!r})"


# Commands name a task by its key in any case ("/xong iii.1"): storage.work.tasks_by_key.
Index("ix_tasks_key_upper", func.upper(TaskRow.key))


class OccurrenceRow(Base):
    """One due date of a task. Archived when the plan file no longer produces it."""

    __tablename__ = "occurrences"
    # The tick's query of what can be due reads by due date (storage.schedule).
    __table_args__ = (UniqueConstraint("task_id", "period"), Index("ix_occurrences_due", "due"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    period: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(Text)
    window_start: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)

    task: Mapped[TaskRow] = relationship()

    def __repr__(self) -> str:
        return (
            f"OccurrenceRow(id={self.id!r}, task_id={self.task_id!r}, period={self.period!r}, "
            f"due={self.due!r})"
        )


class Assignment(Base):
    """An agency's part in an occurrence. `archived` is set whenever its task, its occurrence or
    the agency's part is gone from the plan file, so live work is `archived = false`."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("occurrence_id", "agency_code"),
        Index("ix_assignments_status", "status", "occurrence_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurrence_id: Mapped[int] = mapped_column(ForeignKey("occurrences.id"))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # AssignmentRole
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.OPEN.value)
    completed_on: Mapped[date | None] = mapped_column(Date)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The due date an approved extension (or the coordinator) set; None: the occurrence's.
    due_override: Mapped[date | None] = mapped_column(Date)
    # The day the agency reported done while the completion awaits confirmation.
    reported_done_on: Mapped[date | None] = mapped_column(Date)

    occurrence: Mapped[OccurrenceRow] = relationship()
    agency: Mapped[AgencyRow] = relationship()

    @property
    def due(self) -> date:
        """The due date in force (what `scheduler.status.standing_of` judges against)."""
        return self.due_override if self.due_override is not None else self.occurrence.due

    @property
    def original_due(self) -> date:
        return self.occurrence.due

    @property
    def blocked(self) -> bool:
        return self.status == AssignmentStatus.BLOCKED.value

    @property
    def track_from(self) -> date | None:
        """The day before which its plan tracks nothing (what `standing_of` reads)."""
        return self.occurrence.task.plan.track_from

    @property
    def awaiting(self) -> bool:
        return self.status == AssignmentStatus.AWAITING.value

    def __repr__(self) -> str:
        return (
            f"Assignment(id={self.id!r}, occurrence_id={self.occurrence_id!r}, "
            f"agency_code={self.agency_code!r}, role={self.role!r}, status={self.status!r})"
        )


class StatusEvent(Base):
    """What someone reported about an assignment. Append-only: never updated or deleted."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))  # who reported
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    status: Mapped[str] = mapped_column(String(16))  # EventStatus
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A withdrawal names the report it withdraws; the report itself is kept as it was.
    withdraws_id: Mapped[int | None] = mapped_column(ForeignKey("status_events.id"))

    def __repr__(self) -> str:
        return (
            f"StatusEvent(id={self.id!r}, assignment_id={self.assignment_id!r}, "
            f"status={self.status!r}, at={self.at!r})"
        )


class ReminderRow(Base):
    """A reminder the calendar produced and that was queued: the policy's "already sent" set."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("assignment_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    step: Mapped[str] = mapped_column(String(32))  # scheduler.policy.Step
    key: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"ReminderRow(id={self.id!r}, assignment_id={self.assignment_id!r}, key={self.key!r})"
        )


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_not_before", "status", "not_before"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    chat_id: Mapped[str] = mapped_column(String(64))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    kind: Mapped[str] = mapped_column(String(16))  # OutboxKind
    text: Mapped[str] = mapped_column(Text)
    buttons_json: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # NULL: ready now. Only a retry sets it, so no clock but the sender's ever holds a message.
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Pieces of a long text the platform confirmed: a retry resumes at the next one.
    pieces_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"OutboxMessage(id={self.id!r}, channel={self.channel!r}, chat_id={self.chat_id!r}, "
            f"kind={self.kind!r}, status={self.status!r}, attempts={self.attempts!r})"
        )


class Tick(Base):
    """One run of the calendar, for the scheduled send instant `due_at` it served."""

    __tablename__ = "ticks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"Tick(id={self.id!r}, due_at={self.due_at!r}, completed_at={self.completed_at!r})"


class PendingPrompt(Base):
    """A question the bot asked an officer in a chat; the officer's next message there answers.

    It belongs to the officer who was asked: once the officer is revoked or the chat belongs
    to someone else, it is void.
    """

    __tablename__ = "pending_prompts"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    chat_id: Mapped[str] = mapped_column(String(64))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))  # None: void
    kind: Mapped[str] = mapped_column(String(32))  # PromptKind
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_event_id: Mapped[int | None] = mapped_column(ForeignKey("status_events.id"))

    def __repr__(self) -> str:
        return (
            f"PendingPrompt(id={self.id!r}, channel={self.channel!r}, chat_id={self.chat_id!r}, "
            f"kind={self.kind!r})"
        )


# Tables kept in modules of their own (this one is at its length limit); importing them here
# puts them in Base.metadata wherever the models are.
from storage import tally_models, web_models  # noqa: E402, F401
from storage.download_models import DownloadLink as DownloadLink  # noqa: E402
from storage.evidence_row import EvidenceRow  # noqa: E402, F401
from storage.followup_models import ExtensionRequest as ExtensionRequest  # noqa: E402
from storage.followup_models import ExtensionStatus as ExtensionStatus  # noqa: E402
from storage.inbound_models import InboundMessage as InboundMessage  # noqa: E402
