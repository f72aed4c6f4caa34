"""A test world: a real SQLite file with the bundled plan, a settable clock, officers by chat."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.commands import Commands, Incoming, Reply
from plan_data.loader import load_bundled
from scheduler.workdays import WorkingCalendar
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.invites import create_invite
from storage.models import Base, Role
from storage.sync import sync_plan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime:
    """Return an aware instant from "2024-06-20 09:00" in Vietnam's time zone."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    url: str
    sessions: sessionmaker[Session]
    clock: Clock
    calendar: WorkingCalendar
    commands: Commands
    chats: dict[str, str] = field(default_factory=dict)

    def invite(self, agency: str, role: str = "focal") -> str:
        with self.sessions() as session, session.begin():
            return create_invite(session, agency, Role(role), self.clock()).code

    def register(self, chat_id: str, agency: str, role: str = "focal",
                 name: str = "Nguyễn Văn A", channel: str = "console") -> list[Reply]:
        code = self.invite(agency, role)
        return self.commands.handle(Incoming(channel, chat_id, name, f"/start {code}"))

    def say(self, chat_id: str, text: str, channel: str = "console") -> str:
        replies = self.commands.handle(Incoming(channel, chat_id, "Người dùng", text))
        return "\n".join(reply.text for reply in replies)

    def tap(self, chat_id: str, data: str, channel: str = "console") -> str:
        replies = self.commands.handle(
            Incoming(channel, chat_id, "Người dùng", data, is_button=True))
        return "\n".join(reply.text for reply in replies)

    def count(self, model: type[Base]) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0


def make_world(tmp_path: Path, now: datetime, until: date = date(2026, 12, 31)) -> World:
    url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    directory, plan = load_bundled()
    with sessions() as session, session.begin():
        sync_plan(session, directory, plan, until, now - timedelta(days=1))
    clock = Clock(now)
    calendar = WorkingCalendar.from_overrides()
    return World(url, sessions, clock, calendar, Commands(sessions, clock, calendar, TZ))
