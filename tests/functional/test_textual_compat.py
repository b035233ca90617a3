"""Canaries for okr_tui/widgets/textual_compat.py: each fails when a Textual upgrade changes what
the module relies on. On a failure, read the piece named in the message against the new Textual
(and measure with the walk row of benchmarks/run.py) before changing the test."""

from __future__ import annotations

import inspect
import re

import textual
from screen_reading import screen_text
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from okr_tui.widgets.key_footer import KeyFooter
from okr_tui.widgets.textual_compat import CHECKED_TEXTUAL_VERSION, StillInput


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
    def __init__(self, footer: Widget) -> None:
        super().__init__()
        self.footer = footer

    def compose(self) -> ComposeResult:
        yield Keys("keys", id="keys")
        yield self.footer


async def _picture(footer: Widget, width: int) -> str:
    app = FooterApp(footer)
    async with app.run_test(size=(width, 5)) as pilot:
        app.set_focus(app.query_one("#keys"))
        await pilot.pause()
        await pilot.pause()
        # The picture's id is a hash of how the row was cut into segments, not of its look.
        return re.sub(r"terminal-\d+", "terminal", app.export_screenshot())


async def test_the_key_footer_draws_the_row_textual_footer_draws() -> None:
    """Not a piece of this module but its like: widgets/key_footer.py draws the keys as
    Textual's Footer does (its DEFAULT_CSS: paddings, margins, the palette's key docked right
    behind a border, the footer's colours), full and compact. When Textual's Footer changes its
    look, decide whether the key footer follows (the snapshot tests show every screen's)."""
    # Three keys: 34 columns in the full style, 31 compact; the palette's key 12.
    assert await _picture(KeyFooter(), 100) == await _picture(Footer(), 100)
    assert await _picture(KeyFooter(), 45) == await _picture(Footer(compact=True), 45)


class OneInput(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="plain", compact=True)
        yield StillInput(id="still", compact=True)
        yield Static(Content("one line"), id="text")


async def test_textual_still_lays_the_screen_out_for_what_the_compat_module_skips() -> None:
    """Piece 1: Textual's Input lays the screen out on each change of value, and Static.update
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
    """Piece 4: start_with_theme gives the screen, the classes and the truecolor filter that
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


class PushesItsScreen(App[None]):
    """An app that opens on its own screen, as OkrApp does (pushed from on_mount)."""

    def on_mount(self) -> None:
        self.push_screen(Screen())


def _batch_at_each_render(monkeypatch, app: App[None]) -> list[int]:
    """The app's batch count each time a screen renders a frame (a full or partial update)."""
    counts: list[int] = []
    render_update = Compositor.render_update

    def recording(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        counts.append(app._batch_count)
        return render_update(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", recording)
    return counts


async def test_textual_renders_a_frame_in_the_start_up_batch_and_draws_none_there(
    monkeypatch,
) -> None:
    """Piece 5: Textual renders the screen pushed at mount while the app's start-up batch is
    open, and App._display draws nothing in a batch. When it stops rendering there, the piece
    can go."""
    app = PushesItsScreen()
    counts = _batch_at_each_render(monkeypatch, app)
    async with app.run_test(size=(30, 4)) as pilot:
        await pilot.pause()
    assert counts and counts[0] > 0, "Textual no longer renders a frame in the start-up batch"
    # _display's own check, read from its source: a headless test app draws nothing at all.
    assert re.search(r"if self\._batch_count:\s+return", inspect.getsource(App._display))


async def test_okr_renders_its_first_screen_only_once_the_batch_is_over(
    demo_store, make_app, monkeypatch
) -> None:
    """Piece 5 in use: no frame of okr's first screen is rendered to be dropped."""
    from okr_tui.screens.dashboard import DashboardScreen

    app = make_app(demo_store)
    counts = _batch_at_each_render(monkeypatch, app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert "Increase activation rate" in screen_text(app)
    assert counts and set(counts) == {0}


async def test_okr_starts_its_workers_once_its_first_frame_is_drawn(
    demo_store, make_app, monkeypatch
) -> None:
    """The prep lane's worker and after_first_frame (the collector, the file's full check)
    wait for the first frame drawn: Textual's call_after_refresh ran them inside the start-up
    batch, before any frame, and the worker shared the interpreter with the first frame."""
    from okr_tui.app import OkrApp

    app = make_app(demo_store)
    at_each_render: list[tuple[bool, bool]] = []
    after_first_frame = OkrApp.after_first_frame
    called: list[bool] = []

    def recording_after_first_frame(self) -> None:  # noqa: ANN001
        called.append(True)
        after_first_frame(self)

    monkeypatch.setattr(OkrApp, "after_first_frame", recording_after_first_frame)
    render_update = Compositor.render_update

    def recording(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        lane = any(worker.name == "prep lane" for worker in app.workers)
        at_each_render.append((lane, bool(called)))
        return render_update(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", recording)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "working out" not in screen_text(app)  # the lane was worked out and shown
    assert at_each_render[0] == (False, False)
    assert called
