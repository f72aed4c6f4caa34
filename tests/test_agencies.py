"""Agencies that change: names in force over periods, succession, dissolution, the bundled 2025
reorganisation and `nhacviec agency ...`. Real SQLite files; ticks through the services."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot import texts
from bot.agency_changes import apply_due, apply_reorganisation
from bot.app import Services
from bot.cli import main
from bot.settings import Settings
from plan_data.loader import load_bundled
from plan_data.reorganisation import load_reorganisation
from storage import agencies
from storage.db import make_engine, make_sessionmaker
from storage.invites import create_invite
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentStatus,
    Base,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    Role,
    StatusEvent,
    TaskRow,
)
from storage.models_agencies import AgencyName
from storage.report import collect_report
from storage.sync import sync_plan
from tests.world import TZ, World, local, make_world


def services(world: World) -> Services:
    directory, plan = load_bundled()
    return Services(Settings(db_url=world.url), world.sessions.kw["bind"], world.sessions,
                    world.clock, world.calendar, directory, plan, world.commands)


def tick_at(world: World, day: str) -> None:
    world.clock.now = local(f"{day} 08:00")
    services(world).tick(world.clock.now, forced=True)


def open_codes(session: Session, key: str) -> dict[str, str]:
    """Return period -> agency of the task's live lead assignments not done."""
    rows = session.execute(
        select(OccurrenceRow.period, Assignment.agency_code)
        .join(Assignment.occurrence).join(OccurrenceRow.task)
        .where(TaskRow.key == key, Assignment.role == "lead", Assignment.archived.is_(False),
               Assignment.status != AssignmentStatus.DONE.value))
    return {period: code for period, code in rows}


def lead(session: Session, key: str, period: str, code: str) -> Assignment:
    return session.scalars(
        select(Assignment).join(Assignment.occurrence).join(OccurrenceRow.task)
        .where(TaskRow.key == key, OccurrenceRow.period == period,
               Assignment.agency_code == code)).one()


def messages(world: World, chat_id: str, kind: OutboxKind) -> list[OutboxMessage]:
    with world.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.kind == kind.value)
            .order_by(OutboxMessage.id)))


@pytest.fixture
def world(tmp_path: Path) -> World:
    # Task 8 (SKHDT leads, SCT coordinates) is yearly: 8@2024 is due 31/12/2024.
    world = make_world(tmp_path, local("2024-12-20 09:00"), until=date(2026, 12, 31))
    world.register("khdt", "SKHDT")
    world.register("tc", "STC")
    world.register("sct", "SCT", "coordinator")
    assert "✅" in world.say("khdt", "/xong 8@2024 Đã ban hành kế hoạch xúc tiến")
    world.clock.now = local("2025-02-20 09:00")
    assert "📝" in world.say("khdt", "/tiendo 8@2025 Đang xây dựng danh mục dự án")
    return world


def succeed_skhdt(world: World, to: str = "STC", day: date = date(2025, 3, 3)) -> None:
    with world.sessions() as session, session.begin():
        agencies.succeed(session, "SKHDT", to, day)


def test_a_succession_moves_open_items_to_the_successor_and_keeps_history_under_the_old_name(
        world: World) -> None:
    succeed_skhdt(world)
    tick_at(world, "2025-03-03")

    with world.sessions() as session:
        assert set(open_codes(session, "8").values()) == {"STC"}
        done = lead(session, "8", "2024", "SKHDT")  # done work stays the old agency's
        assert done.status == AssignmentStatus.DONE.value
        moved = lead(session, "8", "2025", "STC")
        events = session.scalars(select(StatusEvent).where(
            StatusEvent.assignment_id.in_([done.id, moved.id]))).all()
        assert {event.agency_code for event in events} == {"SKHDT"}  # who reported, then
        report = collect_report(session, "nd32-binh-thuan", date(2025, 3, 3))
    assert {row.reporter_agency_short for row in report.events} == {"Sở KH&ĐT"}
    assert "8@2025" in world.say("tc", "/viec")
    assert "không có việc" in world.say("khdt", "/viec").lower() or \
        "8@2025" not in world.say("khdt", "/viec")
    status = world.say("sct", "/tinhhinh")
    assert "Sở KH&ĐT: ĐH 1" in status  # its done item, under its name
    assert "Sở Tài chính" in status
    # The successor reports on the moved item; the old agency can no longer.
    assert "8@2025" not in world.say("khdt", "/xong 8@2025 xong")
    assert "✅" in world.say("tc", "/xong 8@2025 Sở Tài chính đã hoàn thành")


def test_a_re_sync_after_succession_does_not_bring_the_old_agency_back(world: World) -> None:
    succeed_skhdt(world)
    tick_at(world, "2025-03-03")
    directory, plan = load_bundled()
    with world.sessions() as session, session.begin():
        before = session.scalars(select(Assignment.id).where(
            Assignment.archived.is_(False))).all()
        # Again, and with a longer horizon: new periods of task 8 are the successor's too.
        report = sync_plan(session, directory, plan, date(2027, 12, 31),
                           local("2025-03-04 08:00"), today=date(2025, 3, 4))
        assert report.assignments_archived == 0 and report.assignments_updated == 0
        assert set(open_codes(session, "8").values()) == {"STC"}
        assert "2027" in open_codes(session, "8")
        assert lead(session, "8", "2024", "SKHDT").status == AssignmentStatus.DONE.value
        after = session.scalars(select(Assignment.id).where(Assignment.archived.is_(False))).all()
        assert set(before) <= set(after)
    tick_at(world, "2025-03-05")
    with world.sessions() as session:
        assert set(open_codes(session, "8").values()) == {"STC"}


def agency_notices(world: World) -> list[OutboxMessage]:
    with world.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("agency:%")).order_by(OutboxMessage.id)))


def test_a_future_succession_applies_on_its_day_s_tick_and_only_once(world: World) -> None:
    succeed_skhdt(world, day=date(2025, 3, 4))
    tick_at(world, "2025-03-03")
    with world.sessions() as session:
        assert set(open_codes(session, "8").values()) == {"SKHDT"}
    assert agency_notices(world) == []

    tick_at(world, "2025-03-04")
    tick_at(world, "2025-03-05")
    tick_at(world, "2025-03-05")
    with world.sessions() as session:
        assert set(open_codes(session, "8").values()) == {"STC"}
    notices = agency_notices(world)
    assert [message.chat_id for message in notices] == ["khdt"]
    assert notices[0].text == texts.AGENCY_SUCCEEDED_NOTICE.format(
        day="04/03/2025", old="Sở Kế hoạch và Đầu tư", new="Sở Tài chính")


def test_the_old_agency_s_officers_are_told_once_and_receive_none_of_its_reminders_after(
        world: World) -> None:
    succeed_skhdt(world)
    before = len(messages(world, "khdt", OutboxKind.REMINDER))
    day = date(2025, 3, 3)
    while day <= date(2025, 12, 31):  # through the T-30, T-7, due and overdue of 8@2025
        if world.calendar.is_working_day(day):
            tick_at(world, day.isoformat())
        day += timedelta(days=1)
    assert len(messages(world, "khdt", OutboxKind.REMINDER)) == before
    assert len(messages(world, "khdt", OutboxKind.NOTICE)) == 1
    assert any("8@2025" in message.text for message in messages(world, "tc",
                                                                   OutboxKind.REMINDER))


def test_a_succession_onto_an_agency_already_in_the_item_gives_it_the_lead(world: World) -> None:
    # SCT coordinates task 8: taking SKHDT's work, it leads 8@2025 with SKHDT's status.
    with world.sessions() as session, session.begin():
        lead(session, "8", "2025", "SKHDT").status = AssignmentStatus.BLOCKED.value
    succeed_skhdt(world, to="SCT")
    tick_at(world, "2025-03-03")
    directory, plan = load_bundled()
    with world.sessions() as session, session.begin():
        sync_plan(session, directory, plan, date(2026, 12, 31), local("2025-03-04 08:00"),
                  today=date(2025, 3, 4))
        merged = lead(session, "8", "2025", "SCT")
        assert (merged.role, merged.status, merged.archived) == ("lead", "blocked", False)
        assert lead(session, "8", "2025", "SKHDT").archived


def test_a_dissolution_tells_the_coordinator_once_which_items_have_nobody_and_stops_reminders(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2025-06-25 09:00"))
    world.register("lagi", "LAGI")
    world.register("sct", "SCT", "coordinator")
    with world.sessions() as session, session.begin():
        agencies.dissolve(session, "LAGI", date(2025, 7, 1))
    tick_at(world, "2025-06-30")
    before = len(messages(world, "lagi", OutboxKind.REMINDER))
    assert before > 0
    for day in ("2025-07-01", "2025-07-02", "2025-07-02", "2025-07-08", "2025-10-01"):
        tick_at(world, day)
    assert len(messages(world, "lagi", OutboxKind.REMINDER)) == before
    coordinator = [m for m in agency_notices(world) if m.chat_id == "sct"]
    assert len(coordinator) == 1
    assert "Ủy ban nhân dân thị xã La Gi" in coordinator[0].text
    assert "5@" in coordinator[0].text and "không có cơ quan phụ trách" in coordinator[0].text
    assert [m.chat_id for m in agency_notices(world)] == ["lagi", "sct"]
    assert "UBND TX La Gi (không có cơ quan phụ trách)" in world.say("sct", "/tinhhinh")


def test_name_on_returns_the_name_in_force_that_day(world: World) -> None:
    with world.sessions() as session, session.begin():
        agencies.rename(session, "UBNDT", "Ủy ban nhân dân tỉnh Lâm Đồng", None, date(2025, 7, 1))
    with world.sessions() as session:
        assert agencies.name_on(session, "UBNDT", date(2025, 6, 30)) == (
            "Ủy ban nhân dân tỉnh Bình Thuận", "UBND tỉnh")
        assert agencies.name_on(session, "UBNDT", date(2025, 7, 1)) == (
            "Ủy ban nhân dân tỉnh Lâm Đồng", "UBND tỉnh")
        assert agencies.names_on(session, date(2024, 1, 1))["UBNDT"].name.endswith("Bình Thuận")
        assert agencies.name_on(session, "KHONGCO", date(2025, 7, 1)) is None
    tick_at(world, "2025-06-30")
    with world.sessions() as session:
        assert session.get_one(AgencyRow, "UBNDT").name.endswith("Bình Thuận")
    tick_at(world, "2025-07-01")
    with world.sessions() as session:
        assert session.get_one(AgencyRow, "UBNDT").name.endswith("Lâm Đồng")


def test_the_file_seeds_names_and_a_later_sync_never_overwrites_the_operator_s(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2025-01-02 09:00"))
    directory, plan = load_bundled()
    corrected = directory.model_copy(update={"agencies": [
        agency.model_copy(update={"name": agency.name + " (sửa)"}) for agency in
        directory.agencies]})
    with world.sessions() as session, session.begin():
        agencies.rename(session, "STP", "Sở Tư pháp tỉnh", None, date(2025, 1, 1))
        report = sync_plan(session, corrected, plan, date(2026, 12, 31), local("2025-01-02 09:00"))
        # A name only a file ever set follows the file; one the operator changed stays.
        assert session.get_one(AgencyRow, "SCT").name == "Sở Công Thương (sửa)"
        assert agencies.name_on(session, "STP", date(2025, 1, 2)) == (
            "Sở Tư pháp tỉnh", "Sở Tư pháp")
        assert agencies.name_on(session, "STP", date(2024, 12, 31)) == (
            "Sở Tư pháp", "Sở Tư pháp")
        assert report.agencies_updated == len(directory.agencies) - 1


# ---- the command line -------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", url)
    for name in ("NHACVIEC_PLAN", "NHACVIEC_AGENCIES", "TELEGRAM_BOT_USERNAME", "NHACVIEC_TZ"):
        monkeypatch.delenv(name, raising=False)
    return url


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
            table.select().order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables}


def test_bundled_init_today_reminds_no_agency_that_does_not_exist(
        cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    today = date(2026, 12, 1)
    assert main(["init", "--as-of", today.isoformat()]) == 0
    engine = make_engine(cli)
    sessions = make_sessionmaker(engine)
    with sessions() as session, session.begin():
        ceased = agencies.ceased_on(session, today)
        assert ceased == {"SKHDT", "SGTVT", "STTTT", "STNMT", "PHANTHIET", "LAGI", "TUYPHONG",
                          "BACBINH", "HAMTHUANBAC", "HAMTHUANNAM", "TANHLINH", "DUCLINH",
                          "HAMTAN", "PHUQUY"}
        assert session.get_one(AgencyRow, "UBNDT").name == "Ủy ban nhân dân tỉnh Lâm Đồng"
        # An officer in every agency, the ceased ones too (registered before their day).
        for number, row in enumerate(session.scalars(select(AgencyRow)).all()):
            officer = Officer(name=f"Cán bộ {number}", agency_code=row.code,
                              role=Role.FOCAL.value, active=True, created_at=datetime.now(UTC))
            session.add(officer)
            session.flush()
            session.add(OfficerChat(officer_id=officer.id, channel="console",
                                    chat_id=f"c-{row.code}"))
    capsys.readouterr()
    assert main(["tick", "--as-of", f"{today.isoformat()}T08:00"]) == 0
    capsys.readouterr()
    with sessions() as session:
        reminded = set(session.scalars(
            select(Officer.agency_code).join(OutboxMessage, OutboxMessage.officer_id == Officer.id)
            .where(OutboxMessage.kind == OutboxKind.REMINDER.value)))
        open_of_ceased = session.scalars(select(Assignment).join(Assignment.occurrence).where(
            Assignment.agency_code.in_(["SKHDT", "SGTVT", "STTTT", "STNMT"]),
            Assignment.archived.is_(False), Assignment.status != "done")).all()
    engine.dispose()
    assert reminded and not reminded & ceased
    assert {"SCT", "STC", "SNNMT"} <= reminded
    assert open_of_ceased == []

    assert main(["preview", "--from", today.isoformat(), "--json"]) == 0
    preview = {json.loads(line)["agency"] for line in capsys.readouterr().out.splitlines()}
    assert preview and not preview & ceased
    assert main(["status", "--as-of", f"{today.isoformat()}T09:00"]) == 0
    status = capsys.readouterr().out
    assert "Sở TN&MT" not in status and "Sở NN&MT" in status
    assert "UBND TX La Gi (không có cơ quan phụ trách)" in status


def test_the_preview_follows_a_succession_from_its_day(
        cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    # STNMT's yearly task 7 is reminded in December 2024; its 2025 period, from 1/3/2025 on
    # Sở Nông nghiệp và Môi trường's, in December 2025.
    assert main(["preview", "--from", "2024-11-20", "--to", "2025-12-31", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    before = {line["agency"] for line in lines if line["date"] < "2025-03-01"}
    after = {line["agency"] for line in lines if line["date"] >= "2025-03-01"}
    assert "STNMT" in before and "STNMT" not in after and "SNNMT" in after


def test_agency_commands_record_changes_and_apply_them_when_due(
        cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    today = datetime.now(TZ).date()
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    assert main(["agency", "add", "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch",
                 "--short", "Sở VH-TT-DL"]) == 0
    assert main(["agency", "rename", "STP", "Sở Tư pháp tỉnh Lâm Đồng", "--from",
                 "01/07/2025"]) == 0
    assert main(["agency", "succeed", "LAGI", "SCT", "--from", today.isoformat()]) == 0
    future = today + timedelta(days=30)
    assert main(["agency", "dissolve", "SVHTTDL", "--from", future.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Đã thêm cơ quan SVHTTDL" in out
    assert texts.AGENCY_APPLIED_LATER.format(day=texts.day(future)) in out
    engine = make_engine(cli)
    with make_sessionmaker(engine)() as session:
        leads = set(session.scalars(select(Assignment.agency_code).join(Assignment.occurrence)
                                    .join(OccurrenceRow.task).where(
            TaskRow.key == "5", Assignment.archived.is_(False), Assignment.status != "done")))
        assert "SCT" in leads and "LAGI" not in leads  # La Gi's part, from today
        assert agencies.name_on(session, "STP", date(2025, 7, 1)) == (
            "Sở Tư pháp tỉnh Lâm Đồng", "Sở Tư pháp")
    engine.dispose()
    assert main(["agency", "list", "--on", "2025-06-30"]) == 0
    listed = capsys.readouterr().out
    assert "Sở Tư pháp (từ 01/07/2025: Sở Tư pháp tỉnh Lâm Đồng)" in listed
    assert "sẽ hợp nhất vào Sở Công Thương" in listed
    assert main(["agency", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Sở Tư pháp tỉnh Lâm Đồng" in listed and "đã hợp nhất vào Sở Công Thương" in listed


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["agency", "succeed", "KHONGCO", "STC", "--from", "2025-03-01"], "Không có cơ quan mã"),
        (["agency", "succeed", "SKHDT", "SKHDT", "--from", "2025-03-01"], "chính mình"),
        (["agency", "succeed", "STC", "SKHDT", "--from", "2025-04-01"], "không còn tồn tại"),
        (["agency", "succeed", "SKHDT", "SCT", "--from", "2025-04-01"], "đã được"),
        (["agency", "succeed", "SCT", "LAGI", "--from", "2025-08-01"], "không còn tồn tại"),
        (["agency", "dissolve", "LAGI", "--from", "2025-08-01"], "đã không còn tồn tại"),
        (["agency", "dissolve", "KHONGCO", "--from", "2025-08-01"], "Không có cơ quan mã"),
        (["agency", "rename", "UBNDT", "Tên khác", "--from", "2025-06-01"], "phải có hiệu lực"),
        (["agency", "rename", "STP", "  ", "--from", "2025-08-01"], "không được để trống"),
        (["agency", "add", "SCT", "Sở Công Thương"], "Đã có cơ quan mã SCT"),
        (["agency", "add", "sở-mới", "Sở mới"], "không hợp lệ"),
        (["agency", "apply-reorganisation", "khong-co.yaml"], "không đọc được"),
    ],
)
def test_bad_agency_input_gets_one_vietnamese_line_and_changes_nothing(
        cli: str, capsys: pytest.CaptureFixture[str], argv: list[str], said: str) -> None:
    assert main(["init", "--as-of", "2024-05-02"]) == 0  # with the 2025 reorganisation
    engine = make_engine(cli)
    before = snapshot(engine)
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1
    assert snapshot(engine) == before
    engine.dispose()


def test_a_succession_that_would_make_a_cycle_is_refused(
        cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    assert main(["agency", "succeed", "SCT", "STP", "--from", "2030-01-01"]) == 0
    engine = make_engine(cli)
    before = snapshot(engine)
    capsys.readouterr()
    assert main(["agency", "succeed", "STP", "SCT", "--from", "2029-06-01"]) == 2
    assert "vòng lặp" in capsys.readouterr().err
    assert snapshot(engine) == before
    engine.dispose()


@pytest.mark.parametrize("text", ["2025-13-01", "31/02/2025", "mai"])
def test_a_malformed_date_is_refused_in_vietnamese(
        cli: str, capsys: pytest.CaptureFixture[str], text: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["agency", "dissolve", "LAGI", "--from", text])
    assert exited.value.code == 2
    assert "ngày" in capsys.readouterr().err.lower()


def test_applying_the_reorganisation_to_an_existing_database_twice_changes_it_once(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2026-12-01 09:00"))  # synced before any change known
    data = load_reorganisation()
    with world.sessions() as session, session.begin():
        first = apply_reorganisation(session, data)
        apply_due(session, date(2026, 12, 1), local("2026-12-01 09:00"))
        names = session.scalars(select(AgencyName.id)).all()
        second = apply_reorganisation(session, data)
        assert (first.applied, first.skipped) == (len(data.agencies) + len(data.changes), [])
        assert (second.applied, second.already, second.skipped) == (
            0, len(data.agencies) + len(data.changes), [])
        assert session.scalars(select(AgencyName.id)).all() == names
        assert set(open_codes(session, "7").values()) == {"SNNMT"}


def test_an_invite_for_an_agency_that_no_longer_exists_is_refused(
        tmp_path: Path, cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    capsys.readouterr()
    assert main(["invite", "SKHDT"]) == 2
    err = capsys.readouterr().err
    assert "không còn tồn tại từ 01/03/2025" in err and "nhacviec invite STC" in err
    # An invite made before the day is refused when used after it.
    (tmp_path / "w").mkdir()
    world = make_world(tmp_path / "w", local("2025-02-27 09:00"))
    code = world.invite("STNMT")
    with world.sessions() as session, session.begin():
        agencies.succeed(session, "STNMT", "STC", date(2025, 3, 1))
    world.clock.now = local("2025-03-02 09:00")
    from bot.commands import Incoming

    replies = world.commands.handle(Incoming("console", "x", "Ai đó", f"/start {code}"))
    assert replies[0].text == texts.INVITE_AGENCY_CEASED
    with world.sessions() as session:
        assert session.scalar(select(Officer.id).where(Officer.agency_code == "STNMT")) is None
        with pytest.raises(Exception, match="STNMT"):
            create_invite(session, "STNMT", Role.FOCAL, local("2025-03-02 09:00"))


def test_the_report_s_history_shows_the_name_in_force_when_each_event_was_recorded(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2025-06-20 09:00"))
    world.register("sct", "SCT", "coordinator")
    assert "📝" in world.say("sct", "/tiendo 1 SCT Đang tổng hợp")
    with world.sessions() as session, session.begin():
        agencies.rename(session, "SCT", "Sở Công Thương tỉnh Lâm Đồng", "SCT Lâm Đồng",
                        date(2025, 7, 1))
    world.clock.now = local("2025-07-02 09:00")
    assert "📝" in world.say("sct", "/tiendo 1 SCT Đã tổng hợp xong")
    with world.sessions() as session:
        report = collect_report(session, "nd32-binh-thuan", date(2025, 7, 2))
    assert [row.reporter_agency_short for row in report.events] == ["Sở Công Thương",
                                                                     "SCT Lâm Đồng"]


def test_apply_reorganisation_brings_an_existing_database_up_to_date_once(
        tmp_path: Path, cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    world = make_world(tmp_path, local("2026-11-30 09:00"))  # the file the CLI opens
    world.register("tnmt", "STNMT")
    capsys.readouterr()
    assert main(["agency", "apply-reorganisation"]) == 0
    first = capsys.readouterr().out
    assert "áp dụng 18 thay đổi, 0 đã có từ trước, bỏ qua 0" in first
    assert main(["agency", "apply-reorganisation"]) == 0
    second = capsys.readouterr().out
    assert "áp dụng 0 thay đổi, 18 đã có từ trước" in second
    assert texts.AGENCY_APPLIED_NOW.format(moved=0, notices=0) in second
    with world.sessions() as session:
        assert set(open_codes(session, "7").values()) == {"SNNMT"}
    assert [m.chat_id for m in agency_notices(world)] == ["tnmt"]  # told once, of both runs
