"""A new key result's first check-in: no "-0%" and no change "since last meeting" it never had."""

from __future__ import annotations

from datetime import date, time

from test_walkthrough import Keys, shown, start_walk

from okr_tui.domain.models import Cycle, CycleState, KeyResult, KrType, Objective, Team
from okr_tui.domain.progress import progress


def new_decreasing_key_result(store) -> KeyResult:
    cycle = store.save_cycle(
        Cycle(
            name="2026-Q4",
            start=date(2026, 11, 16),
            end=date(2026, 12, 31),
            timezone="Europe/Berlin",
            meeting_weekday=0,
            meeting_time=time(9, 30),
            state=CycleState.ACTIVE,
        )
    )
    team = store.save_team(Team(name="Support", members=["Ada"], facilitator="Ada"))
    objective = store.save_objective(
        Objective(cycle_id=cycle.id, team_id=team.id, title="Answer faster")
    )
    return store.save_key_result(
        KeyResult(
            cycle_id=cycle.id,
            objective_id=objective.id,
            title="Cut first response time from 42 to 30 hours",
            kr_type=KrType.DECREASE,
            unit="hours",
            baseline=42,
            target=30,
        )
    )


def test_a_decreasing_key_result_at_its_baseline_has_made_no_progress_not_minus_zero(store):
    kr = new_decreasing_key_result(store)
    assert f"{progress(kr, 42):.0%}" == "0%"


async def test_the_first_check_in_of_a_decreasing_key_result_reads_from_its_baseline(
    store, make_app
):
    """It read "progress -0%" and "42 hours (±0 since last meeting)": there was no last
    meeting."""
    new_decreasing_key_result(store)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        keys = Keys(pilot)
        screen = await start_walk(keys)
        kr_text = shown(screen, "#walk-kr")
        assert "progress 0%" in kr_text and "-0%" not in kr_text
        preview = shown(screen, "#walk-preview")
        assert preview == "42 hours (first check-in, at the baseline)"
        await keys("ctrl+u", "4", "0")
        assert shown(screen, "#walk-preview") == (
            "40 hours (first check-in, -2 hours from the baseline)"
        )
