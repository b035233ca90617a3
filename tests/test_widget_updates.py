"""`show()` repaints a Static only when its text or styles change, and still lays it out when
its height changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from okr_tui.widgets.updates import show


class OneStatic(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(id="text")


async def test_show_updates_only_what_changed() -> None:
    app = OneStatic()
    async with app.run_test(size=(40, 10)) as pilot:
        text = app.query_one("#text", Static)
        assert show(text, Content.styled("KR 1 of 12", "bold"))
        assert not show(text, Content.styled("KR 1 of 12", "bold"))  # same text, same style
        assert show(text, Content.styled("KR 1 of 12", "italic"))  # Content == ignores style
        assert show(text, Content("two\nlines"))
        await pilot.pause()
        assert text.size.height == 2
        assert str(text.content) == "two\nlines"
