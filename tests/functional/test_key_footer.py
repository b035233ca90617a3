"""The key footer rebuilds its keys only when the keys to show change (a focus move between
widgets with the same bindings keeps them), and shows the new keys when they do."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.textual_compat import FooterKey


class Notes(Static, can_focus=True):
    BINDINGS = [Binding("x", "archive", "Archive")]

    archived = False

    def action_archive(self) -> None:
        self.archived = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "archive" and self.archived else True


class Chart(Static, can_focus=True):
    BINDINGS = [Binding("z", "zoom", "Zoom")]


class FooterApp(App):
    def compose(self) -> ComposeResult:
        yield Notes("first", id="first")
        yield Notes("second", id="second")
        yield Chart("chart", id="chart")
        yield KeyFooter()


def footer_keys(app: App) -> list[FooterKey]:
    """The keys the footer shows (a key it leaves out is hidden)."""
    return [key for key in app.screen.query(FooterKey) if key.display]


def shown(app: App) -> list[tuple[str, str, bool]]:
    return [(key.key, key.description, key.has_class("-disabled")) for key in footer_keys(app)]


async def test_a_focus_move_that_keeps_the_keys_keeps_the_footer() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#first"))
        await pilot.pause()
        assert ("x", "Archive", False) in shown(app)
        before = footer_keys(app)
        await pilot.press("tab")  # to the second Notes: the same bindings
        await pilot.pause()
        assert app.focused is app.query_one("#second")
        assert footer_keys(app) == before  # the very same widgets: not rebuilt


async def test_the_footer_shows_new_keys_and_leaves_out_disabled_ones() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#second"))
        await pilot.pause()
        await pilot.press("tab")  # to the chart
        await pilot.pause()
        assert ("z", "Zoom", False) in shown(app)
        assert not any(key == "x" for key, _, _ in shown(app))
        await pilot.press("shift+tab")
        await pilot.pause()
        assert ("x", "Archive", False) in shown(app)
        await pilot.press("x")  # archive the second note: its key is now off
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert not any(key == "x" for key, _, _ in shown(app))  # not offered


async def test_the_palette_key_is_compact_and_keys_are_not() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#chart"))
        await pilot.pause()
        keys = footer_keys(app)
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        assert not any(key.has_class("-compact") for key in keys if key not in palette)


class Busy(Static, can_focus=True):
    """A widget with more keys than fit: the footer must choose."""

    BINDINGS = [
        Binding("1", "level(1)", "On track"),
        Binding("2", "level(2)", "At risk"),
        Binding("3", "level(3)", "Off track"),
        Binding("ctrl+o", "act", "Action"),
        Binding("ctrl+r", "park", "Park topic"),
        Binding("escape", "leave", "Leave"),
    ]


class BusyApp(App):
    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+t", "team", "Team"),
    ]

    def compose(self) -> ComposeResult:
        yield Busy("busy", id="busy")
        yield KeyFooter()


def palette_and_keys(app: App) -> tuple[FooterKey, list[FooterKey]]:
    keys = footer_keys(app)
    (palette,) = [key for key in keys if key.has_class("-command-palette")]
    return palette, [key for key in keys if key is not palette]


async def test_every_key_is_shown_whole_at_any_width() -> None:
    """A key runs neither off the footer nor under the palette's key, and the footer goes
    compact, or leaves keys out, exactly when it must: the widths it reckons with are the ones
    Textual lays out."""
    app = BusyApp()
    async with app.run_test(size=(110, 10)) as pilot:
        app.set_focus(app.query_one("#busy"))
        await pilot.pause()
        for width in (110, 102, 101, 95, 94, 93, 88, 80, 71, 64, 60, 52, 47, 40, 33, 26, 20):
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            await pilot.pause()
            palette, keys = palette_and_keys(app)
            footer = app.query_one(KeyFooter)
            assert footer.region.width == width
            assert palette.region.right <= width
            assert all(key.region.right <= palette.region.x for key in keys), width
            assert all(key.region.width == key.render().cell_len for key in keys), width
            # Eight keys: 90 columns in the full style, 82 compact; the palette's key 12.
            assert footer.has_class("-compact") == (width < 102), width
            assert (len(keys) == 8) == (width >= 94), width


async def test_a_narrow_footer_goes_compact_then_leaves_out_the_last_keys_but_help() -> None:
    app = BusyApp()
    async with app.run_test(size=(100, 10)) as pilot:
        app.set_focus(app.query_one("#busy"))
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        # 100 columns: compact, every key (94 of keys and 12 of the palette's would not fit)
        assert footer.has_class("-compact")
        assert [key.description for key in palette_and_keys(app)[1]] == [
            "On track", "At risk", "Off track", "Action", "Park topic", "Leave", "Help", "Team",
        ]  # fmt: skip
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        await pilot.pause()
        assert [key.description for key in palette_and_keys(app)[1]] == [
            "On track", "At risk", "Off track", "Help",
        ]  # fmt: skip
