"""Snapshot of the key result detail screen (demo store, fixed clock, 100x30)."""

from __future__ import annotations

from okr_tui.domain.models import KrType
from okr_tui.widgets.key_result_row import KeyResultRow


def test_detail_of_a_decreasing_key_result(snap_compare, demo_store, make_app):
    cycle = demo_store.current_cycle()
    kr = next(k for k in demo_store.key_results(cycle.id) if k.kr_type is KrType.DECREASE)

    async def open_detail(pilot) -> None:
        await pilot.pause()
        for _ in range(20):
            focused = pilot.app.focused
            if isinstance(focused, KeyResultRow) and focused.line.kr.id == kr.id:
                break
            await pilot.press("j")
            await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_store), run_before=open_detail, terminal_size=(100, 30))
