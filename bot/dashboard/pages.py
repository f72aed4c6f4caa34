"""The pages everyone signed in reads: the overview, an agency, an item, the overdue list."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from starlette.responses import Response

from bot import texts
from bot.cli.common import iso_date
from bot.dashboard import charts, views
from bot.dashboard.auth import agency_refusal, refuse
from bot.dashboard.export import Cell, xlsx_response
from bot.render import plan_label
from scheduler.status import LONG_OVERDUE_DAYS
from storage import dashboard, dashboard_lists
from storage.dashboard import Scope
from storage.dashboard_lists import ItemRow, OverdueFilter

if TYPE_CHECKING:
    from bot.dashboard.app import Context

OVERDUE_SHOWN = 500  # rows of the overdue list on the page (the export has them all)
AGENCY_SHOWN = 300  # items on an agency's page, those not done first (the export: all)


def plan_param(context: Context) -> str | None:
    """The plan a page is restricted to (`?kh=PLAN`), or None; refuse an unknown one."""
    plan = context.request.query_params.get("kh") or None
    if plan is not None and plan not in {p.id for p in views.all_plans(context.session)}:
        raise refuse(404, texts.REFUSE_NOT_FOUND)
    return plan


def export_table(context: Context) -> str | None:
    params = context.request.query_params
    return params.get("bang") if params.get("xuat") == "xlsx" else None


def _items_export(context: Context, name: str, items: Sequence[ItemRow]) -> Response:
    base = views.page(context.session, context.who, context.today, context.dashboard.tz)
    plans = {plan.id: plan for plan in base.plans}
    rows = [views.item_cells(item, base.agencies, plans) for item in items]
    return xlsx_response(f"{name}-{context.today.isoformat()}.xlsx", texts.SHEET_NAMES[name],
                         texts.XLSX_HEADERS_ITEMS, rows)


def overview(context: Context) -> Response:
    who = context.who
    plan = plan_param(context)
    scope = Scope(plan, None if who.sees_all else who.agency_code)
    data = context.dashboard.cache.get(scope, context.today, context.dashboard.tz)
    table = export_table(context)
    stamp = context.today.isoformat()
    if table == "agencies":
        return xlsx_response(f"co-quan-{stamp}.xlsx", texts.SHEET_NAMES["agencies"],
                             texts.XLSX_HEADERS_AGENCIES,
                             [views.agency_cells(line) for line in data.agencies])
    if table == "plans":
        return xlsx_response(f"theo-ke-hoach-{stamp}.xlsx", texts.SHEET_NAMES["plans"],
                             texts.XLSX_HEADERS_PLANS,
                             [views.agency_cells(views.AgencyLine(plan.id, plan_label(plan), t))
                              for plan, t in data.plans])
    if table == "trend":
        return xlsx_response(f"theo-tuan-{stamp}.xlsx", texts.SHEET_NAMES["trend"],
                             texts.XLSX_HEADERS_TREND, [views.week_cells(w) for w in data.weeks])
    if table == "long":
        _, items = dashboard_lists.overdue_items(
            context.session, context.today, scope,
            OverdueFilter(min_days=LONG_OVERDUE_DAYS + 1))
        return _items_export(context, "long", items)
    ranked = views.ranked(data)
    return context.dashboard.render(context.request, "overview.html", {
        "p": views.page(context.session, who, context.today, context.dashboard.tz),
        "who": who, "data": data, "plan": plan, "share": views.share(data.summary),
        "legend": charts.legend(data.summary),
        "bars": charts.category_bars(data.summary),
        "trend": charts.trend_lines(data.weeks),
        "rank": charts.rank_bars([(line.name, line.tally.overdue) for line in ranked]),
        "ranked": ranked, "long_days": LONG_OVERDUE_DAYS,
        "views": views, "plan_label": plan_label})


def agency(context: Context) -> Response:
    who = context.who
    code = str(context.request.path_params["code"])
    base = views.page(context.session, who, context.today, context.dashboard.tz)
    if code not in base.agencies:
        raise refuse(404, texts.REFUSE_NOT_FOUND)
    if not who.may_see(code):
        raise agency_refusal(context.session, who)
    plan = plan_param(context)
    table = export_table(context)
    items = dashboard_lists.agency_items(context.session, context.today, code, plan,
                                         None if table == "items" else AGENCY_SHOWN)
    if table == "items":
        return _items_export(context, "items", items)
    history = dashboard_lists.history(context.session, code)
    if table == "history":
        plans = {p.id: p for p in base.plans}
        return xlsx_response(
            f"lich-su-{code}-{context.today.isoformat()}.xlsx", texts.SHEET_NAMES["history"],
            texts.XLSX_HEADERS_HISTORY,
            [[h.at.astimezone(context.dashboard.tz),
              plan_label(plans[h.plan_id]) if h.plan_id in plans else h.plan_id, h.task_key,
              h.period, texts.EVENT_NAMES.get(h.status, h.status), h.note, h.officer_name]
             for h in history])
    counts = dashboard.tallies(context.session, context.today, context.dashboard.tz,
                              Scope(plan, code))
    by_plan: dict[str, list[ItemRow]] = {}
    for row in items:
        by_plan.setdefault(row.plan_id, []).append(row)
    return context.dashboard.render(context.request, "agency.html", {
        "p": base, "who": who, "code": code, "plan": plan, "by_plan": by_plan,
        "plan_tallies": {plan_id: dashboard.total(counts, plan_id) for plan_id in by_plan},
        "summary": dashboard.total(counts), "history": history, "views": views,
        "plans": {p.id: p for p in base.plans}, "plan_label": plan_label,
        "shown": len(items), "limit": AGENCY_SHOWN})


def item(context: Context) -> Response:
    who = context.who
    assignment_id = int(context.request.path_params["assignment_id"])
    found = dashboard_lists.item(context.session, context.today, assignment_id)
    if found is None:
        raise refuse(404, texts.REFUSE_NOT_FOUND)
    if not who.may_see(found.agency_code):
        raise agency_refusal(context.session, who)
    entries = dashboard_lists.timeline(context.session, assignment_id)
    base = views.page(context.session, who, context.today, context.dashboard.tz)
    if export_table(context) == "timeline":
        rows: list[list[Cell]] = [
            [e.at.astimezone(context.dashboard.tz), timeline_words(e.kind, e.step), e.note,
             e.officer_name, texts.CHANNEL_NAMES.get(e.channel or "", e.channel or "")]
            for e in entries]
        return xlsx_response(f"dien-bien-{assignment_id}.xlsx", texts.SHEET_NAMES["timeline"],
                             texts.XLSX_HEADERS_TIMELINE, rows)
    plans = {p.id: p for p in base.plans}
    return context.dashboard.render(context.request, "item.html", {
        "p": base, "who": who, "item": found, "entries": entries, "views": views,
        "plan": plans.get(found.plan_id), "plan_label": plan_label,
        "words": timeline_words, "ref": texts.task_ref(found.task_key, found.period)})


def timeline_words(kind: str, step: str | None) -> str:
    if kind == "reminder":
        labels = {s.value: label for s, label in texts.STEP_LABELS.items()}
        return texts.TIMELINE_REMINDER.format(step=labels.get(step or "", step or ""))
    return texts.EVENT_NAMES.get(kind, kind)


def _date_param(context: Context, name: str) -> date | None:
    text = context.request.query_params.get(name) or ""
    if not text.strip():
        return None
    try:
        return iso_date(text)
    except argparse.ArgumentTypeError:
        raise refuse(400, texts.REFUSE_BAD_FILTER,
                     detail=texts.FILTER_BAD_DATE.format(text=text[:40])) from None


def overdue_filter(context: Context) -> OverdueFilter:
    text = (context.request.query_params.get("ngay") or "").strip()
    if text and not text.isdigit():
        raise refuse(400, texts.REFUSE_BAD_FILTER,
                     detail=texts.FILTER_BAD_DAYS.format(text=text[:40]))
    return OverdueFilter(_date_param(context, "tu"), _date_param(context, "den"),
                         int(text) if text else 0)


def overdue(context: Context) -> Response:
    who = context.who
    plan = plan_param(context)
    agency_code = context.request.query_params.get("cq") or None
    base = views.page(context.session, who, context.today, context.dashboard.tz)
    if agency_code is not None and agency_code not in base.agencies:
        raise refuse(404, texts.REFUSE_NOT_FOUND)
    if not who.sees_all:
        if agency_code not in (None, who.agency_code):
            raise agency_refusal(context.session, who)
        agency_code = who.agency_code
    filters = overdue_filter(context)
    scope = Scope(plan, agency_code)
    if export_table(context) == "overdue":
        _, items = dashboard_lists.overdue_items(context.session, context.today, scope, filters)
        return _items_export(context, "overdue", items)
    count, items = dashboard_lists.overdue_items(context.session, context.today, scope,
                                                 filters, OVERDUE_SHOWN)
    return context.dashboard.render(context.request, "overdue.html", {
        "p": base, "who": who, "items": items, "count": count, "plan": plan,
        "agency_code": agency_code, "filters": filters, "views": views,
        "plans": {p.id: p for p in base.plans}, "plan_label": plan_label,
        "query": context.request.url.query})

