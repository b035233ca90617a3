"""Waiting for what a key press leads to, instead of trusting one pause to be enough.

`Pilot.pause()` waits until the app looks idle (Textual's heuristic: a 20 ms window without CPU
work); a screen pushed after a refresh or a worker can arrive after that. `settle` pauses until
the condition the test needs holds, with a bound, so a slow machine waits longer and a fast one
no longer than it must. The caller still asserts the condition: a bug fails, only later.
"""

from __future__ import annotations

import threading
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


def hold_back_prep_lane(monkeypatch) -> threading.Event:  # noqa: ANN001  (pytest's fixture)
    """Make the dashboard's prep lane worker wait until the returned event is set (at most
    the bound): a test sees the screen while the lane is still being worked out."""
    from okr_tui.screens import dashboard

    release = threading.Event()
    worked_out = dashboard.dashboard_prep_lane

    def held_back(*args):  # noqa: ANN002, ANN202
        release.wait(BOUND_SECONDS)
        return worked_out(*args)

    monkeypatch.setattr(dashboard, "dashboard_prep_lane", held_back)
    return release
