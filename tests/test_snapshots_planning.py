"""Snapshot of the planning screen on the demo store: the plan tree and the plan check panel."""

from __future__ import annotations


def test_planning_screen_on_the_demo_store(snap_compare, demo_store, make_app):
    assert snap_compare(make_app(demo_store), press=["p"], terminal_size=(100, 30))
