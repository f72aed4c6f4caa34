"""A dashboard over a test world: the real app on a real SQLite file, signed in by links."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from starlette.applications import Starlette

with warnings.catch_warnings():
    # Starlette announces a successor of httpx for its TestClient; httpx is what is installed.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from bot.commands import Commands
from bot.dashboard import Dashboard
from bot.web import WebApp
from storage import web_auth
from storage.db import make_engine
from storage.models import Officer
from tests.world import TZ, World, local, make_world


@dataclass
class DashboardWorld:
    world: World
    dashboard: Dashboard
    asgi: Starlette

    def officer_id(self, name: str) -> int:
        with self.world.sessions() as session:
            return session.scalars(select(Officer.id).where(Officer.name == name)).one()

    def link(self, name: str) -> str:
        """A fresh one-time sign-in token of the officer called `name`."""
        with self.world.sessions() as session, session.begin():
            return web_auth.create_link(session, self.officer_id(name), self.world.clock())

    def client(self, name: str | None = None, base_url: str = "http://testserver") -> TestClient:
        """A browser-like client, signed in as `name` if given (through a link)."""
        client = TestClient(self.asgi, base_url=base_url, follow_redirects=False)
        if name is not None:
            token = self.link(name)
            answer = client.post(f"/vao/{token}")
            assert answer.status_code == 303, answer.text
        return client


def make_dashboard_world(tmp_path: Path, base_url: str | None = None) -> DashboardWorld:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    world.register("lead", "SCT", "leader", name="Phó Giám đốc")
    world.register("sct", "SCT", name="Trần Thị Bình")
    world.register("lagi", "LAGI", name="Võ La Gi")
    commands = Commands(world.sessions, world.clock, world.calendar, TZ,
                        base_url or "http://testserver")
    dashboard = Dashboard(make_engine(world.url), world.sessions, world.clock, TZ, commands,
                          base_url)
    return DashboardWorld(world, dashboard, WebApp(dashboard.routes()).asgi)
