"""The plan as data: agencies, tasks and the reminder ladder, validated from YAML."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

PLAN_DATA_DIR = Path(__file__).resolve().parent.parent / "plan_data"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Agency(Frozen):
    code: str
    name: str
    short_name: str
    kind: str  # "so" | "ubnd_tinh" | "bo" | "ubnd_huyen"


class AgencyGroup(Frozen):
    code: str
    name: str
    members: tuple[str, ...]


class Directory(Frozen):
    """Every agency and group, by code."""

    agencies: tuple[Agency, ...]
    groups: tuple[AgencyGroup, ...] = ()

    def expand(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """Return agency codes with groups replaced by their members, order kept, no repeats."""
        raise NotImplementedError

    def agency(self, code: str) -> Agency:
        raise NotImplementedError


class Ladder(Frozen):
    """The reminder ladder for each occurrence (the defaults are the plan's policy)."""

    before_days: tuple[int, ...] = (30, 7, 1)
    long_window_days: int = 45  # T-30 only when the window is longer than this
    overdue_after_working_days: int = 1
    overdue_repeat_days: int = 7
    escalate_after_working_days: int = 3
    progress_window_days: int = 120
    coordinate_before_days: int = 7
    send_at: str = "08:00"


class Task(Frozen):
    key: str  # "1".."9", "III.1"...
    title: str  # short title for a phone screen
    text: str  # verbatim
    lead: tuple[str, ...]  # agency or group codes
    coordinating: tuple[str, ...] = ()
    coordinating_text: str | None = None  # open-ended phrases kept verbatim
    timeframe: str  # verbatim
    assumed: bool = False
    assumed_reason: str | None = None


class Plan(Frozen):
    id: str
    title: str
    issuer: str
    start: date
    start_assumed: bool = False
    start_reason: str | None = None
    coordinator: str = "SCT"
    ladder: Ladder = Field(default_factory=Ladder)
    tasks: tuple[Task, ...]

    def task(self, key: str) -> Task:
        raise NotImplementedError


class PlanError(ValueError):
    """A plan or agency file is invalid; the message names the file, the task and the field."""


def load_directory(path: Path | None = None) -> Directory:
    raise NotImplementedError


def load_plan(path: Path, directory: Directory) -> Plan:
    raise NotImplementedError


def bundled_plan_path() -> Path:
    return PLAN_DATA_DIR / "nd32-binh-thuan.yaml"
