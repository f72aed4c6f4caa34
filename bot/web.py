"""The bot's one web server: an ASGI app (Starlette) served by uvicorn inside the bot's loop.

Each channel that receives by webhook hangs its endpoint on it (`POST /telegram`,
`POST /zalo`); the dashboard (bot/dashboard) adds its pages beside them, so one port serves
all. A path no one claimed answers 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]

WEBHOOK_PATHS = ("telegram", "zalo")  # POST /telegram, POST /zalo
DOWNLOAD_ROUTE = "/tai/{token}"  # GET: a one-time download link (/baocao)
STARTUP_TIMEOUT = 10.0  # seconds uvicorn may take to bind the port


def secret_matches(presented: str | None, secret: str) -> bool:
    """Compare a webhook's secret header with the expected one in constant time."""
    return hmac.compare_digest((presented or "").encode(), secret.encode())


def answer(status: int) -> Response:
    """The small JSON answer the webhooks give: `{"ok":true}` for 200, else `{"ok":false}`."""
    return JSONResponse({"ok": status == 200}, status_code=status)


class WebApp:
    """The ASGI app. Channels `mount` their endpoint by name once they are ready to serve."""

    def __init__(self, pages: Sequence[BaseRoute] = ()) -> None:
        """`pages`: more routes served on the same port (the dashboard's)."""
        self.endpoints: dict[str, Endpoint] = {}
        self.downloads: Endpoint | None = None
        self.asgi = Starlette(routes=[
            *(Route(f"/{name}", self._dispatcher(name), methods=["POST"])
              for name in WEBHOOK_PATHS),
            Route(DOWNLOAD_ROUTE, self._download, methods=["GET"]),
            *pages])

    def serve_downloads(self, endpoint: Endpoint) -> None:
        """Serve the one-time download links at `GET /tai/{token}`."""
        self.downloads = endpoint

    async def _download(self, request: Request) -> Response:
        if self.downloads is None:
            return answer(404)
        return await self.downloads(request)

    def mount(self, name: str, endpoint: Endpoint) -> None:
        """Serve `endpoint` at `POST /<name>` (one of WEBHOOK_PATHS)."""
        if name not in WEBHOOK_PATHS:
            raise ValueError(f"unknown webhook path: {name}")
        self.endpoints[name] = endpoint

    def unmount(self, name: str) -> None:
        self.endpoints.pop(name, None)

    def _dispatcher(self, name: str) -> Endpoint:
        async def dispatch(request: Request) -> Response:
            endpoint = self.endpoints.get(name)
            if endpoint is None:
                return answer(404)
            return await endpoint(request)
        return dispatch


class _QuietServer(uvicorn.Server):
    # The bot owns SIGINT/SIGTERM (its stop event): uvicorn must not take them over.
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class Running:
    """A served WebApp: its address (`url` ends with a slash) while the block runs."""

    def __init__(self, app: WebApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"


@contextlib.asynccontextmanager
async def serve(app: WebApp, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[Running]:
    """Serve `app` on `host:port` (0: a free port) inside the block, in the running loop.

    Raise OSError if the port cannot be bound.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    bound = int(sock.getsockname()[1])
    # log_config=None: uvicorn's loggers go through the bot's handlers (bot.logs), untouched.
    config = uvicorn.Config(app.asgi, lifespan="off", log_level="warning", access_log=False,
                            log_config=None)
    server = _QuietServer(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        deadline = asyncio.get_running_loop().time() + STARTUP_TIMEOUT
        while not server.started:
            if serving.done():
                serving.result()  # raises what stopped it
                raise OSError(f"the web server on port {bound} stopped at start")
            if asyncio.get_running_loop().time() > deadline:
                raise OSError(f"the web server on port {bound} did not start")
            await asyncio.sleep(0.02)
        log.info("web server on %s:%d", host, bound)
        yield Running(app, host, bound)
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(serving, 10)
        sock.close()
