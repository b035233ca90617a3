"""`okr serve`: textual-serve on loopback, behind a token, loading nothing from the internet."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("textual_serve")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str, deadline: float) -> str:
    """Poll until the server answers (it takes a moment to bind), bounded by `deadline`."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class Share:
    """A running `okr serve` on a free loopback port, and the links it printed."""

    def __init__(self, store_folder, home, *extra: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "OKR_HOME": str(home)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "okr_tui", "--db", str(store_folder), "serve"]
            + ["--port", str(self.port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.root = f"http://127.0.0.1:{self.port}"
        _fetch_status(f"{self.root}/", time.monotonic() + 30)  # bound: answers (with 403)

        self.printed = ""

    def links(self) -> dict[str, str]:
        """The links printed so far, reading stderr up to the last one."""
        wanted = "edit (may save)" if "--edit" in self.process.args else "view (read-only)"
        while wanted not in self.printed:
            line = self.process.stderr.readline().decode()
            assert line, self.printed  # the server ended before printing its links
            self.printed += line
        return _links(self.printed)

    def stop(self) -> str:
        """Everything the server printed on stderr."""
        self.process.terminate()
        self.process.wait(timeout=10)
        self.printed += self.process.stderr.read().decode()
        self.process.stdout.close()
        self.process.stderr.close()
        return self.printed


def _fetch_status(url: str, deadline: float, headers: dict | None = None):
    """(status, headers, body) once the server answers, bounded by `deadline`."""
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status, response.headers, response.read().decode("utf-8")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers, refused.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _links(stderr: str) -> dict[str, str]:
    return {
        line.split(":", 1)[0].strip().split()[0]: line.split("?token=", 1)[1]
        for line in stderr.splitlines()
        if "?token=" in line
    }


def test_serve_answers_only_the_link_with_its_token(tmp_path, demo_store):
    share = Share(demo_store.folder, tmp_path / "home")
    try:
        deadline = time.monotonic() + 30
        bare = _fetch_status(f"{share.root}/", deadline)
        wrong = _fetch_status(f"{share.root}/?token=guess", deadline)
        websocket = _fetch_status(
            f"{share.root}/ws", deadline, {"Connection": "Upgrade", "Upgrade": "websocket"}
        )
        asset = _fetch_status(f"{share.root}/static/js/textual.js", deadline)
    finally:
        stderr = share.stop()
    assert [bare[0], wrong[0], websocket[0], asset[0]] == [403, 403, 403, 403]
    assert "needs the link with its token" in bare[2]
    links = _links(stderr)
    assert list(links) == ["view"]  # no edit link without --edit
    assert f"127.0.0.1:{share.port}" in stderr


def test_the_view_link_opens_the_page_with_no_internet_and_keeps_the_token_out_of_logs(
    tmp_path, demo_store
):
    share = Share(demo_store.folder, tmp_path / "home", "--edit")
    try:
        deadline = time.monotonic() + 30
        links = share.links()
        status, headers, page = _fetch_status(f"{share.root}/?token={links['view']}", deadline)
        cookie = headers["Set-Cookie"]
        token_cookie = cookie.split(";", 1)[0]
        asset = _fetch_status(
            f"{share.root}/static/js/textual.js", deadline, {"Cookie": token_cookie}
        )
        edit_status = _fetch_status(f"{share.root}/?token={links['edit']}", deadline)[0]
    finally:
        stderr = share.stop()
    assert status == 200 and "okr-tui" in page
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert asset[0] == 200 and edit_status == 200
    assert links["view"] != links["edit"] and len(links["view"]) >= 32
    # Nothing from the internet: no Google font, and every URL the page loads is the server's.
    assert "googleapis" not in page and "@font-face" in page
    loaded = re.findall(r'(?:src|href)=["\']?(?:url\(")?(https?://[^"\')]+)', page)
    loaded += re.findall(r'url\("(https?://[^"]+)"\)', page)
    assert loaded and all(url.startswith(share.root) for url in loaded), loaded
    # Each token appears once, in its printed link: the access log is off.
    assert stderr.count(links["view"]) == 1 and stderr.count(links["edit"]) == 1


def test_a_token_opens_tabs_of_its_own_role_only() -> None:
    from okr_tui.share import Role, ShareTokens

    tokens = ShareTokens.new(edit=True)
    assert tokens.role_of(tokens.view) is Role.VIEW
    assert tokens.role_of(tokens.edit) is Role.EDIT
    assert tokens.role_of(tokens.view[:-1]) is None
    assert tokens.role_of("") is None and tokens.role_of(None) is None
    viewers_only = ShareTokens.new(edit=False)
    assert viewers_only.edit is None
    assert viewers_only.role_of(tokens.edit) is None


def test_textual_serve_still_has_what_the_share_builds_on() -> None:
    """Canary for a textual-serve upgrade: the template's font link, the private app factory
    and the websocket handler's pieces okr_tui/share.py relies on."""
    import inspect

    from textual_serve.server import Server

    from okr_tui.share import GOOGLE_FONTS_LINK

    template = Path(inspect.getfile(Server)).parent / "templates" / "app_index.html"
    assert GOOGLE_FONTS_LINK in template.read_text(encoding="utf-8")
    assert inspect.iscoroutinefunction(Server._make_app)
    source = inspect.getsource(Server.handle_websocket)
    assert "AppService(" in source and "self._process_messages(websocket, app_service)" in source


def test_a_read_only_store_refuses_to_save(demo_store):
    from okr_tui.store.errors import RuleViolation
    from okr_tui.store.store import OkrStore

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    team = viewer.teams()[0]
    with pytest.raises(RuleViolation, match="read-only"):
        viewer.save_team(team.model_copy(update={"name": "Renamed"}))
    assert OkrStore(demo_store.folder).team(team.id).name == team.name


async def test_a_read_only_viewer_writes_nothing_on_the_host(demo_store, make_app, isolated_home):
    """A browser tab of `okr serve` runs with --read-only on the host: its palette Theme and
    Export must not write the host's config.toml or exports folder."""
    from textual.command import CommandPalette

    from okr_tui.store.store import OkrStore

    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.search_themes()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"projector")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "okr-projector"  # this tab's own
        await pilot.press("ctrl+p", *"Export JSON")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Read-only: this viewer writes no files") for m in said)
    written = [p for p in isolated_home.rglob("*") if p.is_file()]
    assert written == []  # neither config.toml nor an export


async def test_stopping_the_share_closes_its_open_tabs_at_once(tmp_path, demo_store):
    """ctrl+c with a tab open: the tab is told the share stopped (close code 1001, "going
    away"), so its app quits and the server ends, instead of aiohttp waiting for the browser
    to hang up (about 20 s). Bounds are generous; what fails is a tab left open."""
    aiohttp = pytest.importorskip("aiohttp")
    share = Share(demo_store.folder, tmp_path / "home")
    try:
        token = share.links()["view"]
        async with aiohttp.ClientSession() as session:
            tab = await session.ws_connect(f"{share.root}/ws?width=80&height=24&token={token}")
            first = await tab.receive(timeout=30)  # the tab's app has started and drawn
            assert first.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
            share.process.terminate()
            while (message := await tab.receive(timeout=10)).type not in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                pass  # the last frames of the tab's app
            assert message.type is aiohttp.WSMsgType.CLOSE, message
            assert message.data == aiohttp.WSCloseCode.GOING_AWAY
            assert message.extra == "okr serve stopped"
        assert share.process.wait(timeout=30) == 0
    finally:
        stderr = share.stop()
    assert "failed" not in stderr
