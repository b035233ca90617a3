"""Waiting for what a key press leads to, instead of trusting one pause to be enough.

`Pilot.pause()` waits until the app looks idle (Textual's heuristic: a 20 ms window without CPU
work); a screen pushed after a refresh or a worker can arrive after that. `settle` pauses until
the condition the test needs holds, with a bound, so a slow machine waits longer and a fast one
no longer than it must. The caller still asserts the condition: a bug fails, only later.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from textual.pilot import Pilot

BOUND_SECONDS = 10.0  # a bound in time, not in pauses: a pause's length is Pilot's business


async def settle(pilot: Pilot, condition: Callable[[], object]) -> None:
    """Pause until `condition()` is true, or the bound is reached."""
    deadline = monotonic() + BOUND_SECONDS
    while monotonic() < deadline:
        if condition():
            return
        await pilot.pause()
