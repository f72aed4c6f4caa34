"""The channels share one table of names, keyed by the stored channel values."""

from __future__ import annotations

from bot import texts
from storage.models import Channel


def test_every_stored_channel_has_exactly_one_vietnamese_name() -> None:
    assert set(texts.CHANNEL_NAMES) == {channel.value for channel in Channel}
    assert texts.CHANNEL_NAMES[Channel.CONSOLE] == "dòng lệnh"


def test_a_channel_label_starts_with_a_capital_as_a_report_cell_does() -> None:
    assert texts.channel_label("console") == "Dòng lệnh"
    assert texts.channel_label("telegram") == "Telegram"
    assert texts.channel_label("fax") == "fax"
