"""Settings: read from the environment and .env, checked at start-up, secrets never echoed."""

from __future__ import annotations

import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DB_URL, SettingsError, load_settings

TOKEN = "123456789:AAH-secret_token-value"


def test_defaults_need_nothing_set() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.db_url == DEFAULT_DB_URL
    assert settings.tz.key == "Asia/Ho_Chi_Minh"
    assert settings.send_at == time(8, 0)
    assert settings.telegram_token is None and settings.zalo_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert (settings.rate_per_second, settings.rate_per_chat_per_second) == (25.0, 1.0)


def test_the_environment_overrides_the_dotenv_file(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("NHACVIEC_SEND_AT=07:30\nNHACVIEC_DB_URL=sqlite:///a.db\n"
                      f"TELEGRAM_BOT_TOKEN={TOKEN}\n", encoding="utf-8")
    settings = load_settings({"NHACVIEC_DB_URL": "sqlite:///b.db"}, dotenv=dotenv)
    assert settings.send_at == time(7, 30)
    assert settings.db_url == "sqlite:///b.db"
    assert settings.telegram_token == TOKEN
    assert TOKEN not in repr(settings)


@pytest.mark.parametrize(("name", "value", "message"), [
    ("NHACVIEC_SEND_AT", "8h", "NHACVIEC_SEND_AT"),
    ("NHACVIEC_SEND_AT", "24:00", "NHACVIEC_SEND_AT"),
    ("NHACVIEC_TZ", "Asia/Hanoi_Typo", "NHACVIEC_TZ"),
    ("NHACVIEC_RATE_PER_SECOND", "0", "NHACVIEC_RATE_PER_SECOND"),
    ("NHACVIEC_RATE_PER_CHAT", "nhanh", "NHACVIEC_RATE_PER_CHAT"),
    ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL"),
    ("NHACVIEC_WEBHOOK_PORT", "99999", "NHACVIEC_WEBHOOK_PORT"),
    ("NHACVIEC_PLAN", "/khong/co/tep.yaml", "NHACVIEC_PLAN"),
    ("ZALO_WEBHOOK_URL", "https://example.org/zalo", "ZALO_WEBHOOK_SECRET"),
])
def test_a_malformed_setting_stops_start_up_naming_it(name: str, value: str,
                                                      message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({name: value}, dotenv=None)


@pytest.mark.parametrize("name", ["TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"])
def test_a_malformed_token_is_named_but_never_echoed(name: str) -> None:
    secret = "not a token but a secret 42"
    with pytest.raises(SettingsError) as error:
        load_settings({name: secret}, dotenv=None)
    assert name in str(error.value)
    assert secret not in str(error.value)


def test_run_with_a_bad_setting_says_which_and_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        env={"PATH": "", "NHACVIEC_SEND_AT": "tám giờ",
             "NHACVIEC_DB_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "NHACVIEC_SEND_AT" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_operator_calendar_file_moves_a_reminder_off_an_added_day_off(
        tmp_path: Path) -> None:
    calendar = tmp_path / "lich.yaml"
    # Friday 21/06/2024 made a day off: task 1's T-7 moves to Thursday 20/06.
    calendar.write_text("days_off:\n  - date: 2024-06-21\n    reason: Nghỉ bù (thử)\n"
                        "working_days: []\n", encoding="utf-8")
    env = {"PATH": "", "NHACVIEC_CALENDAR": str(calendar)}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "preview", "--from", "2024-06-19", "--to",
         "2024-06-21", "--agency", "STTTT", "--json"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert '"date": "2024-06-20"' in result.stdout and '"coordinate"' in result.stdout
    assert load_settings({"NHACVIEC_CALENDAR": str(calendar)}, dotenv=None).calendar_path == (
        calendar)
    with pytest.raises(SettingsError, match="NHACVIEC_CALENDAR"):
        load_settings({"NHACVIEC_CALENDAR": str(tmp_path / "khong-co.yaml")}, dotenv=None)
