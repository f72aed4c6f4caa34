"""The dashboard's running counts (`storage.tally`): what is counted, and what changed since.

`tally_steps`: the summed steps of every counted item (`scheduler.standing_steps`) by plan,
agency, category and day; `tally_totals`: their sums before the current week. `tally_facts`:
the facts each item's steps were made from, so a change takes exactly those away.
`tally_dirty`: the items changed since they were last counted, written by database triggers
(`storage.tally_triggers`) on every write to an assignment, its occurrence, task, plan or
reports, whatever code path made it. `tally_state`: the week the stored days are folded for.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Connection, Date, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.tally_triggers import create_statements


class TallyStep(Base):
    __tablename__ = "tally_steps"
    # On SQLite the sums live in the key's b-tree: a range of days reads no other page.
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class TallyTotal(Base):
    """The sum of the steps stored before `TallyState.monday`: a day of this week reads these
    and this week's few days, not every week kept."""

    __tablename__ = "tally_totals"
    __table_args__ = ({"sqlite_with_rowid": False},)

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class TallyFacts(Base):
    """The facts an assignment is counted with now (none: not counted)."""

    __tablename__ = "tally_facts"
    # The most overdue items first (`storage.dashboard_lists.most_overdue`).
    __table_args__ = (Index("ix_tally_facts_due", "due"),)

    assignment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    plan_id: Mapped[str] = mapped_column(String(64))
    agency_code: Mapped[str] = mapped_column(String(32))
    opened: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    untracked: Mapped[bool] = mapped_column(Boolean)
    blocked_from: Mapped[date | None] = mapped_column(Date)
    blocked_until: Mapped[date | None] = mapped_column(Date)


class TallyDirty(Base):
    """An assignment changed since it was counted; `seq` grows with each further change."""

    __tablename__ = "tally_dirty"

    assignment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)


class TallyState(Base):
    __tablename__ = "tally_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    monday: Mapped[date | None] = mapped_column(Date)  # None: nothing stored yet


def _install_triggers(target: object, connection: Connection, **_: object) -> None:
    # A schema made from the models (the preview's in-memory database) gets them too.
    for statement in create_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)


event.listen(Base.metadata, "after_create", _install_triggers)
