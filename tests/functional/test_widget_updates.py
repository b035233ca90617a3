"""`show()` repaints a Static only when its text or styles change, and still lays it out when
its height changes."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Static

from okr_tui.widgets.textual_compat import show
from tests.screen_reading import screen_text


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


class Fields(App[None]):
    CSS = """
    #fill { height: auto; }
    #capped { height: auto; max-height: 2; }
    #fixed { height: 3; }
    #fitted { width: auto; }
    #value { width: 12; }
    """

    def compose(self) -> ComposeResult:
        from okr_tui.widgets.textual_compat import StillInput

        yield Static(Content("one line"), id="fill")
        yield Static(Content("a\nb"), id="capped")
        yield Static(Content("x"), id="fixed")
        yield Static(Content("short"), id="fitted")
        yield StillInput(id="value", compact=True)


async def test_show_lays_the_screen_out_only_when_a_size_can_change() -> None:
    """A widget whose new content takes the rows the old one took is repainted without a layout
    of the screen; one that grows, or whose width follows its text, is laid out again."""
    app = Fields()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        layouts: list[str] = []

        def updated(widget: Static, content: Content) -> None:
            before = widget._layout_required
            show(widget, content)
            layouts.append("layout" if widget._layout_required and not before else "repaint")

        screen = app.screen
        updated(screen.query_one("#fill", Static), Content("another line"))
        updated(screen.query_one("#fill", Static), Content("now\ntwo lines"))
        updated(screen.query_one("#capped", Static), Content("c\nd\ne\nf"))  # 4 rows, capped at 2
        updated(screen.query_one("#fixed", Static), Content("1\n2\n3\n4\n5"))
        updated(screen.query_one("#fitted", Static), Content("much longer text"))
        assert layouts == ["repaint", "layout", "repaint", "repaint", "layout"]
        await pilot.pause()
        assert screen.query_one("#fill", Static).size.height == 2
        assert screen.query_one("#capped", Static).size.height == 2
        assert screen.query_one("#fitted", Static).size.width == len("much longer text")
        assert "another line" not in screen_text(app) and "two lines" in screen_text(app)


async def test_a_still_input_scrolls_to_a_value_longer_than_the_field() -> None:
    """Its value changes do not lay the screen out, yet it still shows the end of a long value
    as typed, like Textual's Input."""
    from okr_tui.widgets.textual_compat import StillInput

    app = Fields()
    async with app.run_test(size=(40, 12)) as pilot:
        field = app.query_one("#value", StillInput)
        field.focus()
        await pilot.pause()
        await pilot.press(*"1234567890abcdef")
        await pilot.pause()
        assert field.value == "1234567890abcdef"
        assert "abcdef" in screen_text(app)
        assert "1234" not in screen_text(app)
        field.value = "42"
        assert not field._layout_required  # Textual's Input asks for a layout of the screen
        await pilot.pause()
        assert "42" in screen_text(app) and "abcdef" not in screen_text(app)
