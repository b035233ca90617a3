"""Keys sent the way a fast typist or a paste sends them: all queued at once, no pause."""

from __future__ import annotations

from textual import events


def burst(app, *keys: str) -> None:
    """Send keys the way a fast typist or a paste does: all queued, no pause between them."""
    for key in keys:
        app.post_message(events.Key(key, _character(key)))


def _character(key: str) -> str | None:
    """What the terminal sends for `key`: "enter" is a carriage return, "ctrl+o" is 0x0f."""
    if len(key) == 1:
        return key
    if key.startswith("ctrl+") and len(key) == 6:
        return chr(ord(key[-1]) - ord("a") + 1)
    return {"enter": "\r", "escape": "\x1b", "tab": "\t"}.get(key)
