"""The key footer: the screen's keys on one line, repainted only when the keys to show change
(a focus move between widgets with the same bindings keeps them), every key whole at any width,
and a click on a key presses it."""

from __future__ import annotations

from screen_reading import screen_text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from okr_tui.widgets.key_footer import FooterEntry, KeyFooter


class Notes(Static, can_focus=True):
    BINDINGS = [Binding("x", "archive", "Archive", tooltip="Archive this note")]

    archived = False

    def action_archive(self) -> None:
        self.archived = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "archive" and self.archived else True


class Chart(Static, can_focus=True):
    BINDINGS = [Binding("z", "zoom", "Zoom")]
    zoomed = 0

    def action_zoom(self) -> None:
        self.zoomed += 1


class FooterApp(App):
    def compose(self) -> ComposeResult:
        yield Notes("first", id="first")
        yield Notes("second", id="second")
        yield Chart("chart", id="chart")
        yield KeyFooter()


def shown(app: App) -> list[tuple[str, str]]:
    return [(entry.key, entry.description) for entry in app.screen.query_one(KeyFooter).shown]


def footer_row(app: App) -> str:
    """The terminal's last row, where the footer is docked, as the room sees it."""
    return screen_text(app).splitlines()[-1].rstrip()


async def test_a_focus_move_that_keeps_the_keys_keeps_the_footer() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#first"))
        await pilot.pause()
        assert ("x", "Archive") in shown(app)
        footer = app.query_one(KeyFooter)
        changes = footer.key_changes
        await pilot.press("tab")  # to the second Notes: the same bindings
        await pilot.pause()
        assert app.focused is app.query_one("#second")
        assert footer.key_changes == changes  # not repainted for it
        await pilot.press("tab")  # to the chart: other keys
        await pilot.pause()
        assert footer.key_changes == changes + 1


async def test_the_footer_shows_new_keys_and_leaves_out_disabled_ones() -> None:
    app = FooterApp()
    async with app.run_test() as pilot:
        app.set_focus(app.query_one("#second"))
        await pilot.pause()
        await pilot.press("tab")  # to the chart
        await pilot.pause()
        assert ("z", "Zoom") in shown(app)
        assert " z Zoom " in footer_row(app)
        assert not any(key == "x" for key, _ in shown(app))
        await pilot.press("shift+tab")
        await pilot.pause()
        assert ("x", "Archive") in shown(app)
        await pilot.press("x")  # archive the second note: its key is now off
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert not any(key == "x" for key, _ in shown(app))  # not offered
        assert "Archive" not in footer_row(app)


async def test_the_palette_key_is_compact_on_the_right_and_keys_are_not() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.set_focus(app.query_one("#chart"))
        await pilot.pause()
        row = footer_row(app)
        assert row.startswith(" z Zoom ")
        assert row.endswith("▏^p palette")
        assert len(row) == 79  # and one column after it
        assert shown(app)[-1] == ("ctrl+p", "palette")


async def test_a_click_on_a_key_presses_it_and_the_mouse_over_it_shows_its_tooltip() -> None:
    app = FooterApp()
    async with app.run_test(size=(80, 10)) as pilot:
        chart = app.query_one("#chart", Chart)
        app.set_focus(chart)
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        (zoom,) = [entry for entry in footer.shown if entry.key == "z"]
        start, end = footer.columns(zoom)
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await pilot.pause()
        assert chart.zoomed == 1
        await pilot.click(KeyFooter, offset=(end + 5, 0))  # between keys: nothing
        await pilot.pause()
        assert chart.zoomed == 1
        app.set_focus(app.query_one("#first"))
        await pilot.pause()
        (archive,) = [entry for entry in footer.shown if entry.key == "x"]
        await pilot.hover(KeyFooter, offset=(footer.columns(archive)[0], 0))
        await pilot.pause()
        assert footer.tooltip == "Archive this note"


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


def keys_and_palette(app: App) -> tuple[list[FooterEntry], FooterEntry]:
    *keys, palette = app.query_one(KeyFooter).shown
    assert palette.key == "ctrl+p"
    return keys, palette


async def test_every_key_is_shown_whole_at_any_width() -> None:
    """A key runs neither off the footer nor under the palette's key, and the footer goes
    compact, or leaves keys out, exactly when it must."""
    app = BusyApp()
    async with app.run_test(size=(110, 10)) as pilot:
        app.set_focus(app.query_one("#busy"))
        await pilot.pause()
        for width in (110, 102, 101, 95, 94, 93, 88, 80, 71, 64, 60, 52, 47, 40, 33, 26, 20):
            await pilot.resize_terminal(width, 10)
            await pilot.pause()
            await pilot.pause()
            footer = app.query_one(KeyFooter)
            keys, palette = keys_and_palette(app)
            row = footer_row(app)
            assert len(row) <= width
            assert row.endswith("▏^p palette"), width
            palette_start = footer.columns(palette)[0]
            for entry in keys:
                start, end = footer.columns(entry)
                assert end < palette_start, (width, entry)
                drawn = row[start:end].strip()
                assert drawn == f"{entry.display} {entry.description}", (width, drawn)
            # Eight keys: 90 columns in the full style, 82 compact; the palette's key 12.
            assert footer.compact == (width < 102), width
            assert (len(keys) == 8) == (width >= 94), width


async def test_a_narrow_footer_goes_compact_then_leaves_out_the_last_keys_but_help() -> None:
    app = BusyApp()
    async with app.run_test(size=(100, 10)) as pilot:
        app.set_focus(app.query_one("#busy"))
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        # 100 columns: compact, every key (94 of keys and 12 of the palette's would not fit)
        assert footer.compact
        assert [key.description for key in keys_and_palette(app)[0]] == [
            "On track", "At risk", "Off track", "Action", "Park topic", "Leave", "Help", "Team",
        ]  # fmt: skip
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        await pilot.pause()
        assert [key.description for key in keys_and_palette(app)[0]] == [
            "On track", "At risk", "Off track", "Help",
        ]  # fmt: skip
        assert footer_row(app) == "1 On track 2 At risk 3 Off track ? Help" + " " * 9 + (
            "▏^p palette"
        )
