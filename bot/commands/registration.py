"""Registration: /start with an invite code, and /help."""

from __future__ import annotations

from bot import texts
from bot.commands.core import Refusal, Reply, Request
from bot.commands.reading import tasks_text
from storage.invites import InviteError, InviteErrorReason, redeem_invite


def start(request: Request, code: str) -> list[Reply]:
    """Redeem an invite code (if given) and greet the officer with their agency's tasks."""
    incoming = request.incoming
    officer = request.officer
    if code:
        try:
            officer = redeem_invite(request.session, code.split()[0], incoming.channel,
                                    incoming.chat_id, incoming.display_name, request.now,
                                    today=request.today)
        except InviteError as error:
            if error.reason is InviteErrorReason.ALREADY_REGISTERED and officer is not None:
                raise Refusal(texts.ALREADY_REGISTERED.format(
                    agency=officer.agency.name)) from None
            raise Refusal({
                InviteErrorReason.USED: texts.INVITE_USED,
                InviteErrorReason.EXPIRED: texts.INVITE_EXPIRED,
                InviteErrorReason.CEASED: texts.INVITE_AGENCY_CEASED,
            }.get(error.reason, texts.INVITE_UNKNOWN)) from None
    if officer is None:
        return [Reply(texts.NEED_INVITE)]
    greeting = texts.greeting(officer.name, officer.role, officer.agency.name)
    return [Reply(greeting), Reply(tasks_text(request, officer.agency_code))]


def help_(request: Request, rest: str) -> list[Reply]:
    return [Reply(texts.HELP)]
