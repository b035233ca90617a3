"""Snapshots of the check-in walk: one step at three sizes (a laptop's 80x24 and two meeting
rooms'), and the meeting summary."""

from __future__ import annotations

import pytest

START_WALK = ["c", "enter"]


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (120, 40)], ids=lambda size: f"{size[0]}x{size[1]}"
)
def test_walkthrough_step(snap_compare, demo_store, make_app, size):
    assert snap_compare(make_app(demo_store), press=START_WALK, terminal_size=size)


def test_meeting_summary(snap_compare, demo_store, make_app):
    keys = [
        *START_WALK,
        *"105",
        "enter",
        "g",  # net revenue retention moves up
        *"425",
        "enter",
        "y",  # paying customers, now at risk
        "tab",
        *"Pricing",
        "tab",
        *"Legal",
        "enter",
        "r",  # activation: note, blocker, off track
        "ctrl+f",
    ]
    assert snap_compare(make_app(demo_store), press=keys, terminal_size=(100, 30))
