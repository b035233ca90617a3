"""Canaries for tests/pilot_keys.py, the tests' quicker `Pilot.press`: it must copy the installed
Textual's `App._press_keys`, and still wait for the app to be idle and for animations to end."""

from __future__ import annotations

from pilot_keys import PRESS_KEYS_SHA256, original_source_hash, press_keys
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Static


def test_the_press_copied_is_the_installed_textuals() -> None:
    assert original_source_hash() == PRESS_KEYS_SHA256, (
        "Textual's App._press_keys changed: compare it with tests/pilot_keys.py's press_keys, "
        "then update PRESS_KEYS_SHA256"
    )


def test_the_tests_press_is_the_quicker_one() -> None:
    assert App._press_keys is press_keys


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
