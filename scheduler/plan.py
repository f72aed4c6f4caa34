"""The plan as data: agencies, tasks and the reminder ladder, validated from YAML."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from scheduler.timeframe import TimeframeKind, parse_timeframe

AgencyKind = Literal["so", "ubnd_tinh", "bo", "ubnd_huyen"]

# The error type of every check written here; its context may carry a "loc" relative to the
# model that raised it, so that a model-level check can still name the task and the field.
PLAN_ERROR = "plan_invalid"

CODE_PATTERN = r"^[A-Z][A-Z0-9_]*$"
TASK_KEY_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.\-]*$"
PLAN_ID_PATTERN = r"^[a-z0-9][a-z0-9\-]*$"
# A plan's short code, as people type it before a task key ("ND32:3"): no ":" and no "@".
PLAN_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_\-]*$"
_HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _invalid(message: str, loc: tuple[str | int, ...] = (), **values: str) -> PydanticCustomError:
    # Pydantic fills "{name}" in the template from the context, so values are passed apart.
    return PydanticCustomError(PLAN_ERROR, message, {"loc": loc, **values})


class Frozen(BaseModel):
    # Surrounding whitespace is never meaningful and YAML block scalars add a final newline.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Agency(Frozen):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    kind: AgencyKind
    units: tuple[str, ...] = ()  # named units inside the agency ("Ban Thi đua - Khen thưởng tỉnh")


class AgencyGroup(Frozen):
    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    members: tuple[str, ...] = Field(min_length=1)


class Directory(Frozen):
    """Every agency and group, by code."""

    agencies: tuple[Agency, ...] = Field(min_length=1)
    groups: tuple[AgencyGroup, ...] = ()

    @model_validator(mode="after")
    def _codes_are_unique_and_members_known(self) -> Directory:
        seen: set[str] = set()
        located = [("agencies", i, a.code) for i, a in enumerate(self.agencies)]
        located += [("groups", i, g.code) for i, g in enumerate(self.groups)]
        for field, index, code in located:
            if code in seen:
                raise _invalid('mã lặp lại: "{code}"', (field, index, "code"), code=code)
            seen.add(code)
        agency_codes = {agency.code for agency in self.agencies}
        for index, group in enumerate(self.groups):
            for member in group.members:
                if member not in agency_codes:
                    raise _invalid(
                        'mã cơ quan không tồn tại: "{code}"',
                        ("groups", index, "members"),
                        code=member,
                    )
        return self

    def agency(self, code: str) -> Agency:
        """Return the agency with this code. Raise KeyError for an unknown code or a group."""
        for agency in self.agencies:
            if agency.code == code:
                return agency
        raise KeyError(code)

    def group(self, code: str) -> AgencyGroup:
        """Return the group with this code. Raise KeyError for an unknown code or an agency."""
        for group in self.groups:
            if group.code == code:
                return group
        raise KeyError(code)

    def knows(self, code: str) -> bool:
        """Return whether `code` names an agency or a group."""
        return self.is_group(code) or any(agency.code == code for agency in self.agencies)

    def expand(self, codes: Sequence[str]) -> tuple[str, ...]:
        """Return agency codes with groups replaced by their members, order kept, no repeats.

        Raise KeyError for an unknown code.
        """
        expanded: dict[str, None] = {}
        for code in codes:
            members = self.group(code).members if self.is_group(code) else (self.agency(code).code,)
            expanded.update(dict.fromkeys(members))
        return tuple(expanded)

    def display_name(self, code: str) -> str:
        """Return the name a person reads: an agency's short name, a group's name.

        Raise KeyError for an unknown code.
        """
        if self.is_group(code):
            return self.group(code).name
        return self.agency(code).short_name

    def is_group(self, code: str) -> bool:
        """Return whether `code` names a group."""
        return any(group.code == code for group in self.groups)


class Ladder(Frozen):
    """The reminder ladder for each occurrence (the defaults are the plan's policy)."""

    before_days: tuple[int, ...] = (30, 7, 1)
    long_window_days: int = 45  # T-30 only when the window is longer than this
    overdue_after_working_days: int = 1
    overdue_repeat_days: int = 7
    # Weekly repeats of the overdue reminder after the first one; then the agency is left alone
    # (the item stays overdue in /status, /overdue and the coordinator's escalation).
    overdue_repeats: int = Field(default=4, ge=0)
    escalate_after_working_days: int = 3
    progress_window_days: int = 120
    coordinate_before_days: int = 7

    @model_validator(mode="before")
    @classmethod
    def _no_send_time(cls, data: object) -> object:
        # One send time, one source: the timer ticks at NHACVIEC_SEND_AT and reminders are due
        # then. A second one here made a 07:30 tick find the 08:00 reminders not yet due.
        if isinstance(data, dict) and "send_at" in data:
            raise _invalid("giờ gửi không đặt trong ladder: ghi send_at ở cấp kế hoạch "
                           '(send_at: "07:30"), mặc định là NHACVIEC_SEND_AT', ("send_at",))
        return data


def _check_codes(codes: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
    # Codes are checked against the directory given in the validation context (load_plan
    # gives one); a Plan built in code without a context is taken as it is.
    directory = info.context.get("directory") if isinstance(info.context, dict) else None
    if isinstance(directory, Directory):
        for code in codes:
            if not directory.knows(code):
                raise _invalid('mã cơ quan không tồn tại: "{code}"', code=code)
    return codes


def _check_reason(reason: str | None, info: ValidationInfo, flag: str) -> str | None:
    if flag not in info.data:  # the flag itself is invalid and already reported
        return reason
    assumed = info.data[flag]
    if assumed and not reason:
        raise _invalid("cần một dòng lý do khi {flag}: true", flag=flag)
    if not assumed and reason:
        raise _invalid("chỉ dùng khi {flag}: true", flag=flag)
    if reason and "\n" in reason:
        raise _invalid("lý do phải nằm trên một dòng")
    return reason


class Task(Frozen):
    key: str = Field(pattern=TASK_KEY_PATTERN, max_length=16)  # "1".."9", "III.1"...
    title: str = Field(min_length=1, max_length=60)  # short title for a phone screen
    text: str = Field(min_length=1)  # verbatim
    lead: tuple[str, ...] = Field(min_length=1)  # agency or group codes
    coordinating: tuple[str, ...] = ()
    coordinating_text: str | None = None  # open-ended phrases kept verbatim
    report_to: tuple[str, ...] = ()  # who receives the deliverable; never reminded
    timeframe: str = Field(min_length=1)  # verbatim
    assumed: bool = False  # the time frame is our choice, the text gives no date
    assumed_reason: str | None = Field(default=None, validate_default=True)
    # The time frame gives no schedule and the plan says so: the task gets no reminders.
    unscheduled: bool = False
    unscheduled_reason: str | None = Field(default=None, validate_default=True)

    @field_validator("key", mode="before")
    @classmethod
    def _key_as_text(cls, value: object) -> object:
        # `key: 4` is as natural to write as `key: "4"`.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("lead", "coordinating", "report_to", mode="before")
    @classmethod
    def _codes_as_tuple(cls, value: object) -> object:
        # `lead: SCT` is how a person writes a single code; an empty `coordinating:` is null.
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("lead", "coordinating", "report_to")
    @classmethod
    def _codes_are_known(cls, codes: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return _check_codes(codes, info)

    @field_validator("assumed_reason")
    @classmethod
    def _reason_goes_with_assumed(cls, reason: str | None, info: ValidationInfo) -> str | None:
        return _check_reason(reason, info, "assumed")

    @field_validator("unscheduled_reason")
    @classmethod
    def _reason_goes_with_unscheduled(
        cls, reason: str | None, info: ValidationInfo
    ) -> str | None:
        return _check_reason(reason, info, "unscheduled")


UNREADABLE_TIMEFRAME = (
    'không đọc được thời gian thực hiện: "{text}" (viết dạng «Quý 2 năm 2024», «31/12/2024», '
    "«Hằng năm», «Thường xuyên»; nhiệm vụ không có lịch thì ghi unscheduled: true "
    "kèm unscheduled_reason)"
)
NOT_UNSCHEDULED = 'thời gian thực hiện "{text}" có lịch: bỏ unscheduled: true'


def _timeframe_errors(plan: Plan) -> list[InitErrorDetails]:
    """Return an error for each task whose time frame is unreadable and not declared so."""
    errors: list[InitErrorDetails] = []
    for index, task in enumerate(plan.tasks):
        timeframe = parse_timeframe(task.timeframe, plan.start)
        # "Đột xuất" is read: occurrences come when the coordinator adds them.
        readable = timeframe.kind is not TimeframeKind.UNSCHEDULED or timeframe.ad_hoc
        if not readable and not task.unscheduled:
            message, field = UNREADABLE_TIMEFRAME, "timeframe"
        elif readable and task.unscheduled and not timeframe.ad_hoc:
            message, field = NOT_UNSCHEDULED, "unscheduled"
        else:
            continue
        errors.append(
            InitErrorDetails(
                type=_invalid(message, text=task.timeframe),
                loc=("tasks", index, field),
                input=task.timeframe,
            )
        )
    return errors


class Plan(Frozen):
    id: str = Field(pattern=PLAN_ID_PATTERN)
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    start: date
    start_assumed: bool = False
    start_reason: str | None = Field(default=None, validate_default=True)
    coordinator: str = "SCT"
    # The short code people read and type (default: the id's first part in capitals).
    code: str | None = Field(default=None, pattern=PLAN_CODE_PATTERN, max_length=16)
    # The plan's daily send time (None: NHACVIEC_SEND_AT); the timer ticks at each plan's.
    send_at: time | None = None
    ladder: Ladder = Field(default_factory=Ladder)
    # A reported completion waits for the coordinator's confirmation ("chờ xác nhận").
    confirm_done: bool = False
    tasks: tuple[Task, ...] = Field(min_length=1)

    @field_validator("send_at", mode="before")
    @classmethod
    def _send_at_is_hh_mm(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 7:30 as the number 450: only quoted "HH:MM" is taken.
        if value is None or isinstance(value, time):
            return value
        if isinstance(value, str) and re.match(_HH_MM, value.strip()):
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        raise _invalid('giờ gửi cần dạng "HH:MM" trong ngoặc kép (send_at: "07:30"): "{value}"',
                       value=str(value))

    @property
    def short_code(self) -> str:
        """Return the code people read: `code`, else the id's first part in capitals."""
        return self.code or derived_code(self.id)

    @field_validator("start", mode="before")
    @classmethod
    def _start_is_an_iso_date(cls, value: object) -> object:
        # Only YYYY-MM-DD: pydantic would also read a number as a Unix timestamp.
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise _invalid('ngày không hợp lệ (cần dạng YYYY-MM-DD): "{value}"', value=str(value))

    @field_validator("start_reason")
    @classmethod
    def _reason_goes_with_assumed(cls, reason: str | None, info: ValidationInfo) -> str | None:
        return _check_reason(reason, info, "start_assumed")

    @field_validator("coordinator")
    @classmethod
    def _coordinator_is_an_agency(cls, code: str, info: ValidationInfo) -> str:
        directory = info.context.get("directory") if isinstance(info.context, dict) else None
        if isinstance(directory, Directory):
            if not directory.knows(code):
                raise _invalid('mã cơ quan không tồn tại: "{code}"', code=code)
            if directory.is_group(code):
                raise _invalid('cần mã một cơ quan, không phải một nhóm: "{code}"', code=code)
        return code

    @model_validator(mode="after")
    def _task_keys_are_unique(self) -> Plan:
        first_index: dict[str, int] = {}
        for index, task in enumerate(self.tasks):
            if task.key in first_index:
                raise _invalid(
                    "khóa nhiệm vụ lặp lại (đã dùng cho nhiệm vụ thứ {first})",
                    ("tasks", index, "key"),
                    first=str(first_index[task.key] + 1),
                )
            first_index[task.key] = index
        return self

    @model_validator(mode="after")
    def _timeframes_are_readable(self) -> Plan:
        # Every task is checked, so that one run of `plan check` names every unreadable one.
        errors = _timeframe_errors(self)
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def task(self, key: str) -> Task:
        """Return the task with this key. Raise KeyError if there is none."""
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(key)


def derived_code(plan_id: str) -> str:
    """Return the default code of a plan: its id's first part in capitals ("nd32-..." -> ND32)."""
    return plan_id.split("-", 1)[0].upper()[:16]


def describe_plan(plan: Plan, directory: Directory) -> str:
    """Return a one-screen Vietnamese summary: the plan, its tasks, and who leads or helps what."""
    lines = [
        f"Kế hoạch {plan.id}: {plan.title}",
        f"Mã kế hoạch: {plan.short_code}",
        f"Cơ quan ban hành: {plan.issuer}",
        f"Bắt đầu: {plan.start:%d/%m/%Y}" + (" (giả định)" if plan.start_assumed else ""),
        f"Điều phối: {directory.display_name(plan.coordinator)}",
        f"{len(plan.tasks)} nhiệm vụ: " + ", ".join(task.key for task in plan.tasks),
    ]
    assumed = [task.key for task in plan.tasks if task.assumed]
    if assumed:
        lines.append("Thời gian do hệ thống giả định: " + ", ".join(assumed))
    unscheduled = [task.key for task in plan.tasks if task.unscheduled]
    if unscheduled:
        lines.append("Không có lịch nhắc (unscheduled): " + ", ".join(unscheduled))
    # Agencies in the directory's order, then groups; roles in the order of the plan.
    order = [agency.code for agency in directory.agencies] + [g.code for g in directory.groups]
    roles: dict[str, dict[str, list[str]]] = {code: {} for code in order}
    for task in plan.tasks:
        for role, codes in (
            ("chủ trì", task.lead),
            ("phối hợp", task.coordinating),
            ("nhận báo cáo", task.report_to),
        ):
            for code in codes:
                roles[code].setdefault(role, []).append(task.key)
    named = {code: by_role for code, by_role in roles.items() if by_role}
    lines.append(f"{len(named)} cơ quan có tên trong kế hoạch:")
    for code, by_role in named.items():
        parts = [f"{role} {', '.join(keys)}" for role, keys in by_role.items()]
        lines.append(f"  {directory.display_name(code)}: {'; '.join(parts)}")
    return "\n".join(lines)
