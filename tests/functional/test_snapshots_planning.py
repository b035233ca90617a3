"""Snapshot of the planning screen on the demo store: the plan tree and the plan check panel."""

from __future__ import annotations


def test_planning_screen_on_the_demo_store(snap_compare, demo_store, make_app):
    assert snap_compare(make_app(demo_store), press=["p"], terminal_size=(100, 30))


def test_team_form_editing_a_demo_team(snap_compare, demo_store, make_app):
    """Enter on a team in planning: its name, people and facilitator, ready to change."""

    async def to_growth(pilot) -> None:
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("down", "down", "down")  # from the company objective, past its 2 KRs
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_store), run_before=to_growth, terminal_size=(100, 30))
