"""A plan added with `nhacviec plan add` keeps getting its recurring periods as time passes:
the bot extends it from its stored rows, as a sync of its unchanged file would."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import SYNC_HORIZON, build_services
from bot.settings import Settings
from plan_data.loader import load_directory, load_plan
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Assignment, OccurrenceRow, PlanRow, TaskRow
from storage.sync import sync_plan
from tests.test_plan_cli import cwd, run  # noqa: F401 (a fixture)
from tests.world import Clock, local

PLAN_C = """\
id: bao-cao-cum
code: BC
title: Kế hoạch báo cáo định kỳ về cụm công nghiệp
issuer: UBND tỉnh Bình Thuận
start: 2025-01-01
coordinator: SCT
tasks:
  - key: "1"
    title: Báo cáo quý về cụm công nghiệp
    text: Báo cáo tình hình hoạt động các cụm công nghiệp.
    lead: [STC]
    coordinating: [SCT]
    timeframe: Hàng quý
  - key: "2"
    title: Tổng kết năm 2025
    text: Tổng kết việc thực hiện.
    lead: [SCT]
    timeframe: Năm 2025
"""


def periods(url: str, plan_id: str) -> dict[str, tuple[date, date, frozenset[tuple[str, str]]]]:
    with make_sessionmaker(make_engine(url))() as session:
        rows = session.execute(
            select(OccurrenceRow.period, OccurrenceRow.window_start, OccurrenceRow.due,
                   Assignment.agency_code, Assignment.role)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
            .where(TaskRow.plan_id == plan_id, TaskRow.key == "1",
                   OccurrenceRow.archived.is_(False), Assignment.archived.is_(False))).all()
    found: dict[str, tuple[date, date, set[tuple[str, str]]]] = {}
    for period, start, due, agency, role in rows:
        found.setdefault(period, (start, due, set()))[2].add((agency, role))
    return {p: (s, d, frozenset(a)) for p, (s, d, a) in found.items()}


def test_a_stored_plan_gets_its_new_periods_from_the_bot_as_its_file_would_give(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    url = f"sqlite:///{cwd / 'nhacviec.db'}"
    path = cwd / "bao-cao-cum.yaml"
    path.write_text(PLAN_C, encoding="utf-8")
    assert run(capsys, "init")[0] == 0
    assert run(capsys, "plan", "add", str(path))[0] == 0
    added = periods(url, "bao-cao-cum")
    with make_sessionmaker(make_engine(url))() as session:
        first_horizon = session.get_one(PlanRow, "bao-cao-cum").synced_until
    assert first_horizon is not None and max(d for _, d, _ in added.values()) <= first_horizon

    later = local("2028-03-02 09:00")  # long after the horizon of `plan add`
    services = build_services(Settings(db_url=url), Clock(later))  # the bot starts: it syncs
    until = later.date() + SYNC_HORIZON
    extended = periods(url, "bao-cao-cum")
    assert len(extended) - len(added) >= 4
    assert {p: v for p, v in extended.items() if p in added} == added  # nothing else moved

    # What a sync of the same file up to the same horizon writes, in a database of its own.
    fresh = f"sqlite:///{cwd / 'fresh.db'}"
    upgrade(fresh)
    directory = load_directory()
    with make_sessionmaker(make_engine(fresh))() as session, session.begin():
        sync_plan(session, directory, load_plan(path, directory), until, later)
    assert extended == periods(fresh, "bao-cao-cum")
    assert max(d for _, d, _ in extended.values()) > until - timedelta(days=100)

    assert not services.sync(later).occurrences_added  # in step: nothing more
