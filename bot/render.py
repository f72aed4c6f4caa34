"""Status and task lines as people read them: the commands, the digest and the CLI share them."""

from __future__ import annotations

from datetime import date

from bot import texts
from scheduler.status import Category, Standing
from storage import queries
from storage.models import AgencyRow, Assignment, TaskRow


def ref(task: TaskRow, period: str) -> str:
    """Return how people name one period of a task ("3.1@2025-Q1")."""
    return texts.task_ref(task.key, period)


def standing_text(item: Standing) -> str:
    """Return where an item stands in words: its category, days late, blocked."""
    text = texts.CATEGORY_NAMES[item.category.value]
    if item.category is Category.OVERDUE:
        text += texts.DAYS_LATE.format(days=item.days_late)
    if item.blocked:
        text += f", {texts.BLOCKED_NAME}"
    return text


def task_line(assignment: Assignment, today: date) -> str:
    """Return the line of one assignment in a list of an agency's tasks."""
    occurrence = assignment.occurrence
    task = occurrence.task
    shown = standing_text(queries.standing_of(assignment, today))
    return texts.TASK_LINE.format(ref=ref(task, occurrence.period), title=task.title,
                                  period=occurrence.label, due=texts.day(occurrence.due),
                                  standing=shown)


def render_status(agencies: dict[str, AgencyRow], today: date, items: list[Assignment],
                  scope: str, per_agency: bool) -> str:
    """Return the /status text: the categories, the overdue share, then one line per agency."""
    standings = [(a, queries.standing_of(a, today)) for a in items]
    lines = [texts.STATUS_TITLE.format(scope=scope, day=texts.day(today))]
    lines.extend(_summary_lines([s for _, s in standings]))
    if per_agency and standings:
        lines.append(texts.STATUS_LEGEND)
        by_agency: dict[str, list[Standing]] = {}
        for assignment, item in standings:
            by_agency.setdefault(assignment.agency_code, []).append(item)
        # The most overdue first: what the coordinator must chase stands at the top.
        ranked = sorted(by_agency.items(), key=lambda entry: (
            -sum(s.category is Category.OVERDUE for s in entry[1]),
            -sum(s.blocked for s in entry[1])))
        for code, group in ranked:
            counts = _counts(group)
            short = agencies[code].short_name if code in agencies else code
            lines.append(texts.STATUS_AGENCY_LINE.format(
                agency=short, on_time=counts[Category.DONE_ON_TIME],
                late=counts[Category.DONE_LATE], in_progress=counts[Category.IN_PROGRESS],
                overdue=counts[Category.OVERDUE], blocked=sum(s.blocked for s in group)))
    return "\n".join(lines)


def _counts(items: list[Standing]) -> dict[Category, int]:
    counts = dict.fromkeys(Category, 0)
    for item in items:
        counts[item.category] += 1
    return counts


def _summary_lines(items: list[Standing]) -> list[str]:
    counts = _counts(items)
    total = len(items)
    share = f"{counts[Category.OVERDUE] * 100 / total:.0f}%" if total else "0%"
    blocked = [s for s in items if s.blocked]
    blocked_late = sum(s.category is Category.OVERDUE for s in blocked)
    return texts.STATUS_SUMMARY.format(
        total=total, on_time=counts[Category.DONE_ON_TIME], late=counts[Category.DONE_LATE],
        in_progress=counts[Category.IN_PROGRESS], overdue=counts[Category.OVERDUE], share=share,
        blocked=len(blocked), blocked_in_time=len(blocked) - blocked_late,
        blocked_late=blocked_late).split("\n")
