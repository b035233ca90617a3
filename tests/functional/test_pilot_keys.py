"""Canaries for tests/pilot_keys.py, the tests' quicker `Pilot.press`: it must copy the installed
Textual's `App._press_keys`, and still wait for the app to be idle and for animations to end."""

from __future__ import annotations

import textual.pilot
import textual.screen
from pilot_keys import (
    FRAME_PERIOD,
    PRESS_KEYS_SHA256,
    WAIT_FOR_IDLE_SHA256,
    original_source_hash,
    original_wait_source_hash,
    press_keys,
    wait_for_idle,
)
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static


def test_the_press_copied_is_the_installed_textuals() -> None:
    assert original_source_hash() == PRESS_KEYS_SHA256, (
        "Textual's App._press_keys changed: compare it with tests/pilot_keys.py's press_keys, "
        "then update PRESS_KEYS_SHA256"
    )


def test_the_idle_wait_copied_is_the_installed_textuals() -> None:
    assert original_wait_source_hash() == WAIT_FOR_IDLE_SHA256, (
        "Textual's wait_for_idle changed: compare it with tests/pilot_keys.py's wait_for_idle, "
        "then update WAIT_FOR_IDLE_SHA256"
    )


def test_the_tests_press_and_pause_are_the_quicker_ones() -> None:
    assert App._press_keys is press_keys
    assert textual.pilot.wait_for_idle is wait_for_idle
    assert textual.screen.UPDATE_PERIOD == FRAME_PERIOD


class Tall(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="field")
        with VerticalScroll(id="scroll"):
            yield Static("\n".join(str(n) for n in range(200)))


async def test_keys_are_applied_and_an_animation_is_over_when_press_returns() -> None:
    app = Tall()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.press("a", "b", "c")
        assert app.query_one("#field", Input).value == "abc"
        scroll = app.query_one("#scroll", VerticalScroll)
        scroll.focus()
        await pilot.press("end")  # an animated scroll to the bottom
        assert not app.animator.is_being_animated(scroll, "scroll_y")
        assert scroll.scroll_y == scroll.max_scroll_y > 0


class Later(App[None]):
    """A key whose effect is painted after a refresh: what a too-short idle wait would miss."""

    BINDINGS = [("x", "later")]

    def compose(self) -> ComposeResult:
        yield Label("before", id="label")

    def action_later(self) -> None:
        self.call_after_refresh(self.query_one("#label", Label).update, "after")


async def test_a_change_made_after_the_next_frame_is_on_screen_when_press_returns() -> None:
    app = Later()
    async with app.run_test(size=(20, 3)) as pilot:
        for _ in range(20):
            app.query_one("#label", Label).update("before")
            await pilot.pause()
            await pilot.press("x")
            assert str(app.query_one("#label", Label).render()) == "after"
