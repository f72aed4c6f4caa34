"""The log a person reads: nhacviec's own lines at NHACVIEC_LOG_LEVEL, libraries' at WARNING,
and no token anywhere in it."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

from bot import texts

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The packages of nhacviec; everything else (alembic's "Running upgrade", APScheduler's line per
# job run, httpx's request lines, python-telegram-bot) speaks at WARNING unless DEBUG is asked.
OWN_LOGGERS = ("bot", "storage", "scheduler", "plan_data")
REDACTED = "<token>"
_installed: list[logging.Handler] = []  # the handler configure_logging put on the root logger


class RedactingFormatter(logging.Formatter):
    """Format a record, traceback included, with every secret replaced by <token>."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        # Case-insensitive: python-telegram-bot lowercases some descriptions that quote it.
        texts = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
        self._pattern = (re.compile("|".join(re.escape(t) for t in texts), re.IGNORECASE)
                         if texts else None)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return self._pattern.sub(REDACTED, text) if self._pattern is not None else text


def configure_logging(level: int, secrets: Iterable[str | None] = (),
                      stream: TextIO | None = None) -> logging.Handler:
    """Send the log to `stream` (stderr) with nhacviec's loggers at `level`, libraries at
    WARNING (at DEBUG too when `level` is DEBUG), and `secrets` redacted. Return the handler."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(RedactingFormatter(secret for secret in secrets if secret))
    root = logging.getLogger()
    while _installed:
        root.removeHandler(_installed.pop())
    root.addHandler(handler)
    _installed.append(handler)
    root.setLevel(logging.DEBUG if level <= logging.DEBUG else max(level, logging.WARNING))
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    # Library warnings (python-telegram-bot's) and a crash's traceback go through the same
    # redacting handler: Python would print them to stderr as they are.
    logging.captureWarnings(True)
    sys.excepthook = _log_crash
    return handler


def _log_crash(kind: type[BaseException], value: BaseException,
               tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, tb)
        return
    logging.getLogger("bot").critical(texts.LOG_CRASH,
                                      exc_info=(kind, value, tb))
