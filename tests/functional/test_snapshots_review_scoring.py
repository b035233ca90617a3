"""Snapshots of the mid-quarter review and the scoring screen on the demo store."""

from __future__ import annotations

import pytest

SIZES = [(100, 30), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_review_screen(snap_compare, demo_store, make_app, size):
    assert snap_compare(make_app(demo_store), press=["r"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_scoring_screen(snap_compare, demo_store, make_app, size):
    assert snap_compare(make_app(demo_store), press=["s", "right"], terminal_size=size)
