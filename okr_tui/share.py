"""`okr serve`: the app in a web browser for remote attendees, behind a token.

textual-serve runs one `okr` process per browser tab. Here every request (the page, its
websocket, its assets) must carry a token, as Jupyter's links do: the link printed at start holds
it, and the page keeps it in a cookie for the requests it makes itself. A viewer's token opens
read-only tabs; `--edit` prints a second, separate token whose tabs may save. Tokens are random,
compared in constant time, and kept out of the server's log. The page loads nothing from the
internet: the web font textual-serve's page takes from Google Fonts is served from its own
static folder instead.

Checked against textual-serve 1.1.3: `Server._make_app`, `Server.handle_websocket`'s use of
`AppService` and the page template's Google Fonts link are what this module builds on;
tests/functional/test_serve.py fails if an upgrade changes them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
GOOGLE_FONTS_LINK = """    <link
      rel="stylesheet"
      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"
    />"""
LOCAL_FONT = """    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
      }
      @font-face {
        font-family: "Roboto Mono";
        font-style: italic;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf");
      }
    </style>"""
REFUSED = (
    "okr serve: this address needs the link with its token, as printed by `okr serve` "
    "on the host.\n"
)

log = logging.getLogger("okr_tui.share")


class Role(StrEnum):
    VIEW = "view"
    EDIT = "edit"


@dataclass(frozen=True)
class ShareTokens:
    """The tokens of one `okr serve`: one for viewers, one for editors when --edit is given."""

    view: str
    edit: str | None = None

    @classmethod
    def new(cls, *, edit: bool) -> ShareTokens:
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24) if edit else None)

    def role_of(self, token: str | None) -> Role | None:
        """Which tabs `token` opens, if any; both comparisons always run, in constant time."""
        if not token:
            return None
        given = token.encode()
        is_view = hmac.compare_digest(given, self.view.encode())
        is_edit = self.edit is not None and hmac.compare_digest(given, self.edit.encode())
        if is_edit:
            return Role.EDIT
        return Role.VIEW if is_view else None


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


class _LocalFontLoader(jinja2.BaseLoader):
    """textual-serve's page template, with its Google Fonts link replaced by the fonts it ships."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        path = self.folder / template
        source = path.read_text(encoding="utf-8")
        if GOOGLE_FONTS_LINK not in source:
            raise jinja2.TemplateError(
                f"textual-serve's {template} no longer has the font link okr serve replaces; "
                "check okr_tui/share.py against the installed textual-serve"
            )
        return source.replace(GOOGLE_FONTS_LINK, LOCAL_FONT), str(path), lambda: True


class TokenServer(Server):
    """textual-serve's server with a token on every request and a command per role."""

    def __init__(
        self, commands: dict[Role, str], tokens: ShareTokens, *, host: str, port: int
    ) -> None:
        super().__init__(commands[Role.VIEW], host=host, port=port, title="okr-tui")
        self.commands = commands
        self.tokens = tokens
        self.cookie = f"okr_token_{port}"  # cookies are per host, not per port
        self.open_tabs: set[web.WebSocketResponse] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._require_token)
        aiohttp_jinja2.setup(app, loader=_LocalFontLoader(self.templates_path))
        return app

    @web.middleware
    async def _require_token(self, request: web.Request, handler: Any) -> web.StreamResponse:
        from_link = request.query.get("token")
        token = from_link or request.cookies.get(self.cookie)
        role = self.tokens.role_of(token)
        if role is None:
            return web.Response(status=403, text=REFUSED)
        request["okr_role"] = role
        response = await handler(request)
        if from_link and isinstance(response, web.Response):
            # The page's own requests (assets, the websocket) carry the token in this cookie.
            response.set_cookie(
                self.cookie, from_link, httponly=True, samesite="Strict", path="/"
            )
        return response

    def initialize_logging(self) -> None:
        """Errors only, without locals (a request holds its token), and no access log (its
        lines hold the URL, and the URL holds the token)."""
        logging.basicConfig(level=logging.WARNING, format="okr serve: %(message)s")
        logging.getLogger("aiohttp.access").disabled = True

    async def on_startup(self, app: web.Application) -> None:
        """Nothing to print: `okr serve` has printed the links."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close the open tabs, so each tab's app is told to quit now: aiohttp otherwise waits
        for a browser to hang up, and ctrl+c took about 20 s with one tab open."""
        for websocket in list(self.open_tabs):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"okr serve stopped")

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's websocket handler, starting the command of the token's role."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        self.open_tabs.add(websocket)
        try:
            await websocket.prepare(request)
            app_service = AppService(
                self.commands[request["okr_role"]],
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # its bool result is unused
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            try:
                await self._process_messages(websocket, app_service)
            finally:
                await app_service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a tab's failure must not stop the share for the others
            log.error("a browser tab failed: %s", error)
        finally:
            self.open_tabs.discard(websocket)
            if app_service is not None:
                await app_service.stop()
        return websocket
