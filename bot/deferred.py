"""An answer that goes later through the outbox, which carries text: the file that was to go
with it is offered another way."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from bot import texts
from bot.channels.base import OutMessage
from bot.commands.baocao import DOWNLOAD_PATH
from storage import downloads


def deferred_text(session: Session, message: OutMessage, web_url: str | None, tz: tzinfo,
                  now: datetime) -> str:
    """The text of `message` as the outbox will send it: a report file that was to go with it
    becomes a one-time download link (or, with no web address, a word to ask again); a file
    held by the platform, a word to ask again."""
    if message.upload is not None and web_url:
        upload = message.upload
        token, until = downloads.create_link(session, upload.filename, upload.content, now)
        local = until.astimezone(tz)
        return message.text + "\n" + texts.DEFERRED_FILE_LINK.format(
            filename=upload.filename, until=f"{local:%H:%M} {texts.day(local.date())}",
            url=f"{web_url.rstrip('/')}/{DOWNLOAD_PATH}/{token}")
    if message.upload is not None:
        return message.text + "\n" + texts.BAOCAO_UPLOAD_FAILED
    if message.file_ref is not None:
        return message.text + "\n" + texts.DEFERRED_ATTACHMENT_AGAIN
    return message.text
