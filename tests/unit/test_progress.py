"""Progress, pace, scores and bands on the example OKRs, with fixed moments (never today)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr_tui.domain.models import (
    CheckIn,
    Confidence,
    Cycle,
    KeyResult,
    KrType,
    ObjectiveKind,
    Status,
)
from okr_tui.domain.progress import (
    Band,
    Pace,
    PaceStatus,
    band,
    confidence_change,
    current_value,
    effective_check_ins,
    expected_progress,
    format_value,
    history,
    latest_check_ins,
    objective_progress,
    objective_score,
    pace,
    pace_words,
    progress,
    rollup_confidence,
    round_score,
    suggested_score,
    value_delta,
)

# Q4 2026 in Berlin: local midnight is 22:00 UTC in October (CEST) and 23:00 UTC from 25 October
# (CET), so the cycle runs 2026-09-30 22:00 UTC to 2026-12-31 23:00 UTC: 92 days and 1 hour.
Q4 = Cycle(
    id="c1",
    name="Q4 2026",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    timezone="Europe/Berlin",
)
Q4_START = datetime(2026, 9, 30, 22, tzinfo=UTC)
Q4_MIDDLE = datetime(2026, 11, 15, 22, 30, tzinfo=UTC)  # 46 days 30 minutes in
Q4_END = datetime(2026, 12, 31, 23, tzinfo=UTC)


def key_result(title: str, kr_type: KrType = KrType.INCREASE, **fields) -> KeyResult:
    return KeyResult(cycle_id="c1", objective_id="o1", title=title, kr_type=kr_type, **fields)


def check_in(
    kr: KeyResult,
    meeting_day: int,
    value: float,
    confidence: Confidence = Confidence.ON_TRACK,
    recorded: datetime | None = None,
    **fields,
) -> CheckIn:
    """A check-in for the meeting `meeting_day` days after 1 October (4 is Monday 5 October)."""
    meeting = date.fromordinal(date(2026, 10, 1).toordinal() + meeting_day)
    return CheckIn(
        cycle_id="c1",
        kr_id=kr.id,
        meeting_date=meeting,
        value=value,
        confidence=confidence,
        recorded_at=recorded or datetime(meeting.year, meeting.month, meeting.day, 9, tzinfo=UTC),
        **fields,
    )


def activation() -> KeyResult:
    return key_result("Increase activation rate from 30% to 45%", unit="%", baseline=30, target=45)


def sales_cycle() -> KeyResult:
    return key_result(
        "Reduce average sales cycle from 42 days to 30 days",
        KrType.DECREASE,
        unit="days",
        baseline=42,
        target=30,
    )


def uptime() -> KeyResult:
    return key_result(
        "Uptime stays above 99.9%", KrType.STAY_ABOVE, unit="%", baseline=99.95, target=99.9
    )


def churn() -> KeyResult:
    return key_result(
        "Monthly churn stays below 4%", KrType.STAY_BELOW, unit="%", baseline=3.5, target=4
    )


def pilots() -> KeyResult:
    return key_result(
        "Run 2 self-serve pilots and reach a decision with evidence", KrType.MILESTONE
    )


# --- progress -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(30, 0.0), (37.5, 0.5), (45, 1.0), (20, 0.0), (60, 1.0), (33, 0.2)],
)
def test_progress_of_an_increasing_key_result_is_clamped(value: float, expected: float) -> None:
    assert progress(activation(), value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(42, 0.0), (36, 0.5), (30, 1.0), (50, 0.0), (25, 1.0), (39, 0.25)],
)
def test_progress_of_a_decreasing_key_result_counts_down(value: float, expected: float) -> None:
    assert progress(sales_cycle(), value) == pytest.approx(expected)


def test_progress_of_a_milestone_is_done_or_not() -> None:
    assert progress(pilots(), 0) == 0.0
    assert progress(pilots(), 0.9) == 0.0
    assert progress(pilots(), 1) == 1.0


def test_progress_of_stay_above_and_below_is_holding_the_line() -> None:
    assert progress(uptime(), 99.95) == 1.0
    assert progress(uptime(), 99.9) == 1.0
    assert progress(uptime(), 99.8) == 0.0
    assert progress(churn(), 3.2) == 1.0
    assert progress(churn(), 4) == 1.0
    assert progress(churn(), 4.3) == 0.0


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite, finite, finite, finite)
def test_progress_stays_within_0_and_1_and_is_monotonic(
    a: float, b: float, value: float, other: float
) -> None:
    if a == b:
        return
    low, high = sorted((a, b))
    small, large = sorted((value, other))
    increase = key_result("Increase x from low to high", baseline=low, target=high)
    decrease = key_result("Reduce x from high to low", KrType.DECREASE, baseline=high, target=low)
    for kr in (increase, decrease):
        assert 0.0 <= progress(kr, value) <= 1.0
    assert progress(increase, small) <= progress(increase, large)
    assert progress(decrease, small) >= progress(decrease, large)


@given(st.sampled_from([uptime(), churn(), pilots()]), finite)
def test_progress_of_other_types_stays_within_0_and_1(kr: KeyResult, value: float) -> None:
    assert progress(kr, value) in (0.0, 1.0)


# --- expected progress and pace -------------------------------------------------------------


def test_expected_progress_follows_the_cycle_in_local_time() -> None:
    assert expected_progress(Q4, Q4_START) == 0.0
    assert expected_progress(Q4, datetime(2026, 9, 30, 21, 59, tzinfo=UTC)) == 0.0
    # Midnight UTC on 1 October is already 02:00 in Berlin: two hours in, not zero.
    assert expected_progress(Q4, datetime(2026, 10, 1, tzinfo=UTC)) > 0.0
    assert expected_progress(Q4, Q4_MIDDLE) == 0.5
    # 23:00 on the last day in Berlin: the final hour is still to come.
    assert expected_progress(Q4, datetime(2026, 12, 31, 22, tzinfo=UTC)) < 1.0
    assert expected_progress(Q4, Q4_END) == 1.0
    assert expected_progress(Q4, datetime(2027, 2, 1, tzinfo=UTC)) == 1.0


def test_a_key_result_added_mid_cycle_is_paced_from_the_day_it_was_added() -> None:
    """Added on 16 November with half the quarter gone, it read "▼ behind, expected 50%" at
    once; its straight line now runs from that day (Berlin midnight) to the end."""
    at_nine = datetime(2026, 11, 16, 8, tzinfo=UTC)  # 09:00 in Berlin
    added = key_result("Lift activation", baseline=30, target=45, created_at=at_nine)
    planned = key_result("Lift activation", baseline=30, target=45)
    berlin_midnight = datetime(2026, 11, 15, 23, tzinfo=UTC)
    assert expected_progress(Q4, berlin_midnight, added) == 0.0
    assert expected_progress(Q4, at_nine, added) < 0.01
    assert expected_progress(Q4, at_nine, planned) > 0.5
    assert expected_progress(Q4, Q4_END, added) == 1.0
    # Halfway between 16 November 00:00 Berlin (23:00 UTC the 15th) and the end.
    halfway = datetime(2026, 12, 8, 23, tzinfo=UTC)
    assert expected_progress(Q4, halfway, added) == pytest.approx(0.5)
    assert pace(added, 30, Q4, at_nine).pace is Pace.ON_TRACK
    assert pace(planned, 30, Q4, at_nine).pace is Pace.BEHIND
    # Added before the cycle started: the whole cycle, as a planned one.
    early = key_result("x", created_at=datetime(2026, 9, 1, tzinfo=UTC))
    assert expected_progress(Q4, Q4_MIDDLE, early) == 0.5


def test_the_chart_of_a_key_result_added_mid_cycle_starts_in_its_first_week() -> None:
    from okr_tui.widgets.burn_up_chart import chart_data

    weekly = Q4.model_copy(update={"meeting_weekday": 0})
    added = key_result("x", baseline=0, target=100, created_at=datetime(2026, 11, 18, tzinfo=UTC))
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    points = chart_data(added, weekly, [], now).points
    assert [p.meeting.isoformat() for p in points] == [
        "2026-11-23",  # added on Wednesday the 18th: Monday the 16th was held before it
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
        "2026-12-28",
    ]
    assert points[0].expected > 0.0  # its line starts on the 18th
    # A check-in filed before the day it was added (an import, say) keeps its meeting.
    earlier = check_in(added, 39, 10.0)  # Monday 9 November
    points = chart_data(added, weekly, [earlier], now).points
    assert points[0].meeting.isoformat() == "2026-11-09" and points[0].value == 10.0


def test_expected_progress_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        expected_progress(Q4, datetime(2026, 11, 15, 12))


@pytest.mark.parametrize(
    ("value", "verdict", "gap"),
    [
        (45, Pace.AHEAD, 0.5),
        (37.5, Pace.ON_TRACK, 0.0),
        (36, Pace.ON_TRACK, -0.1),
        (31.5, Pace.BEHIND, -0.4),
    ],
)
def test_pace_of_an_increasing_key_result(value: float, verdict: Pace, gap: float) -> None:
    status = pace(activation(), value, Q4, Q4_MIDDLE)
    assert status.pace is verdict
    assert status.expected == 0.5
    assert status.gap == pytest.approx(gap)
    assert status.gap == pytest.approx(status.progress - status.expected)


def test_pace_of_a_decreasing_key_result_and_tolerance() -> None:
    assert pace(sales_cycle(), 36, Q4, Q4_MIDDLE) == PaceStatus(Pace.ON_TRACK, 0.5, 0.5, 0.0)
    assert pace(sales_cycle(), 39, Q4, Q4_MIDDLE).pace is Pace.BEHIND
    assert pace(sales_cycle(), 39, Q4, Q4_MIDDLE, tolerance=0.3).pace is Pace.ON_TRACK


def test_pace_of_a_milestone() -> None:
    late = datetime(2026, 12, 15, tzinfo=UTC)
    assert pace(pilots(), 0, Q4, Q4_START).pace is Pace.ON_TRACK
    assert pace(pilots(), 0, Q4, Q4_MIDDLE).pace is Pace.ON_TRACK
    assert pace(pilots(), 0, Q4, late).pace is Pace.BEHIND
    assert pace(pilots(), 1, Q4, Q4_MIDDLE).pace is Pace.AHEAD
    assert pace(pilots(), 1, Q4, Q4_END).pace is Pace.ON_TRACK


def test_pace_of_stay_above_and_below_is_holding_or_behind() -> None:
    assert pace(uptime(), 99.95, Q4, Q4_MIDDLE).pace is Pace.ON_TRACK
    assert pace(uptime(), 99.5, Q4, Q4_MIDDLE).pace is Pace.BEHIND
    assert pace(churn(), 3.1, Q4, Q4_START).pace is Pace.ON_TRACK
    assert pace(churn(), 4.6, Q4, Q4_START).pace is Pace.BEHIND


def test_pace_labels_read_as_words() -> None:
    assert [p.label for p in Pace] == ["ahead", "on track", "behind"]


def test_pace_words_measure_points_only_where_there_is_a_straight_line() -> None:
    """A milestone not due yet is "not done yet", never "50 pts behind" beside an on-track
    badge; a stay above/below holds its level or not."""
    late = datetime(2026, 12, 15, tzinfo=UTC)

    def words(kr: KeyResult, value: float, at: datetime = Q4_MIDDLE) -> str:
        return pace_words(kr, pace(kr, value, Q4, at))

    assert words(activation(), 31.5) == "40 pts behind"
    assert words(activation(), 42) == "30 pts ahead"
    assert words(activation(), 37.35) == "1 pt behind"  # not "1 pts"
    assert words(activation(), 37.65) == "1 pt ahead"
    assert words(activation(), 37.5) == "on the line"
    assert words(sales_cycle(), 36) == "on the line"
    assert words(pilots(), 0) == "not done yet"
    assert words(pilots(), 0, late) == "not done, late in the cycle"
    assert words(pilots(), 1) == "done"
    assert words(uptime(), 99.95) == "holding the level"
    assert words(churn(), 4.6, Q4_START) == "off the level"


# --- check-ins and corrections ----------------------------------------------------------------


def test_a_correction_replaces_the_check_in_it_supersedes() -> None:
    kr = sales_cycle()
    first = check_in(kr, 4, 40)
    typo = check_in(kr, 11, 63, Confidence.OFF_TRACK)
    fixed = check_in(
        kr,
        11,
        36,
        Confidence.AT_RISK,
        recorded=datetime(2026, 10, 12, 17, tzinfo=UTC),
        supersedes=typo.id,
    )
    check_ins = [fixed, typo, first]
    assert effective_check_ins(check_ins) == [first, fixed]
    assert history(kr.id, check_ins) == [first, fixed]
    assert current_value(kr, check_ins) == 36
    assert latest_check_ins(check_ins) == {kr.id: fixed}
    assert rollup_confidence([kr], check_ins) is Confidence.AT_RISK


def test_a_correction_of_a_correction_leaves_only_the_last() -> None:
    kr = activation()
    original = check_in(kr, 4, 33)
    second = check_in(
        kr, 4, 34, recorded=datetime(2026, 10, 5, 10, tzinfo=UTC), supersedes=original.id
    )
    third = check_in(
        kr, 4, 35, recorded=datetime(2026, 10, 5, 11, tzinfo=UTC), supersedes=second.id
    )
    assert effective_check_ins([third, original, second]) == [third]
    assert current_value(kr, [original, second, third]) == 35


def test_latest_is_by_meeting_date_before_time_recorded() -> None:
    kr = activation()
    this_week = check_in(kr, 11, 36)
    # Last week's figure typed in late must not displace this week's.
    last_week_late = check_in(kr, 4, 33, recorded=datetime(2026, 10, 13, 8, tzinfo=UTC))
    assert latest_check_ins([this_week, last_week_late])[kr.id] is this_week
    assert history(kr.id, [this_week, last_week_late]) == [last_week_late, this_week]


def test_current_value_before_any_check_in_is_the_baseline() -> None:
    assert current_value(sales_cycle(), []) == 42


def test_history_only_holds_the_one_key_result() -> None:
    sales, leads = sales_cycle(), activation()
    check_ins = [check_in(sales, 4, 40), check_in(leads, 4, 33), check_in(sales, 11, 38)]
    assert [c.value for c in history(sales.id, check_ins)] == [40, 38]


def test_confidence_change_and_value_delta_compare_the_last_two() -> None:
    kr = sales_cycle()
    assert confidence_change(kr.id, []) == 0
    assert value_delta(kr.id, []) is None
    week1 = check_in(kr, 4, 40, Confidence.ON_TRACK)
    assert confidence_change(kr.id, [week1]) == 0
    assert value_delta(kr.id, [week1]) is None
    week2 = check_in(kr, 11, 41, Confidence.AT_RISK)
    assert confidence_change(kr.id, [week1, week2]) == -1
    assert value_delta(kr.id, [week1, week2]) == 1
    week3 = check_in(kr, 18, 37, Confidence.ON_TRACK)
    assert confidence_change(kr.id, [week3, week1, week2]) == 1
    assert value_delta(kr.id, [week3, week1, week2]) == -4
    week4 = check_in(kr, 25, 36, Confidence.ON_TRACK)
    assert confidence_change(kr.id, [week1, week2, week3, week4]) == 0


# --- scores and bands --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.05, 0.1),
        (0.15, 0.2),
        (0.25, 0.3),
        (0.35, 0.4),
        (0.45, 0.5),
        (0.65, 0.7),
        (0.95, 1.0),
        (0.34, 0.3),
        (0.0, 0.0),
        (1.0, 1.0),
        (-0.2, 0.0),
        (1.3, 1.0),
    ],
)
def test_round_score_rounds_halves_up(value: float, expected: float) -> None:
    assert round_score(value) == expected


@pytest.mark.parametrize("value", [0.7 - 0.55, 1.15 - 0.8, 0.1 * 3.5, (37.8 - 42) / (30 - 42)])
def test_round_score_survives_float_noise(value: float) -> None:
    # 0.1499999999999999, 0.34999999999999987, 0.35000000000000003, 0.35000000000000026
    assert round_score(value) == round_score(round(value, 2))
    assert round_score(value) in (0.2, 0.4)


def test_round_score_refuses_nan() -> None:
    with pytest.raises(ValueError):
        round_score(float("nan"))


def test_suggested_score_is_rounded_progress_at_the_latest_value() -> None:
    kr = sales_cycle()
    assert suggested_score(kr, []) == 0.0
    assert suggested_score(kr, [check_in(kr, 4, 39), check_in(kr, 85, 36)]) == 0.5
    assert suggested_score(kr, [check_in(kr, 85, 37.8)]) == 0.4  # 0.35 rounds up
    milestone = pilots()
    assert suggested_score(milestone, [check_in(milestone, 85, 1)]) == 1.0


def test_suggested_score_of_stay_above_is_the_share_of_check_ins_that_held() -> None:
    kr = uptime()
    slip = check_in(kr, 25, 99.7, Confidence.AT_RISK)
    check_ins = [
        check_in(kr, 4, 99.95),
        check_in(kr, 11, 99.8, Confidence.AT_RISK),
        check_in(kr, 18, 99.92),
        slip,
        # The slip was a misreading; corrected, it held.
        check_in(
            kr, 25, 99.91, recorded=datetime(2026, 10, 26, 12, tzinfo=UTC), supersedes=slip.id
        ),
    ]
    assert suggested_score(kr, check_ins) == 0.8  # 3 of 4 held: 0.75 rounds up


def test_suggested_score_of_stay_below_without_check_ins_uses_the_baseline() -> None:
    assert suggested_score(churn(), []) == 1.0
    above = key_result("Monthly churn stays below 4%", KrType.STAY_BELOW, baseline=4.5, target=4)
    assert suggested_score(above, []) == 0.0


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Band.RED),
        (0.3, Band.RED),
        (0.34, Band.RED),
        (0.35, Band.YELLOW),
        (0.4, Band.YELLOW),
        (0.6, Band.YELLOW),
        (0.64, Band.YELLOW),
        (0.65, Band.GREEN),
        (0.7, Band.GREEN),
        (1.0, Band.GREEN),
    ],
)
@pytest.mark.parametrize("kind", [ObjectiveKind.ASPIRATIONAL, ObjectiveKind.LEARNING])
def test_band_of_a_stretch_goal(score: float, expected: Band, kind: ObjectiveKind) -> None:
    assert band(score, kind) is expected


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.0, Band.RED),
        (0.6, Band.RED),
        (0.64, Band.RED),
        (0.65, Band.YELLOW),
        (0.7, Band.YELLOW),
        (0.9, Band.YELLOW),
        (0.94, Band.YELLOW),
        (0.95, Band.GREEN),
        (1.0, Band.GREEN),
    ],
)
def test_band_of_a_committed_goal(score: float, expected: Band) -> None:
    assert band(score, ObjectiveKind.COMMITTED) is expected


def test_band_defaults_to_aspirational() -> None:
    assert band(0.7) is Band.GREEN


def test_bands_carry_a_shape_and_a_word_not_only_a_colour() -> None:
    assert len({b.symbol for b in Band}) == 3
    assert [b.label for b in Band] == ["miss", "partial", "success"]


def test_objective_score_is_the_weighted_mean_of_active_scored_key_results() -> None:
    leads = key_result(
        "Increase qualified leads per month from 120 to 200", baseline=120, target=200, weight=2
    )
    demos = key_result(
        "Improve demo-to-proposal conversion from 35% to 50%", baseline=35, target=50
    )
    retired = key_result(
        "Increase cold calls from 50 to 80",
        baseline=50,
        target=80,
        status=Status.RETIRED,
        retired_reason="outbound paused",
    )
    unscored = sales_cycle()
    krs = [leads, demos, retired, unscored]
    scores = {leads.id: 0.6, demos.id: 0.3, retired.id: 0.0}
    assert objective_score(krs, scores) == 0.5  # (2 * 0.6 + 0.3) / 3
    assert objective_score(krs, {}) is None
    assert objective_score(krs, {retired.id: 1.0}) is None
    assert objective_score([leads, demos], {leads.id: 0.7, demos.id: 0.6}) == 0.7  # 0.666...


def test_objective_progress_is_the_weighted_mean_progress_of_active_key_results() -> None:
    rate, cycle = activation(), sales_cycle()
    retired = key_result(
        "Increase cold calls from 50 to 80",
        baseline=50,
        target=80,
        status=Status.RETIRED,
        retired_reason="outbound paused",
    )
    heavy = key_result(
        "Improve trial-to-paid conversion from 6% to 10%", baseline=6, target=10, weight=2
    )
    check_ins = [check_in(rate, 4, 37.5), check_in(cycle, 4, 36), check_in(heavy, 4, 7)]
    assert objective_progress([rate, cycle, retired, heavy], check_ins) == pytest.approx(
        (0.5 + 0.5 + 2 * 0.25) / 4
    )
    assert objective_progress([rate], []) == 0.0
    assert objective_progress([retired], []) is None
    assert objective_progress([], []) is None


def test_rollup_confidence_is_the_worst_of_the_active_key_results() -> None:
    rate, cycle, leads = activation(), sales_cycle(), uptime()
    retired = key_result(
        "Increase cold calls from 50 to 80",
        baseline=50,
        target=80,
        status=Status.RETIRED,
        retired_reason="outbound paused",
    )
    assert rollup_confidence([rate, cycle], []) is None
    check_ins = [
        check_in(rate, 4, 33, Confidence.ON_TRACK),
        check_in(cycle, 4, 40, Confidence.AT_RISK),
        check_in(retired, 4, 50, Confidence.OFF_TRACK),
    ]
    assert rollup_confidence([rate, cycle, leads, retired], check_ins) is Confidence.AT_RISK
    check_ins.append(check_in(leads, 11, 99.5, Confidence.OFF_TRACK))
    assert rollup_confidence([rate, cycle, leads], check_ins) is Confidence.OFF_TRACK
    # Only the latest check-in of each key result counts: the sales cycle recovered.
    assert rollup_confidence([rate, cycle], [*check_ins, check_in(cycle, 11, 37)]) is (
        Confidence.ON_TRACK
    )


# --- display -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (45, "%", "45%"),
        (45.0, "%", "45%"),
        (1.2, "%", "1.2%"),
        (30, "days", "30 days"),
        (4.1, "s", "4.1 s"),
        (1200, "$", "$1,200"),
        (1200.5, "€", "€1,200.5"),
        (99.95, "%", "99.95%"),
        (-1200, "£", "-£1,200"),
        (1 / 3, "", "0.33"),
        (2.0, "", "2"),
        (1234567.891, "", "1,234,567.89"),
        (-0.001, "", "0"),
        (120, "leads", "120 leads"),
    ],
)
def test_format_value(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_expected_progress_accepts_the_clocks_pendulum_datetimes():
    """The store clock hands out pendulum DateTimes; the maths must take them as they are."""
    import pendulum

    from okr_tui.domain.models import Cycle
    from okr_tui.domain.progress import expected_progress

    cycle = Cycle(name="Q", start=date(2026, 10, 1), end=date(2026, 12, 31), timezone="UTC")
    halfway = pendulum.datetime(2026, 11, 15, 12, tz="UTC")
    assert expected_progress(cycle, halfway) == pytest.approx(0.5, abs=0.01)


def test_lazy_histories_shared_by_two_threads_load_once_and_agree():
    """The dashboard's prep lane worker reads every key result's check-ins (load_all) while the
    board looks up the ones it draws on the UI thread (issue 19): a lookup made during the
    worker's load waits for it instead of loading (and validating) again, and finds its entry
    as the whole cycle's histories have it, correction applied."""
    import threading

    from okr_tui.domain.progress import LazyHistories, histories

    first, second = activation(), key_result("Reach 40 paying teams")
    old = check_in(first, 4, 31.0)
    records = [
        old,
        check_in(first, 4, 32.0, supersedes=old.id),
        check_in(first, 11, 34.0),
        check_in(second, 4, 12.0),
    ]
    loads: list[list[str] | None] = []
    loading, go_on = threading.Event(), threading.Event()

    def load(kr_ids: list[str] | None) -> list[CheckIn]:
        loads.append(kr_ids)
        if kr_ids is None:  # the worker's load of the whole cycle: held until told
            loading.set()
            assert go_on.wait(10)
        return [c for c in records if kr_ids is None or c.kr_id in kr_ids]

    lazy = LazyHistories({c.kr_id for c in records}, {old.id}, load)
    worker = threading.Thread(target=lazy.load_all)
    worker.start()
    assert loading.wait(10)
    found: list[object] = []
    looker = threading.Thread(target=lambda: found.append(lazy.get(first.id)))
    looker.start()
    looker.join(0.2)
    assert looker.is_alive()  # waits for the worker's load
    go_on.set()
    worker.join(10)
    looker.join(10)
    expected = histories(records)
    assert found == [expected[first.id]]
    assert loads == [None]  # one load, the worker's
    assert dict(lazy.items()) == expected
