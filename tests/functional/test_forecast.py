"""The forecast on hand-made histories: the fitted line, its clamp, corrections, milestones,
and when the trend and the owner's confidence disagree."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from okr_tui.domain.forecast import OVERSHOOT, disagreement, forecast, warnings
from okr_tui.domain.models import CheckIn, Confidence, Cycle, KeyResult, KrType

# 2026-10-05 is a Monday; the cycle runs 84 days, to Sunday 2026-12-27.
CYCLE = Cycle(name="2026-Q4", start=date(2026, 10, 5), end=date(2026, 12, 27))
WEEK = timedelta(weeks=1)


def _kr(kr_type: KrType = KrType.INCREASE, baseline=0.0, target=100.0, owner="Dana") -> KeyResult:
    return KeyResult(
        cycle_id=CYCLE.id,
        objective_id="obj-1",
        title="Activation",
        kr_type=kr_type,
        baseline=baseline,
        target=target,
        owner=owner,
    )


def _history(kr: KeyResult, *values: float, confidence=Confidence.ON_TRACK) -> list[CheckIn]:
    return [
        CheckIn(
            cycle_id=CYCLE.id,
            kr_id=kr.id,
            meeting_date=CYCLE.start + week * WEEK,
            value=value,
            confidence=confidence,
            recorded_at=datetime(2026, 10, 5, 9, tzinfo=UTC) + week * WEEK,
        )
        for week, value in enumerate(values)
    ]


def test_a_steady_climb_is_read_at_the_cycle_end():
    kr = _kr()
    found = forecast(kr, CYCLE, _history(kr, 10, 20, 30))
    # 10 a week from 10 on 5 October: the line reads 10 + 83 days x 10/7 on 27 December.
    assert found.value == pytest.approx(10 + 83 * 10 / 7)
    assert found.score == 1.0
    assert found.value_on(date(2026, 10, 26)) == pytest.approx(40)


def test_a_flat_line_projects_where_it_stands():
    kr = _kr()
    found = forecast(kr, CYCLE, _history(kr, 34, 34, 34, 34))
    assert found.value == pytest.approx(34) and found.score == 0.3


def test_a_decrease_heads_down_to_its_score():
    kr = _kr(KrType.DECREASE, baseline=42, target=30)
    # Half a day less a week from 41: the line reads 35.07 on 27 December, 58% of the way.
    found = forecast(kr, CYCLE, _history(kr, 41, 40.5, 40, 39.5))
    assert found.value == pytest.approx(41 - 83 / 14)
    assert found.score == 0.6


def test_a_wild_week_is_clamped_to_half_the_span_beyond_the_target():
    kr = _kr()
    found = forecast(kr, CYCLE, _history(kr, 0, 1000))
    assert found.value == 100 + OVERSHOOT * 100
    falling = forecast(kr, CYCLE, _history(kr, 50, -900))
    assert falling.value == -OVERSHOOT * 100 and falling.score == 0.0


def test_only_the_last_six_meetings_and_effective_values_count():
    kr = _kr()
    history = _history(kr, 90, 80, 10, 20, 30, 40, 50, 60)  # a bad start, then steady
    correction = history[-1].model_copy(
        update={"id": "ci-fixed", "value": 70, "supersedes": history[-1].id}
    )
    found = forecast(kr, CYCLE, [*history, correction])
    assert [value for _, value in found.points] == [10, 20, 30, 40, 50, 70]
    assert found.slope_per_day > 0


def test_no_forecast_without_a_line_to_draw():
    kr = _kr()
    assert forecast(kr, CYCLE, _history(kr, 40)) is None
    milestone = _kr(KrType.MILESTONE, baseline=0, target=1)
    assert forecast(milestone, CYCLE, _history(milestone, 0, 0, 1)) is None


def test_the_trend_and_the_owner_disagreeing_is_worth_a_talk():
    kr = _kr()
    stuck = _history(kr, 10, 11, 12, confidence=Confidence.ON_TRACK)
    found = forecast(kr, CYCLE, stuck)
    assert disagreement(found, stuck[-1]) == "the trend says 0.2, Dana says on track: talk"
    flying = _history(kr, 30, 50, 70, confidence=Confidence.OFF_TRACK)
    said = disagreement(forecast(kr, CYCLE, flying), flying[-1])
    assert said == "the trend says 1.0, Dana says off track: talk"
    agreeing = _history(kr, 30, 50, 70, confidence=Confidence.ON_TRACK)
    assert disagreement(forecast(kr, CYCLE, agreeing), agreeing[-1]) is None
    other = _kr(owner="")
    assert warnings([kr, other], CYCLE, [*stuck, *_history(other, 60, 61)]) == [
        (kr, "the trend says 0.2, Dana says on track: talk")
    ]


async def test_the_kr_detail_shows_the_forecast_and_none_for_a_milestone(demo_store, make_app):
    from screen_reading import screen_text

    from okr_tui.domain.progress import value_text
    from okr_tui.screens.kr_detail import KeyResultDetailScreen

    cycle = demo_store.current_cycle()
    krs = demo_store.key_results(cycle.id)
    retention = next(kr for kr in krs if kr.title.startswith("Increase net revenue retention"))
    milestone = next(kr for kr in krs if kr.kr_type is KrType.MILESTONE)
    expected = forecast(retention, cycle, demo_store.check_ins(cycle.id, retention.id))
    app = make_app(demo_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.push_screen(KeyResultDetailScreen(retention.id))
        await pilot.pause()
        shown = screen_text(app)
        assert (
            f"forecast {value_text(retention, expected.value)} by 31 Dec · score "
            f"{expected.score:.1f}" in shown
        )
        app.pop_screen()
        await app.push_screen(KeyResultDetailScreen(milestone.id))
        await pilot.pause()
        assert "forecast " not in screen_text(app)
