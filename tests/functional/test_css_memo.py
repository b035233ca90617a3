"""Canaries for tests/css_memo.py, the tests' process-wide memo of Textual's CSS parsing: it must
wrap the installed Textual's `Stylesheet._parse_rules`, and a change of theme or of the CSS must
still be parsed afresh."""

from __future__ import annotations

from css_memo import PARSE_RULES_SHA256, _parse_rules, original_source_hash
from textual.app import App, ComposeResult
from textual.color import Color
from textual.css.stylesheet import Stylesheet
from textual.widgets import Static


def test_the_parse_wrapped_is_the_installed_textuals() -> None:
    assert original_source_hash() == PARSE_RULES_SHA256, (
        "Textual's Stylesheet._parse_rules changed: compare it with tests/css_memo.py, check "
        "nothing mutates a RuleSet after parsing, then update PARSE_RULES_SHA256"
    )


def test_the_tests_parse_is_the_remembered_one() -> None:
    assert Stylesheet._parse_rules is _parse_rules


def test_the_same_css_under_other_variables_is_parsed_again() -> None:
    css = "Static { color: $accent; }"
    one = Stylesheet(variables={"accent": "red"})
    two = Stylesheet(variables={"accent": "blue"})
    again = Stylesheet(variables={"accent": "red"})
    rules = [s._parse_rules(css, ("", "canary")) for s in (one, two, again)]
    assert rules[0] is rules[2]
    assert rules[0] is not rules[1]
    assert rules[0][0].styles.color != rules[1][0].styles.color


class Themed(App[None]):
    CSS = "Static { background: $primary; }"

    def compose(self) -> ComposeResult:
        yield Static("x", id="x")


async def test_an_app_started_twice_and_a_theme_switch_style_as_without_the_memo() -> None:
    backgrounds: list[Color] = []
    for theme in ("textual-dark", "textual-light", "textual-dark"):
        app = Themed()
        async with app.run_test(size=(20, 3)) as pilot:
            app.theme = theme
            await pilot.pause()
            backgrounds.append(app.query_one("#x").styles.background)
    assert backgrounds[0] == backgrounds[2] != backgrounds[1]
