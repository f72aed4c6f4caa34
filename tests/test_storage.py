"""The database: migrations, SQLite settings, time zones, and `nhacviec init` on real files."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from bot.settings import db_url_from_env
from plan_data.loader import bundled_plan_path
from storage.db import (
    DEFAULT_DB_URL,
    alembic_config,
    make_engine,
    make_sessionmaker,
    schema_is_current,
    upgrade,
)
from storage.models import (
    AgencyRow,
    Assignment,
    Base,
    Invite,
    OccurrenceRow,
    Officer,
    OutboxMessage,
    StatusEvent,
    TaskRow,
)

HANOI = timezone(timedelta(hours=7))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nhacviec.db'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> str:
    """Point the CLI at this test's database, away from any `.env` of the working tree."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", db_url)
    for name in ("NHACVIEC_PLAN", "TELEGRAM_BOT_USERNAME", "NHACVIEC_TZ"):
        monkeypatch.delenv(name, raising=False)
    return db_url


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def test_migrations_create_every_table_of_the_models(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)


# SQLite cannot reflect an index on an expression: the test below compares that one.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index:sqlalchemy.exc.SAWarning")
def test_the_migrated_schema_matches_the_models_column_for_column(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_task_named_in_any_case_is_found_through_the_index_on_its_key(engine: Engine) -> None:
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM tasks WHERE upper(tasks.\"key\") = 'III.1'").all()
    assert any("ix_tasks_key_upper" in str(row) for row in plan), plan


def test_the_schema_is_current_after_upgrade_and_not_before(db_url: str) -> None:
    fresh = make_engine(db_url)
    try:
        assert not schema_is_current(fresh)
        upgrade(db_url)
        upgrade(db_url)  # a second upgrade is a no-op, not an error
        assert schema_is_current(fresh)
    finally:
        fresh.dispose()


def test_downgrade_to_base_removes_every_table(engine: Engine, db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_the_migrations_render_for_postgresql_without_a_server(db_url: str) -> None:
    config = alembic_config("postgresql://nhacviec@localhost/nhacviec")
    config.output_buffer = io.StringIO()
    command.upgrade(config, "head", sql=True)
    sql = config.output_buffer.getvalue()
    for table in Base.metadata.tables:
        assert f"CREATE TABLE {table} (" in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql and "BOOLEAN" in sql


def test_overlapping_read_modify_write_transactions_lose_no_update(
    session_factory: sessionmaker[Session],
) -> None:
    # The sqlite3 driver by default starts no transaction for a SELECT, so two processes could
    # both read attempts=0 and both write 1; each transaction must hold its reads until commit.
    at = datetime(2024, 5, 2, 1, 0, tzinfo=UTC)
    with session_factory() as session, session.begin():
        message = OutboxMessage(
            channel="telegram", chat_id="1", kind="notice", text="x", not_before=at, created_at=at
        )
        session.add(message)
        session.flush()
        message_id = message.id
    first_has_read = threading.Event()
    errors: list[BaseException] = []

    def count_attempt(pause: float) -> None:
        with session_factory() as session, session.begin():
            message = session.get_one(OutboxMessage, message_id)
            first_has_read.set()
            time.sleep(pause)
            message.attempts += 1

    def slow() -> None:
        try:
            count_attempt(0.3)
        except BaseException as exc:
            errors.append(exc)
            first_has_read.set()

    thread = threading.Thread(target=slow)
    thread.start()
    assert first_has_read.wait(5)
    count_attempt(0)
    thread.join(10)

    assert errors == []
    with session_factory() as session:
        assert session.get_one(OutboxMessage, message_id).attempts == 2


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_a_row_pointing_at_a_missing_agency_is_refused(
    session_factory: sessionmaker[Session],
) -> None:
    at = datetime(2024, 5, 2, 8, 0, tzinfo=HANOI)
    with pytest.raises(IntegrityError), session_factory() as session, session.begin():
        session.add(Officer(name="Lan", agency_code="NOPE", role="focal", created_at=at))


def add_agency(session_factory: sessionmaker[Session], code: str = "SCT") -> None:
    with session_factory() as session, session.begin():
        session.add(AgencyRow(code=code, name="Sở Công Thương", short_name="SCT", kind="so"))


def test_aware_datetimes_come_back_as_the_same_instant_in_utc(
    session_factory: sessionmaker[Session],
) -> None:
    add_agency(session_factory)
    created = datetime(2024, 5, 2, 8, 30, 15, 123456, tzinfo=HANOI)
    with session_factory() as session, session.begin():
        session.add(
            Invite(
                code="abc",
                agency_code="SCT",
                role="focal",
                created_at=created,
                expires_at=created + timedelta(days=7),
            )
        )
    with session_factory() as session:
        invite = session.get_one(Invite, "abc")
        assert invite.created_at == created
        assert invite.created_at.utcoffset() == timedelta(0)
        assert invite.created_at == datetime(2024, 5, 2, 1, 30, 15, 123456, tzinfo=UTC)
        assert invite.used_at is None


def test_aware_instants_compare_correctly_whatever_their_offset(
    session_factory: sessionmaker[Session],
) -> None:
    add_agency(session_factory)
    with session_factory() as session, session.begin():
        for code, hour in (("early", 1), ("late", 3)):
            at = datetime(2024, 5, 2, hour, 0, tzinfo=UTC)
            session.add(
                Invite(code=code, agency_code="SCT", role="focal", created_at=at, expires_at=at)
            )
    # 09:00 in Hà Nội is 02:00 UTC: between the two.
    cutoff = datetime(2024, 5, 2, 9, 0, tzinfo=HANOI)
    with session_factory() as session:
        later = session.scalars(select(Invite.code).where(Invite.created_at > cutoff)).all()
    assert later == ["late"]


def test_a_naive_datetime_is_refused(session_factory: sessionmaker[Session]) -> None:
    add_agency(session_factory)
    naive = datetime(2024, 5, 2, 8, 0)
    with pytest.raises(StatementError, match="naive"), session_factory.begin() as session:
        session.add(Officer(name="Lan", agency_code="SCT", role="focal", created_at=naive))


def test_the_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NHACVIEC_DB_URL", raising=False)
    assert db_url_from_env() == DEFAULT_DB_URL == "sqlite:///nhacviec.db"
    monkeypatch.setenv("NHACVIEC_DB_URL", "postgresql://u:p@db/nhacviec")
    assert db_url_from_env() == "postgresql://u:p@db/nhacviec"


def test_init_creates_the_database_and_loads_the_bundled_plan(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    out = capsys.readouterr().out
    engine = make_engine(cli_env)
    try:
        with make_sessionmaker(engine)() as session:
            tasks = session.scalars(select(TaskRow)).all()
            occurrences = session.scalars(select(OccurrenceRow)).all()
            assignments = session.scalars(select(Assignment)).all()
    finally:
        engine.dispose()
    bundled_keys = {
        task["key"] for task in yaml.safe_load(bundled_plan_path().read_text())["tasks"]
    }
    assert {task.key for task in tasks} == bundled_keys
    assert occurrences and assignments
    # Periodic occurrences run from the plan start to 400 days after 02/05/2024 (06/06/2025).
    periodic = [occurrence.due for occurrence in occurrences if occurrence.period]
    assert min(periodic) < date(2024, 7, 1)
    assert date(2025, 3, 1) < max(periodic) <= date(2025, 6, 6)
    assert f"{len(tasks)} nhiệm vụ, {len(occurrences)} kỳ, {len(assignments)} phân công" in out


def test_running_init_again_changes_nothing(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--as-of", "2024-05-02"]) == 0
    engine = make_engine(cli_env)
    try:
        before = snapshot(engine)
        capsys.readouterr()
        assert main(["init", "--as-of", "2024-05-02"]) == 0
        assert snapshot(engine) == before
    finally:
        engine.dispose()
    assert "Không có thay đổi." in capsys.readouterr().out


def test_a_changed_plan_file_updates_adds_archives_and_keeps_statuses(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = yaml.safe_load(bundled_plan_path().read_text(encoding="utf-8"))
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert main(["init", "--plan", str(plan_file), "--as-of", "2024-05-02"]) == 0

    engine = make_engine(cli_env)
    session_factory = make_sessionmaker(engine)
    reported = datetime(2024, 6, 20, 9, 0, tzinfo=HANOI)
    with session_factory() as session, session.begin():
        task_one = session.scalars(select(TaskRow).filter_by(key="1")).one()
        done = session.scalars(
            select(Assignment)
            .join(OccurrenceRow)
            .where(OccurrenceRow.task_id == task_one.id, Assignment.role == "lead")
        ).first()
        assert done is not None
        done.status = "done"
        done.completed_on = reported.date()
        session.add(
            StatusEvent(
                assignment_id=done.id,
                agency_code=done.agency_code,
                channel="telegram",
                status="done",
                note="Đã tổ chức hội nghị quán triệt.",
                at=reported,
            )
        )
        ids_before = {row.key: row.id for row in session.scalars(select(TaskRow))}
        done_id = done.id

    by_key = {task["key"]: task for task in raw["tasks"]}
    by_key["1"]["text"] = "Văn bản mới của nhiệm vụ 1."
    removed = by_key.pop("2")
    by_key["10"] = {**removed, "key": "10", "title": "Nhiệm vụ mới", "timeframe": "Năm 2025"}
    raw["tasks"] = list(by_key.values())
    plan_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    assert main(["init", "--plan", str(plan_file), "--as-of", "2024-05-02"]) == 0
    out = capsys.readouterr().out
    assert "thêm 1 nhiệm vụ" in out and "lưu trữ 1 nhiệm vụ" in out

    with session_factory() as session:
        tasks = {row.key: row for row in session.scalars(select(TaskRow))}
        assert tasks["1"].text == "Văn bản mới của nhiệm vụ 1."
        assert tasks["2"].archived
        assert not tasks["10"].archived and not tasks["1"].archived
        assert {key: tasks[key].id for key in ids_before} == ids_before
        new_occurrences = session.scalars(
            select(OccurrenceRow).filter_by(task_id=tasks["10"].id)
        ).all()
        assert [occurrence.due.isoformat() for occurrence in new_occurrences] == ["2025-12-31"]
        assert session.scalars(
            select(Assignment).where(Assignment.occurrence_id == new_occurrences[0].id)
        ).all()
        archived_assignments = session.scalars(
            select(Assignment).join(OccurrenceRow).where(OccurrenceRow.task_id == tasks["2"].id)
        ).all()
        assert archived_assignments
        assert all(assignment.archived for assignment in archived_assignments)
        kept = session.get_one(Assignment, done_id)
        assert (kept.status, kept.completed_on, kept.archived) == ("done", reported.date(), False)
        event = session.scalars(select(StatusEvent)).one()
        assert (event.assignment_id, event.at) == (done_id, reported)
    engine.dispose()


def test_init_with_an_invalid_plan_names_the_file_and_fails(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan_file = tmp_path / "broken.yaml"
    plan_file.write_text("id: broken\ntasks: []\n", encoding="utf-8")
    assert main(["init", "--plan", str(plan_file)]) == 1
    assert "broken.yaml" in capsys.readouterr().err


def test_init_with_a_database_it_cannot_open_fails_with_a_message(
    cli_env: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    assert main(["init", "--as-of", "2024-05-02"]) == 1
    assert "Lỗi cơ sở dữ liệu" in capsys.readouterr().err
