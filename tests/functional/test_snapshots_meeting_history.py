"""Snapshots of the meeting history and one past meeting (demo store, fixed clock)."""

from __future__ import annotations


async def _open_history(pilot) -> None:
    await pilot.pause()
    await pilot.press("h")
    await pilot.pause()


async def _open_one_meeting(pilot) -> None:
    await _open_history(pilot)
    await pilot.press("down", "down", "enter")  # 9 Nov: Gus missing, a new blocker, an action
    await pilot.pause()


def test_meeting_history_list(snap_compare, demo_store, make_app):
    app = make_app(demo_store)
    assert snap_compare(app, run_before=_open_history, terminal_size=(100, 30))


def test_one_past_meeting(snap_compare, demo_store, make_app):
    app = make_app(demo_store)
    assert snap_compare(app, run_before=_open_one_meeting, terminal_size=(100, 30))


def test_one_past_meeting_at_80x24(snap_compare, demo_store, make_app):
    app = make_app(demo_store)
    assert snap_compare(app, run_before=_open_one_meeting, terminal_size=(80, 24))
