"""Every screen a facilitator uses, at a laptop's 80x24: nothing cut without "…", nothing that
scrolls sideways, every key of the footer whole. (The dashboard, the walk step and the
presentation have their 80x24 snapshots beside their other sizes.)"""

from __future__ import annotations

import pytest

SIZE = (80, 24)
SUMMARY = [
    "c",
    "enter",
    *"105",
    "enter",
    "g",
    *"425",
    "enter",
    "y",
    "tab",
    *"Pricing",
    "tab",
    *"Legal",
    "enter",
    "r",
    "ctrl+f",
]

SCREENS = {
    "walk_set_up": ["c"],
    "meeting_summary": SUMMARY,
    "kr_detail": ["enter"],
    "planning": ["p"],
    "review": ["r"],
    "scoring": ["s"],
    "retrospective": ["s", "t"],
    "dashboard_help": ["question_mark"],
    "walk_help": ["c", "enter", "f1"],
}


@pytest.mark.parametrize("keys", SCREENS.values(), ids=SCREENS.keys())
def test_screen_at_80x24(snap_compare, demo_store, make_app, keys):
    assert snap_compare(make_app(demo_store), press=keys, terminal_size=SIZE)
