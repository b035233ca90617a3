"""Pilot key presses without the idle wait that follows an animation when there is none.

Textual 8.2.8's `App._press_keys` (what `Pilot.press` runs) waits for idle after each key, waits
for animations to finish, then waits for idle again. `wait_for_idle` sleeps in 20 ms windows
until one passes without CPU work, so each key costs at least two windows (about 45 ms of a
test's 60-80 ms per key), even when the key started no animation and the second window can only
find what the first one already found: an idle app. `install()` replaces it, in tests only, with
the same press that waits the second time only when an animation ran, so every key still waits
until the app is idle, and until its animations end. Nothing else of Textual changes:
`Pilot.pause()`, `_wait_for_screen` and the 20 ms window stay as they are (a shorter window made
tests that need a frame painted fail).

The idle wait itself (Textual's `textual._wait.wait_for_idle`, which `Pilot.pause()` and this
press use) is replaced too, by `wait_for_idle` below: the same test (a window of sleep in which
the process, its threads included, used under 1/20 of the window in CPU), with a 5 ms window
instead of 20 ms, and a window counts as idle only if the sleep came back on time (a process the
machine did not schedule used no CPU either, without being idle). The screen's frame timer,
which Textual runs at 60 per second (16.7 ms, why the window was 20 ms: a frame not yet painted
looks idle), runs every 4 ms in tests (`FRAME_PERIOD`), so a pending frame is painted inside a
window and makes it busy. Each key and pause waited 40-60 ms, mostly asleep; now about a quarter.

`tests/functional/test_pilot_keys.py` fails when a Textual upgrade changes `_press_keys` or
`wait_for_idle`: read the new ones before updating `CHECKED_PRESS_KEYS` and the hashes.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import unicodedata
from collections.abc import Iterable
from time import monotonic, process_time

import textual._wait
import textual.pilot
import textual.screen
from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

CHECKED_PRESS_KEYS = "textual 8.2.8"
"""The Textual whose `App._press_keys` this module copies (its source's hash is below)."""

PRESS_KEYS_SHA256 = "1999a9a2751290aed8e0b7b240f9bba43f6efff1559fb1feaf8d59ed326c52ed"

WAIT_FOR_IDLE_SHA256 = "a0b74079a20eac94bbc57a8c81148bb1e381fb8241e9e2cace26b1057850e7d3"

WINDOW = 0.005
"""Seconds of sleep in which the process must stay (nearly) without CPU work to count as idle."""

IDLE_CPU = WINDOW / 20
"""CPU seconds a window may use and still count as idle (Textual's ratio)."""

FRAME_PERIOD = 0.004
"""Seconds between the screen's frames in tests (Textual: 1/60), shorter than `WINDOW`."""

ORIGINAL_WAIT_FOR_IDLE = textual._wait.wait_for_idle

MAX_FRAMES_WAITED = 50
"""Idle waits a press makes at most for callbacks that wait for the screen's next frame."""


async def wait_for_idle(min_sleep: float = WINDOW, max_sleep: float = 1) -> None:
    """Textual's `wait_for_idle` with a `WINDOW` of sleep, and a window that overslept (the
    process was not running, so it could not work either) does not count as idle."""
    start_time = monotonic()
    while True:
        cpu_time = process_time()
        window_start = monotonic()
        await asyncio.sleep(WINDOW)
        cpu_elapsed = process_time() - cpu_time
        now = monotonic()
        elapsed_time = now - start_time
        if elapsed_time >= max_sleep:
            break
        if (
            elapsed_time > min_sleep
            and cpu_elapsed < IDLE_CPU
            and now - window_start < 2 * WINDOW
        ):
            break


async def press_keys(app: App, keys: Iterable[str]) -> None:
    """Textual's `App._press_keys`, with the second idle wait only after an animation."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        if key.startswith("wait:"):
            _, wait_ms = key.split(":")
            await asyncio.sleep(float(wait_ms) / 1000)
            await app._animator.wait_until_complete()
            continue
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        original_key = REPLACED_KEYS.get(key, key)
        char: str | None
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(original_key))
        except KeyError:
            char = key if len(key) == 1 else None
        key_event = events.Key(key, char)
        key_event.set_sender(app)
        driver.send_message(key_event)
        await wait_for_idle(0)
        # A callback waiting for the screen's next frame (call_after_refresh, as an animated
        # scroll starts) is work still to come, however quiet the window was: under load a
        # 5 ms window fell between the key and that frame, and the animation began after
        # press returned. Bounded: a screen that keeps asking for frames ends the wait.
        for _ in range(MAX_FRAMES_WAITED):
            if not app.screen._callbacks:
                break
            await wait_for_idle(0)
        animator = app._animator
        if animator._animations or animator._scheduled:
            await animator.wait_until_complete()
            await wait_for_idle(0)


ORIGINAL_PRESS_KEYS = App._press_keys


def original_source_hash() -> str:
    """The hash of the installed Textual's own `App._press_keys` source."""
    return hashlib.sha256(inspect.getsource(ORIGINAL_PRESS_KEYS).encode()).hexdigest()


def original_wait_source_hash() -> str:
    """The hash of the installed Textual's own `wait_for_idle` source."""
    return hashlib.sha256(inspect.getsource(ORIGINAL_WAIT_FOR_IDLE).encode()).hexdigest()


def install() -> None:
    App._press_keys = press_keys  # type: ignore[method-assign]
    textual.pilot.wait_for_idle = wait_for_idle  # what Pilot.pause() waits with
    textual.screen.UPDATE_PERIOD = FRAME_PERIOD  # read when a screen starts its frame timer
