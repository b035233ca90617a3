"""The app's messages: small dataclasses that carry what changed, posted upwards or to screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StoreChanged(Message):
    """The store changed (here or in another process): the screen should re-read what it shows."""

    external: bool = False


@dataclass
class ContextChanged(Message):
    """The cycle or the team filter changed: every screen shows another slice of the store."""
