"""The dashboard's settings, and the one web server of `nhacviec run` serving the dashboard
beside the webhooks on NHACVIEC_WEB_PORT."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.app import build_services
from bot.serving import web_server
from bot.settings import Settings, SettingsError, load_settings
from tests.world import Clock, local


def test_the_dashboards_address_and_port_are_read_and_checked() -> None:
    settings = load_settings({"NHACVIEC_WEB_URL": "https://nhacviec.example.vn/",
                              "NHACVIEC_WEB_PORT": "8443"}, dotenv=None)
    assert (settings.web_url, settings.web_port) == ("https://nhacviec.example.vn", 8443)
    assert load_settings({}, dotenv=None).web_port is None
    with pytest.raises(SettingsError, match="NHACVIEC_WEB_URL"):
        load_settings({"NHACVIEC_WEB_URL": "nhacviec.example.vn"}, dotenv=None)
    with pytest.raises(SettingsError, match="NHACVIEC_WEB_PORT"):
        load_settings({"NHACVIEC_WEB_PORT": "70000"}, dotenv=None)
    with pytest.raises(SettingsError, match="một cổng"):
        load_settings({"NHACVIEC_WEB_PORT": "8080", "NHACVIEC_WEBHOOK_PORT": "8443"},
                      dotenv=None)
    same = load_settings({"NHACVIEC_WEB_PORT": "8443", "NHACVIEC_WEBHOOK_PORT": "8443"},
                         dotenv=None)
    assert same.web_port == same.webhook_port == 8443


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_the_dashboard_and_the_webhooks_on_one_port(tmp_path: Path) -> None:
    port = _free_port()
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", web_port=port)
    services = build_services(settings, Clock(local("2024-06-20 09:00")))

    async def telegram(request: Request) -> Response:
        return JSONResponse({"ok": True})

    async def scenario() -> None:
        async with web_server(services) as web:
            assert web is not None
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                page = await client.get("/")
                assert page.status_code == 401 and "Chưa đăng nhập" in page.text
                assert page.headers["content-security-policy"].startswith("default-src 'none'")
                assert (await client.post("/telegram")).status_code == 404  # none mounted
                web.mount("telegram", telegram)
                assert (await client.post("/telegram")).json() == {"ok": True}

    try:
        asyncio.run(scenario())
    finally:
        services.engine.dispose()
