"""Loading a plan into the database and keeping it in step with a changed plan file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.texts import describe_sync
from plan_data.loader import load_bundled
from scheduler.plan import Agency, AgencyGroup, Directory, Plan, Task
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Assignment, Base, OccurrenceRow, PlanRow, StatusEvent, TaskRow
from storage.sync import SyncReport, sync_plan

NOW = datetime(2024, 5, 2, 1, 0, tzinfo=UTC)
LATER = datetime(2024, 8, 1, 1, 0, tzinfo=UTC)
UNTIL = date(2024, 12, 31)

DIRECTORY = Directory(
    agencies=(
        Agency(code="SCT", name="Sở Công Thương", short_name="SCT", kind="so"),
        Agency(code="STP", name="Sở Tư pháp", short_name="STP", kind="so"),
        Agency(
            code="PHANTHIET", name="UBND thành phố Phan Thiết", short_name="PT", kind="ubnd_huyen"
        ),
        Agency(code="LAGI", name="UBND thị xã La Gi", short_name="LG", kind="ubnd_huyen"),
    ),
    groups=(AgencyGroup(code="HUYEN", name="UBND các huyện", members=("PHANTHIET", "LAGI")),),
)


def make_plan(*tasks: Task) -> Plan:
    return Plan(
        id="test-plan",
        title="Kế hoạch thử",
        issuer="UBND tỉnh",
        start=date(2024, 4, 1),
        coordinator="SCT",
        tasks=tasks,
    )


ONE = Task(
    key="1",
    title="Quán triệt",
    text="Tổ chức quán triệt Nghị định.",
    lead=("SCT",),
    coordinating=("STP", "HUYEN"),
    timeframe="Quý 2 năm 2024",
)
TWO = Task(
    key="2",
    title="Báo cáo quý",
    text="Báo cáo tình hình hằng quý.",
    lead=("HUYEN",),
    coordinating=("SCT", "LAGI"),
    timeframe="Hàng quý",
)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


def sync(
    session_factory: sessionmaker[Session],
    plan: Plan,
    until: date = UNTIL,
    now: datetime = NOW,
    directory: Directory = DIRECTORY,
) -> SyncReport:
    with session_factory() as session, session.begin():
        return sync_plan(session, directory, plan, until, now)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def assignments_of(session: Session, key: str) -> dict[tuple[str, str], Assignment]:
    """Return the assignments of task `key` by (period, agency)."""
    rows = session.execute(
        select(OccurrenceRow.period, Assignment)
        .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
        .join(TaskRow, OccurrenceRow.task_id == TaskRow.id)
        .where(TaskRow.key == key)
    )
    return {(period, assignment.agency_code): assignment for period, assignment in rows}


def occurrences_of(session: Session, key: str) -> dict[str, OccurrenceRow]:
    rows = session.scalars(select(OccurrenceRow).join(TaskRow).where(TaskRow.key == key))
    return {row.period: row for row in rows}


def test_it_stores_tasks_occurrences_and_assignments_with_groups_expanded(
    session_factory: sessionmaker[Session],
) -> None:
    report = sync(session_factory, make_plan(ONE, TWO))

    assert (report.tasks, report.occurrences) == (2, 4)  # 1 deadline + 2024-Q2, Q3, Q4
    with session_factory() as session:
        one = {agency: a.role for (_, agency), a in assignments_of(session, "1").items()}
        assert one == {
            "SCT": "lead",
            "STP": "coordinating",
            "PHANTHIET": "coordinating",
            "LAGI": "coordinating",
        }
        two = occurrences_of(session, "2")
        assert sorted(two) == ["2024-Q2", "2024-Q3", "2024-Q4"]
        assert two["2024-Q3"].due == date(2024, 9, 30)
        assert occurrences_of(session, "1")[""].due == date(2024, 6, 30)
        plan = session.get_one(PlanRow, "test-plan")
        assert (plan.start, plan.coordinator_code) == (date(2024, 4, 1), "SCT")


def test_an_agency_that_leads_and_coordinates_only_leads(
    session_factory: sessionmaker[Session],
) -> None:
    report = sync(session_factory, make_plan(TWO))

    with session_factory() as session:
        q3 = {
            agency: a.role
            for (period, agency), a in assignments_of(session, "2").items()
            if period == "2024-Q3"
        }
    assert q3 == {"PHANTHIET": "lead", "LAGI": "lead", "SCT": "coordinating"}
    assert report.assignments == 3 * 3


def test_a_second_sync_changes_nothing(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    first = sync(session_factory, make_plan(ONE, TWO))
    before = snapshot(engine)

    second = sync(session_factory, make_plan(ONE, TWO), now=LATER)

    assert first.changed and not second.changed
    assert snapshot(engine) == before
    assert describe_sync(second) == "Không có thay đổi."
    assert (second.tasks, second.occurrences, second.assignments) == (
        first.tasks,
        first.occurrences,
        first.assignments,
    )


def test_a_later_horizon_adds_occurrences_and_keeps_the_existing_ones(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(TWO))
    with session_factory() as session:
        ids = {period: row.id for period, row in occurrences_of(session, "2").items()}

    report = sync(session_factory, make_plan(TWO), until=date(2025, 6, 30), now=LATER)

    assert report.occurrences_added == 2 and report.occurrences_archived == 0
    with session_factory() as session:
        now_ids = {period: row.id for period, row in occurrences_of(session, "2").items()}
        added = assignments_of(session, "2")[("2025-Q1", "LAGI")]
        assert added.updated_at == LATER
    assert {period: now_ids[period] for period in ids} == ids
    assert set(now_ids) - set(ids) == {"2025-Q1", "2025-Q2"}


def test_an_earlier_horizon_archives_nothing(session_factory: sessionmaker[Session]) -> None:
    sync(session_factory, make_plan(TWO), until=date(2025, 6, 30))

    report = sync(session_factory, make_plan(TWO), until=date(2024, 7, 31))

    assert not report.changed
    assert report.occurrences == 5


def test_a_changed_text_updates_the_task_in_place(session_factory: sessionmaker[Session]) -> None:
    sync(session_factory, make_plan(ONE))
    with session_factory() as session:
        task_id = session.scalars(select(TaskRow.id)).one()

    changed = ONE.model_copy(update={"text": "Văn bản đã sửa.", "title": "Tiêu đề mới"})
    report = sync(session_factory, make_plan(changed))

    assert report.tasks_updated == 1 and report.tasks_added == 0
    with session_factory() as session:
        task = session.get_one(TaskRow, task_id)
        assert (task.text, task.title) == ("Văn bản đã sửa.", "Tiêu đề mới")


def test_a_status_and_its_events_survive_a_changed_plan(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(ONE))
    with session_factory() as session, session.begin():
        lead = assignments_of(session, "1")[("", "SCT")]
        lead.status = "done"
        lead.completed_on = date(2024, 6, 20)
        session.add(
            StatusEvent(
                assignment_id=lead.id,
                agency_code="SCT",
                channel="telegram",
                status="done",
                note="Xong.",
                at=datetime(2024, 6, 20, 2, 0, tzinfo=UTC),
            )
        )
        lead_id = lead.id

    moved = ONE.model_copy(update={"text": "Sửa.", "timeframe": "Quý 3 năm 2024"})
    report = sync(session_factory, make_plan(moved, TWO), now=LATER)

    assert report.occurrences_updated == 1
    with session_factory() as session:
        lead = assignments_of(session, "1")[("", "SCT")]
        assert (lead.id, lead.status, lead.completed_on) == (lead_id, "done", date(2024, 6, 20))
        assert occurrences_of(session, "1")[""].due == date(2024, 9, 30)
        event = session.scalars(select(StatusEvent)).one()
        assert (event.assignment_id, event.note) == (lead_id, "Xong.")


def test_a_removed_task_is_archived_and_comes_back_with_its_history(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(ONE, TWO))
    with session_factory() as session, session.begin():
        q2 = assignments_of(session, "2")[("2024-Q2", "LAGI")]
        q2.status = "blocked"
        q2_id = q2.id

    removed = sync(session_factory, make_plan(ONE))

    assert (removed.tasks_archived, removed.occurrences_archived) == (1, 3)
    assert removed.assignments_archived == 9
    assert (removed.tasks, removed.occurrences) == (1, 1)
    with session_factory() as session:
        task = session.scalars(select(TaskRow).filter_by(key="2")).one()
        assert task.archived
        assert all(row.archived for row in occurrences_of(session, "2").values())
        assert all(row.archived for row in assignments_of(session, "2").values())
        assert not any(row.archived for row in assignments_of(session, "1").values())

    restored = sync(session_factory, make_plan(ONE, TWO))

    assert restored.tasks_updated == 1 and restored.tasks_added == 0
    with session_factory() as session:
        q2 = assignments_of(session, "2")[("2024-Q2", "LAGI")]
        assert (q2.id, q2.status, q2.archived) == (q2_id, "blocked", False)


def test_a_changed_time_frame_archives_the_occurrences_it_no_longer_gives(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(TWO))

    yearly = TWO.model_copy(update={"timeframe": "Hàng năm"})
    report = sync(session_factory, make_plan(yearly))

    assert (report.occurrences_added, report.occurrences_archived) == (1, 3)
    with session_factory() as session:
        live = {p for p, row in occurrences_of(session, "2").items() if not row.archived}
        task = session.scalars(select(TaskRow).filter_by(key="2")).one()
    assert live == {"2024"}
    assert (task.timeframe, task.kind) == ("Hàng năm", "recurring")


def test_an_agency_dropped_from_a_task_has_its_part_archived(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(ONE))

    fewer = ONE.model_copy(update={"coordinating": ("STP",)})
    report = sync(session_factory, make_plan(fewer))

    assert report.assignments_archived == 2
    with session_factory() as session:
        archived = {a for (_, a), row in assignments_of(session, "1").items() if row.archived}
    assert archived == {"PHANTHIET", "LAGI"}


def test_a_role_change_updates_the_assignment(session_factory: sessionmaker[Session]) -> None:
    sync(session_factory, make_plan(ONE))

    swapped = ONE.model_copy(update={"lead": ("STP",), "coordinating": ("SCT", "HUYEN")})
    report = sync(session_factory, make_plan(swapped), now=LATER)

    assert report.assignments_updated == 2
    with session_factory() as session:
        rows = assignments_of(session, "1")
        assert (rows[("", "STP")].role, rows[("", "SCT")].role) == ("lead", "coordinating")
        assert rows[("", "STP")].updated_at == LATER


def test_an_ad_hoc_occurrence_is_kept_and_assigned(
    session_factory: sessionmaker[Session],
) -> None:
    sync(session_factory, make_plan(ONE))
    with session_factory() as session, session.begin():
        task = session.scalars(select(TaskRow).filter_by(key="1")).one()
        session.add(
            OccurrenceRow(
                task_id=task.id,
                period="DX1",
                label="Đột xuất 1",
                window_start=date(2024, 5, 1),
                due=date(2024, 5, 15),
                ad_hoc=True,
                archived=False,
            )
        )

    report = sync(session_factory, make_plan(ONE))

    assert report.occurrences_archived == 0 and report.assignments_added == 4
    with session_factory() as session:
        assert not occurrences_of(session, "1")["DX1"].archived
        assert assignments_of(session, "1")[("DX1", "SCT")].role == "lead"


def test_the_bundled_plan_loads_and_a_second_sync_changes_nothing(
    engine: Engine, session_factory: sessionmaker[Session]
) -> None:
    directory, plan = load_bundled()

    first = sync(session_factory, plan, until=date(2025, 6, 30), directory=directory)
    before = snapshot(engine)
    second = sync(session_factory, plan, until=date(2025, 6, 30), directory=directory)

    assert first.tasks == len(plan.tasks) and first.agencies_added == len(directory.agencies)
    assert first.occurrences > len(plan.tasks) and first.assignments > first.occurrences
    assert not second.changed and snapshot(engine) == before
    with session_factory() as session:
        for task in plan.tasks:
            leads = set(directory.expand(task.lead))
            for period in occurrences_of(session, task.key):
                found = {
                    agency
                    for (p, agency), a in assignments_of(session, task.key).items()
                    if p == period and a.role == "lead"
                }
                assert found == leads, (task.key, period)
