"""Canaries for okr_tui/widgets/textual_compat.py: each fails when a Textual upgrade changes what
the module relies on. On a failure, read the piece named in the message against the new Textual
(and measure with the walk row of benchmarks/run.py) before changing the test."""

from __future__ import annotations

import textual
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, Input, Static

from okr_tui.widgets.textual_compat import (
    CHECKED_TEXTUAL_VERSION,
    FooterKey,
    StillInput,
    compose_keys_at_once,
    footer_place_width,
    palette_key_width,
    set_key_style,
)


def test_textual_is_the_version_the_compat_module_was_checked_against() -> None:
    assert textual.__version__ == CHECKED_TEXTUAL_VERSION, (
        f"Textual {textual.__version__} is installed; okr_tui/widgets/textual_compat.py was "
        f"checked against {CHECKED_TEXTUAL_VERSION}: recheck each piece there, then update "
        "CHECKED_TEXTUAL_VERSION"
    )


class Keys(Static, can_focus=True):
    BINDINGS = [
        Binding("1", "level(1)", "On track"),
        Binding("ctrl+o", "act", "Action"),
        Binding("escape", "leave", "Leave"),
    ]


class FooterApp(App[None]):
    def __init__(self, compact: bool) -> None:
        super().__init__()
        self.compact = compact

    def compose(self) -> ComposeResult:
        yield Keys("keys", id="keys")
        yield Footer(compact=self.compact)


async def _laid_out_keys(compact: bool) -> list[tuple[FooterKey, int]]:
    app = FooterApp(compact)
    async with app.run_test(size=(100, 5)) as pilot:
        app.set_focus(app.query_one("#keys"))
        await pilot.pause()
        await pilot.pause()
        return [
            (key, key.region.width + key.styles.margin.left + key.styles.margin.right)
            for key in app.query(FooterKey)
        ]


async def test_the_footer_widths_follow_textual_footer_css() -> None:
    """Piece 1: the columns Textual's own Footer gives each key, full and compact, are the
    ones the key footer reckons with (footer_place_width, palette_key_width)."""
    for compact in (False, True):
        laid_out = await _laid_out_keys(compact)
        assert {key.description for key, _ in laid_out} == {
            "On track",
            "Action",
            "Leave",
            "palette",
        }
        for key, columns in laid_out:
            if key.has_class("-command-palette"):
                assert columns == palette_key_width(key), (compact, key.description)
            else:
                assert columns == footer_place_width((key,), compact), (compact, key.description)


def test_textual_footer_composes_no_keys_until_the_screen_reports_its_bindings() -> None:
    """Piece 1, compose_keys_at_once: when Footer composes its keys at once, it can go."""
    footer = Footer()
    assert list(footer.compose()) == []  # returns before it reads the screen's bindings
    compose_keys_at_once(footer)
    assert footer._bindings_ready


class TwoKeys(App[None]):
    def compose(self) -> ComposeResult:
        yield FooterKey("x", "x", "Plain", "plain", classes="plain")
        styled = FooterKey("y", "y", "Styled", "styled", classes="styled")
        set_key_style(styled, False)
        yield styled


async def test_a_footer_key_restyles_itself_when_mounted_unless_styled_first() -> None:
    """Piece 1, set_key_style: FooterKey's compact watcher still adds `-compact` on mount
    (Footer's data binding then removes it); a key styled first keeps its style."""
    app = TwoKeys()
    async with app.run_test(size=(40, 4)) as pilot:
        await pilot.pause()
        assert app.query_one(".plain", FooterKey).has_class("-compact")
        assert not app.query_one(".styled", FooterKey).has_class("-compact")


class OneInput(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="plain", compact=True)
        yield StillInput(id="still", compact=True)
        yield Static(Content("one line"), id="text")


async def test_textual_still_lays_the_screen_out_for_what_the_compat_module_skips() -> None:
    """Piece 2: Textual's Input lays the screen out on each change of value, and Static.update
    on each update. When either stops, StillInput or show()'s layout skip can go."""
    app = OneInput()
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        plain = app.query_one("#plain", Input)
        plain.value = "0.42"
        assert plain._layout_required
        still = app.query_one("#still", StillInput)
        still.value = "0.42"
        assert not still._layout_required
        text = app.query_one("#text", Static)
        await pilot.pause()
        text.update(Content("one line"))
        assert text._layout_required


async def test_a_working_toast_stays_until_withdrawn_and_only_it_goes() -> None:
    """working_toast posts Textual's Notify with a Notification it keeps; withdraw_toast takes
    away that one (App._unnotify), leaving other toasts, and does nothing once it has gone."""
    from okr_tui.widgets.textual_compat import withdraw_toast, working_toast

    app: App[None] = App()
    async with app.run_test() as pilot:
        app.notify("Saved.", timeout=60)
        toast = working_toast(app, "Exporting [b]x[/b]…", "Export · working", 3600)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Saved.", "Exporting [b]x[/b]…"]
        assert toast.markup is False and toast.timeout == 3600
        withdraw_toast(app, toast)
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["Saved."]
        withdraw_toast(app, toast)  # already gone
