"""What an import proposes: tasks, gaps, the plan; and the draft of a task being read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from plan_data.importer.text import (
    Field,
)
from scheduler.plan import Agency
from scheduler.timeframe import Timeframe

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


@dataclass
class Draft:
    key: str
    parts: list[str] = field(default_factory=list)
    values: dict[Field, list[str]] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    duty: bool = False  # an agency's duties under its heading: no time frame of its own
    guessed: list[Field] = field(default_factory=list)  # read from sentences, not from labels
