"""Several plans in one database: the storage queries scoped by plan see only that plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from plan_data.loader import load_bundled
from storage import people, work
from storage.sync import sync_plan
from tests.world import World, local, make_world

OTHER = "ke-hoach-thu-hai"


def two_plans(tmp_path: Path) -> tuple[World, str]:
    """Return a world holding the bundled plan and a copy of it coordinated by La Gi."""
    world = make_world(tmp_path, local("2025-03-01 10:00"))
    directory, plan = load_bundled()
    other = plan.model_copy(update={"id": OTHER, "coordinator": "LAGI"})
    with world.sessions() as session, session.begin():
        sync_plan(session, directory, other, date(2026, 12, 31), world.clock())
    return world, plan.id


def test_it_returns_the_lead_work_of_one_plan_when_asked(tmp_path: Path) -> None:
    world, bundled = two_plans(tmp_path)
    today = world.clock().date()
    with world.sessions() as session:
        every = work.lead_assignments(session, today)
        own = work.lead_assignments(session, today, plan_id=bundled)
        other = work.lead_assignments(session, today, plan_id=OTHER)
        assert own and len(own) == len(other) and len(every) == len(own) + len(other)
        assert {a.occurrence.task.plan_id for a in own} == {bundled}
        assert {a.occurrence.task.plan_id for a in other} == {OTHER}
        items = work.open_items(session, "SCT", today, plan_id=OTHER)
        assert items and {a.occurrence.task.plan_id for a in items} == {OTHER}
        assert len(work.open_items(session, "SCT", today)) == 2 * len(items)


def test_it_finds_a_task_key_in_one_plan_when_asked(tmp_path: Path) -> None:
    world, bundled = two_plans(tmp_path)
    with world.sessions() as session:
        assert [t.plan_id for t in work.tasks_by_key(session, "1")] == sorted([bundled, OTHER])
        assert [t.plan_id for t in work.tasks_by_key(session, "1", OTHER)] == [OTHER]


def test_the_coordinators_of_a_plan_are_those_of_its_coordinating_agency(
        tmp_path: Path) -> None:
    world, bundled = two_plans(tmp_path)
    world.register("sct-coord", "SCT", "coordinator", name="Lê Điều Phối")
    world.register("lagi-coord", "LAGI", "coordinator", name="Võ Minh Em")
    with world.sessions() as session:
        assert [c.chat_id for c in people.coordinator_chats(session, bundled)] == ["sct-coord"]
        assert [c.chat_id for c in people.coordinator_chats(session, OTHER)] == ["lagi-coord"]
        assert [c.chat_id for c in people.coordinator_chats(session)] == ["sct-coord",
                                                                          "lagi-coord"]
