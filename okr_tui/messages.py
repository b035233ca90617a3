"""The app's messages: small dataclasses that carry what changed, posted upwards or to screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message, bubble=False):
    """The store changed: the one message every screen refreshes on, for every save made in
    this app (the store's `on_saved`) and every change another process made (`external`, the
    store's poll). OkrApp.tell_screens posts it to the screen on top and marks the screens
    under it, which re-read once, when they are on top again. The screen on top made a save of
    this app itself and shows it already; a change made elsewhere it re-reads at once.

    Not bubbling: the app sends it, and must not get it back."""

    external: bool = False


class ContextChanged(Message, bubble=False):
    """The cycle, the team filter or the owner filter changed: every screen shows another
    slice of the store (the one on top at once, the others when they are on top again)."""
