"""Settings: one typed object read from the environment (and `.env`), checked at start-up."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot import texts

DEFAULT_DB_URL = "sqlite:///nhacviec.db"
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
_HTTPS_URL = re.compile(r"^https://[^\s/]+(/[^\s]*)?$")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it (never its secret value)."""


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    send_at: time = time(8, 0)
    plan_path: Path | None = None
    agencies_path: Path | None = None  # NHACVIEC_AGENCIES: the agencies file (default bundled)
    calendar_path: Path | None = None
    telegram_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_username: str | None = None
    telegram_webhook_url: str | None = None
    zalo_token: str | None = None
    zalo_api_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = None
    webhook_port: int = 8443  # NHACVIEC_WEBHOOK_PORT: the one web server of both webhooks
    # NHACVIEC_WEB_URL: the bot's web server as people open it (the dashboard's sign-in links
    # and /baocao's download links start with it).
    web_url: str | None = None
    # NHACVIEC_WEB_PORT: set, `run` serves the dashboard (and the webhooks) on this one port.
    web_port: int | None = None
    rate_per_second: float = 25.0
    rate_per_chat_per_second: float = 1.0
    claim_lease_seconds: float = 120.0
    journal_path: Path | None = None  # None: beside a SQLite file, else in the working directory
    log_level: int = logging.INFO
    evidence_dir: Path | None = None  # NHACVIEC_EVIDENCE_DIR: download report files here

    def __repr__(self) -> str:
        # Tokens must never reach a log line, even through a repr.
        return f"Settings(db_url={self.db_url!r}, tz={self.tz.key!r}, send_at={self.send_at})"


def _opt(env: Mapping[str, str | None], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def _url(env: Mapping[str, str | None], name: str, default: str | None) -> str | None:
    value = _opt(env, name)
    if value is None:
        return default
    if not _URL.match(value):
        raise SettingsError(texts.SETTING_URL.format(name=name, value=value))
    return value.rstrip("/")


def _https_url(env: Mapping[str, str | None], name: str) -> str | None:
    # The platforms post updates only to https: an http:// hook would be registered and then
    # never called (Telegram refuses it outright), so it is refused here, before start-up.
    value = _opt(env, name)
    if value is None:
        return None
    if not _HTTPS_URL.match(value):
        raise SettingsError(texts.SETTING_HTTPS_URL.format(name=name, value=value))
    return value.rstrip("/")


def db_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """Return `NHACVIEC_DB_URL`, or the default SQLite file when it is unset or empty.

    Unchecked: for naming the database in an error message when the settings are not at hand.
    """
    env = os.environ if environ is None else environ
    return _opt(env, "NHACVIEC_DB_URL") or DEFAULT_DB_URL


def _db_url(env: Mapping[str, str | None]) -> str:
    from sqlalchemy import make_url
    from sqlalchemy.exc import ArgumentError

    value = _opt(env, "NHACVIEC_DB_URL") or DEFAULT_DB_URL
    try:
        make_url(value).get_dialect()  # loads the dialect only, never a driver or a connection
    except ArgumentError:
        # The URL may hold a password: name the setting and the scheme, never the whole value.
        scheme = value.partition(":")[0] if ":" in value else ""
        shown = texts.SETTING_DB_SCHEME.format(scheme=scheme) if scheme else ""
        raise SettingsError(texts.SETTING_DB_URL.format(scheme=shown)) from None
    return value


def _positive(env: Mapping[str, str | None], name: str, default: float) -> float:
    value = _opt(env, name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(texts.SETTING_POSITIVE.format(name=name, value=value)) from None
    if number <= 0:
        raise SettingsError(texts.SETTING_POSITIVE.format(name=name, value=value))
    return number


def _port(env: Mapping[str, str | None], name: str, default: int) -> int:
    value = _opt(env, name)
    if value is None:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise SettingsError(texts.SETTING_PORT.format(name=name, value=value))
    return int(value)


def _token(env: Mapping[str, str | None], name: str) -> str | None:
    value = _opt(env, name)
    if value is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value):
        # The value itself is a secret: name the setting, never echo it.
        raise SettingsError(texts.SETTING_TOKEN.format(name=name))
    return value


LOG_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING,
              "ERROR": logging.ERROR}


def _log_level(env: Mapping[str, str | None], name: str) -> int:
    value = _opt(env, name)
    if value is None:
        return logging.INFO
    level = LOG_LEVELS.get(value.upper())
    if level is None:
        raise SettingsError(texts.SETTING_LOG_LEVEL.format(name=name, value=value))
    return level


def load_settings(environ: Mapping[str, str] | None = None,
                  dotenv: Path | None = Path(".env")) -> Settings:
    """Return the settings from `.env` overlaid by the environment. Raise SettingsError."""
    env: dict[str, str | None] = {}
    if dotenv is not None and dotenv.is_file():
        env.update(dotenv_values(dotenv))
    env.update(os.environ if environ is None else environ)

    tz_name = _opt(env, "NHACVIEC_TZ") or "Asia/Ho_Chi_Minh"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(texts.SETTING_TZ.format(value=tz_name)) from None

    send_at_text = _opt(env, "NHACVIEC_SEND_AT") or "08:00"
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", send_at_text)
    if not match:
        raise SettingsError(texts.SETTING_SEND_AT.format(value=send_at_text))

    plan = _opt(env, "NHACVIEC_PLAN")
    if plan is not None and not Path(plan).is_file():
        raise SettingsError(texts.SETTING_NO_FILE.format(name="NHACVIEC_PLAN", value=plan))

    agencies = _opt(env, "NHACVIEC_AGENCIES")
    if agencies is not None and not Path(agencies).is_file():
        raise SettingsError(texts.SETTING_NO_FILE.format(name="NHACVIEC_AGENCIES", value=agencies))

    calendar = _opt(env, "NHACVIEC_CALENDAR")
    if calendar is not None and not Path(calendar).is_file():
        raise SettingsError(texts.SETTING_NO_FILE.format(name="NHACVIEC_CALENDAR", value=calendar))

    journal = _opt(env, "NHACVIEC_JOURNAL")
    if journal is not None and not Path(journal).parent.is_dir():
        raise SettingsError(texts.SETTING_NO_FOLDER.format(name="NHACVIEC_JOURNAL",
                                                           value=str(Path(journal).parent)))

    evidence_dir = _opt(env, "NHACVIEC_EVIDENCE_DIR")
    if evidence_dir is not None and not Path(evidence_dir).is_dir():
        raise SettingsError(texts.SETTING_NO_FOLDER.format(name="NHACVIEC_EVIDENCE_DIR",
                                                           value=evidence_dir))

    zalo_secret = _opt(env, "ZALO_WEBHOOK_SECRET")
    zalo_webhook = _https_url(env, "ZALO_WEBHOOK_URL")
    if zalo_webhook and not (zalo_secret and 8 <= len(zalo_secret) <= 256):
        raise SettingsError(texts.SETTING_ZALO_SECRET)

    web_port = _port(env, "NHACVIEC_WEB_PORT", 0) or None
    webhook_port = _port(env, "NHACVIEC_WEBHOOK_PORT", 8443)
    if web_port is not None and _opt(env, "NHACVIEC_WEBHOOK_PORT") and web_port != webhook_port:
        # One web server, one port: the dashboard and both webhooks share it.
        raise SettingsError(texts.SETTING_TWO_PORTS.format(web=web_port, webhook=webhook_port))

    return Settings(
        db_url=_db_url(env),
        tz=tz,
        send_at=time(int(match.group(1)), int(match.group(2))),
        plan_path=Path(plan) if plan else None,
        agencies_path=Path(agencies) if agencies else None,
        calendar_path=Path(calendar) if calendar else None,
        telegram_token=_token(env, "TELEGRAM_BOT_TOKEN"),
        telegram_api_url=_url(env, "TELEGRAM_API_URL", "https://api.telegram.org") or "",
        telegram_username=_opt(env, "TELEGRAM_BOT_USERNAME"),
        telegram_webhook_url=_https_url(env, "TELEGRAM_WEBHOOK_URL"),
        zalo_token=_token(env, "ZALO_BOT_TOKEN"),
        zalo_api_url=_url(env, "ZALO_API_URL", "https://bot-api.zaloplatforms.com") or "",
        zalo_webhook_url=zalo_webhook,
        zalo_webhook_secret=zalo_secret,
        webhook_port=webhook_port,
        web_url=_url(env, "NHACVIEC_WEB_URL", None),
        web_port=web_port,
        rate_per_second=_positive(env, "NHACVIEC_RATE_PER_SECOND", 25.0),
        rate_per_chat_per_second=_positive(env, "NHACVIEC_RATE_PER_CHAT", 1.0),
        claim_lease_seconds=_positive(env, "NHACVIEC_CLAIM_LEASE_SECONDS", 120.0),
        journal_path=Path(journal) if journal else None,
        log_level=_log_level(env, "NHACVIEC_LOG_LEVEL"),
        evidence_dir=Path(evidence_dir) if evidence_dir else None,
    )
