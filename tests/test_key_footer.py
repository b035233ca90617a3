"""The key footer rebuilds its keys only when the keys to show change (a focus move between
widgets with the same bindings keeps them), and shows the new keys when they do."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from okr_tui.widgets.key_footer import KeyFooter


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
    return list(app.screen.query(FooterKey))


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


async def test_the_footer_shows_new_keys_and_disabled_ones() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#second"))
        await pilot.pause()
        await pilot.press("tab")  # to the chart
        await pilot.pause()
        assert ("z", "Zoom", False) in shown(app)
        assert not any(key == "x" for key, _, _ in shown(app))
        await pilot.press("shift+tab", "x")  # archive the second note: its key is now dimmed
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert ("x", "Archive", True) in shown(app)


async def test_the_palette_key_is_compact_and_keys_are_not() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#chart"))
        await pilot.pause()
        keys = footer_keys(app)
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        assert not any(key.has_class("-compact") for key in keys if key not in palette)
