"""A fake Telegram Bot API server: real HTTP on 127.0.0.1, played by the test as the users.

The bot under test calls `{server.base_url}{token}/{method}` exactly as it would call
api.telegram.org. The test enqueues what users say or tap (`user_says`, `user_taps`), reads what
the bot sent (`sent`, `edits`, `callback_answers`), and injects failures (`fail_next`,
`block_chat`), which are answered in the Bot API error envelope so python-telegram-bot raises
its real exceptions.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

TEST_TOKEN = "123456789:TEST-secret-token_AbCdEfGhIjKlMnOpQrStUvW"
BOT_USER: dict[str, Any] = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Nhắc việc",
    "username": "nhacviec_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_T = TypeVar("_T")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # what a bot may upload
MAX_CALLBACK_ANSWER = 200
MAX_CALLBACK_DATA_BYTES = 64
# How long one getUpdates call may hold the connection: short, so a stopping bot is never stuck.
MAX_LONG_POLL_SECONDS = 2.0
# Telegram refuses to answer a callback query after a while (not documented; seconds, observed)
# and refuses a second answer, both with this description.
CALLBACK_QUERY_LIFETIME = 15.0
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
MAX_CAPTION = 1024
# Bots may download files of at most 20 MB (getFile); a larger one is refused with this.
MAX_DOWNLOAD = 20 * 1024 * 1024
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"

# Form-encoded requests carry non-string values JSON-encoded (python-telegram-bot's
# RequestData.json_parameters); strings arrive raw, so only these fields are decoded.
_JSON_FIELDS = frozenset({
    "reply_markup", "commands", "allowed_updates", "scope", "entities", "caption_entities",
    "link_preview_options", "reply_parameters",
})
_INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "cache_time"})
_BOOL_FIELDS = frozenset({"show_alert", "drop_pending_updates", "disable_notification"})

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An answer in the Bot API error envelope."""

    def __init__(self, status: int, description: str | None = None,
                 retry_after: int | None = None, migrate_to_chat_id: int | None = None) -> None:
        if description is None:
            description = _DEFAULT_DESCRIPTIONS.get(status, HTTPStatus(status).phrase)
        super().__init__(description.format(retry_after=retry_after))
        self.status = status
        self.description = description.format(retry_after=retry_after)
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False, "error_code": self.status, "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        if self.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": self.migrate_to_chat_id}
        return body


@dataclass(frozen=True)
class SentMessage:
    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The inline keyboard as (label, callback data) pairs, row by row."""
        if not self.reply_markup:
            return []
        return [(b["text"], b.get("callback_data", ""))
                for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    @property
    def button_rows(self) -> list[list[str]]:
        if not self.reply_markup:
            return []
        return [[b["text"] for b in row] for row in self.reply_markup.get("inline_keyboard", [])]


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (sendDocument's `document`)."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class SentDocument:
    message_id: int
    chat_id: int
    filename: str
    mime_type: str
    content: bytes
    caption: str | None


@dataclass(frozen=True)
class Edit:
    method: str  # "editMessageText" | "editMessageReplyMarkup"
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict[str, Any] | None


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool


@dataclass
class _StoredMessage:
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    date: int


@dataclass(frozen=True)
class SentFile:
    """A sendDocument or sendPhoto the bot made: the file it named (a file_id or a URL)."""

    method: str  # "sendDocument" | "sendPhoto"
    chat_id: int
    file: str
    caption: str | None


@dataclass
class _StoredFile:
    kind: str  # "document" | "photo"
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass
class _Failure:
    status: int
    description: str | None
    retry_after: int | None
    remaining: int
    passes: int = 0  # calls answered normally before this failure starts


@dataclass
class _State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], _StoredMessage] = field(default_factory=dict)
    sent: list[SentMessage] = field(default_factory=list)
    documents: list[SentDocument] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, list[_Failure]] = field(default_factory=dict)
    blocked_chats: dict[int, ApiError] = field(default_factory=dict)
    migrated_chats: dict[int, int] = field(default_factory=dict)
    open_queries: dict[str, float] = field(default_factory=dict)  # id -> monotonic time of tap
    my_commands: list[dict[str, Any]] = field(default_factory=list)
    webhook_url: str = ""
    files: dict[str, _StoredFile] = field(default_factory=dict)  # file_id -> file
    sent_files: list[SentFile] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)  # file paths fetched from /file/bot...


class FakeTelegramServer:
    """The Bot API on 127.0.0.1 (ephemeral port) in a background thread; a context manager."""

    def __init__(self, token: str = TEST_TOKEN, *,
                 callback_query_lifetime: float = CALLBACK_QUERY_LIFETIME) -> None:
        self.token = token
        self.callback_query_lifetime = callback_query_lifetime
        self._lock = threading.Condition()
        self._state = _State()
        self._closing = False
        self._ids = itertools.count(1)
        self._sizes: dict[str, int] = {}  # file_id -> the size the sender's client announced
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name="fake-telegram", daemon=True,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The server root, as in TELEGRAM_API_URL: "http://127.0.0.1:PORT"."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """PTB's `base_url`: the bot calls `{base_url}{token}/{method}`."""
        return f"{self.api_url}/bot"

    @property
    def bot_username(self) -> str:
        return str(BOT_USER["username"])

    def start(self) -> FakeTelegramServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._closing = True
            self._lock.notify_all()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeTelegramServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- playing the users -------------------------------------------------------------------

    def user_says(self, chat_id: int, text: str, *, first_name: str = "Lan",
                  last_name: str | None = None, user_id: int | None = None) -> int:
        """Enqueue a text message from a user in a private chat; return its message_id."""
        user = _user(user_id or chat_id, first_name, last_name)
        with self._lock:
            message_id = next(self._ids)
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat(chat_id, user),
                "from": user,
                "text": text,
            }
            if text.startswith("/"):
                command_length = len(text.split(maxsplit=1)[0])
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": command_length},
                ]
            self._enqueue({"message": message})
        return message_id

    def user_sends_photo(self, chat_id: int, *, first_name: str = "Lan",
                         caption: str | None = None, file_size: int = 48_213) -> int:
        """Enqueue a photo, as Telegram sends it (several PhotoSize, the largest last), with an
        optional caption; return its message_id. Its file_id is `photo-<message_id>`."""
        user = _user(chat_id, first_name, None)
        with self._lock:
            message_id = next(self._ids)
            file_id = f"photo-{message_id}"
            sizes = [
                {"file_id": f"{file_id}-s", "file_unique_id": f"u{message_id}s", "width": 90,
                 "height": 67, "file_size": 1_270},
                {"file_id": file_id, "file_unique_id": f"u{message_id}", "width": 1280,
                 "height": 960, "file_size": file_size},
            ]
            for size in sizes:
                self._state.files[size["file_id"]] = _StoredFile(
                    "photo", size["file_unique_id"], f"photos/file_{message_id}.jpg",
                    b"\xff\xd8\xff\xe0" + bytes(16))
            message: dict[str, Any] = {
                "message_id": message_id, "date": int(time.time()),
                "chat": _chat(chat_id, user), "from": user, "photo": sizes,
            }
            _add_caption(message, caption)
            self._enqueue({"message": message})
        return message_id

    def user_sends_sticker(self, chat_id: int, *, first_name: str = "Lan") -> int:
        """Enqueue a sticker (neither text nor a file); return its message_id."""
        user = _user(chat_id, first_name, None)
        with self._lock:
            message_id = next(self._ids)
            self._enqueue({"message": {
                "message_id": message_id, "date": int(time.time()),
                "chat": _chat(chat_id, user), "from": user,
                "sticker": {"file_id": f"sticker-{message_id}",
                            "file_unique_id": f"k{message_id}", "type": "regular",
                            "width": 512, "height": 512, "is_animated": False,
                            "is_video": False},
            }})
        return message_id

    def user_sends_document(self, chat_id: int, file_name: str, *, mime_type: str | None,
                            caption: str | None = None, file_size: int | None = None,
                            content: bytes = b"%PDF-1.7\n%minh chung\n", first_name: str = "Lan",
                            ) -> int:
        """Enqueue a document (a Bot API Document object) with an optional caption; return its
        message_id. Its file_id is `doc-<message_id>`; `file_size` defaults to the content's."""
        user = _user(chat_id, first_name, None)
        with self._lock:
            message_id = next(self._ids)
            file_id = f"doc-{message_id}"
            document: dict[str, Any] = {
                "file_id": file_id, "file_unique_id": f"d{message_id}", "file_name": file_name,
                "file_size": len(content) if file_size is None else file_size,
            }
            if mime_type is not None:
                document["mime_type"] = mime_type
            self._state.files[file_id] = _StoredFile(
                "document", document["file_unique_id"], f"documents/file_{message_id}"
                + (file_name[file_name.rfind("."):] if "." in file_name else ""), content)
            self._sizes[file_id] = int(document["file_size"])
            message: dict[str, Any] = {
                "message_id": message_id, "date": int(time.time()),
                "chat": _chat(chat_id, user), "from": user, "document": document,
            }
            _add_caption(message, caption)
            self._enqueue({"message": message})
        return message_id

    def user_taps(self, chat_id: int, message_id: int, data: str, *, first_name: str = "Lan",
                  last_name: str | None = None, user_id: int | None = None) -> str:
        """Enqueue a tap on an inline button of a bot message; return the callback query id."""
        user = _user(user_id or chat_id, first_name, last_name)
        with self._lock:
            stored = self._state.messages.get((chat_id, message_id))
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": stored.date if stored else int(time.time()),
                "chat": _chat(chat_id, user),
                "from": BOT_USER,
                "text": stored.text if stored else "",
            }
            if stored and stored.reply_markup:
                message["reply_markup"] = stored.reply_markup
            query_id = f"cbq-{next(self._ids)}"
            self._state.open_queries[query_id] = time.monotonic()
            self._enqueue({"callback_query": {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": f"ci-{chat_id}",
                "data": data,
            }})
        return query_id

    def _enqueue(self, payload: dict[str, Any]) -> None:
        update_id = 1000 + next(self._ids)
        self._state.updates.append({"update_id": update_id, **payload})
        self._lock.notify_all()

    # -- what the bot did --------------------------------------------------------------------

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._state.sent)

    @property
    def documents(self) -> list[SentDocument]:
        with self._lock:
            return list(self._state.documents)

    def wait_for_documents(self, n: int, timeout: float = 3.0) -> list[SentDocument]:
        return self._wait_for(lambda: self._state.documents, n, timeout, "sendDocument")

    @property
    def edits(self) -> list[Edit]:
        with self._lock:
            return list(self._state.edits)

    @property
    def sent_files(self) -> list[SentFile]:
        with self._lock:
            return list(self._state.sent_files)

    @property
    def downloads(self) -> list[str]:
        with self._lock:
            return list(self._state.downloads)

    def wait_for_sent_files(self, n: int, timeout: float = 3.0) -> list[SentFile]:
        return self._wait_for(lambda: self._state.sent_files, n, timeout, "sendDocument/Photo")

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._lock:
            return list(self._state.callback_answers)

    @property
    def my_commands(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.my_commands)

    @property
    def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet (by a later getUpdates offset)."""
        with self._lock:
            return len(self._state.updates)

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """The parameters of every request received, or only those of `method`."""
        with self._lock:
            return [params for name, params in self._state.calls
                    if method is None or name.lower() == method.lower()]

    def wait_for_sent(self, n: int, timeout: float = 3.0) -> list[SentMessage]:
        """Wait until at least `n` messages were sent; return them all. Fail after `timeout`."""
        return self._wait_for(lambda: self._state.sent, n, timeout, "sendMessage")

    def wait_for_edits(self, n: int, timeout: float = 3.0) -> list[Edit]:
        return self._wait_for(lambda: self._state.edits, n, timeout, "edit")

    def wait_for_callback_answers(self, n: int, timeout: float = 3.0) -> list[CallbackAnswer]:
        return self._wait_for(lambda: self._state.callback_answers, n, timeout,
                              "answerCallbackQuery")

    def _wait_for(self, records: Callable[[], list[_T]], n: int, timeout: float,
                  what: str) -> list[_T]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(records()) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {n} {what} within {timeout}s, got {len(records())}: "
                        f"{records()!r}")
                self._lock.wait(remaining)
            return list(records())

    # -- failure injection -------------------------------------------------------------------

    def fail_next(self, method: str, status: int = 429, *, retry_after: int | None = None,
                  description: str | None = None, count: int = 1, after: int = 0) -> None:
        """Answer the next `count` calls of `method` with an error (429 carries retry_after),
        once `after` more calls of it were answered normally (after=1: the second call fails)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._state.failures.setdefault(method.lower(), []).append(
                _Failure(status, description, retry_after, count, after))

    def block_chat(self, chat_id: int, *, status: int = 403,
                   description: str = "Forbidden: bot was blocked by the user") -> None:
        """From now on, every message to `chat_id` fails like this (blocked, chat not found)."""
        with self._lock:
            self._state.blocked_chats[chat_id] = ApiError(status, description)

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """The group `chat_id` became the supergroup `new_chat_id`: sending to the old id now
        fails with `migrate_to_chat_id`, as Telegram answers."""
        with self._lock:
            self._state.migrated_chats[chat_id] = new_chat_id

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._state.blocked_chats.pop(chat_id, None)

    # -- the API -----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._serve()

            def do_POST(self) -> None:
                self._serve()

            def _serve(self) -> None:
                content_type = "application/json"
                if self.path.startswith("/file/"):
                    status, payload = server._download(self.path)
                    content_type = "application/octet-stream"
                else:
                    status, body = server._dispatch(self.command, self.path, self.headers,
                                                    self._body())
                    payload = json.dumps(body, ensure_ascii=False).encode()
                # A stopping bot drops its long poll: nobody is left to read the answer.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request line holds the token; tests read `calls()` instead

        return Handler

    def _dispatch(self, verb: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        url = urlsplit(path)
        prefix = f"/bot{self.token}/"
        if not url.path.startswith(prefix):
            return 401, ApiError(401).envelope()
        method = url.path[len(prefix):]
        try:
            params = _parse_params(url.query, headers.get("Content-Type", ""), body)
        except ValueError as exc:
            return 400, ApiError(400, f"Bad Request: {exc}").envelope()
        handler = self._methods().get(method.lower())
        with self._lock:
            self._state.calls.append((method, params))
            failure = self._take_failure(method)
        if failure is not None:
            return failure.status, failure.envelope()
        if handler is None:
            return 404, ApiError(404).envelope()
        try:
            return 200, {"ok": True, "result": handler(params)}
        except ApiError as exc:
            return exc.status, exc.envelope()

    def _download(self, path: str) -> tuple[int, bytes]:
        """Serve `/file/bot<token>/<file_path>` as the Bot API does: the file's bytes."""
        prefix = f"/file/bot{self.token}/"
        path = unquote(urlsplit(path).path)  # PTB quotes the token's ":" as %3A
        if not path.startswith(prefix):
            return 401, b"Unauthorized"
        file_path = path[len(prefix):]
        with self._lock:
            for stored in self._state.files.values():
                if stored.file_path == file_path:
                    self._state.downloads.append(file_path)
                    self._lock.notify_all()
                    return 200, stored.content
        return 404, b"Not Found"

    def _take_failure(self, method: str) -> ApiError | None:
        queue = self._state.failures.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        if failure.passes > 0:
            failure.passes -= 1
            return None
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return ApiError(failure.status, failure.description, failure.retry_after)

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        return {
            "getme": lambda params: BOT_USER,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "sendphoto": lambda params: self._send_file("sendPhoto", "photo", params),
            "getfile": self._get_file,
            "answercallbackquery": self._answer_callback_query,
            "editmessagetext": self._edit_message,
            "editmessagereplymarkup": self._edit_message,
            "setmycommands": self._set_my_commands,
            "getmycommands": lambda params: self.my_commands,
            "deletemycommands": self._delete_my_commands,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "close": lambda params: True,
            "logout": lambda params: True,
        }

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0))
        limit = int(params.get("limit", 100))
        wait = min(float(params.get("timeout", 0)), MAX_LONG_POLL_SECONDS)
        deadline = time.monotonic() + wait
        with self._lock:
            if offset > 0:
                # An offset confirms every update before it: Telegram forgets them.
                self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
            while not self._state.updates and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
            if offset < 0:
                return list(self._state.updates[offset:])[:limit]
            return list(self._state.updates[:limit])

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _require_int(params, "chat_id")
        text = str(params.get("text", ""))
        reply_markup = params.get("reply_markup")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        _check_markup(reply_markup)
        with self._lock:
            blocked = self._state.blocked_chats.get(chat_id)
            if blocked is not None:
                raise blocked
            migrated = self._state.migrated_chats.get(chat_id)
            if migrated is not None:
                raise ApiError(400, MIGRATED, migrate_to_chat_id=migrated)
            message_id = next(self._ids)
            date = int(time.time())
            self._state.messages[(chat_id, message_id)] = _StoredMessage(
                chat_id, text, reply_markup, date)
            self._state.sent.append(SentMessage(
                message_id, chat_id, text, params.get("parse_mode"), reply_markup))
            self._lock.notify_all()
        result: dict[str, Any] = {
            "message_id": message_id, "date": date, "chat": _chat(chat_id, None),
            "from": BOT_USER, "text": text,
        }
        if reply_markup:
            result["reply_markup"] = reply_markup
        return result

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument: a new file in a multipart part (uploaded), or a file_id sent again."""
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            params = {**params, "document": params.get(document.removeprefix("attach://"))}
            document = params["document"]
        if isinstance(document, UploadedFile):
            return self._upload_document(params)
        return self._send_file("sendDocument", "document", params)

    def _send_file(self, method: str, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument / sendPhoto with a file_id the bot received (or, for a photo, an HTTP
        URL Telegram fetches itself); uploads are not played here."""
        chat_id = _require_int(params, "chat_id")
        reference = params.get(kind)
        caption = params.get("caption")
        if not isinstance(reference, str) or not reference:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if caption is not None and len(str(caption)) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        _check_markup(params.get("reply_markup"))
        with self._lock:
            blocked = self._state.blocked_chats.get(chat_id)
            if blocked is not None:
                raise blocked
            if reference.startswith(("http://", "https://")):
                if kind != "photo":
                    raise ApiError(400, WRONG_FILE)
            else:
                stored = self._state.files.get(reference)
                if stored is None:
                    raise ApiError(400, WRONG_FILE)
                if stored.kind != kind:
                    raise ApiError(400, "Bad Request: type of file mismatch")
            message_id = next(self._ids)
            self._state.sent_files.append(SentFile(
                method, chat_id, reference, None if caption is None else str(caption)))
            self._lock.notify_all()
        result: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
                                  "chat": _chat(chat_id, None), "from": BOT_USER}
        if kind == "document":
            result["document"] = {"file_id": reference, "file_unique_id": f"x{message_id}"}
        else:
            result["photo"] = [{"file_id": reference, "file_unique_id": f"x{message_id}",
                                "width": 1280, "height": 960}]
        if caption:
            result["caption"] = caption
        return result

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id", ""))
        with self._lock:
            stored = self._state.files.get(file_id)
            size = self._sizes.get(file_id, len(stored.content) if stored else 0)
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if size > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {"file_id": file_id, "file_unique_id": stored.file_unique_id, "file_size": size,
                "file_path": stored.file_path}

    def _upload_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument as the Bot API takes a new file: a multipart `document` part."""
        chat_id = _require_int(params, "chat_id")
        document = params.get("document")
        caption = params.get("caption")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))
        if document is None:
            raise ApiError(400, "Bad Request: there is no document in the request")
        if not isinstance(document, UploadedFile):
            # A string is a file_id or an URL; this fake knows no stored files.
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if not document.content:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(document.content) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        if caption is not None and len(str(caption)) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        _check_markup(params.get("reply_markup"))
        with self._lock:
            blocked = self._state.blocked_chats.get(chat_id)
            if blocked is not None:
                raise blocked
            message_id = next(self._ids)
            self._state.documents.append(SentDocument(
                message_id, chat_id, document.filename, document.content_type,
                document.content, None if caption is None else str(caption)))
            self._lock.notify_all()
        result: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": _chat(chat_id, None),
            "from": BOT_USER,
            "document": {"file_id": f"doc-{message_id}", "file_unique_id": f"ud{message_id}",
                         "file_name": document.filename, "mime_type": document.content_type,
                         "file_size": len(document.content)},
        }
        if caption is not None:
            result["caption"] = str(caption)
        return result

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        with self._lock:
            # A query is answered once, within its lifetime; a late or second answer is refused.
            tapped = self._state.open_queries.pop(str(params.get("callback_query_id", "")), None)
            if tapped is None or time.monotonic() - tapped > self.callback_query_lifetime:
                raise ApiError(400, QUERY_TOO_OLD)
            self._state.callback_answers.append(CallbackAnswer(
                str(params.get("callback_query_id", "")),
                None if text is None else str(text),
                bool(params.get("show_alert", False)),
            ))
            self._lock.notify_all()
        return True

    def _edit_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _require_int(params, "chat_id")
        message_id = _require_int(params, "message_id")
        new_text = params.get("text")
        new_markup = params.get("reply_markup")
        _check_markup(new_markup)
        with self._lock:
            blocked = self._state.blocked_chats.get(chat_id)
            if blocked is not None:
                raise blocked
            stored = self._state.messages.get((chat_id, message_id))
            if stored is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            text = stored.text if new_text is None else str(new_text)
            if text == stored.text and new_markup == stored.reply_markup:
                raise ApiError(400, "Bad Request: message is not modified: specified new "
                                    "message content and reply markup are exactly the same as "
                                    "a current content and reply markup of the message")
            stored.text, stored.reply_markup = text, new_markup
            method = "editMessageReplyMarkup" if new_text is None else "editMessageText"
            self._state.edits.append(Edit(method, chat_id, message_id, new_text, new_markup))
            self._lock.notify_all()
        result: dict[str, Any] = {
            "message_id": message_id, "date": stored.date, "edit_date": int(time.time()),
            "chat": _chat(chat_id, None), "from": BOT_USER, "text": text,
        }
        if new_markup:
            result["reply_markup"] = new_markup
        return result

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be a list")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32 and name == name.lower()
                    and all(c.isascii() and (c.isalnum() or c == "_") for c in name)):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self._state.my_commands = list(commands)
        return True

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._state.my_commands = []
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._state.webhook_url = str(params.get("url", ""))
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        with self._lock:
            self._state.webhook_url = ""
            if params.get("drop_pending_updates"):
                self._state.updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"url": self._state.webhook_url, "has_custom_certificate": False,
                    "pending_update_count": len(self._state.updates)}


@contextmanager
def running_fake_telegram(token: str = TEST_TOKEN) -> Iterator[FakeTelegramServer]:
    """Start a fake Bot API server for the duration of the block."""
    with FakeTelegramServer(token) as server:
        yield server


def _user(user_id: int, first_name: str, last_name: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name,
                            "language_code": "vi"}
    if last_name:
        user["last_name"] = last_name
    return user


def _chat(chat_id: int, user: dict[str, Any] | None) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": f"Nhóm {chat_id}"}
    chat: dict[str, Any] = {"id": chat_id, "type": "private"}
    if user:
        chat["first_name"] = user["first_name"]
    return chat


def _add_caption(message: dict[str, Any], caption: str | None) -> None:
    """Give a message its caption, with the bot_command entity Telegram marks a command by."""
    if caption is None:
        return
    message["caption"] = caption
    if caption.startswith("/"):
        message["caption_entities"] = [
            {"type": "bot_command", "offset": 0, "length": len(caption.split(maxsplit=1)[0])}]


def _require_int(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ApiError(400, f"Bad Request: {name} is required (an integer here)")


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Read parameters from the query string and a JSON, form-encoded or multipart body."""
    raw: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/json" and body:
        decoded = json.loads(body)
        if not isinstance(decoded, dict):
            raise ValueError("a JSON body must be an object")
        return {**{k: _decode_field(k, v) for k, v in raw.items()}, **decoded}
    if media_type == "application/x-www-form-urlencoded":
        raw.update({k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()})
    elif media_type == "multipart/form-data":
        raw.update(_parse_multipart(content_type, body))
    return {k: v if isinstance(v, UploadedFile) else _decode_field(k, v) for k, v in raw.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(payload, bytes):
            continue
        filename = part.get_filename()
        if filename is None:
            fields[name] = payload.decode()
        else:  # a file part: kept whole, never decoded as text
            fields[name] = UploadedFile(filename, part.get_content_type(), payload)
    return fields


def _decode_field(name: str, value: str) -> Any:
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ValueError(f"can't parse {name} JSON") from exc
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername" is a valid chat_id
    if name in _BOOL_FIELDS:
        return value.lower() == "true"
    return value
