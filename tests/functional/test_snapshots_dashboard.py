"""Dashboard layout snapshots at the two sizes a meeting room uses and a laptop's 80x24 (demo
store, fixed clock)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (120, 40)], ids=["80x24", "100x30", "120x40"]
)
def test_dashboard(snap_compare, demo_store, make_app, size):
    assert snap_compare(make_app(demo_store), terminal_size=size)


def test_dashboard_filtered_to_one_team_with_the_cursor_moved(snap_compare, demo_store, make_app):
    assert snap_compare(
        make_app(demo_store),
        press=["ctrl+t", "down", "down", "enter", "down"],
        terminal_size=(100, 30),
    )


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_dashboard_with_the_prep_lane_unfolded(snap_compare, demo_store, make_app, size):
    """`l` unfolds the prep lane above the board: at most 40% of the screen, the rest scrolls;
    the forecast column stays at the right edge of the board."""
    assert snap_compare(make_app(demo_store), press=["l"], terminal_size=size)
