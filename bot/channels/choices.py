"""Buttons as numbered choices, for channels without buttons (Zalo, console).

The seam for the answer protocol: this is today's `render_choices` (it knows the d/b/s codes of
a reminder's buttons); bot/answers.py takes it over, and the channels then import it from there.
"""

from __future__ import annotations

from bot import texts
from bot.channels.base import Button

REMINDER_ACTIONS = ("d", "b", "s")


def render_choices(text: str, buttons: tuple[Button, ...]) -> str:
    """Return `text` with the buttons as numbered choices: reply "1" means buttons[0]."""
    if not buttons:
        return text
    if tuple(button.data.partition(":")[0] for button in buttons) == REMINDER_ACTIONS:
        # The command layer reads "1", "2 <lý do>", "3" as these three, in this order.
        return f"{text}\n\n{texts.NUMBERED_CHOICES}"
    lines = [f"{number} = {button.label}" for number, button in enumerate(buttons, start=1)]
    return f"{text}\n\nTrả lời:\n" + "\n".join(lines)
