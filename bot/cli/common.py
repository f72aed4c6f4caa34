"""What the `nhacviec` verbs share: settings, dates, one-line errors about files and databases."""

from __future__ import annotations

import argparse
import errno
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from bot import texts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings


Handler = Callable[[argparse.Namespace], int]


def read_settings() -> Settings | None:
    """Return the settings, or None after naming the bad one on stderr."""
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def iso_date(text: str) -> date:
    """Parse YYYY-MM-DD or dd/mm/yyyy (the way a Vietnamese document writes a date)."""
    value = text.strip()
    try:
        match = _DMY.fullmatch(value)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_DATE.format(text=text)) from None


def os_reason(exc: OSError) -> str:
    """Return why a file could not be written, in Vietnamese."""
    name = errno.errorcode.get(exc.errno or 0, "")
    return texts.CLI_OS_REASONS.get(name) or texts.CLI_OS_REASON_OTHER.format(
        error=exc.strerror or exc
    )


def database_error(url: str, exc: Exception) -> str:
    """Return one Vietnamese line for a database failure: the URL (password hidden), the cause."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError, OperationalError

    shown = shown_url(url)
    if isinstance(exc, ImportError):
        return texts.CLI_DB_DRIVER_MISSING.format(name=exc.name or exc, url=shown)
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    # Driver messages run over several lines (hints, the SQL, a link): the first one says it.
    detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0].strip()
    # A server that cannot be reached is an OperationalError; SQLite's are about its file.
    unreachable = isinstance(exc, OperationalError) and not isinstance(cause, sqlite3.Error)
    template = texts.CLI_DB_UNREACHABLE if unreachable else texts.CLI_DB_ERROR
    return template.format(url=shown, detail=detail)



NOT_INITIALISED = texts.CLI_NOT_INITIALISED


@contextmanager
def database() -> Iterator[tuple[Settings, Session] | None]:
    """Yield the settings and a session in a transaction on an initialised database.

    Yield None, after saying why on stderr, when the settings are bad or `init` never ran.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine, make_sessionmaker, schema_is_current, sqlite_file_missing

    settings = read_settings()
    if settings is None:
        yield None
        return
    if sqlite_file_missing(settings.db_url):  # connecting would create an empty file
        print(NOT_INITIALISED, file=sys.stderr)
        yield None
        return
    try:
        engine = make_engine(settings.db_url)
    except ImportError as exc:
        print(database_error(settings.db_url, exc), file=sys.stderr)
        yield None
        return
    try:
        try:
            current = schema_is_current(engine)
        except SQLAlchemyError as exc:  # the server is down or refuses us
            print(database_error(settings.db_url, exc), file=sys.stderr)
            yield None
            return
        if not current:
            print(NOT_INITIALISED, file=sys.stderr)
            yield None
            return
        with make_sessionmaker(engine)() as session, session.begin():
            yield settings, session
    finally:
        engine.dispose()


def shown_url(url: str) -> str:
    """Return the database URL as messages show it: password hidden, or a word if unreadable."""
    from storage.db import safe_url

    return safe_url(url) or texts.CLI_DB_URL_UNREADABLE
