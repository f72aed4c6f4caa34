"""Engines, sessions and migrations: the one place that knows how to open the database."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from storage.models import Base

DEFAULT_DB_URL = "sqlite:///nhacviec.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
# SQLite's busy handler polls a waiting writer's lock at growing intervals (1, 2, 5 ... 100 ms),
# and a writer that begins again at once after its commit can keep the lock for as long as it
# has batches: a waiting command then fails after SQLITE_BUSY_TIMEOUT_MS ("database is
# locked"). A writer of many batches pauses after each as long as it held the lock, at most
# this long: any writer that waited meanwhile polls within the pause.
MAX_WRITE_PAUSE = 0.1
READ_ONLY_OPTION = "nhacviec_read_only"


def safe_url(url: str) -> str | None:
    """Return `url` with any password masked, for messages and logs; None if it is no URL.

    The caller words the None case (bot/cli/common.py `shown_url`).
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return None


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """Return an engine for `url`. SQLite gets WAL, foreign keys and a busy timeout.

    `foreign_keys=False` is for migrations only: SQLite batch mode copies and drops tables.
    """
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Take transaction control from the sqlite3 driver, which would otherwise BEGIN late
        # (only before a write) and never for DDL; see on_begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # WAL lets `nhacviec tick` write while `nhacviec run` reads, and the reverse.
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL (SQLite's default, said here on purpose): each commit syncs the WAL, so what
            # the bot acknowledged ("✅ Đã ghi nhận") survives a power loss or an OS crash, as the
            # journal's fsync does. NORMAL would be durable against a crash of the process only:
            # a power cut could lose every commit since the last checkpoint. Measured (README,
            # Scale): it would save about 0.6 ms of a 7 ms /done round trip on the sandbox.
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # The driver's own mode runs a SELECT outside any transaction, so a read-then-write can
        # lose a concurrent update; a plain BEGIN fails with "database is locked" when another
        # process wrote in between. IMMEDIATE takes the write lock first: the other one waits.
        # A session that only reads (`reading`) takes no lock: in WAL it reads one snapshot
        # while others write, so a long read (the tick's) never holds officers' commands.
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_read_engine(url: str) -> Engine:
    """Return an engine for pages that only read (the dashboard).

    On SQLite its transactions begin DEFERRED, so a page holds a snapshot of the WAL without the
    write lock that every other transaction takes, and `query_only` refuses any write. On other
    databases they are REPEATABLE READ: every statement of a page reads the same snapshot (the
    running counts read sums, facts and notes in separate statements).
    """
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, isolation_level="REPEATABLE READ")
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA query_only=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")
    return engine


def memory_engine() -> Engine:
    """Return an engine on a new in-memory SQLite database with the newest schema.

    For work that must leave no file and touch no configured database (the preview). The
    schema comes from the models, which `tests/test_storage.py` holds equal to the migrations.
    """
    engine = create_engine("sqlite://", poolclass=StaticPool)
    _configure_sqlite(engine, foreign_keys=True)
    Base.metadata.create_all(engine)
    return engine


def pause_after_write(held: float) -> None:
    """Let other writers in after a batch that held the write lock `held` seconds."""
    time.sleep(min(max(held, 0.002), MAX_WRITE_PAUSE))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory; callers use `with Session() as s, s.begin():`."""
    return sessionmaker(engine, expire_on_commit=False)


def reading(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Return a factory of sessions that only read: on SQLite they take no write lock.

    A write in such a session fails on SQLite at the first statement that needs the lock
    only if another connection holds it; use it for reads alone.
    """
    bind = sessions.kw["bind"]
    return sessionmaker(bind.execution_options(**{READ_ONLY_OPTION: True}),
                        expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for `url`, without any alembic.ini.

    Developers make a new revision with
    `alembic.command.revision(alembic_config(url), "message", autogenerate=True)`.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation treats "%" specially (URL-escaped passwords contain it).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the database at `url` to `revision` (the newest by default)."""
    engine = make_engine(url, foreign_keys=False)
    try:
        # One transaction for the whole upgrade: SQLite and PostgreSQL both have transactional DDL.
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """Return the newest migration revision shipped with the package."""
    return ScriptDirectory.from_config(alembic_config(DEFAULT_DB_URL)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """Return the migration revision the database is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_is_current(engine: Engine) -> bool:
    """Return True if the database is migrated to the newest revision."""
    return current_revision(engine) == head_revision()


def sqlite_file_missing(url: str) -> bool:
    """Return True if `url` names an SQLite file that does not exist.

    Connecting would create it: a verb that only reads checks this first.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return False
    if database.startswith("file:"):  # an SQLite URI filename
        database = database[len("file:"):].split("?", 1)[0]
    return not Path(database).exists()
