"""The Zalo Bot API: a thin async httpx client and the parsed update (receiving and sending)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from bot import texts
from bot.channels.base import ChannelDown, TransportError

log = logging.getLogger(__name__)

ZALO_API_URL = "https://bot-api.zaloplatforms.com"
TEXT_LIMIT = 2000  # sendMessage accepts 1-2000 characters
POLL_TIMEOUT = 30  # seconds; the documented default of getUpdates
DEFAULT_RETRY_AFTER = 5.0  # Zalo's 429 carries no delay hint, so back off this long
EMPTY_POLL = 408  # getUpdates: the long poll ended without an update
QUOTA_EXCEEDED = 429
BAD_TOKEN = 401  # the token expired or is invalid: the channel, not a chat, is broken
# The other documented codes speak of no chat: 400 wrong method, 403 internal server error,
# 404 invalid request. None of them is a reason to stop writing to a person.

Body = dict[str, Any]

TEXT_RECEIVED = "message.text.received"
IMAGE_RECEIVED = "message.image.received"
UNSUPPORTED_RECEIVED = "message.unsupported.received"


class ZaloApiError(TransportError):
    """Zalo answered `ok: false` (or HTTP failed); `error_code` is Zalo's code, if it gave one."""

    def __init__(self, message: str, *, error_code: int | None = None, permanent: bool = False,
                 retry_after: float | None = None) -> None:
        super().__init__(message, permanent=permanent, retry_after=retry_after)
        self.error_code = error_code


class ZaloTokenRejected(ZaloApiError, ChannelDown):
    """Zalo answered 401: the token expired or is invalid; no call can succeed any more."""


@dataclass(frozen=True)
class ZaloUpdate:
    """One event a person sent to the bot. `text` is None for every non-text event; an image
    (message.image.received) has its URL in `photo` and its `caption`."""

    event_name: str
    message_id: str
    chat_id: str
    user_id: str
    display_name: str
    text: str | None
    date: datetime
    photo: str | None = None
    caption: str | None = None


def parse_update(payload: object) -> ZaloUpdate | None:
    """Return the update in a wrapped `{ok, result: {...}}` or flat payload; None for junk."""
    body = _unwrap(payload)
    if body is None:
        return None
    message = body.get("message")
    if not isinstance(message, Mapping):
        return None
    chat = message.get("chat")
    sender = message.get("from")
    if not isinstance(chat, Mapping) or not isinstance(sender, Mapping):
        return None
    message_id = _identifier(message.get("message_id"))
    chat_id = _identifier(chat.get("id"))
    user_id = _identifier(sender.get("id"))
    date = _epoch_ms(message.get("date"))
    if message_id is None or chat_id is None or user_id is None or date is None:
        return None
    text = message.get("text")
    event_name = body.get("event_name")
    if not isinstance(event_name, str):
        # The documented getUpdates sample omits event_name; a text field is all we can go by.
        event_name = TEXT_RECEIVED if isinstance(text, str) else UNSUPPORTED_RECEIVED
    return ZaloUpdate(
        event_name=event_name,
        message_id=message_id,
        chat_id=chat_id,
        user_id=user_id,
        display_name=_display_name(sender),
        text=text if event_name == TEXT_RECEIVED and isinstance(text, str) else None,
        date=date,
        photo=_image_url(message) if event_name == IMAGE_RECEIVED else None,
        caption=_string(message.get("caption")) if event_name == IMAGE_RECEIVED else None,
    )


def _image_url(message: Mapping[str, Any]) -> str | None:
    url = message.get("photo")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return url
    return None


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _unwrap(payload: object) -> Mapping[str, Any] | None:
    # Webhook bodies and getUpdates answers come as `{ok, result: update}`, some as the bare update.
    for _ in range(3):
        if not isinstance(payload, Mapping):
            return None
        if "message" in payload:
            return payload
        if payload.get("ok") is False:
            return None
        payload = payload.get("result")
    return None


def _identifier(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _epoch_ms(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _display_name(sender: Mapping[str, Any]) -> str:
    # The event docs say display_name; the getUpdates sample says first_name.
    for key in ("display_name", "first_name", "name"):
        value = sender.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


class ZaloClient:
    """The Zalo Bot API methods nhacviec uses. Every failure raises ZaloApiError."""

    def __init__(self, token: str, api_url: str = ZALO_API_URL,
                 http: httpx.AsyncClient | None = None, *,
                 quota_backoff: float = DEFAULT_RETRY_AFTER) -> None:
        if not token:
            raise ValueError(texts.ZALO_TOKEN_EMPTY)
        self._token = token
        self._quota_backoff = quota_backoff
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self._http = http if http is not None else httpx.AsyncClient(timeout=15.0)
        self._owns_http = http is None
        # Set by the first 401: every later call fails at once instead of asking Zalo again.
        self.rejected: str | None = None

    def __repr__(self) -> str:
        return "ZaloClient(token=***)"

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            await self._http.aclose()

    async def get_me(self) -> dict[str, Any]:
        """Return the bot's own account (id, account_name, ...): checks the token."""
        return _as_dict(await self._call("getMe"))

    async def get_updates(self, timeout: int = POLL_TIMEOUT) -> ZaloUpdate | None:
        """Wait up to `timeout` seconds for one update; None if the poll ended empty or was junk."""
        response, body = await self._post("getUpdates", {"timeout": timeout},
                                          read_timeout=timeout + 10)
        # The docs give 408 for an empty poll without saying where: as the HTTP status, as
        # `error_code`, or both.
        if response.status_code == EMPTY_POLL and (body is None or body.get("ok") is not True):
            return None
        if body is None:
            raise self._http_error("getUpdates", response)
        if body.get("ok") is False:
            if _error_code(body) == EMPTY_POLL:
                return None
            raise self._api_error("getUpdates", body, response)
        update = parse_update(body)
        if update is None and body.get("result") is not None:
            log.warning(texts.LOG_ZALO_UNREADABLE_UPDATE)
        return update

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Make Zalo push updates to `url` with `secret_token` in X-Bot-Api-Secret-Token."""
        return _as_dict(await self._call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        """Remove the webhook, so getUpdates works again."""
        return _as_dict(await self._call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        """Return the webhook currently set (`url` is empty when none is)."""
        return _as_dict(await self._call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Send `text` (1-2000 characters) and return Zalo's {message_id, date}."""
        return _as_dict(await self._call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str,
                         caption: str | None = None) -> dict[str, Any]:
        """Send the image at `photo_url` with an optional caption; return {message_id, date}."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return _as_dict(await self._call("sendPhoto", payload))

    async def download(self, url: str, path: Path, limit: int) -> tuple[int, str | None]:
        """Save what `url` serves (an image a person sent) at `path`, stopping past `limit`
        bytes; return the bytes seen and the content type. Nothing is left at `path` unless the
        whole file, at most `limit` bytes, arrived. Raise ZaloApiError if it cannot be fetched.
        """
        partial = path.with_name(path.name + ".part")
        seen = 0
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code != 200:
                    raise ZaloApiError(f"HTTP {response.status_code}")
                kind = response.headers.get("Content-Type")
                with partial.open("wb") as out:
                    async for chunk in response.aiter_bytes():
                        seen += len(chunk)
                        if seen > limit:
                            break
                        out.write(chunk)
            if seen > limit:
                partial.unlink()
                return seen, kind
            os.replace(partial, path)
        except httpx.HTTPError as exc:
            partial.unlink(missing_ok=True)
            raise ZaloApiError(type(exc).__name__) from None
        except OSError:
            partial.unlink(missing_ok=True)
            raise
        return seen, kind

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" in the chat for a moment."""
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def _call(self, method: str, payload: Mapping[str, Any] | None = None) -> Any:
        response, body = await self._post(method, payload or {})
        if body is None:
            raise self._http_error(method, response)
        if body.get("ok") is not True:
            raise self._api_error(method, body, response)
        return body.get("result")

    async def _post(self, method: str, payload: Mapping[str, Any], *,
                    read_timeout: float | None = None) -> tuple[httpx.Response, Body | None]:
        """Return the HTTP answer and the JSON object in it (None if it holds none)."""
        if self.rejected is not None:
            raise ZaloTokenRejected(self.rejected, error_code=BAD_TOKEN)
        url = self._base + method
        try:
            if read_timeout is None:
                response = await self._http.post(url, json=payload)
            else:
                # A long poll is held open for its whole timeout: wait a little longer than that.
                response = await self._http.post(
                    url, json=payload, timeout=httpx.Timeout(15.0, read=read_timeout))
        except httpx.TimeoutException as exc:
            error = type(exc).__name__
            raise ZaloApiError(texts.ZALO_TIMEOUT.format(method=method, error=error)) from None
        except httpx.HTTPError as exc:
            # httpx messages may carry the URL, which carries the token: name the type only.
            error = type(exc).__name__
            raise ZaloApiError(texts.ZALO_CONNECTION_ERROR.format(method=method, error=error)
                               ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        return response, body if isinstance(body, dict) else None

    def _http_error(self, method: str, response: httpx.Response) -> ZaloApiError:
        # No JSON envelope: the status is all there is, read like an error code.
        status = response.status_code
        return self._error(method, status, f"HTTP {status}", _retry_after_header(response))

    def _api_error(self, method: str, body: Mapping[str, Any],
                   response: httpx.Response) -> ZaloApiError:
        description = body.get("description")
        text = description if isinstance(description, str) else texts.LOG_UNKNOWN_ERROR
        # The HTTP status of an error is not documented: `error_code` first, else the status.
        code = _error_code(body)
        status = response.status_code
        return self._error(method, code if code is not None or status == 200 else status, text,
                           _retry_after_header(response))

    def _error(self, method: str, code: int | None, description: str,
               retry_after: float | None = None) -> ZaloApiError:
        if code == BAD_TOKEN:
            self.rejected = texts.ZALO_TOKEN_REJECTED
            return ZaloTokenRejected(self.rejected, error_code=code)
        # The description is Zalo's text; scrubbed in case it ever echoes the request URL.
        message = texts.ZALO_API_FAILED.format(method=method, code=code, description=description)
        message = message.replace(self._token, "***")
        if code == QUOTA_EXCEEDED:
            return ZaloApiError(message, error_code=code,
                                retry_after=retry_after or self._quota_backoff)
        # Every other code is about the request or Zalo's side (400 wrong method, 403 internal
        # server error, 404 invalid request, 5xx from a proxy): retried, then given up on.
        return ZaloApiError(message, error_code=code)


def _error_code(body: Mapping[str, Any]) -> int | None:
    code = body.get("error_code")
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().lstrip("-").isdigit():
        return int(code)
    return None


def _retry_after_header(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _as_dict(result: Any) -> dict[str, Any]:
    return dict(result) if isinstance(result, Mapping) else {}
