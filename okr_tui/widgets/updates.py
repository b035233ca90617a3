"""Updating a Static only when what it shows changes.

`Static.update` repaints the widget and lays the screen out again even when the content is the
same, and `Content.__eq__` compares the text only, so a screen that refreshes many widgets at
once (a walkthrough step) compares text and styles itself and leaves the rest alone.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


def same_content(shown: object, content: Content) -> bool:
    """True when `shown` is Content with the same text and the same styles as `content`."""
    return (
        isinstance(shown, Content)
        and shown.plain == content.plain
        and list(shown.spans) == list(content.spans)
    )


def show(widget: Static, content: Content) -> bool:
    """Show `content` in `widget` unless it already does; True if the widget was updated."""
    if same_content(widget.content, content):
        return False
    widget.update(content)
    return True
