"""Status and task lines as people read them: the commands, the digest and the CLI share them."""

from __future__ import annotations

from datetime import date

from bot import texts
from scheduler.status import Category, Standing, chase_order, standing_of, tally
from storage.models import AgencyRow, Assignment, PlanRow, TaskRow


def plan_label(plan_row: PlanRow) -> str:
    """Return how people name a plan in lists and reminders: its short code, the one they type
    in `PLAN:KEY`."""
    return plan_row.code


def by_plan(items: list[Assignment]) -> list[tuple[PlanRow, list[Assignment]]]:
    """Return the items grouped by plan, plans in the order of their id, items in order."""
    groups: dict[str, tuple[PlanRow, list[Assignment]]] = {}
    for assignment in items:
        task = assignment.occurrence.task
        groups.setdefault(task.plan_id, (task.plan, []))[1].append(assignment)
    return [groups[plan_id] for plan_id in sorted(groups)]


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
    shown = standing_text(standing_of(assignment, today))
    return texts.TASK_LINE.format(ref=ref(task, occurrence.period), title=task.title,
                                  period=occurrence.label, due=due_shown(assignment),
                                  standing=shown)


def due_shown(assignment: Assignment) -> str:
    """Return the due date in force, and the plan's own when an extension moved it."""
    shown = texts.day(assignment.due)
    if assignment.due != assignment.original_due:
        shown += texts.HISTORY_ORIGINAL.format(day=texts.day(assignment.original_due))
    return shown


def render_status(agencies: dict[str, AgencyRow], today: date, items: list[Assignment],
                  scope: str, per_agency: bool) -> str:
    """Return the /status text: the categories, the overdue share, then one line per agency."""
    standings = [(a, standing_of(a, today)) for a in items]
    lines = [texts.STATUS_TITLE.format(scope=scope, day=texts.day(today))]
    lines.extend(_summary_lines([s for _, s in standings]))
    if per_agency and standings:
        lines.append(texts.STATUS_LEGEND)
        # One line per agency and plan, each plan under its name.
        for plan, group in by_plan(items):
            lines.append(texts.PLAN_HEADING.format(plan=plan_label(plan)))
            by_agency: dict[str, list[Standing]] = {}
            for assignment in group:
                by_agency.setdefault(assignment.agency_code, []).append(
                    standing_of(assignment, today))
            # The most overdue first: what the coordinator must chase stands at the top.
            counted = {code: tally(rows) for code, rows in by_agency.items()}
            for code in sorted(counted, key=lambda code: chase_order(counted[code])):
                counts = counted[code]
                short = agencies[code].short_name if code in agencies else code
                lines.append(texts.STATUS_AGENCY_LINE.format(
                    agency=short, on_time=counts.done_on_time, late=counts.done_late,
                    in_progress=counts.in_progress, overdue=counts.overdue,
                    blocked=counts.blocked)
                    + (texts.STATUS_AGENCY_AWAITING.format(count=counts.awaiting)
                       if counts.awaiting else ""))
    return "\n".join(lines)


def _summary_lines(items: list[Standing]) -> list[str]:
    counts = tally(items)
    share = f"{counts.overdue_share * 100:.0f}%"
    lines = texts.STATUS_SUMMARY.format(
        total=counts.total, on_time=counts.done_on_time, late=counts.done_late,
        in_progress=counts.in_progress, overdue=counts.overdue, share=share,
        blocked=counts.blocked, blocked_in_time=counts.blocked_in_time,
        blocked_late=counts.blocked_overdue).split("\n")
    if counts.awaiting:
        # Reported done, not yet confirmed: a line of its own, after the four categories.
        lines.insert(5, texts.STATUS_AWAITING_LINE.format(count=counts.awaiting))
    if counts.not_tracked:
        # Periods due before the plan's tracking began are shown apart, in no other count.
        lines.append(texts.STATUS_NOT_TRACKED.format(count=counts.not_tracked))
    return lines
