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


class ThemedApp(App[None]):
    """A light theme, a widget on a theme colour and one on an ANSI colour (the truecolor
    filter maps it by the theme's darkness)."""

    CSS = "#themed { background: $primary; color: $text; } #ansi { color: ansi_red; }"

    def __init__(self, early: bool) -> None:
        super().__init__()
        self.early = early
        self.reparses = 0
        from textual.theme import Theme

        self.register_theme(Theme(name="canary-light", primary="#0050a0", dark=False))
        if early:
            from okr_tui.widgets.textual_compat import start_with_theme

            start_with_theme(self, "canary-light")

    def compose(self) -> ComposeResult:
        yield Static("themed", id="themed")
        yield Static("ansi", id="ansi")

    def on_mount(self) -> None:
        if not self.early:
            self.theme = "canary-light"

    def refresh_css(self, animate: bool = True) -> None:
        self.reparses += 1
        super().refresh_css(animate)


async def test_a_theme_set_before_the_app_runs_styles_it_like_textual_and_parses_once() -> None:
    """Piece 5: start_with_theme gives the screen, the classes and the truecolor filter that
    setting App.theme gives, without the re-parse Textual queues for it. When Textual stops
    re-parsing on a theme change, start_with_theme can go."""
    from textual.filter import ANSIToTruecolor

    shown = {}
    for early in (False, True):
        app = ThemedApp(early)
        async with app.run_test(size=(30, 4)) as pilot:
            await pilot.pause()
            filters = [f for f in app._filters if isinstance(f, ANSIToTruecolor)]
            assert filters
            shown[early] = (
                app.export_screenshot(),
                sorted(name for name in app.classes if name.startswith("-")),
                [f._terminal_theme for f in filters],
                app.query_one("#themed").styles.background,
                app.reparses,
            )
    late, early_shown = shown[False], shown[True]
    assert early_shown[:4] == late[:4]
    assert "-light-mode" in early_shown[1] and "-theme-canary-light" in early_shown[1]
    assert late[4] == 1, "Textual no longer re-parses the stylesheet when App.theme is set"
    assert early_shown[4] == 0
