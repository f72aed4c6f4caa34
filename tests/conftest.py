"""Shared fixtures: fake platform servers on 127.0.0.1, started and stopped around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.telegram_api import FakeTelegramServer


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegramServer]:
    """A fake Telegram Bot API server; point the bot at `fake_telegram.api_url`."""
    with FakeTelegramServer() as server:
        yield server
