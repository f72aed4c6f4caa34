"""The answer protocol, the command table and the one folder: pure, no database."""

from __future__ import annotations

from bot import answers, texts
from bot.commands import COMMANDS
from scheduler.text import fold


def test_it_reads_back_the_buttons_it_makes() -> None:
    parsed = [answers.parse_button(button.data) for button in answers.reminder_buttons(42)]
    assert parsed == [answers.ButtonAnswer(action, 42) for action in answers.REMINDER_ACTIONS]


def test_it_refuses_button_data_it_did_not_make() -> None:
    for data in ("d:", "x:1", "d:²", "d:" + "9" * 19, "d:1 ", ""):
        assert answers.parse_button(data) is None, data


def test_a_numbered_reply_names_the_reminder_answer_in_button_order() -> None:
    assert answers.parse_numbered("1") == answers.NumberedAnswer(answers.DONE, "")
    assert answers.parse_numbered("2. máy hỏng") == answers.NumberedAnswer(
        answers.BLOCKED, "máy hỏng")
    assert answers.parse_numbered("3") == answers.NumberedAnswer(answers.SNOOZE, "")
    assert answers.parse_numbered("4") is None
    assert answers.parse_numbered("12") is None


def test_every_command_of_the_menu_has_a_handler_and_no_handler_lacks_one() -> None:
    assert set(COMMANDS) == {name for name, _, _ in texts.COMMANDS}


def test_fold_drops_diacritics_and_keeps_one_character_for_each() -> None:
    text = "Đẩy mạnh CẢI CÁCH hành chính"
    assert fold(text) == "day manh cai cach hanh chinh"
    assert len(fold(text)) == len(text)
