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

`tests/functional/test_pilot_keys.py` fails when a Textual upgrade changes `_press_keys`: read the
new one before updating `CHECKED_PRESS_KEYS`.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import unicodedata
from collections.abc import Iterable

from textual import events
from textual._wait import wait_for_idle
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

CHECKED_PRESS_KEYS = "textual 8.2.8"
"""The Textual whose `App._press_keys` this module copies (its source's hash is below)."""

PRESS_KEYS_SHA256 = "1999a9a2751290aed8e0b7b240f9bba43f6efff1559fb1feaf8d59ed326c52ed"


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
        animator = app._animator
        if animator._animations or animator._scheduled:
            await animator.wait_until_complete()
            await wait_for_idle(0)


ORIGINAL_PRESS_KEYS = App._press_keys


def original_source_hash() -> str:
    """The hash of the installed Textual's own `App._press_keys` source."""
    return hashlib.sha256(inspect.getsource(ORIGINAL_PRESS_KEYS).encode()).hexdigest()


def install() -> None:
    App._press_keys = press_keys  # type: ignore[method-assign]
