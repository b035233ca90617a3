"""Textual's CSS parsed once per test process instead of once per app and per screen.

Each `OkrApp` builds its own `Stylesheet`, and `App._load_screen_css` calls `Stylesheet.reparse`
for every screen pushed, which parses every source again in a fresh `Stylesheet` (its own
`_parse_cache` starts empty). Across the suite's ~900 app starts that was 6-7% of its CPU.

`install()` puts a process-wide memo in front of `Stylesheet._parse_rules`, in tests only. It is
keyed on everything the parse reads: the CSS text, where it was read from, whether it is default
CSS, the tie-breaker, the scope, and the stylesheet's variables (the theme's colours are
substituted while parsing). The value is the same list of `RuleSet`s Textual's own per-stylesheet
`_parse_cache` would return for that key: Textual already hands one parse result to several
`parse()`/`reparse()` calls and never changes a `RuleSet` after `parse` built it (its
`_post_parse` runs inside `parse`; `apply` only reads `rule.styles`), so sharing it across
stylesheets changes nothing but the time. A CSS error is raised as before: a parse that raises
is not remembered, and rules with errors raise `StylesheetParseError` in `parse()` again.

`tests/functional/test_css_memo.py` fails when a Textual upgrade changes `_parse_rules`: read
the new one (and what mutates a `RuleSet`) before updating `PARSE_RULES_SHA256`.
"""

from __future__ import annotations

import hashlib
import inspect

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

CHECKED_PARSE_RULES = "textual 8.2.8"
"""The Textual whose `Stylesheet._parse_rules` this memo was checked against (hash below)."""

PARSE_RULES_SHA256 = "2f1c2d220b672d1b86c19f185bbffba8f2bbf22d10e779a532cdec8fbd2fe01d"

ORIGINAL_PARSE_RULES = Stylesheet._parse_rules

_parsed: dict[tuple[object, ...], list[RuleSet]] = {}


def _parse_rules(
    self: Stylesheet,
    css: str,
    read_from: CSSLocation,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[RuleSet]:
    """`Stylesheet._parse_rules`, remembered for the test process."""
    key = (
        css,
        read_from,
        is_default_rules,
        tie_breaker,
        scope,
        tuple(sorted(self._variables.items())),
    )
    try:
        return _parsed[key]
    except KeyError:
        pass
    rules = ORIGINAL_PARSE_RULES(
        self,
        css,
        read_from,
        is_default_rules=is_default_rules,
        tie_breaker=tie_breaker,
        scope=scope,
    )
    _parsed[key] = rules
    return rules


def original_source_hash() -> str:
    """The hash of the installed Textual's own `Stylesheet._parse_rules` source."""
    return hashlib.sha256(inspect.getsource(ORIGINAL_PARSE_RULES).encode()).hexdigest()


def install() -> None:
    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]
