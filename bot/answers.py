"""The answer protocol channels and delivery share: reminder buttons and numbered replies.

A reminder to a lead agency carries three one-tap answers whose data is an action code and an
assignment id ("d:42"). A messenger without buttons shows them as numbered choices, and the
person replies "1", "2 <lý do>" or "3"; both roads end in the same three actions.

The day's message lists several items, numbered from 1, each block of its text opening with
"N. ". Its buttons name the item too ("d:42#3": item 3 is assignment 42): Telegram shows one row
per item under the piece holding it; Zalo and the console answer "1 3" (item 3 done),
"2 3 <lý do>", "3 3".
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
_BUTTON = re.compile(r"^(?P<action>[dbs]):(?P<id>[0-9]{1,18})(?:#(?P<item>[0-9]{1,4}))?$")
_ITEM_BLOCK = re.compile(r"^(?P<item>[0-9]{1,4})\. ")
_ITEM_REPLY = re.compile(r"^(?P<item>[0-9]{1,4})(?:[\s.:,)-]+(?P<rest>.*))?$", re.DOTALL)
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
    item: int | None = None  # the item of a day's message, None on a one-item reminder


@dataclass(frozen=True)
class NumberedAnswer:
    action: str  # one of REMINDER_ACTIONS
    rest: str  # what followed the number: the blocker's reason, a note


def reminder_buttons(assignment_id: int) -> tuple[Button, ...]:
    """Return the one-tap answers of a reminder to a lead agency."""
    return (Button(texts.BUTTON_DONE, f"{DONE}:{assignment_id}"),
            Button(texts.BUTTON_BLOCKED, f"{BLOCKED}:{assignment_id}"),
            Button(texts.BUTTON_SNOOZE, f"{SNOOZE}:{assignment_id}"))


def item_buttons(item: int, assignment_id: int) -> tuple[Button, ...]:
    """Return the one-tap answers of item `item` of a day's message (data "d:42#3")."""
    return tuple(Button(label.format(number=item), f"{action}:{assignment_id}#{item}")
                 for action, label in zip(REMINDER_ACTIONS, (
                     texts.ITEM_BUTTON_DONE, texts.ITEM_BUTTON_BLOCKED,
                     texts.ITEM_BUTTON_SNOOZE), strict=True))


def parse_button(data: str) -> ButtonAnswer | None:
    """Return the answer a tapped button's data carries. If the bot made no such data, None."""
    match = _BUTTON.match(data)
    if match is None:
        return None
    item = match.group("item")
    return ButtonAnswer(match.group("action"), int(match.group("id")),
                        int(item) if item is not None else None)


def answer_items(buttons: tuple[tuple[str, str], ...] | tuple[Button, ...]) -> dict[int, int]:
    """Return the assignment id of each item the buttons of a day's message answer.

    A one-item reminder's buttons (no item number) answer item 1.
    """
    items: dict[int, int] = {}
    for button in buttons:
        data = button.data if isinstance(button, Button) else button[1]
        tapped = parse_button(data)
        if tapped is not None:
            items.setdefault(tapped.item or 1, tapped.assignment_id)
    return items


def is_daily(buttons: tuple[Button, ...]) -> bool:
    """Return True if the buttons are those of a day's message (they name items)."""
    return any((tapped := parse_button(b.data)) is not None and tapped.item is not None
               for b in buttons)


def item_of_block(block: str) -> int | None:
    """Return the item number a block of a day's message opens with ("3. ..."), if any."""
    match = _ITEM_BLOCK.match(block)
    return int(match.group("item")) if match else None


def item_rows(buttons: tuple[Button, ...]) -> list[tuple[Button, ...]]:
    """Return the buttons as rows: one per item of a day's message, else one per button."""
    rows: dict[object, list[Button]] = {}
    for index, button in enumerate(buttons):
        tapped = parse_button(button.data)
        key: object = tapped.item if tapped is not None and tapped.item is not None else -index
        rows.setdefault(key, []).append(button)
    return [tuple(row) for row in rows.values()]


def buttons_of_items(buttons: tuple[Button, ...], items: set[int]) -> tuple[Button, ...]:
    """Return the buttons that answer one of `items`."""
    return tuple(b for b in buttons
                 if (tapped := parse_button(b.data)) is not None and tapped.item in items)


def split_item(rest: str) -> tuple[int, str] | None:
    """Return the item number that opens `rest` ("3 lý do") and what follows it, or None."""
    match = _ITEM_REPLY.match(rest)
    if match is None:
        return None
    return int(match.group("item")), (match.group("rest") or "").strip()


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
    if is_daily(buttons):
        # Said under the title, so the first piece of a long message already says it.
        title, _, body = text.partition("\n\n")
        return f"{title}\n{texts.ITEM_CHOICES}\n\n{body}" if body else text
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
