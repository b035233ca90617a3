"""The key result detail screen: every check-in, the audit log, the chart, user text as typed."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static

from okr_tui.domain.models import CheckIn, Confidence, KeyResult, KrType
from okr_tui.screens.dashboard import DashboardScreen
from okr_tui.screens.kr_detail import KeyResultDetailScreen
from okr_tui.widgets.burn_up_chart import BurnUpChart, ChartData, ChartPoint, chart_lines
from okr_tui.widgets.confidence_history import ConfidenceHistory
from okr_tui.widgets.objective_board import KR_PREFIX, ObjectiveBoard

LAST_MEETING = date(2026, 11, 16)
CURRENT_MEETING = date(2026, 11, 23)


def _kr(store, kr_type: KrType) -> KeyResult:
    cycle = store.current_cycle()
    return next(kr for kr in store.key_results(cycle.id) if kr.kr_type is kr_type)


async def _open_from_dashboard(
    app, pilot, kr_id: str, *, walk: bool = False
) -> KeyResultDetailScreen:
    """Highlight the key result on the dashboard and press Enter. With `walk`, get there with
    the "next key result" key as a person would; otherwise highlight it directly (faster)."""
    await pilot.pause()
    assert isinstance(app.screen, DashboardScreen)
    board = app.screen.query_one(ObjectiveBoard)
    if walk:
        for _ in range(2 * len(board.lines)):
            if board.highlighted_kr_id == kr_id:
                break
            await pilot.press("j")  # the dashboard's "next key result" key
            await pilot.pause()
    else:
        board.highlighted = board.get_option_index(f"{KR_PREFIX}{kr_id}")
        await pilot.pause()
    assert board.highlighted_kr_id == kr_id
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, KeyResultDetailScreen)
    return app.screen


def _plain_rows(table: DataTable) -> list[list[str]]:
    return [[cell.plain for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_enter_opens_every_check_in_and_the_audit_log_and_escape_returns(
    demo_store, make_app, clock
):
    cycle = demo_store.current_cycle()
    kr = _kr(demo_store, KrType.INCREASE)
    # A correction of last week's value, and a target change with a reason for the audit log.
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=LAST_MEETING,
            value=kr.baseline + 1,
            confidence=Confidence.AT_RISK,
            note="typo fixed",
            recorded_at=clock.now(),
        )
    )
    demo_store.save_key_result(
        kr.model_copy(update={"target": kr.target + 5}), author="Dana", reason="stretch agreed"
    )
    check_ins = demo_store.check_ins(cycle.id, kr.id)
    audit = demo_store.audit(cycle.id, kr.id)
    assert len(audit) == 2

    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_from_dashboard(app, pilot, kr.id, walk=True)
        table = screen.query_one("#check-ins", DataTable)
        assert table.row_count == len(check_ins)
        rows = _plain_rows(table)
        shown_notes = sorted(row[4] for row in rows)
        assert shown_notes == sorted(c.note for c in check_ins)
        marks = [row[0] for row in rows if row[0].startswith(LAST_MEETING.isoformat())]
        assert sorted(marks) == [
            f"{LAST_MEETING.isoformat()} superseded",
            # Given a week after that meeting's day: a late correction, and it says so.
            f"{LAST_MEETING.isoformat()} ✎ correction · late",
        ]
        superseded_row = next(i for i, row in enumerate(rows) if row[0].endswith("superseded"))
        assert "strike" in str(table.get_row_at(superseded_row)[0].spans)

        audit_table = screen.query_one("#audit", DataTable)
        assert audit_table.row_count == len(audit)
        audit_rows = _plain_rows(audit_table)
        assert audit_rows[0][1] == "target"
        assert audit_rows[0][3] == "stretch agreed"
        assert audit_rows[0][4] == "Dana"

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_decreasing_key_result_draws_its_chart_upside_down(demo_store, make_app):
    kr = _kr(demo_store, KrType.DECREASE)
    assert kr.target < kr.baseline
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_from_dashboard(app, pilot, kr.id)
        chart = screen.query_one(BurnUpChart)
        lines = chart.render().plain.splitlines()
        assert len(lines) == chart.size.height
        # The target (30 days) is at the top, the baseline (42 days) at the bottom.
        assert lines[0].lstrip().startswith("30 days")
        assert lines[chart.size.height - 4].lstrip().startswith("42 days")
        assert "expected pace 42 days → 30 days" in lines[-1]
        history = screen.query_one(ConfidenceHistory).render().plain
        assert "on track" in history and "at risk" in history and "off track" in history
        rows_before = screen.query_one("#check-ins", DataTable).row_count
        app.theme = "textual-light"  # confidence colours are re-read from the new theme
        await pilot.pause()
        assert screen.query_one("#check-ins", DataTable).row_count == rows_before


def _filled_cells(lines: list[str], start: int, width: int) -> int:
    return sum(1 for line in lines for char in line[start : start + width] if char in "▁▂▃▄▅▆▇█")


def test_falling_values_grow_the_bars_of_a_decreasing_key_result():
    points = tuple(
        ChartPoint(date(2026, 10, 5 + 7 * i), value, 42 - 3 * i, upcoming=False)
        for i, value in enumerate([42, 39, 36, 33])
    )
    data = ChartData(KrType.DECREASE, 42, 30, "days", points)
    lines = [line.plain for line in chart_lines(data, 60, 12)]
    start = lines[0].index("┤") + 1
    column = (60 - start) // len(points)
    heights = [_filled_cells(lines[:9], start + i * column, column - 1) for i in range(len(points))]
    assert heights == sorted(heights) and heights[0] < heights[-1]


def test_chart_copes_with_flat_narrow_and_empty_data():
    flat = ChartData(
        KrType.STAY_BELOW,
        5,
        5,
        "ms",
        (ChartPoint(date(2026, 10, 5), 5, 5, upcoming=False),),
    )
    assert len(chart_lines(flat, 80, 12)) == 12
    assert "stay below 5 ms" in chart_lines(flat, 80, 12)[-1].plain
    assert len(chart_lines(flat, 10, 3)) == 1
    empty = ChartData(KrType.INCREASE, 0, 10, "", ())
    assert "No meetings" in chart_lines(empty, 80, 12)[0].plain


async def test_hostile_text_shows_exactly_as_typed(demo_store, make_app, clock):
    cycle = demo_store.current_cycle()
    kr = _kr(demo_store, KrType.DECREASE)
    demo_store.save_key_result(kr.model_copy(update={"title": "[bold]Cut[/] cycle [red]now"}))
    demo_store.add_check_in(
        CheckIn(
            cycle_id=cycle.id,
            kr_id=kr.id,
            meeting_date=CURRENT_MEETING,
            value=35,
            confidence=Confidence.ON_TRACK,
            note="[bold]x[/]",
            blockers="[@click=app.quit]y",
            author="[$accent]me",
            recorded_at=clock.now(),
        )
    )
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_from_dashboard(app, pilot, kr.id)
        header = str(screen.query_one("#kr-header", Static).render())
        assert "[bold]Cut[/] cycle [red]now" in header
        rows = _plain_rows(screen.query_one("#check-ins", DataTable))
        newest = rows[0]
        assert newest[0] == CURRENT_MEETING.isoformat()
        assert (newest[4], newest[5], newest[6]) == (
            "[bold]x[/]",
            "[@click=app.quit]y",
            "[$accent]me",
        )
        assert app.is_running


async def test_d_ticks_off_an_open_action_of_the_key_result(demo_store, make_app):
    cycle = demo_store.current_cycle()
    action = next(a for a in demo_store.actions(cycle.id) if not a.done)
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_from_dashboard(app, pilot, action.kr_id)
        assert f"☐ {action.text}" in str(screen.query_one("#actions", Static).render())
        await pilot.press("d")
        await pilot.pause()
        assert type(app.screen).__name__ == "OpenActionsDialog"
        await pilot.press("enter")  # none ticked: the highlighted (only) one
        await pilot.pause()
        assert app.screen is screen
        shown = str(screen.query_one("#actions", Static).render())
        assert f"☑ {action.text}" in shown and "· done" in shown
    assert next(a for a in demo_store.actions(cycle.id) if a.id == action.id).done
