"""Turn a Vietnamese time frame ("Quý 2 năm 2024", "Hàng năm hoặc đột xuất") into a schedule.

A reader, not a list of whole-phrase patterns: it cuts the text into parts (periods and lists or
ranges of periods, open starts, rhythms, continuity, ad hoc, events, references, filler), then
combines them by a few rules (see `_combine`). Words it cannot place are returned in `unread`;
a phrase it cannot schedule is UNSCHEDULED with a `reason` code. It never raises.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from scheduler.timeframe.combine import _combine, _unscheduled
from scheduler.timeframe.model import HALF_YEARLY_RULE as HALF_YEARLY_RULE
from scheduler.timeframe.model import MAX_TEXT_LENGTH as MAX_TEXT_LENGTH
from scheduler.timeframe.model import MONTHLY_RULE as MONTHLY_RULE
from scheduler.timeframe.model import PERIODIC_KINDS as PERIODIC_KINDS
from scheduler.timeframe.model import QUARTERLY_RULE as QUARTERLY_RULE
from scheduler.timeframe.model import YEARLY_END_RULE as YEARLY_END_RULE
from scheduler.timeframe.model import Timeframe as Timeframe
from scheduler.timeframe.model import TimeframeKind as TimeframeKind
from scheduler.timeframe.model import first_instance as first_instance
from scheduler.timeframe.model import monthly_rule as monthly_rule
from scheduler.timeframe.model import rule_period_code as rule_period_code
from scheduler.timeframe.model import rule_period_label as rule_period_label
from scheduler.timeframe.model import yearly_rule as yearly_rule
from scheduler.timeframe.reader import _Reader
from scheduler.timeframe.words import _tokens, _Unreadable
from scheduler.timeframe.words import normalise as normalise

# --- Entry point ---------------------------------------------------------------------------------


def _read(text: str, plan_start: date) -> Timeframe:
    if len(text) > MAX_TEXT_LENGTH:
        return _unscheduled("too_long")
    tokens = _tokens(text)
    if not any(t.word[0].isalnum() for t in tokens):
        return _unscheduled("empty")
    reader = _Reader(tokens, plan_start)
    reader.read()
    unread = tuple(
        text[t.start : t.end]
        for t, placed in zip(tokens, reader.placed, strict=True)
        if not placed and t.word[0].isalnum()
    )
    try:
        found = _combine(reader.items, plan_start)
    except _Unreadable as exc:
        found = _unscheduled(str(exc.args[0]))
    except (ValueError, OverflowError):  # a day no calendar has, or a year past 9999
        found = _unscheduled("invalid_date")
    return replace(found, unread=unread)


def parse_timeframe(text: str, plan_start: date) -> Timeframe:
    """Return the schedule `text` describes. Unreadable text is UNSCHEDULED, never an error."""
    verbatim = text if isinstance(text, str) else ""
    return replace(_read(verbatim, plan_start), text=verbatim)

