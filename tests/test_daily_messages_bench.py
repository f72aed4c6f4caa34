"""The committed scenario bench/daily_messages.py, on a smaller window: the bundled plan, one
officer per agency, the real tick every working day; no officer gets more than one reminder
message a day."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parent.parent / "bench" / "daily_messages.py"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_daily_messages", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


def test_no_officer_gets_more_than_one_reminder_message_a_working_day(tmp_path: Path) -> None:
    # Two weeks of the bundled plan from its start, while quarters open and fall due.
    result = bench().measure(tmp_path, date(2024, 6, 17), date(2024, 7, 12))
    assert result.working_days == 20
    assert result.most_per_chat_day == 1
    assert result.most_escalations_per_chat_day == 1
    # Several items a day went as one message each.
    assert result.items > result.reminder_messages > 0
    assert result.per_agency["SCT"] > 1 and result.escalation_messages > 0
