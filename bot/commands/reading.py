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
from bot.render import by_plan, due_shown, plan_label, ref, render_status, task_line
from scheduler.status import LONG_OVERDUE_DAYS, Category, Standing, standing_of
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
    plan, other = take_plan(request, rest)
    return [Reply(overdue_text(request, request.registered, other, plan.id if plan else None))]


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
    """Return the open items of an agency, one line each, grouped by plan (of one plan if
    `plan_id` is given)."""
    items = work.open_items(view.session, agency_code, view.today, plan_id=plan_id)
    agency = agency_name(view, agency_code)
    if not items:
        return texts.NO_OPEN_ITEMS.format(agency=agency)
    lines = [texts.TASKS_TITLE.format(agency=agency, count=len(items))]
    for plan, group in by_plan(items):
        lines.append(texts.TASKS_PLAN_HEADING.format(plan=plan_label(plan), count=len(group)))
        lines.extend(task_line(assignment, view.today) for assignment in group)
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


def overdue_text(view: View, officer: Officer, argument: str = "",
                 plan_id: str | None = None) -> str:
    """Return the overdue items: with no argument one line per agency with its counts, grouped
    by plan; `AGENCY`: that agency's items, one line each; `KEY`: that task's late periods,
    one line each with its late agencies (of one plan if `plan_id` is given). Raise Refusal.

    Every item is one line, so a long list is cut between items, never inside one.
    """
    if officer.role == Role.FOCAL.value:
        raise Refusal(texts.ONLY_COORDINATOR)
    token = argument.split()[0] if argument.split() else ""
    agency_code = find_agency(view, token) if token else None
    task: TaskRow | None = None
    if token and agency_code is None:
        found = work.tasks_by_key(view.session, parse_ref(token)[1], plan_id)
        if not found:
            raise Refusal(texts.OVERDUE_UNKNOWN.format(text=clip(token)))
        task = found[0]
    items = [a for a in work.lead_assignments(view.session, view.today, agency_code,
                                              task.id if task else None, plan_id=plan_id)
             if standing_of(a, view.today).category is Category.OVERDUE]
    if agency_code is not None:
        return _overdue_of_agency(view, agency_code, items)
    if task is not None:
        return _overdue_of_task(view, task, items)
    if not items:
        return texts.NO_OVERDUE
    return _overdue_summary(view, items)


def _overdue_summary(view: View, items: list[Assignment]) -> str:
    lines = [texts.OVERDUE_SUMMARY_TITLE.format(count=len(items), day=texts.day(view.today))]
    worst = ""
    for plan, group in by_plan(items):
        lines.append(texts.PLAN_HEADING.format(plan=plan_label(plan)))
        per_agency: dict[str, list[Standing]] = {}
        for assignment in group:
            per_agency.setdefault(assignment.agency_code, []).append(
                standing_of(assignment, view.today))
        # The most overdue first: what the coordinator must chase stands at the top.
        for code in sorted(per_agency, key=lambda code: (-len(per_agency[code]), code)):
            standings = per_agency[code]
            worst = worst or code
            long_count = sum(1 for item in standings if item.long_overdue)
            blocked = sum(1 for item in standings if item.blocked)
            lines.append(texts.OVERDUE_AGENCY_COUNT.format(
                agency=agency_short(view, code), count=len(standings),
                long=texts.OVERDUE_LONG_COUNT.format(count=long_count, days=LONG_OVERDUE_DAYS)
                if long_count else "",
                blocked=texts.OVERDUE_BLOCKED_COUNT.format(count=blocked) if blocked else ""))
    lines.append(texts.OVERDUE_DETAILS_HINT.format(agency=worst))
    return "\n".join(lines)


def _overdue_of_agency(view: View, agency_code: str, items: list[Assignment]) -> str:
    agency = agency_name(view, agency_code)
    if not items:
        return texts.NO_OVERDUE_OF.format(scope=agency)
    lines = [texts.OVERDUE_OF_AGENCY_TITLE.format(agency=agency, count=len(items),
                                                  day=texts.day(view.today))]
    for plan, group in by_plan(items):
        lines.append(texts.PLAN_HEADING.format(plan=plan_label(plan)))
        for assignment in group:
            occurrence = assignment.occurrence
            item = standing_of(assignment, view.today)
            lines.append(texts.OVERDUE_AGENCY_LINE.format(
                ref=ref(occurrence.task, occurrence.period), period=occurrence.label,
                title=occurrence.task.title, due=texts.day(occurrence.due), days=item.days_late,
                flag=texts.LONG_OVERDUE_FLAG if item.long_overdue else "",
                blocked=texts.BLOCKED_FLAG if item.blocked else ""))
    return "\n".join(lines)


def _overdue_of_task(view: View, task: TaskRow, items: list[Assignment]) -> str:
    if not items:
        return texts.NO_OVERDUE_OF.format(scope=texts.STATUS_TASK.format(key=task.key))
    lines = [texts.OVERDUE_OF_TASK_TITLE.format(key=task.key, count=len(items),
                                                day=texts.day(view.today))]
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
