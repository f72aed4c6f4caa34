"""Several plans at once, and a plan taken up mid-way (issue 11): each plan its coordinator,
its code and its send time; tasks named `PLAN:KEY` when a bare key would be ambiguous;
archived plans silent; periods due before `track_from` neither reminded nor overdue."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from sqlalchemy import func, select

from bot import texts
from bot.app import Services
from bot.channels.base import TransportError
from bot.delivery.tick import run_tick
from bot.settings import Settings
from plan_data.loader import load_bundled, load_directory, load_plan
from scheduler.status import Category, standing_of
from storage import outbox, plans, work
from storage.models import (
    Assignment,
    OccurrenceRow,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    PlanRow,
    ReminderRow,
    StatusEvent,
    TaskRow,
    Tick,
)
from storage.report import collect_report
from storage.sync import sync_plan
from tests.fakes.zalo_api import FakeZaloServer
from tests.test_delivery import FakeTransport, dispatcher, drain, run
from tests.test_e2e_zalo import make_bot, play
from tests.world import TZ, World, local, make_world

SEND_AT = time(8, 0)
B_TITLE = "Rà soát hạ tầng giao thông cụm"

PLAN_B = f"""\
id: xd-ha-tang
code: XD
title: Kế hoạch phát triển hạ tầng giao thông kết nối các cụm công nghiệp
issuer: UBND tỉnh Bình Thuận
start: 2025-01-01
coordinator: SGTVT
{{extra}}
tasks:
  - key: "1"
    title: {B_TITLE}
    text: Rà soát hạ tầng giao thông kết nối các cụm công nghiệp trên địa bàn.
    lead: [LAGI]
    timeframe: Quý 1 năm 2025
  - key: "5"
    title: Báo cáo giao thông kết nối cụm
    text: Báo cáo tình hình giao thông kết nối các cụm công nghiệp.
    lead: [LAGI]
    timeframe: Quý 2 năm 2025
  - key: "7"
    title: Tổng kết kế hoạch hạ tầng
    text: Tổng kết việc thực hiện kế hoạch.
    lead: [SGTVT]
    timeframe: Năm 2025
"""


def write_plan_b(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "xd-ha-tang.yaml"
    path.write_text(PLAN_B.replace("{extra}", extra), encoding="utf-8")
    return path


def with_plan_b(tmp_path: Path, now: str, extra: str = "") -> World:
    """A world holding the bundled plan (ND32, coordinated by SCT) and plan B (XD, by SGTVT)."""
    world = make_world(tmp_path, local(now))
    directory = load_directory()
    plan = load_plan(write_plan_b(tmp_path, extra), directory)
    with world.sessions() as session, session.begin():
        sync_plan(session, directory, plan, date(2026, 12, 31), world.clock())
    return world


def messages(world: World, chat_id: str, kind: OutboxKind | None = None) -> list[str]:
    with world.sessions() as session:
        query = select(OutboxMessage.text).where(OutboxMessage.chat_id == chat_id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind.value)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def tick(world: World, at: str) -> None:
    world.clock.now = local(at)
    with world.sessions() as session, session.begin():
        run_tick(session, world.clock(), world.calendar, TZ, SEND_AT)


def reminders_by_plan(world: World) -> dict[str, int]:
    with world.sessions() as session:
        return dict(session.execute(
            select(TaskRow.plan_id, func.count(ReminderRow.id))
            .join(OccurrenceRow, OccurrenceRow.task_id == TaskRow.id)
            .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
            .join(ReminderRow, ReminderRow.assignment_id == Assignment.id)
            .group_by(TaskRow.plan_id)).all())


# ---- two plans, two coordinators ---------------------------------------------------------


def test_an_escalation_of_plan_b_reaches_only_the_officers_of_b_s_coordinating_agency(
        tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-04-03 08:00")
    world.register("sct", "SCT", "coordinator")
    world.register("sgtvt", "SGTVT", "coordinator")
    world.register("lagi", "LAGI")
    tick(world, "2025-04-03 08:00")  # B:1 was due 31/03/2025: +3 working days
    to_b = messages(world, "sgtvt", OutboxKind.ESCALATION)
    to_nd32 = messages(world, "sct", OutboxKind.ESCALATION)
    assert any(B_TITLE in text for text in to_b)
    assert all(B_TITLE in text for text in to_b)  # none of the bundled plan's
    assert to_nd32 and not any(B_TITLE in text for text in to_nd32)


def test_a_blocker_on_plan_b_alerts_only_b_s_coordinators(tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-10 09:00")
    world.register("sct", "SCT", "coordinator")
    world.register("sgtvt", "SGTVT", "coordinator")
    world.register("lagi", "LAGI")
    answer = world.say("lagi", "/vuongmac 1 Thiếu kinh phí khảo sát")
    assert "Thiếu" not in answer or "vướng" in answer.lower()
    assert [t for t in messages(world, "sgtvt", OutboxKind.NOTICE) if B_TITLE in t]
    assert messages(world, "sct", OutboxKind.NOTICE) == []


def test_an_unreachable_officer_on_plan_b_s_reminder_is_told_to_b_s_coordinators_only(
        tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-24 08:00")
    world.register("111", "LAGI", name="Võ La Gi", channel="telegram")
    world.register("900", "SCT", "coordinator", channel="telegram")
    world.register("901", "SGTVT", "coordinator", channel="telegram")
    with world.sessions() as session, session.begin():
        chat = session.scalars(select(OfficerChat).where(OfficerChat.chat_id == "111")).one()
        task = work.tasks_by_key(session, "1", "xd-ha-tang")[0]
        [assignment] = work.assignments_of_task(session, task.id, "LAGI")
        assert outbox.enqueue(session, chat, OutboxKind.REMINDER.value, "nhắc XD:1", (),
                              world.clock(), assignment_id=assignment.id)
    transport = FakeTransport()
    transport.fail("111", TransportError("Forbidden: bot was blocked by the user",
                                         permanent=True))
    run(drain(world, dispatcher(world, transport, per_chat_per_second=50)))
    [alert] = transport.texts("901")
    assert "Võ La Gi" in alert
    assert transport.texts("900") == []


# ---- naming a task among several plans ---------------------------------------------------


def test_a_bare_key_names_the_one_plan_where_the_officer_s_agency_has_it(
        tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-10 09:00")
    world.register("lagi", "LAGI")
    # Task 1 of the bundled plan is Sở Công Thương's: for La Gi, "1" is plan XD's.
    answer = world.say("lagi", "/tiendo 1 Đã khảo sát xong hai cụm")
    assert "tiến độ" in answer.lower() or "Đã ghi" in answer, answer
    with world.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
        assignment = session.get_one(Assignment, event.assignment_id)
        assert assignment.occurrence.task.plan_id == "xd-ha-tang"


def test_an_ambiguous_bare_key_lists_the_plan_key_choices_and_changes_nothing(
        tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-06-10 09:00")
    world.register("lagi", "LAGI")
    world.register("sct", "SCT", "coordinator")
    # La Gi leads 5 in both plans (the bundled plan's through the ten district units).
    answer = world.say("lagi", "/xong 5 Đã gửi báo cáo")
    assert "ND32:5" in answer and "XD:5" in answer, answer
    # The coordinator sees every plan: "1" is in both.
    answer = world.say("sct", "/xong 1 Đã xong")
    assert "ND32:1" in answer and "XD:1" in answer, answer
    assert world.count(StatusEvent) == 0
    # Named with its plan, it is applied, to that plan's item only.
    answer = world.say("lagi", "/xong xd:5 Đã gửi báo cáo")
    assert "XD" not in answer or "hoàn thành" in answer.lower()
    with world.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
        task = session.get_one(Assignment, event.assignment_id).occurrence.task
        assert (task.plan_id, task.key, event.status) == ("xd-ha-tang", "5", "done")
    assert "ND32:5" in world.say("lagi", "/tinhhinh 5")
    assert "Không có kế hoạch mã «KHAC»" in world.say("lagi", "/xong KHAC:5")
    # A coordinator who names the agency names the plans it has a part in: La Gi's 1 is XD's.
    world.say("sct", "/xong 1 LAGI Đã rà soát")
    with world.sessions() as session:
        last = session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
        assert last is not None
        task = session.get_one(Assignment, last.assignment_id).occurrence.task
        assert (task.plan_id, task.key) == ("xd-ha-tang", "1")


def test_on_zalo_an_ambiguous_key_is_asked_and_plan_key_applies(tmp_path: Path) -> None:
    with FakeZaloServer() as zalo:
        bot = make_bot(tmp_path, zalo, local("2025-06-10 09:00"))
        directory = load_directory()
        with bot.services.sessions() as session, session.begin():
            sync_plan(session, directory, load_plan(write_plan_b(tmp_path), directory),
                      date(2026, 12, 31), bot.clock())

        async def scenario() -> None:
            await bot.register("z-lagi", "LAGI", slash="")
            [asked] = await bot.says("z-lagi", "xong 5")
            assert "ND32:5" in asked and "XD:5" in asked, asked
            [done] = await bot.says("z-lagi", "xong XD:5 đã nộp báo cáo")
            assert "hoàn thành" in done, done

        play(bot, scenario)
    assert [(status, channel) for status, channel, _ in bot.events()] == [("done", "zalo")]
    with bot.services.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
        assert session.get_one(Assignment, event.assignment_id).occurrence.task.plan_id == (
            "xd-ha-tang")


def test_a_plan_code_first_narrows_tasks_status_and_overdue(tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-06-10 09:00")
    world.register("lagi", "LAGI")
    world.register("sct", "SCT", "coordinator")
    every = world.say("lagi", "/viec")
    only_b = world.say("lagi", "/viec XD")
    assert B_TITLE in every and B_TITLE in only_b and len(only_b) < len(every)
    assert world.say("lagi", "/viec KHAC") == (
        "Không có kế hoạch mã «KHAC». Các kế hoạch đang theo dõi: ND32, XD.")
    overdue_b = world.say("sct", "/quahan XD LAGI")
    assert "1 (Quý 1 năm 2025)" in overdue_b and "2024" not in overdue_b, overdue_b
    assert "2024" in world.say("sct", "/quahan LAGI")  # every plan's
    assert "XD" in world.say("sct", "/tinhhinh XD")
    with world.sessions() as session:
        today = world.clock().date()
        b_items = work.lead_assignments(session, today, plan_id="xd-ha-tang")
    assert f"Tổng số: {len(b_items)}" in world.say("sct", "/tinhhinh XD")


# ---- plan update, archive ----------------------------------------------------------------


def test_a_plan_update_keeps_statuses_and_archives_removed_tasks(tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-10 09:00")
    world.register("lagi", "LAGI")
    world.say("lagi", "/xong XD:1 Đã rà soát")
    directory = load_directory()
    changed = PLAN_B.replace("{extra}", "").replace(B_TITLE, "Rà soát hạ tầng (sửa)")
    changed = changed.replace('  - key: "7"', '  - key: "8"')
    path = tmp_path / "changed.yaml"
    path.write_text(changed, encoding="utf-8")
    with world.sessions() as session, session.begin():
        report = sync_plan(session, directory, load_plan(path, directory), date(2026, 12, 31),
                           world.clock())
    assert (report.tasks_added, report.tasks_archived, report.tasks_updated) == (1, 1, 1)
    with world.sessions() as session:
        task = work.tasks_by_key(session, "1", "xd-ha-tang")[0]
        done = work.assignments_of_task(session, task.id)
        assert task.title == "Rà soát hạ tầng (sửa)"
        assert [a.status for a in done] == ["done"]
        assert work.tasks_by_key(session, "7", "xd-ha-tang") == []
    assert world.count(StatusEvent) == 1


def test_an_archived_plan_gets_no_reminders_and_leaves_status_but_keeps_its_history(
        tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-24 08:00")
    world.register("lagi", "LAGI")
    world.register("sct", "SCT", "coordinator")
    tick(world, "2025-03-24 08:00")  # B:1 T-7
    before = reminders_by_plan(world)
    assert before.get("xd-ha-tang", 0) > 0
    world.say("lagi", "/tiendo XD:1 Đang khảo sát")
    with world.sessions() as session, session.begin():
        assert plans.archive(session, session.get_one(PlanRow, "xd-ha-tang"))
    tick(world, "2025-03-28 08:00")  # B:1 T-1 would be due
    after = reminders_by_plan(world)
    assert after["xd-ha-tang"] == before["xd-ha-tang"]
    assert after["nd32-binh-thuan"] >= before.get("nd32-binh-thuan", 0)
    assert B_TITLE not in world.say("lagi", "/viec")
    assert "Không có kế hoạch mã «XD»" in world.say("lagi", "/xong XD:1")
    assert "XD:1" not in world.say("lagi", "/xong 5 xong")  # only one plan left to name
    assert world.count(StatusEvent) >= 1
    with world.sessions() as session:
        history = collect_report(session, "xd-ha-tang", world.clock().date()).events
    assert [row.task_key for row in history] == ["1"]


# ---- tracking from a day -----------------------------------------------------------------


def test_periods_due_before_track_from_get_no_reminders(tmp_path: Path) -> None:
    (tmp_path / "tracked").mkdir()
    (tmp_path / "control").mkdir()
    tracked = make_world(tmp_path / "tracked", local("2026-12-01 08:00"))
    control = make_world(tmp_path / "control", local("2026-12-01 08:00"))
    with tracked.sessions() as session, session.begin():
        plans.set_track_from(session, session.get_one(PlanRow, "nd32-binh-thuan"),
                             date(2026, 12, 1))
    dues: dict[str, list[date]] = {}
    for name, world in (("tracked", tracked), ("control", control)):
        for agency in ("SCT", "LAGI", "STC", "SNV"):
            world.register(f"{name}-{agency}", agency, "coordinator" if agency == "SCT"
                           else "focal")
        tick(world, "2026-12-01 08:00")
        with world.sessions() as session:
            dues[name] = list(session.scalars(
                select(OccurrenceRow.due)
                .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
                .join(ReminderRow, ReminderRow.assignment_id == Assignment.id)))
    assert dues["control"] and min(dues["control"]) < date(2026, 12, 1)
    assert dues["tracked"] and min(dues["tracked"]) >= date(2026, 12, 1)
    assert len(dues["tracked"]) < len(dues["control"])


def test_periods_due_before_track_from_are_shown_apart_and_never_overdue(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2026-12-01 09:00"))
    world.register("sct", "SCT", "coordinator")
    today = date(2026, 12, 1)
    with world.sessions() as session:
        untracked = collect_report(session, "nd32-binh-thuan", today).summary
    assert untracked.overdue > 0 and untracked.not_tracked == 0
    with world.sessions() as session, session.begin():
        plans.set_track_from(session, session.get_one(PlanRow, "nd32-binh-thuan"), today)
    with world.sessions() as session:
        summary = collect_report(session, "nd32-binh-thuan", today).summary
        items = work.lead_assignments(session, today)
        categories = {standing_of(a, today).category for a in items if a.due < today
                      and a.completed_on is None}
    assert categories == {Category.NOT_TRACKED}
    assert summary.overdue == 0 and summary.not_tracked == untracked.overdue
    assert summary.total == untracked.total - untracked.overdue
    shown = world.say("sct", "/tinhhinh")
    assert f"Không theo dõi (đến hạn trước ngày bắt đầu theo dõi): {summary.not_tracked}" in shown
    assert "- Quá hạn: 0" in shown
    assert world.say("sct", "/quahan") == texts.NO_OVERDUE


# ---- each plan its send time -------------------------------------------------------------


def test_each_plan_ticks_at_its_own_send_time_once_per_instant(tmp_path: Path) -> None:
    world = with_plan_b(tmp_path, "2025-03-21 08:05", extra='send_at: "07:30"')
    world.register("lagi", "LAGI")
    world.register("sct", "SCT", "coordinator")
    directory, plan = load_bundled()
    services = Services(Settings(db_url=world.url, send_at=SEND_AT),
                        world.sessions.kw["bind"], world.sessions, world.clock, world.calendar,
                        directory, plan, world.commands)
    assert services.tick(local("2025-03-21 08:05")) is not None  # Friday: both instants
    served = reminders_by_plan(world)
    assert services.tick(local("2025-03-24 07:20")) is None  # Monday, before either time
    queued = services.tick(local("2025-03-24 07:45"))  # plan XD's 07:30 only: B:1 T-7
    assert queued
    after_b = reminders_by_plan(world)
    assert after_b["xd-ha-tang"] > served.get("xd-ha-tang", 0)
    assert after_b.get("nd32-binh-thuan", 0) == served.get("nd32-binh-thuan", 0)
    assert services.tick(local("2025-03-24 07:50")) is None  # served once
    services.tick(local("2025-03-24 08:05"))  # the bundled plan's 08:00
    assert reminders_by_plan(world)["xd-ha-tang"] == after_b["xd-ha-tang"]
    assert services.tick(local("2025-03-24 08:10")) is None
    with world.sessions() as session:
        instants = [t.astimezone(TZ).strftime("%d/%m %H:%M")
                    for t in session.scalars(select(Tick.due_at).order_by(Tick.due_at))]
    assert instants == ["21/03 07:30", "21/03 08:00", "24/03 07:30", "24/03 08:00"]
