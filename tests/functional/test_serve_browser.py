"""`okr serve` in a real browser: headless Chromium from Debian's packages, driven over the
Chrome DevTools Protocol (CDP).

Skipped when Chromium is not installed (CI has only Python and pip). To run it on Debian or
Ubuntu: `sudo apt-get install chromium` (the test looks for `chromium` on PATH, then
/usr/bin/chromium; `OKR_TEST_CHROMIUM=/path/to/chrome` names another Chromium or Chrome).

How it reads the screen: textual-serve's page draws the terminal with xterm.js on a WebGL or
(here, with --disable-gpu) canvas surface: the page's DOM holds a `canvas.xterm-text-layer`
and none of the dashboard's text (`document.body.innerText` has no key result). The page keeps
its xterm `Terminal` in a local object (textual.js: `new w(element)`, with `.terminal`,
`.fitAddon` and `.websocket_url`), never on `window`. CDP's `Runtime.queryObjects` lists every
object on the page's heap whose prototype chain holds `Object.prototype`; the test picks the one
with those three fields and reads `terminal.buffer.active.getLine(row).translateToString()` for
the text, and the cells' background colours for the highlighted row. Keys go in as real key
events (`Input.dispatchKeyEvent`) to xterm's focused textarea, as a person's would.

No third-party CDP client: the browser's websocket is spoken with aiohttp, which textual-serve
already depends on. Every wait is bounded (`WAIT` seconds) and fails with what it saw.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual_serve")
aiohttp = pytest.importorskip("aiohttp")

from test_serve import Share  # noqa: E402

from okr_tui.store.store import OkrStore  # noqa: E402

AT = "2026-11-23T10:00:00Z"  # Monday of week 8 of 2026-Q4: every KR has "1 due"
WAIT = 30.0  # seconds, for any one thing to appear


def _chromium() -> str | None:
    named = os.environ.get("OKR_TEST_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium)",
)

# The page's terminal: the object textual.js builds around xterm's Terminal (see the docstring).
FIND_TERMINAL = """function () {
  for (const o of this) {
    try {
      if (o && o.terminal && o.fitAddon && "websocket_url" in o) {
        window.__okrTerminal = o.terminal;
        return true;
      }
    } catch (e) {}
  }
  return false;
}"""
# Each row's text, and the background of its first non-blank cell (the cursor's row differs).
READ_SCREEN = """(() => {
  const term = window.__okrTerminal, buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    const text = line.translateToString(true);
    let background = null;
    const x = text.search(/\\S/);
    if (x >= 0) {
      const cell = line.getCell(x);
      background = [cell.getBgColorMode(), cell.getBgColor(), cell.isInverse()].join(":");
    }
    rows.push([text, background]);
  }
  return rows;
})()"""


class DevTools:
    """A minimal CDP client over the browser's websocket (flattened sessions, one per tab)."""

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self.ids = itertools.count(1)
        self.waiting: dict[int, asyncio.Future] = {}
        self.events: list[dict] = []
        self.contexts: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.websocket:
            data = json.loads(message.data)
            future = self.waiting.pop(data.get("id"), None)
            if future is None:
                self.events.append(data)
            elif "error" in data:
                future.set_exception(RuntimeError(f"CDP: {data['error']}"))
            else:
                future.set_result(data.get("result", {}))

    async def send(self, method: str, session: str | None = None, **params: Any) -> dict:
        number = next(self.ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        future = asyncio.get_running_loop().create_future()
        self.waiting[number] = future
        await self.websocket.send_str(json.dumps(message))
        return await asyncio.wait_for(future, WAIT)

    async def close(self) -> None:
        """Close every tab this client opened (their websockets end, and so do their `okr`s);
        after a failure, as much of that as the browser still answers."""
        try:
            for context in self.contexts:
                await self.send("Target.disposeBrowserContext", browserContextId=context)
        finally:
            self.reader.cancel()
            await self.websocket.close()


class Tab:
    """One browser tab in a browser context of its own (its own cookies: one person)."""

    def __init__(self, devtools: DevTools, session: str) -> None:
        self.devtools = devtools
        self.session = session

    @classmethod
    async def open(cls, devtools: DevTools, url: str) -> Tab:
        context = await devtools.send("Target.createBrowserContext")
        devtools.contexts.append(context["browserContextId"])
        target = await devtools.send(
            "Target.createTarget", url="about:blank", browserContextId=context["browserContextId"]
        )
        attached = await devtools.send(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        tab = cls(devtools, attached["sessionId"])
        await tab.send("Page.enable")
        await tab.send("Network.enable")
        await tab.send("Emulation.setFocusEmulationEnabled", enabled=True)
        await tab.send("Page.navigate", url=url)
        return tab

    async def send(self, method: str, **params: Any) -> dict:
        return await self.devtools.send(method, self.session, **params)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def document_status(self) -> int | None:
        """The HTTP status of the page's own document, from the Network events seen so far."""
        for event in self.devtools.events:
            params = event.get("params", {})
            if (
                event.get("sessionId") == self.session
                and event.get("method") == "Network.responseReceived"
                and params.get("type") == "Document"
            ):
                return params["response"]["status"]
        return None

    async def find_terminal(self) -> None:
        """Point `window.__okrTerminal` at the page's xterm Terminal (see the module docstring)."""
        deadline = time.monotonic() + WAIT
        while True:
            if await self.evaluate("document.readyState") == "complete":
                prototype = await self.send("Runtime.evaluate", expression="Object.prototype")
                objects = await self.send(
                    "Runtime.queryObjects",
                    prototypeObjectId=prototype["result"]["objectId"],
                    objectGroup="okr-test",
                )
                found = await self.send(
                    "Runtime.callFunctionOn",
                    functionDeclaration=FIND_TERMINAL,
                    objectId=objects["objects"]["objectId"],
                    returnByValue=True,
                )
                await self.send("Runtime.releaseObjectGroup", objectGroup="okr-test")
                if found["result"].get("value"):
                    await self.evaluate("window.__okrTerminal.focus()")
                    return
            if time.monotonic() > deadline:
                raise AssertionError(
                    "no object with .terminal, .fitAddon and .websocket_url on the page: did "
                    "textual-serve's static/js/textual.js change? (see this module's docstring)"
                )
            await asyncio.sleep(0.2)

    async def screen(self) -> list[tuple[str, str | None]]:
        return [tuple(row) for row in await self.evaluate(READ_SCREEN)]

    async def text(self) -> str:
        return "\n".join(text for text, _ in await self.screen())

    async def wait_until(self, check: Any) -> list[tuple[str, str | None]]:
        """The screen (rows of text and background) once `check(screen)` holds, within WAIT."""
        deadline = time.monotonic() + WAIT
        while True:
            screen = await self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                shown = "\n".join(f"{background or '':>26} |{text}" for text, background in screen)
                raise AssertionError(f"waited {WAIT}s in vain; the terminal showed:\n{shown}")
            await asyncio.sleep(0.2)

    async def wait_for(self, wanted: str) -> str:
        """The screen's text once it shows `wanted`, within WAIT."""
        screen = await self.wait_until(lambda rows: any(wanted in text for text, _ in rows))
        return "\n".join(text for text, _ in screen)

    async def press(self, *keys: str) -> None:
        """Real key events, as typed: named keys (ArrowDown, Enter) or text."""
        for key in keys:
            if key in NAMED_KEYS:
                code, number, text = NAMED_KEYS[key]
                down = {"key": key, "code": code, "windowsVirtualKeyCode": number}
                if text:
                    down["text"] = text
                await self.send("Input.dispatchKeyEvent", type="keyDown", **down)
                await self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code)
                continue
            for char in key:
                await self.send("Input.dispatchKeyEvent", type="keyDown", key=char, text=char)
                await self.send("Input.dispatchKeyEvent", type="keyUp", key=char)


NAMED_KEYS = {
    "ArrowDown": ("ArrowDown", 40, ""),
    "ArrowUp": ("ArrowUp", 38, ""),
    "Enter": ("Enter", 13, "\r"),
    "Escape": ("Escape", 27, ""),
}


class Browser:
    """Headless Chromium on a fresh profile, nothing from the network, its DevTools on a port
    it picks itself (read from the profile's DevToolsActivePort file)."""

    def __init__(self, profile: Path) -> None:
        profile.mkdir(parents=True)
        self.profile = profile
        self.log_path = profile.parent / "chromium.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(CHROMIUM),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--window-size=1100,800",  # a terminal of about 120 x 33
                    f"--user-data-dir={profile}",
                    "--remote-debugging-port=0",
                    "about:blank",
                ],
                stdout=log,
                stderr=log,
            )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + WAIT
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"Chromium did not start:\n{self.output()}")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.url = f"ws://127.0.0.1:{port}{path}"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module; each test opens its own browser contexts."""
    started = Browser(tmp_path_factory.mktemp("chromium") / "profile")
    yield started
    started.stop()


@pytest.fixture
async def devtools(browser):
    async with aiohttp.ClientSession() as session:
        websocket = await asyncio.wait_for(session.ws_connect(browser.url, max_msg_size=0), WAIT)
        client = DevTools(websocket)
        try:
            yield client
        finally:
            await client.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """The demo store, made once by the CLI on the fixed clock; each test serves a copy."""
    folder = tmp_path_factory.mktemp("served") / "store"
    subprocess.run(
        [sys.executable, "-m", "okr_tui", "--db", str(folder), "demo", "--at", AT],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return folder


@pytest.fixture
def served(tmp_path, demo_template):
    """`okr serve --edit --at AT` on a free loopback port, over a copy of the demo store;
    yields the share (its links printed) and the store folder."""
    folder = tmp_path / "store"
    shutil.copytree(demo_template, folder)
    share = Share(folder, tmp_path / "home", "--at", AT, "--edit")
    try:
        share.links()
        yield share, folder
    finally:
        try:
            share.stop()
        except subprocess.TimeoutExpired:  # a tab left open holds the server up (about 20 s)
            share.process.kill()
            share.process.wait(timeout=10)


def _check_ins(folder: Path) -> list:
    store = OkrStore(folder)
    return [c for cycle in store.cycles() for c in store.check_ins(cycle.id)]


def _highlighted(screen: list[tuple[str, str | None]]) -> str:
    """The text of the body rows whose background is not the body's (the cursor's row, and
    the reversed team headings), one row a line."""
    body = screen[1:-1]  # the header and the footer have backgrounds of their own
    usual = Counter(background for _, background in body if background).most_common(1)[0][0]
    return "\n".join(text.strip() for text, background in body if background not in (None, usual))


async def _dashboard(devtools: DevTools, link: str) -> Tab:
    """A tab on `link`, once its terminal shows the whole dashboard (header to footer)."""
    tab = await Tab.open(devtools, link)
    await tab.find_terminal()
    await tab.wait_for("? Help")
    await tab.wait_for("Increase net revenue retention from 98% to 110%")
    return tab


async def test_a_viewer_sees_the_dashboard_and_its_cursor_moves_with_the_keys(served, devtools):
    share, _ = served
    tab = await _dashboard(devtools, f"{share.root}/?token={share.links()['view']}")
    text = await tab.text()
    assert "read-only" in text.splitlines()[0]  # the header's badge: a viewer's tab
    assert "Reach 500 paying customers" in text and "c Check-in" not in text

    await tab.press("ArrowDown")
    moved = await tab.wait_until(lambda s: "Reach 500 paying customers" in _highlighted(s))
    await tab.press("ArrowDown")
    moved_on = await tab.wait_until(
        lambda s: "Increase activation rate from 30% to 45%" in _highlighted(s)
    )
    assert "Reach 500 paying customers" not in _highlighted(moved_on), moved


FIRST_KR = "Increase net revenue retention from 98% to 110%"  # the walk's first step, at 102.2%
# The keys that record this meeting's check-in of FIRST_KR at 104.5, on track, in the walk:
# c opens its set-up, Enter starts it, the value is typed over last week's, Enter, 1 saves.
CHECK_IN_KEYS = ["c", "Enter", "104.5", "Enter", "1"]


def _new_check_ins(folder: Path, before: list) -> list:
    known = {check_in.id for check_in in before}
    return [check_in for check_in in _check_ins(folder) if check_in.id not in known]


async def test_a_viewer_cannot_save_a_check_in(served, devtools):
    """The viewer types the editor's keys (CHECK_IN_KEYS): the walkthrough is refused at its
    door with the read-only reason, Enter opens the key result instead, and the value and
    confidence keys land on a screen that saves nothing. Escape back to the dashboard is the
    barrier: once it shows, every key before it has been handled."""
    share, folder = served
    before = _check_ins(folder)
    tab = await _dashboard(devtools, f"{share.root}/?token={share.links()['view']}")

    await tab.press(CHECK_IN_KEYS[0])
    refused = await tab.wait_for("Check-in: not now, this okr only views the")
    assert "check-ins are recorded where it is open" in refused
    await tab.press(CHECK_IN_KEYS[1])
    detail = await tab.wait_for("esc Back")  # the key result's own screen, not the walk
    assert "KR 1 of 9" not in detail
    await tab.press(*CHECK_IN_KEYS[2:], "Escape")
    dashboard = await tab.wait_for("Due now: review")

    assert _new_check_ins(folder, before) == []
    assert len(_check_ins(folder)) == len(before)
    lines = dashboard.splitlines()
    due = lines[next(n for n, line in enumerate(lines) if FIRST_KR in line) + 1]
    assert "102.2% / 110%" in due and "1 due" in due  # the dashboard says nothing changed


async def test_an_editor_saves_a_check_in_with_the_same_keys(served, devtools):
    share, folder = served
    before = _check_ins(folder)
    tab = await _dashboard(devtools, f"{share.root}/?token={share.links()['edit']}")
    assert "read-only" not in (await tab.text()).splitlines()[0]

    await tab.press(CHECK_IN_KEYS[0])
    await tab.wait_for("Start the check-in")
    await tab.press(CHECK_IN_KEYS[1])
    await tab.wait_for("KR 1 of 9")
    await tab.press(CHECK_IN_KEYS[2])
    await tab.wait_for("104.5")
    await tab.press(*CHECK_IN_KEYS[3:])
    walked = await tab.wait_for("1 of 9 reviewed")
    assert "KR 2 of 9" in walked and "Reach 500 paying customers" in walked

    saved = _new_check_ins(folder, before)
    assert [(c.value, c.confidence.value, str(c.meeting_date)) for c in saved] == [
        (104.5, "on_track", "2026-11-23")
    ]
    first_kr = next(
        kr for kr in OkrStore(folder).key_results(saved[0].cycle_id) if kr.title == FIRST_KR
    )
    assert saved[0].kr_id == first_kr.id


# Run in the refused page: what its own requests get without a token (it has no cookie either).
PROBE_WITHOUT_TOKEN = """(async () => {
  const ws = await new Promise((resolve) => {
    const socket = new WebSocket(`ws://${location.host}/ws`);
    socket.onopen = () => { socket.close(); resolve("opened"); };
    socket.onclose = () => resolve("closed without opening");
    setTimeout(() => resolve("no answer"), 10000);
  });
  const page = (await fetch("/")).status;
  const upgrade = (await fetch("/ws")).status;
  const script = (await fetch("/static/js/textual.js")).status;
  return {ws, page, upgrade, script, cookie: document.cookie};
})()"""


async def test_the_browser_without_the_token_is_refused(served, devtools):
    """The address without `?token=` in a browser of its own: the page is the 403 refusal, and
    from that page neither the app's websocket nor its files answer. (tests/functional/test_serve.py
    asks the same over plain HTTP.)"""
    share, folder = served
    before = _check_ins(folder)
    tab = await Tab.open(devtools, f"{share.root}/")
    deadline = time.monotonic() + WAIT
    while tab.document_status() is None or await tab.evaluate("document.readyState") != (
        "complete"
    ):
        assert time.monotonic() < deadline, "the page never loaded"
        await asyncio.sleep(0.2)

    assert tab.document_status() == 403
    shown = await tab.evaluate("document.body.innerText")
    assert "needs the link with its token" in shown
    assert await tab.evaluate("typeof window.__okrTerminal") == "undefined"
    probe = await tab.evaluate(PROBE_WITHOUT_TOKEN)
    assert probe == {
        "ws": "closed without opening",
        "page": 403,
        "upgrade": 403,
        "script": 403,
        "cookie": "",
    }
    assert len(_check_ins(folder)) == len(before)
