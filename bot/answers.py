"""The answer protocol channels and delivery share: reminder buttons and numbered replies.

A reminder to a lead agency carries three one-tap answers whose data is an action code and an
assignment id ("d:42"). A messenger without buttons shows them as numbered choices, and the
person replies "1", "2 <lý do>" or "3"; both roads end in the same three actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import texts
from bot.channels.base import Button

DONE = "d"
BLOCKED = "b"
SNOOZE = "s"
REMINDER_ACTIONS = (DONE, BLOCKED, SNOOZE)  # in the order of the buttons and of the numbers

# Button data the bot made: an action and an assignment id that fits a 64-bit integer column.
# Anything else (forged, "d:²", thousands of digits) is no reminder to answer.
_BUTTON = re.compile(r"^(?P<action>[dbs]):(?P<id>[0-9]{1,18})$")
BARE_CHOICE = re.compile(r"^[123]$")

# The coordinator's answers to an extension request ("xa:7", the request's id) and to a
# completion awaiting confirmation ("ca:42", the assignment's id), in the order of the buttons.
APPROVE, REFUSE = "xa", "xr"
CONFIRM, GIVE_BACK = "ca", "cr"
_FOLLOWUP = re.compile(r"^(?P<action>xa|xr|ca|cr):(?P<id>[0-9]{1,18})$")
_NUMBERED = re.compile(r"^(?P<choice>[123])(?:[\s.:,)-]+(?P<rest>.*))?$", re.DOTALL)


@dataclass(frozen=True)
class ButtonAnswer:
    action: str  # one of REMINDER_ACTIONS
    assignment_id: int


@dataclass(frozen=True)
class NumberedAnswer:
    action: str  # one of REMINDER_ACTIONS
    rest: str  # what followed the number: the blocker's reason, a note


def reminder_buttons(assignment_id: int) -> tuple[Button, ...]:
    """Return the one-tap answers of a reminder to a lead agency."""
    return (Button(texts.BUTTON_DONE, f"{DONE}:{assignment_id}"),
            Button(texts.BUTTON_BLOCKED, f"{BLOCKED}:{assignment_id}"),
            Button(texts.BUTTON_SNOOZE, f"{SNOOZE}:{assignment_id}"))


def parse_button(data: str) -> ButtonAnswer | None:
    """Return the answer a tapped button's data carries. If the bot made no such data, None."""
    match = _BUTTON.match(data)
    if match is None:
        return None
    return ButtonAnswer(match.group("action"), int(match.group("id")))


def extension_buttons(request_id: int) -> tuple[Button, ...]:
    """Return the coordinator's one-tap answers to extension request `request_id`."""
    return (Button(texts.BUTTON_APPROVE, f"{APPROVE}:{request_id}"),
            Button(texts.BUTTON_REFUSE, f"{REFUSE}:{request_id}"))


def confirm_buttons(assignment_id: int) -> tuple[Button, ...]:
    """Return the coordinator's one-tap answers to a completion awaiting confirmation."""
    return (Button(texts.BUTTON_CONFIRM, f"{CONFIRM}:{assignment_id}"),
            Button(texts.BUTTON_RETURN, f"{GIVE_BACK}:{assignment_id}"))


def parse_followup(data: str) -> ButtonAnswer | None:
    """Return the follow-up answer (APPROVE ... GIVE_BACK and an id) a button's data carries,
    or None."""
    match = _FOLLOWUP.match(data)
    if match is None:
        return None
    return ButtonAnswer(match.group("action"), int(match.group("id")))


def parse_numbered(text: str) -> NumberedAnswer | None:
    """Return the answer a numbered reply ("2 lý do") gives. If `text` is none, return None."""
    match = _NUMBERED.match(text)
    if match is None:
        return None
    action = REMINDER_ACTIONS[int(match.group("choice")) - 1]
    return NumberedAnswer(action, (match.group("rest") or "").strip())


def render_choices(text: str, buttons: tuple[Button, ...]) -> str:
    """Return `text` with the buttons as numbered choices: reply "1" means buttons[0]."""
    if not buttons:
        return text
    if tuple(button.data.partition(":")[0] for button in buttons) == REMINDER_ACTIONS:
        # The command layer reads "1", "2 <lý do>", "3" as these three, in this order.
        return f"{text}\n\n{texts.NUMBERED_CHOICES}"
    hint = choices_hint(buttons)
    if hint is not None:
        return f"{text}\n\n{hint}"
    lines = [f"{number} = {button.label}" for number, button in enumerate(buttons, start=1)]
    return f"{text}\n\n{texts.CHOICES_TITLE}\n" + "\n".join(lines)


def choices_hint(buttons: tuple[Button, ...]) -> str | None:
    """Return the numbered choices line of the follow-up answers, or None for other buttons."""
    actions = tuple(button.data.partition(":")[0] for button in buttons)
    if actions == (APPROVE, REFUSE):
        return texts.EXTENSION_CHOICES
    if actions == (CONFIRM, GIVE_BACK):
        return texts.CONFIRM_CHOICES
    return None
