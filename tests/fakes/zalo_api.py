"""A fake Zalo Bot API server on 127.0.0.1, built from the documented payloads.

Real HTTP, a stdlib server in a thread: `/bot<TOKEN>/<method>`, JSON in and out, errors in
`{ok: false, error_code, description}` with the documented codes: 400 wrong path or method name,
401 token expired or invalid, 403 internal server error, 404 invalid request, 408 the long poll
ended empty, 429 quota exceeded. Their HTTP status is not documented: 200 by default, the code
itself with `http_errors=True`. getUpdates has no offset: with `replay=True` it hands the last
update back again at once whenever nothing newer is waiting, as Zalo may. Tests play the users
(`user_says`, `user_sends_sticker`), inject failures (`fail_next`, `revoke_token`) and read what
the bot sent (`sent`, `wait_for_sent`). When a webhook is set, updates are POSTed to it instead
of queued.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

import httpx

TOKEN = "12345689:abc-xyz"
BOT_ID = "1459232241454765289"
TEXT_LIMIT = 2000
MAX_POLL_SECONDS = 5.0  # a test never waits longer than this on an empty getUpdates
START_MS = 1_718_000_000_000  # 10/06/2024 06:13:20 UTC, the clock of the fake's messages

Shape = Literal["wrapped", "flat"]
_ids = itertools.count(1)


def text_update(chat_id: str, text: str, display_name: str = "Nguyễn Văn An",
                message_id: str | None = None, date_ms: int | None = None) -> dict[str, Any]:
    """Return a flat `message.text.received` update as Zalo documents it."""
    update = _update("message.text.received", chat_id, display_name, message_id, date_ms)
    update["message"]["text"] = text
    return update


def sticker_update(chat_id: str, display_name: str = "Nguyễn Văn An",
                   message_id: str | None = None) -> dict[str, Any]:
    """Return a flat `message.sticker.received` update."""
    update = _update("message.sticker.received", chat_id, display_name, message_id, None)
    update["message"]["sticker"] = "0e078a2fb66a5f34067b"
    update["message"]["url"] = "https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1"
    return update


def image_update(chat_id: str, display_name: str = "Nguyễn Văn An",
                 message_id: str | None = None, *, caption: str | None = "ảnh báo cáo",
                 photo: str = "https://photo.example/anh.jpg") -> dict[str, Any]:
    """Return a flat `message.image.received` update: the image's URL in `photo`, and its
    `caption` (left out when None), as Zalo documents it."""
    update = _update("message.image.received", chat_id, display_name, message_id, None)
    update["message"]["photo"] = photo
    if caption is not None:
        update["message"]["caption"] = caption
    return update


def _update(event_name: str, chat_id: str, display_name: str, message_id: str | None,
            date_ms: int | None) -> dict[str, Any]:
    number = next(_ids)
    return {
        "event_name": event_name,
        "message": {
            "from": {"id": chat_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": "PRIVATE"},
            "message_id": message_id or f"msg{number:016x}",
            "date": date_ms if date_ms is not None else START_MS + number * 1000,
        },
    }


def wrap(update: dict[str, Any]) -> dict[str, Any]:
    """Return `update` in the `{ok, result}` envelope."""
    return {"ok": True, "result": update}


class FakeZaloServer:
    """A Zalo Bot API stand-in. Use as a context manager; `url` is the API root."""

    def __init__(self, token: str = TOKEN, *, shape: Shape = "wrapped",
                 http_errors: bool = False, replay: bool = False) -> None:
        self.token = token
        self.shape: Shape = shape
        self.http_errors = http_errors
        self.replay = replay
        self._last_update: dict[str, Any] | None = None
        self.sent: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.blocked_chats: set[str] = set()
        # Images a person sent, served at /media/<name> as Zalo's CDN serves them.
        self.media: dict[str, bytes] = {}
        self.media_requests: list[str] = []
        self._queue: deque[dict[str, Any]] = deque()
        self._failures: dict[str, deque[tuple[int, str]]] = {}
        self._passes: dict[str, int] = {}  # calls of a method answered before its failures
        self.send_latency = 0.0  # seconds sendMessage takes to answer (a slow network)
        self._changed = threading.Condition()
        self._closing = False
        self._pushers: list[threading.Thread] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeZaloServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        for pusher in self._pushers:
            pusher.join(timeout=5)
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeZaloServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def add_media(self, name: str, content: bytes) -> str:
        """Serve `content` as the image `name`; return its URL (what `photo` carries)."""
        with self._changed:
            self.media[name] = content
        return f"{self.url}/media/{name}"

    # --- users ---------------------------------------------------------------------------

    def user_says(self, chat_id: str, text: str, display_name: str = "Nguyễn Văn An",
                  message_id: str | None = None) -> dict[str, Any]:
        """Deliver a text message from `chat_id` and return the (flat) update."""
        return self.deliver(text_update(chat_id, text, display_name, message_id))

    def user_sends_sticker(self, chat_id: str, display_name: str = "Nguyễn Văn An",
                           message_id: str | None = None) -> dict[str, Any]:
        """Deliver a sticker from `chat_id` and return the (flat) update."""
        return self.deliver(sticker_update(chat_id, display_name, message_id))

    def user_sends_image(self, chat_id: str, display_name: str = "Nguyễn Văn An",
                         message_id: str | None = None, *, caption: str | None = "ảnh báo cáo",
                         photo: str = "https://photo.example/anh.jpg") -> dict[str, Any]:
        """Deliver an image from `chat_id` and return the (flat) update."""
        return self.deliver(image_update(chat_id, display_name, message_id, caption=caption,
                                         photo=photo))

    def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue `update` for getUpdates, or POST it to the webhook if one is set."""
        with self._changed:
            webhook = self.webhook
            if webhook is None:
                self._queue.append(update)
                self._changed.notify_all()
                return update
        # From a thread: the test's event loop may be the one that has to answer the POST.
        pusher = threading.Thread(target=self._push, args=(webhook, update), daemon=True)
        self._pushers.append(pusher)
        pusher.start()
        return update

    def deliver_twice(self, update: dict[str, Any]) -> dict[str, Any]:
        """Deliver the same update twice, as Zalo may (getUpdates has no offset)."""
        self.deliver(update)
        return self.deliver(update)

    def _push(self, webhook: dict[str, Any], update: dict[str, Any]) -> None:
        headers = {"X-Bot-Api-Secret-Token": webhook["secret_token"]}
        try:
            response = httpx.post(webhook["url"], json=self._shaped(update), headers=headers,
                                  timeout=5.0)
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        with self._changed:
            self.webhook_statuses.append(status)
            self._changed.notify_all()

    def _shaped(self, update: dict[str, Any]) -> dict[str, Any]:
        return wrap(update) if self.shape == "wrapped" else update

    # --- failures ------------------------------------------------------------------------

    def revoke_token(self) -> None:
        """From now on the bot's token is refused (401), as when it expires or is reset."""
        with self._changed:
            self.token = f"{self.token}-revoked"

    def fail_next(self, method: str, error_code: int, description: str, count: int = 1, *,
                  after: int = 0) -> None:
        """Answer the next `count` calls of `method` with `{ok: false, error_code, ...}`, once
        `after` more calls of it have been answered normally (after=1: the second call fails)."""
        with self._changed:
            queue = self._failures.setdefault(method, deque())
            queue.extend([(error_code, description)] * count)
            self._passes[method] = after

    # --- what the bot did ----------------------------------------------------------------

    def wait_for_sent(self, count: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        """Wait until at least `count` messages were sent; return them all."""
        self._wait_for(lambda: len(self.sent) >= count, timeout,
                       lambda: f"{count} tin nhắn; đã gửi: {self.sent!r}")
        return list(self.sent)

    def wait_for_calls(self, method: str, count: int, timeout: float = 3.0) -> None:
        """Wait until `method` was called at least `count` times (failed calls included)."""
        def enough() -> bool:
            return sum(1 for name, _ in self.calls if name == method) >= count
        self._wait_for(enough, timeout, lambda: f"{count} lần {method}; các lệnh: {self.calls!r}")

    def wait_for_webhook_statuses(self, count: int, timeout: float = 3.0) -> list[int]:
        """Wait until `count` webhook POSTs were answered; return their HTTP statuses."""
        self._wait_for(lambda: len(self.webhook_statuses) >= count, timeout,
                       lambda: f"{count} lần gọi webhook; đã có: {self.webhook_statuses!r}")
        return list(self.webhook_statuses)

    def _wait_for(self, ready: Callable[[], bool], timeout: float,
                  what: Callable[[], str]) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"hết {timeout} giây mà chưa có {what()}")
                self._changed.wait(left)

    # --- the API -------------------------------------------------------------------------

    def answer(self, token: str, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Return the JSON answer to one API call (runs on a server thread)."""
        with self._changed:
            self.calls.append((method, payload))
            self._changed.notify_all()
            if token != self.token:
                return _error(401, "Token expired or invalid")
            failures = self._failures.get(method)
            if failures and self._passes.get(method, 0) > 0:
                self._passes[method] -= 1
            elif failures:
                code, description = failures.popleft()
                return _error(code, description)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(400, f"Wrong method name: {method}")
        result: dict[str, Any] = handler(payload)
        return result

    def _api_getMe(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "result": {"id": BOT_ID, "account_name": "bot.NhacViec",
                                       "account_type": "BASIC", "can_join_groups": False}}

    def _api_getUpdates(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            wait = min(float(payload.get("timeout", 30)), MAX_POLL_SECONDS)
        except (TypeError, ValueError):
            return _error(400, "timeout must be a number of seconds")
        deadline = time.monotonic() + wait
        with self._changed:
            if not self._queue and self.replay and self._last_update is not None:
                return self._shaped(self._last_update)
            while not self._queue and not self._closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            if not self._queue:
                return _error(408, "Request timeout")
            update = self._queue.popleft()
            self._last_update = update
        return self._shaped(update)

    def _api_setWebhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        url, secret = payload.get("url"), payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("https://", "http://127.0.0.1")):
            return _error(400, "url must be an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "secret_token must be 8-256 characters")
        with self._changed:
            self.webhook = {"url": url, "secret_token": secret}
        return {"ok": True, "result": {"url": url, "updated_at": START_MS}}

    def _api_deleteWebhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            self.webhook = None
        return {"ok": True, "result": {"url": "", "updated_at": START_MS}}

    def _api_getWebhookInfo(self, payload: dict[str, Any]) -> dict[str, Any]:
        url = self.webhook["url"] if self.webhook else ""
        return {"ok": True, "result": {"url": url, "updated_at": START_MS}}

    def _api_sendMessage(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.send_latency:
            time.sleep(self.send_latency)
        text = payload.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= TEXT_LIMIT:
            return _error(400, "text must be 1-2000 characters")
        return self._record_send("sendMessage", payload, {"text": text})

    def _api_sendPhoto(self, payload: dict[str, Any]) -> dict[str, Any]:
        photo, caption = payload.get("photo"), payload.get("caption")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            return _error(400, "photo must be a URL")
        if caption is not None and (not isinstance(caption, str)
                                    or not 1 <= len(caption) <= TEXT_LIMIT):
            return _error(400, "caption must be 1-2000 characters")
        return self._record_send("sendPhoto", payload, {"photo": photo, "caption": caption})

    def _api_sendChatAction(self, payload: dict[str, Any]) -> dict[str, Any]:
        if payload.get("action") not in ("typing", "upload_photo"):
            return _error(400, "action must be typing or upload_photo")
        if not payload.get("chat_id"):
            return _error(400, "chat_id is required")
        return {"ok": True}

    def _record_send(self, method: str, payload: dict[str, Any],
                     content: dict[str, Any]) -> dict[str, Any]:
        chat_id = payload.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(400, "chat_id is required")
        with self._changed:
            if chat_id in self.blocked_chats:
                # What Zalo answers for a chat it will not deliver to is not documented; its
                # 403 is documented as an internal server error.
                return _error(403, "Internal server error")
            message_id = f"bot{next(_ids):016x}"
            date_ms = START_MS + len(self.sent) * 1000
            self.sent.append({"method": method, "chat_id": chat_id, **content,
                              "message_id": message_id})
            self._changed.notify_all()
        return {"ok": True, "result": {"message_id": message_id, "date": date_ms}}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


def _handler_for(server: FakeZaloServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self._serve(self._body())

        def do_GET(self) -> None:
            if self.path.startswith("/media/"):
                self._media(self.path[len("/media/"):])
                return
            self._serve({})

        def _media(self, name: str) -> None:
            with server._changed:
                server.media_requests.append(name)
                content = server.media.get(name)
            try:
                if content is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot stopped reading (an image over its size limit)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {}
            return body if isinstance(body, dict) else {}

        def _serve(self, payload: dict[str, Any]) -> None:
            _, _, rest = self.path.partition("/bot")
            token, _, method = rest.rpartition("/")
            if not self.path.startswith("/bot") or not token:
                answer = _error(400, "Wrong path")
            else:
                answer = server.answer(token, method, payload)
            data = json.dumps(answer, ensure_ascii=False).encode()
            status = 200
            if server.http_errors and answer.get("ok") is False:
                status = int(answer["error_code"])
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on a long poll (the bot is stopping)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
