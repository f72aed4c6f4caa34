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


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Undo what bot.logs.configure_logging does to the process's loggers."""
    import logging
    import sys

    from bot import logs

    root = logging.getLogger()
    names = (*logs.OWN_LOGGERS, "")
    levels = {name: logging.getLogger(name).level for name in names}
    try:
        yield
    finally:
        while logs._installed:
            root.removeHandler(logs._installed.pop())
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        logging.captureWarnings(False)
        sys.excepthook = sys.__excepthook__
