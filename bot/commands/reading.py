"""Reading the plan: /viec (an agency's tasks), /tinhhinh (status), /quahan (overdue)."""

from __future__ import annotations

from bot import texts
from bot.commands.core import (
    Refusal,
    Reply,
    Request,
    View,
    agency_name,
    agency_short,
    clip,
    find_agency,
    find_task,
    parse_ref,
    plan_codes,
    take_plan,
)
from bot.render import due_shown, ref, render_status, task_line
from scheduler.status import Category, standing_of
from storage import plans, work
from storage.models import Assignment, Officer, PlanRow, Role, TaskRow


def tasks(request: Request, rest: str) -> list[Reply]:
    plan, other = take_plan(request, rest)
    if other:
        raise Refusal(texts.UNKNOWN_PLAN.format(plan=clip(other.split()[0]),
                                                plans=plan_codes(request)))
    return [Reply(tasks_text(request, request.registered.agency_code,
                             plan.id if plan else None))]


def status(request: Request, rest: str) -> list[Reply]:
    return [Reply(status_text(request, request.registered, rest))]


def overdue(request: Request, rest: str) -> list[Reply]:
    plan, _ = take_plan(request, rest)
    return [Reply(overdue_text(request, request.registered, plan.id if plan else None))]


def plan_id_of(view: View, token: str | None) -> str | None:
    """Return the id of the live plan `token` names (id or code); None for no token. Refuse an
    unknown one."""
    if token is None:
        return None
    row = plans.find_plan(view.session, token, archived=False)
    if row is None:
        raise Refusal(texts.UNKNOWN_PLAN.format(plan=clip(token), plans=plan_codes(view)))
    return row.id


def tasks_text(view: View, agency_code: str, plan_id: str | None = None) -> str:
    """Return the open items of an agency (in plan `plan_id` if given), one line each."""
    items = work.open_items(view.session, agency_code, view.today, plan_id=plan_id)
    agency = agency_name(view, agency_code)
    if not items:
        return texts.NO_OPEN_ITEMS.format(agency=agency)
    lines = [texts.TASKS_TITLE.format(agency=agency, count=len(items))]
    for assignment in items:
        lines.append(task_line(assignment, view.today))
    return "\n".join(lines)


def status_text(view: View, officer: Officer | None, argument: str,
                plan_id: str | None = None) -> str:
    """Return /status of an agency, a task or the whole plan, as `officer` may see it; a plan
    code first (or `plan_id`) narrows it to that plan.

    With no officer, as a coordinator sees it (the terminal). Raise Refusal.
    """
    session = view.session
    agency_code: str | None = None
    task: TaskRow | None = None
    plan, argument = take_plan(view, argument)
    if plan is not None:
        plan_id = plan.id
    if argument:
        token = argument.split()[0]
        agency = find_agency(view, token)
        if agency is not None:
            agency_code = agency
        else:
            plan_token, key, _ = parse_ref(token)
            own = officer.agency_code if officer and officer.role == Role.FOCAL.value else None
            task = find_task(view, key, plan_token or plan_id, own)
    if officer is not None and officer.role == Role.FOCAL.value:
        if agency_code not in (None, officer.agency_code):
            raise Refusal(texts.FOCAL_OWN_AGENCY.format(
                agency=agency_name(view, officer.agency_code)))
        agency_code = officer.agency_code
    items = work.lead_assignments(session, view.today, agency_code,
                                     task.id if task else None, plan_id=plan_id)
    scope = (texts.STATUS_TASK.format(key=task.key) if task else
             agency_name(view, agency_code) if agency_code else texts.STATUS_WHOLE_PLAN)
    if agency_code and task:
        scope = ", ".join((texts.STATUS_TASK.format(key=task.key),
                           agency_name(view, agency_code)))
    if plan_id is not None:
        scope = texts.STATUS_PLAN_SCOPE.format(plan=session.get_one(PlanRow, plan_id).code,
                                               scope=scope)
    return render_status(view.agencies, view.today, items, scope, per_agency=agency_code is None)


def overdue_text(view: View, officer: Officer, plan_id: str | None = None) -> str:
    """Return the overdue items (of plan `plan_id` if given), one line per occurrence with its
    late agencies."""
    if officer.role == Role.FOCAL.value:
        raise Refusal(texts.ONLY_COORDINATOR)
    items = [a for a in work.lead_assignments(view.session, view.today, plan_id=plan_id)
             if standing_of(a, view.today).category is Category.OVERDUE]
    if not items:
        return texts.NO_OVERDUE
    lines = [texts.OVERDUE_TITLE.format(count=len(items), day=texts.day(view.today))]
    # One line per occurrence: ten districts late on one task read as one item to chase.
    by_occurrence: dict[int, list[Assignment]] = {}
    for assignment in items:
        by_occurrence.setdefault(assignment.occurrence_id, []).append(assignment)
    for group in by_occurrence.values():
        occurrence = group[0].occurrence
        item = standing_of(group[0], view.today)
        agencies = ", ".join(
            agency_short(view, a.agency_code)
            + (texts.BLOCKED_FLAG if standing_of(a, view.today).blocked else "")
            for a in group)
        lines.append(texts.OVERDUE_LINE.format(
            ref=ref(occurrence.task, occurrence.period), period=occurrence.label,
            due=due_shown(group[0]), days=item.days_late,
            flag=texts.LONG_OVERDUE_FLAG if item.long_overdue else "", agencies=agencies))
    return "\n".join(lines)
