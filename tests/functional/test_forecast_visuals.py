"""The forecast and the prep lane where the facilitator looks: a forecast score per key result
and objective on the dashboard, the dotted forecast line on the KR detail's chart, and the
dashboard's prep lane that `l` unfolds (remembered in config.toml)."""

from __future__ import annotations

import tomllib
from datetime import date

from screen_reading import screen_text
from textual.widgets import Static
from waiting import hold_back_prep_lane, settle

from okr_tui import paths
from okr_tui.domain import board, forecast
from okr_tui.domain.clock import FixedClock
from okr_tui.domain.models import CheckIn, Confidence, KrType
from okr_tui.domain.prep import prep_lane
from okr_tui.domain.progress import histories
from okr_tui.store.store import OkrStore
from okr_tui.widgets.burn_up_chart import DOTS, chart_data, chart_lines
from okr_tui.widgets.objective_board import (
    FORECAST_HEADING,
    ObjectiveBoard,
    key_result_text,
    objective_text,
    team_heading_text,
)
from okr_tui.widgets.prep_panel import PrepPanel

FRIDAY = "2026-11-27T15:00:00Z"
COMING = date(2026, 11, 30)


async def _lane_worked_out(pilot) -> None:
    """The dashboard works out its prep lane in a worker once it is drawn (issue 19): wait
    until the lane's line no longer says "working out…"."""

    def worked_out() -> bool:
        summary = pilot.app.screen.query_one("#prep-summary", Static)
        return "working out" not in summary.render().plain

    await settle(pilot, worked_out)


def _records(store: OkrStore):
    cycle = store.current_cycle()
    objectives = store.objectives(cycle.id)
    key_results = store.key_results(cycle.id)
    check_ins = histories(store.check_ins(cycle.id))
    return cycle, objectives, key_results, check_ins


def _kr(store: OkrStore, start: str):
    cycle = store.current_cycle()
    return next(k for k in store.key_results(cycle.id) if k.title.startswith(start))


def _friday_store(demo_store: OkrStore) -> OkrStore:
    """The demo on the Friday before a meeting, after an owner's update that drops the
    confidence and adds a blocker (as tests/functional/test_prep.py does)."""
    store = OkrStore(demo_store.folder, FixedClock(FRIDAY))
    leads = _kr(store, "Increase qualified leads")
    store.add_check_in(
        CheckIn(
            cycle_id=leads.cycle_id,
            kr_id=leads.id,
            meeting_date=COMING,
            value=171,
            confidence=Confidence.OFF_TRACK,
            blockers="CRM outage since Wednesday [red]",
            author=leads.owner,
            recorded_at=store.clock.now(),
        )
    )
    return store


# --- pure: forecasts once, board lines, objective blocks ----------------------------------


def test_forecasts_once_for_all_match_one_by_one_and_warnings_reuse_them(demo_store):
    cycle, _, key_results, check_ins = _records(demo_store)
    found = forecast.forecasts(key_results, cycle, check_ins)
    for kr in key_results:
        assert found.get(kr.id) == forecast.forecast(kr, cycle, demo_store.check_ins(cycle.id))
    assert any(kr.kr_type is KrType.MILESTONE for kr in key_results)
    assert all(found[kr.id].kr == kr for kr in key_results if kr.id in found)
    assert forecast.warnings(key_results, cycle, check_ins, found) == forecast.warnings(
        key_results, cycle, demo_store.check_ins(cycle.id)
    )


def test_board_lines_carry_the_forecast_and_objectives_a_forecast_score(demo_store):
    cycle, objectives, key_results, check_ins = _records(demo_store)
    now = demo_store.clock.now()
    found = forecast.forecasts(key_results, cycle, check_ins)
    lines = board.key_result_lines(cycle, objectives, key_results, check_ins, now, forecasts=found)
    assert {line.kr.id for line in lines if line.forecast} == set(found)
    plain = board.key_result_lines(cycle, objectives, key_results, check_ins, now)
    assert all(line.forecast is None for line in plain)
    blocks = board.objective_blocks(objectives, lines)
    assert all(b.forecast_score is None for b in board.objective_blocks(objectives, plain))
    company = next(b for b in blocks if b.objective.team_id is None)
    # Both company key results have a forecast: the weighted mean of their forecast scores.
    assert all(line.forecast for line in company.lines)
    total = sum(line.kr.weight for line in company.lines)
    mean = sum(line.forecast.score * line.kr.weight for line in company.lines) / total
    assert company.forecast_score == round(mean, 1)
    # A milestone has none: its objective's forecast counts the score it stands at instead.
    growth = next(b for b in blocks if any(not line.forecast for line in b.lines))
    assert growth.forecast_score is not None


def test_the_forecast_column_is_flush_right_and_a_long_title_gives_way(demo_store):
    cycle, objectives, key_results, check_ins = _records(demo_store)
    found = forecast.forecasts(key_results, cycle, check_ins)
    lines = board.key_result_lines(
        cycle, objectives, key_results, check_ins, demo_store.clock.now(), forecasts=found
    )
    aha = next(line for line in lines if "'aha moment'" in line.kr.title)
    for width in (76, 96, 116):
        title_line = key_result_text(aha, width=width).plain.split("\n")[0]
        assert len(title_line) == width
        assert title_line.endswith(f"⇢ ✔ {aha.forecast.score:.1f}")
    assert "…" in key_result_text(aha, width=76).plain.split("\n")[0]
    assert "…" not in key_result_text(aha, width=116).plain.split("\n")[0]
    # No width known (or no forecast): the title as it was, no column.
    assert "⇢" not in key_result_text(aha).plain
    milestone = next(line for line in lines if line.kr.kr_type is KrType.MILESTONE)
    assert "⇢" not in key_result_text(milestone, width=96).plain
    block = board.objective_blocks(objectives, lines)[0]
    objective_title = objective_text(block, None, 96).plain.split("\n")[1]
    assert objective_title.endswith(f"{block.forecast_score:.1f}") and len(objective_title) == 96
    from okr_tui.widgets.objective_board import TeamSection

    heading = team_heading_text(TeamSection("Company", [block]), 96).plain
    assert heading.endswith(FORECAST_HEADING) and len(heading) == 96


def test_the_lane_from_the_boards_lines_is_the_lane_it_works_out_itself(demo_store):
    store = _friday_store(demo_store)
    cycle, objectives, key_results, check_ins = _records(store)
    now = store.clock.now()
    found = forecast.forecasts(key_results, cycle, check_ins)
    lines = board.key_result_lines(cycle, objectives, key_results, check_ins, now, forecasts=found)
    actions = store.actions(cycle.id)
    given = prep_lane(
        cycle, objectives, key_results, check_ins, actions, now, lines=lines, forecasts=found
    )
    alone = prep_lane(cycle, objectives, key_results, store.check_ins(cycle.id), actions, now)
    assert given.sections() == alone.sections()
    assert given.confidence_drops and given.new_blockers


# --- pure: the chart's dotted forecast -----------------------------------------------------


def test_the_dotted_line_runs_from_the_last_check_in_to_the_forecast_at_the_cycle_end(demo_store):
    cycle = demo_store.current_cycle()
    kr = _kr(demo_store, "Increase net revenue retention")
    check_ins = demo_store.check_ins(cycle.id, kr.id)
    projection = forecast.forecast(kr, cycle, check_ins)
    data = chart_data(kr, cycle, check_ins, demo_store.clock.now(), projection)
    checked = [p for p in data.points if p.value is not None]
    last = checked[-1]
    assert last.projected == last.value  # the line starts at the top of the last bar
    assert all(p.projected is None for p in data.points if p.meeting < last.meeting)
    later = [p.projected for p in data.points if p.meeting > last.meeting]
    assert later and all(v is not None for v in later)
    assert later == sorted(later)  # heading up toward 106%, straight
    assert data.forecast_end == (cycle.end, projection.value)
    drawn = chart_lines(data, 96, 12)
    plot = "\n".join(line.plain for line in drawn[:-3])
    assert DOTS in plot
    assert "┈ forecast 106.01%" in drawn[-1].plain
    # Without a forecast (and for a milestone) no dots and no legend entry.
    bare = chart_lines(chart_data(kr, cycle, check_ins, demo_store.clock.now()), 96, 12)
    assert DOTS not in "\n".join(line.plain for line in bare)
    empty = chart_data(kr, cycle, [], demo_store.clock.now())
    assert all(p.projected is None for p in empty.points)


def test_the_legend_keeps_the_forecast_at_80_columns(demo_store):
    cycle = demo_store.current_cycle()
    kr = _kr(demo_store, "Reduce the average sales cycle")
    check_ins = demo_store.check_ins(cycle.id, kr.id)
    projection = forecast.forecast(kr, cycle, check_ins)
    data = chart_data(kr, cycle, check_ins, demo_store.clock.now(), projection)
    wide, narrow = chart_lines(data, 116, 12)[-1].plain, chart_lines(data, 76, 12)[-1].plain
    assert "by 31 Dec" in wide and "value at each meeting" in wide
    assert len(narrow) <= 76 and "┈ forecast" in narrow


# --- the app ------------------------------------------------------------------------------


def _config() -> dict:
    path = paths.config_file()
    return tomllib.loads(path.read_text()) if path.exists() else {}


async def test_l_unfolds_the_prep_lane_and_it_is_remembered(demo_store, make_app):
    store = _friday_store(demo_store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _lane_worked_out(pilot)
        panel = app.screen.query_one(PrepPanel)
        body = panel.query_one("#prep-body")
        text = screen_text(app)
        assert "▸ l Prep lane · Mon 30 Nov:" in text
        assert "1 confidence dropped" in text and "1 new blockers" in text
        assert not body.display and "Confidence dropped (1)" not in text
        await pilot.press("l")
        await pilot.pause()
        text = screen_text(app)
        assert body.display and "▾ l Prep lane" in text
        assert "Not updated yet (8)" in text
        # The list scrolls within 40% of the screen; user text shows as typed, never as markup.
        listed = panel.query_one("#prep-lines", Static).render().plain
        assert "Confidence dropped (1)" in listed
        assert "from on track to off track  ·  Increase qualified leads per month" in listed
        assert "CRM outage since Wednesday [red]" in listed
        assert body.size.height <= 12
        assert _config().get("prep_panel") is True
        assert app.screen.query_one(ObjectiveBoard).has_focus  # the board keeps the keys
        await pilot.press("j", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one(PrepPanel).query_one("#prep-body").display
    again = make_app(store)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.screen.query_one(PrepPanel).query_one("#prep-body").display
        await pilot.press("l")
        await pilot.pause()
        assert not again.screen.query_one(PrepPanel).query_one("#prep-body").display
        assert _config().get("prep_panel") is False


async def test_the_prep_lane_follows_the_team_filter(demo_store, make_app):
    store = _friday_store(demo_store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _lane_worked_out(pilot)
        summary = app.screen.query_one("#prep-summary", Static)
        assert "8 not updated · 1 confidence dropped" in summary.render().plain
        growth = store.team_named("Growth")
        app.team_id = growth.id
        await pilot.pause()
        await _lane_worked_out(pilot)
        # Growth's four and the company's two key results; Sales' drop is not Growth's.
        assert "▸ l Prep lane · Mon 30 Nov: 6 not updated" in summary.render().plain
        assert "confidence dropped" not in summary.render().plain


async def test_a_store_opened_for_viewing_folds_the_lane_without_writing_config(
    demo_store, make_app
):
    viewer = OkrStore(demo_store.folder, demo_store.clock, read_only=True)
    app = make_app(viewer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert app.screen.query_one(PrepPanel).query_one("#prep-body").display
    assert not paths.config_file().exists()


async def test_the_kr_detail_chart_draws_the_forecast_dotted(demo_store, make_app):
    kr = _kr(demo_store, "Increase net revenue retention")
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        board_widget = app.screen.query_one(ObjectiveBoard)
        assert board_widget.highlighted_kr_id == kr.id
        assert "⇢ ▲ 0.7" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert DOTS * 6 in text and "┈ forecast 106.01%" in text


def test_a_key_result_turns_stale_at_local_midnight_fourteen_days_on(demo_store):
    """Checked in on Mon 16 Nov (Berlin): still fresh on the evening of Sun 29 Nov, stale from
    local midnight on Mon 30 Nov, as the team's calendar counts the days."""
    cycle, objectives, key_results, check_ins = _records(demo_store)

    def stale_at(moment: str) -> int:
        now = FixedClock(moment).now()
        actions = demo_store.actions(cycle.id)
        return len(prep_lane(cycle, objectives, key_results, check_ins, actions, now).stale)

    assert stale_at("2026-11-29T22:59:00Z") == 0  # 23:59 in Berlin
    assert stale_at("2026-11-29T23:00:00Z") == len(key_results)  # 00:00 in Berlin


async def test_a_click_on_the_prep_line_unfolds_and_folds_it(demo_store, make_app):
    app = make_app(demo_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        body = app.screen.query_one("#prep-body")
        await pilot.click("#prep-summary")
        await pilot.pause()
        await _lane_worked_out(pilot)
        assert body.display and "Not updated yet (9)" in screen_text(app)
        assert body.size.height <= 24 * 2 // 5 + 1
        await pilot.click("#prep-summary")
        await pilot.pause()
        assert not body.display


async def test_the_prep_lane_follows_the_owner_filter(demo_store, make_app):
    """ctrl+g narrows the board to one owner's key results: the lane counts only theirs."""
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _lane_worked_out(pilot)
        summary = app.screen.query_one("#prep-summary", Static)
        assert "9 not updated" in summary.render().plain
        await pilot.press("ctrl+g", "down", "down", "down", "down", "enter")  # Dana
        await pilot.pause()
        await _lane_worked_out(pilot)
        assert "▸ l Prep lane · Mon 23 Nov: 2 not updated" in summary.render().plain


async def test_the_prep_lane_is_worked_out_after_the_board_is_drawn(
    demo_store, make_app, monkeypatch
):
    """Issue 19: the lane needs every key result's line and forecast, so the dashboard draws
    the board first and works the lane out in a worker; its line says "working out…" until
    then, and the board answers keys meanwhile."""
    release = hold_back_prep_lane(monkeypatch)
    app = make_app(demo_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        summary = app.screen.query_one("#prep-summary", Static)
        assert "▸ l Prep lane · Mon 23 Nov: working out…" in summary.render().plain
        assert "⇢ ▲ 0.7" in screen_text(app)  # the board's forecasts are there already
        board_widget = app.screen.query_one(ObjectiveBoard)
        first = board_widget.highlighted_kr_id
        await pilot.press("down")
        await pilot.pause()
        assert board_widget.highlighted_kr_id != first
        release.set()
        await _lane_worked_out(pilot)
        assert "▸ l Prep lane · Mon 23 Nov: 9 not updated" in summary.render().plain
