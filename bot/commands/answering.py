"""Answers to a reminder: a tapped button, a numbered reply, the answer to a pending question."""

from __future__ import annotations

from bot import answers, texts
from bot.channels.base import Button
from bot.commands import confirming, extensions
from bot.commands.core import Refusal, Reply, Request, agency_name, check_note
from bot.commands.reporting import (
    check_may_report,
    check_opened,
    record_blocked,
    record_done,
    snooze,
)
from bot.render import ref, standing_text
from scheduler.status import standing_of
from storage import inbox, outbox, work
from storage.models import Assignment, AssignmentStatus, Officer, PromptKind, Role


def button(request: Request, data: str) -> list[Reply]:
    """Apply a tapped reminder button."""
    officer = request.officer
    if officer is None:
        return [Reply(texts.NEED_INVITE)]
    followup = answers.parse_followup(data)
    if followup is not None:
        return _followup(request, followup.action, followup.assignment_id, "")
    tapped = answers.parse_button(data)
    assignment = (work.assignment_for_update(request.session, tapped.assignment_id)
                  if tapped else None)
    if tapped is None or assignment is None:
        return [Reply(texts.NO_REMINDER_TO_ANSWER)]
    return answer(request, officer, assignment, tapped.action, "")


def numbered(request: Request, reply: answers.NumberedAnswer) -> list[Reply]:
    """Apply a numbered reply to the last message with choices sent to the chat (a reminder, an
    extension request, a completion awaiting confirmation)."""
    officer = request.registered
    last = outbox.last_reminder_to_chat(request.session, request.incoming.channel,
                                         request.incoming.chat_id)
    if last is None:
        return [Reply(texts.NO_REMINDER_TO_ANSWER)]
    pairs = outbox.buttons_of(last)
    buttons = tuple(Button(label, data) for label, data in pairs)
    hint = answers.choices_hint(buttons)
    if hint is not None:
        # The last message with choices was a follow-up notice: "1" and "2 lý do" answer it.
        number = answers.REMINDER_ACTIONS.index(reply.action)
        if number >= len(pairs):
            raise Refusal(texts.NO_CHOICE.format(number=number + 1, choices=hint))
        tapped = answers.parse_followup(pairs[number][1])
        if tapped is not None:
            return _followup(request, tapped.action, tapped.assignment_id, reply.rest)
    assignment_id, rest = _item_answered(answers.answer_items(buttons),
                                         answers.is_daily(buttons), reply.rest)
    assignment = work.assignment_for_update(request.session, assignment_id)
    if assignment is None:
        return [Reply(texts.NO_REMINDER_TO_ANSWER)]
    return answer(request, officer, assignment, reply.action, rest)


def _item_answered(items: dict[int, int], daily: bool, rest: str) -> tuple[int, str]:
    """Return the assignment a numbered reply answers, and the rest of the reply (its reason).

    A day's message with several items needs the item's number ("1 3", "2 3 lý do"); with one
    item, the number may be left out. A one-item reminder reads the rest as the reason, as it
    always did. Raise Refusal.
    """
    if not items:
        raise Refusal(texts.NO_REMINDER_TO_ANSWER)
    named = answers.split_item(rest) if daily else None
    if named is not None and named[0] in items:
        return items[named[0]], named[1]
    if len(items) == 1:
        (only,) = items.values()
        return only, rest
    if named is not None:
        raise Refusal(texts.ITEM_NUMBER_UNKNOWN.format(number=named[0], count=len(items)))
    raise Refusal(texts.ITEM_NUMBER_NEEDED.format(count=len(items)))


def _followup(request: Request, action: str, target: int, rest: str) -> list[Reply]:
    """Apply an answer to an extension request (`target`: its id) or to a completion awaiting
    confirmation (`target`: the assignment's id)."""
    check_note(rest)
    if action in (answers.APPROVE, answers.REFUSE):
        return extensions.tap(request, action, target, rest)
    return confirming.tap(request, action, target, rest)


def pending_question(request: Request, assignment: Assignment, text: str,
                     kind: str = PromptKind.BLOCKED_REASON.value) -> list[Reply]:
    """Apply `text` as the answer to the question asked: the blocker (the same rules as
    /vuongmac), why an extension is refused, why a completion is returned."""
    # Too long: refused before the question is taken, so a shorter answer still answers it
    # (the refusal rolls the taking back).
    check_note(text)
    try:
        with request.session.begin_nested():
            if kind == PromptKind.REFUSE_REASON.value:
                return extensions.refuse_by_prompt(request, assignment, text)
            if kind == PromptKind.RETURN_REASON.value:
                return confirming.return_done(request, assignment, text)
            return answer(request, request.registered, assignment, answers.BLOCKED, text)
    except Refusal as refusal:
        return [Reply(str(refusal))]  # the question is answered (refused): gone


def answer(request: Request, officer: Officer, assignment: Assignment, action: str,
           rest: str) -> list[Reply]:
    """Apply one of the reminder's answers (answers.DONE, BLOCKED, SNOOZE), or refuse."""
    if officer.role == Role.LEADER.value:
        raise Refusal(texts.LEADER_READ_ONLY)
    check_may_report(request, officer, assignment)
    if (assignment.status == AssignmentStatus.DONE.value or assignment.archived
            or assignment.occurrence.task.plan.archived):
        occurrence = assignment.occurrence
        raise Refusal(texts.STALE_BUTTON.format(
            key=ref(occurrence.task, occurrence.period), period=occurrence.label,
            agency=agency_name(request, assignment.agency_code),
            standing=standing_text(standing_of(assignment, request.today))))
    check_opened(request, assignment)
    if action == answers.DONE:
        return record_done(request, assignment, rest)
    if action == answers.SNOOZE:
        return snooze(request, assignment)
    if rest:
        return record_blocked(request, assignment, rest)
    inbox.set_prompt(request.session, request.incoming.channel, request.incoming.chat_id,
                       assignment.id, officer, request.now)
    occurrence = assignment.occurrence
    return [Reply(texts.ASK_BLOCKED_REASON.format(
        key=ref(occurrence.task, occurrence.period), period=occurrence.label))]
