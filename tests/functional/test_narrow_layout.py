"""The screens a facilitator uses, at 80 and 100 columns: nothing that matters off-screen, cut
without "…", or scrolling sideways."""

from __future__ import annotations

import pytest
from screen_reading import screen_text
from textual.widgets import Button


async def test_the_walk_set_up_shows_its_start_button_at_80x24(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        start = app.screen.query_one("#setup-start", Button)
        assert start.region.bottom <= 23  # above the footer
        assert "Start the check-in  (Enter)" in screen_text(app)


def column_widths(app) -> dict[str, int]:
    from textual.widgets import DataTable

    table = app.screen.query_one(DataTable)
    return {str(key.value): column.width for key, column in table.columns.items()}


async def test_review_titles_take_the_room_the_other_columns_leave(demo_store, make_app):
    """Titles were cut to 33 characters at 100 columns (19 at 80) while the Decision column
    stood empty."""
    for size, least in (((100, 30), 45), ((80, 24), 26)):
        app = make_app(demo_store)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            widths = column_widths(app)
            assert widths["kr"] >= least, size
            assert sum(widths.values()) + 2 * len(widths) + 4 <= size[0]  # no sideways scroll
            shown = screen_text(app)
            assert "Reach 500 paying customers" in shown
            assert "Increase activation rate from 30% to 45%" in shown or size[0] < 100


async def test_the_review_pace_cell_shows_a_late_milestone_whole(demo_store, make_app):
    """ "▼ not done, late in the cycle" was cut to its first 20 characters."""
    from okr_tui.domain.clock import FixedClock
    from okr_tui.store.store import OkrStore

    late = OkrStore(demo_store.folder, FixedClock("2026-12-21T10:00:00Z"))  # week 12 of 14
    app = make_app(late)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert "▼ not done, late in the cycle" in screen_text(app)


async def test_the_decision_shows_the_new_target_whole(demo_store, make_app):
    from textual.widgets import DataTable

    kr = next(
        kr
        for kr in demo_store.key_results(demo_store.current_cycle().id)
        if kr.title.startswith("Reach 500")
    )
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        while table.coordinate_to_cell_key(table.cursor_coordinate)[0].value != kr.id:
            await pilot.press("down")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("4", "8", "0", "enter", *"Board", "enter")
        await pilot.pause()
        assert "✎ 500 → 480 customers" in screen_text(app)


async def test_the_scoring_footer_keeps_retrospective_and_close_at_80_columns(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "t Retro" in footer and "c Close" in footer and "? Help" in footer


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_kr_detail_tables_never_scroll_sideways(demo_store, make_app, size):
    """At 100-120 columns the check-ins table scrolled sideways: Blockers, Author and
    Recorded were cut or off-screen."""
    from textual.widgets import DataTable

    app = make_app(demo_store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        check_ins = app.screen.query_one("#check-ins", DataTable)
        audit = app.screen.query_one("#audit", DataTable)
        assert check_ins.row_count and audit.row_count
        for table in (check_ins, audit):
            assert table.max_scroll_x == 0, table.id
            assert table.region.right <= size[0]
        labels = [str(column.label) for column in check_ins.columns.values()]
        assert "Blockers" in labels and "Author" in labels
        assert "Recorded" in labels or size[0] < 100


async def test_planning_lines_end_in_an_ellipsis_at_80_columns(demo_store, make_app):
    """Planning lines were cut at the edge without "…", and the tree scrolled sideways."""
    from textual.widgets import Tree

    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one(Tree).max_scroll_x == 0
        rows = screen_text(app).splitlines()
        aha = next(row for row in rows if "'aha moment'" in row)
        assert aha.rstrip().endswith("…")
