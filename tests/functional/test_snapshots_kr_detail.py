"""Snapshot of the key result detail screen (demo store, fixed clock, 100x30)."""

from __future__ import annotations

from okr_tui.domain.models import KrType
from okr_tui.widgets.objective_board import ObjectiveBoard


def test_detail_of_a_decreasing_key_result(snap_compare, demo_store, make_app):
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.kr_type is KrType.DECREASE)

    async def open_detail(pilot) -> None:
        await pilot.pause()
        board = pilot.app.screen.query_one(ObjectiveBoard)
        for _ in range(20):
            if board.highlighted_kr_id == kr.id:
                break
            await pilot.press("j")
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_store), run_before=open_detail, terminal_size=(100, 30))
