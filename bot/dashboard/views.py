"""What each page shows, read from storage (aggregated SQL) and shaped for the templates and
the .xlsx exports. The overview's counts are cached until the database changes (storage.watch)
or the day turns, so the page stays fast at hundreds of thousands of assignments."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.dashboard import charts
from bot.dashboard.auth import Viewer
from bot.dashboard.export import Cell
from bot.render import plan_label, standing_text
from scheduler.status import LONG_OVERDUE_DAYS, Category, Tally, chase_order
from storage import dashboard, people, tally_fold
from storage.dashboard import Scope, Week
from storage.dashboard_lists import ItemRow, most_overdue
from storage.db import pause_after_write
from storage.models import AgencyRow, PlanRow
from storage.watch import ChangeWatch

RANKED = 15  # agencies in the overview's ranking
LONG_LISTED = 50  # items overdue > 120 days listed on the overview (all are in the export)
WEEKS = 12


@dataclass(frozen=True)
class AgencyLine:
    code: str
    name: str
    tally: Tally


@dataclass(frozen=True)
class Overview:
    """The overview of one plan (or all) as one viewer's scope counts it."""

    scope: Scope
    today: date
    summary: Tally
    plans: list[tuple[PlanRow, Tally]]
    agencies: list[AgencyLine]  # most overdue first
    weeks: list[Week]
    long_count: int
    long_items: list[ItemRow]


class OverviewCache:
    """Overviews by (scope, day), kept while the database's change marker stays the same.

    Before each look, the changes noted since the last are folded into the running counts
    (`storage.tally.drain`, a short write), so a page reads a few thousand sums at most."""

    def __init__(self, watch: ChangeWatch, sessions: sessionmaker[Session],
                 write_sessions: sessionmaker[Session]) -> None:
        self.watch = watch
        self.sessions = sessions
        self.write_sessions = write_sessions
        self._lock = threading.Lock()
        self._entries: dict[tuple[Scope, date], tuple[int, Overview]] = {}

    def fold(self, today: date, tz: tzinfo) -> None:
        with self.sessions() as session, session.begin():
            if not tally_fold.needs_drain(session, today):
                return
        folded = tally_fold.BATCH
        while folded == tally_fold.BATCH:  # a batch a transaction: the bot's writes go between
            began = time.monotonic()
            with self.write_sessions() as session, session.begin():
                folded = tally_fold.drain(session, today, tz)
            if folded == tally_fold.BATCH:
                pause_after_write(time.monotonic() - began)

    def get(self, scope: Scope, today: date, tz: tzinfo) -> Overview:
        self.fold(today, tz)
        # The marker is read before the snapshot the overview is built from begins: a commit in
        # between makes the entry look older than it is (built again next time), never newer.
        version = self.watch.version()
        key = (scope, today)
        if version is not None:
            with self._lock:
                cached = self._entries.get(key)
            if cached is not None and cached[0] == version:
                return cached[1]
        with self.sessions() as session, session.begin():
            built = build_overview(session, scope, today, tz)
        if version is not None:
            with self._lock:
                if len(self._entries) > 256:
                    self._entries.clear()
                self._entries[key] = (version, built)
        return built


def build_overview(session: Session, scope: Scope, today: date, tz: tzinfo) -> Overview:
    counts = dashboard.tallies(session, today, tz, scope)
    agencies = people.agency_names(session)
    plans = [(plan, dashboard.total(counts, plan.id)) for plan in all_plans(session)
             if scope.plan_id in (None, plan.id)]
    per_agency = dashboard.by_agency(counts)
    lines = [AgencyLine(code, agency_short(agencies, code), tally)
             for code, tally in per_agency.items()]
    lines.sort(key=lambda line: (*chase_order(line.tally), line.name))
    summary = dashboard.total(counts)
    long_items = most_overdue(session, today, scope, LONG_OVERDUE_DAYS + 1, LONG_LISTED)
    return Overview(scope, today, summary, plans, lines,
                    dashboard.trend(session, today, tz, WEEKS, scope), summary.long_overdue,
                    long_items)


def all_plans(session: Session) -> list[PlanRow]:
    return list(session.scalars(select(PlanRow).order_by(PlanRow.id)))


def agency_short(agencies: dict[str, AgencyRow], code: str) -> str:
    return agencies[code].short_name if code in agencies else code


def agency_full(agencies: dict[str, AgencyRow], code: str) -> str:
    return agencies[code].name if code in agencies else code


def share(tally: Tally) -> str:
    return f"{tally.overdue_share * 100:.0f}%"


@dataclass
class Page:
    """What every template reads: the viewer, the day, the plans, the agencies' names."""

    who: Viewer
    today: date
    tz: tzinfo
    plans: list[PlanRow]
    agencies: dict[str, AgencyRow]
    extra: dict[str, object] = field(default_factory=dict)

    def short(self, code: str) -> str:
        return agency_short(self.agencies, code)

    def full(self, code: str) -> str:
        return agency_full(self.agencies, code)

    def local(self, at: datetime) -> str:
        return texts.moment(at.astimezone(self.tz))


def page(session: Session, who: Viewer, today: date, tz: tzinfo) -> Page:
    return Page(who, today, tz, all_plans(session), people.agency_names(session))


def standing_words(item: ItemRow) -> str:
    return standing_text(item.standing)


def category_class(item: ItemRow) -> str:
    """A CSS class per category (the colour of the row's badge)."""
    if item.standing.blocked:
        return "vuong_mac"
    return item.standing.category.value


def item_cells(item: ItemRow, agencies: dict[str, AgencyRow],
               plans: dict[str, PlanRow]) -> list[Cell]:
    """One item as a row of the .xlsx exports (XLSX_HEADERS_ITEMS)."""
    plan = plans.get(item.plan_id)
    late = item.standing.days_late if item.standing.category is Category.OVERDUE else 0
    return [plan_label(plan) if plan else item.plan_id, item.task_key, item.title,
            item.period_label, agency_short(agencies, item.agency_code), item.due,
            item.completed_on, texts.CATEGORY_NAMES[item.standing.category.value], late,
            texts.XLSX_YES if item.standing.blocked else ""]


def agency_cells(line: AgencyLine) -> list[Cell]:
    t = line.tally
    return [line.name, t.done_on_time, t.done_late, t.in_progress, t.overdue, t.blocked,
            share(t), t.long_overdue]


def week_cells(week: Week) -> list[Cell]:
    return [week.end, *charts.values(week.tally)]


def ranked(overview: Overview) -> Sequence[AgencyLine]:
    return [line for line in overview.agencies if line.tally.overdue][:RANKED]
