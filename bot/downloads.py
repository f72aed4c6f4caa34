"""The web side of /baocao's one-time links: `GET /tai/{token}` hands the file over once."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot import texts
from bot.commands.core import Clock
from bot.reports.files import MIME_TYPES
from bot.web import Endpoint
from storage import downloads

_REFUSALS = {
    downloads.Refused.UNKNOWN: (404, texts.DOWNLOAD_UNKNOWN),
    downloads.Refused.USED: (410, texts.DOWNLOAD_USED),
    downloads.Refused.EXPIRED: (410, texts.DOWNLOAD_EXPIRED),
}


def download_endpoint(sessions: sessionmaker[Session], clock: Clock) -> Endpoint:
    """Return the endpoint: the file as an attachment, or a Vietnamese refusal (404, 410)."""

    def take(token: str) -> downloads.Download | downloads.Refused:
        with sessions() as session, session.begin():
            return downloads.take(session, token, clock())

    async def endpoint(request: Request) -> Response:
        token = str(request.path_params.get("token", ""))[:200]
        found = await asyncio.to_thread(take, token)
        headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
        if isinstance(found, downloads.Refused):
            status, text = _REFUSALS[found]
            return PlainTextResponse(text + "\n", status_code=status, headers=headers)
        suffix = found.filename.rsplit(".", 1)[-1]
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{found.filename}\"; "
            f"filename*=UTF-8''{quote(found.filename)}")
        return Response(found.content, media_type=MIME_TYPES.get(suffix,
                                                                 "application/octet-stream"),
                        headers=headers)

    return endpoint
