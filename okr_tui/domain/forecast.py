"""Where a key result is heading: a projected end-of-cycle value and the score it would earn.

The method, kept simple so a team can check it by hand: take the key result's effective check-in
of each of its last `WINDOW` meetings (at least two), fit a straight line through (day, value) by
least squares, and read it at the cycle's last day. The projected value is clamped to half the
baseline-to-target span beyond either end, so one wild week cannot project a value ten times the
target; the score is the progress of that value, rounded to a tenth like a suggested score.
Milestones have no trend to follow (done or not), so they get no forecast.

When the trend and the owner's confidence disagree (the trend earns 0.3 or less while the owner
says on track, or 0.7 or more while the owner says off track), the meeting should talk about it.
Pure: check-ins and the cycle come in, numbers come out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

from okr_tui.domain import progress
from okr_tui.domain.models import CheckIn, Confidence, Cycle, KeyResult, KrType

WINDOW = 6
"""Meetings the line is fitted over: recent enough to follow a change of pace, long enough not
to swing with one week."""
OVERSHOOT = 0.5
"""How far beyond baseline or target (as a share of the span) a projection may reach."""
LOW, HIGH = 0.3, 0.7


class Forecast(NamedTuple):
    # A NamedTuple, not a frozen dataclass: made at start-up, where a dataclass's generated
    # methods cost about 4 M instructions a type (issue 19).
    kr: KeyResult
    value: float
    """The projected value at the cycle's last day."""
    score: float
    """The score that value would earn, 0.0-1.0 to a tenth."""
    points: tuple[tuple[date, float], ...]
    """The (meeting day, value) pairs the line was fitted through, oldest first."""
    slope_per_day: float

    def value_on(self, day: date) -> float:
        """The fitted line's value on `day` (for drawing it), unclamped."""
        last_day, last_value = self.points[-1]
        return last_value + self.slope_per_day * (day - last_day).days


def _clamp(kr: KeyResult, value: float) -> float:
    """`value` held to half the baseline-to-target span beyond either end (see OVERSHOOT)."""
    if not kr.kr_type.has_line:
        return value
    span = abs(kr.target - kr.baseline)
    low = min(kr.baseline, kr.target) - OVERSHOOT * span
    high = max(kr.baseline, kr.target) + OVERSHOOT * span
    return min(max(value, low), high)


def _per_meeting(history: Iterable[CheckIn]) -> list[tuple[date, float]]:
    """The effective value at each meeting of a key result's `history` (its effective
    check-ins, oldest first), oldest first."""
    values: dict[date, float] = {}
    for check_in in history:
        values[check_in.meeting_date] = check_in.value  # history is oldest first: latest wins
    return list(values.items())  # in meeting order already, as the history is


def _least_squares(xs: list[int], ys: list[float]) -> tuple[float, float]:
    """(intercept, slope) of the line through the (x, y) points with the least squared error."""
    count = len(xs)
    mean_x = sum(xs) / count
    mean_y = sum(ys) / count
    spread = 0.0
    covariance = 0.0
    for x, y in zip(xs, ys, strict=True):
        spread += (x - mean_x) ** 2
        covariance += (x - mean_x) * (y - mean_y)
    if spread == 0:
        return mean_y, 0.0
    slope = covariance / spread
    return mean_y - slope * mean_x, slope


def forecast(kr: KeyResult, cycle: Cycle, check_ins: Iterable[CheckIn]) -> Forecast | None:
    """The projection of `kr` to the end of `cycle`, or None: a milestone, or fewer than two
    meetings with a check-in to draw a line through."""
    return _forecast_of(kr, cycle, progress.history(kr.id, check_ins))


def _forecast_of(kr: KeyResult, cycle: Cycle, history: list[CheckIn]) -> Forecast | None:
    """`forecast` from the key result's effective check-ins, oldest first."""
    if kr.kr_type is KrType.MILESTONE:
        return None
    points = _per_meeting(history)[-WINDOW:]
    if len(points) < 2:
        return None
    first = points[0][0].toordinal()
    intercept, slope = _least_squares(
        [day.toordinal() - first for day, _ in points], [value for _, value in points]
    )
    projected = _clamp(kr, intercept + slope * (cycle.end.toordinal() - first))
    score = progress.round_score(progress.progress(kr, projected))
    return Forecast(kr, projected, score, tuple(points), slope)


def disagreement(found: Forecast, latest: CheckIn | None) -> str | None:
    """What the meeting should talk about when the trend and the owner's confidence point
    different ways ("the trend says 0.3, Dana says on track: talk"), else None."""
    if latest is None or latest.confidence is None:
        return None
    who = found.kr.owner or "the owner"
    if found.score <= LOW and latest.confidence is Confidence.ON_TRACK:
        return f"the trend says {found.score:.1f}, {who} says on track: talk"
    if found.score >= HIGH and latest.confidence is Confidence.OFF_TRACK:
        return f"the trend says {found.score:.1f}, {who} says off track: talk"
    return None


def forecasts(
    key_results: Iterable[KeyResult],
    cycle: Cycle,
    check_ins: Iterable[CheckIn] | progress.Histories,
) -> dict[str, Forecast]:
    """Each key result's forecast by id (those without one left out), the check-ins sorted
    once for all of them: what the dashboard computes once per reload."""
    index = progress.histories(check_ins)
    found = {}
    for kr in key_results:
        projection = _forecast_of(kr, cycle, index.get(kr.id, []))
        if projection is not None:
            found[kr.id] = projection
    return found


def warnings(
    key_results: Iterable[KeyResult],
    cycle: Cycle,
    check_ins: Iterable[CheckIn] | progress.Histories,
    found: Mapping[str, Forecast] | None = None,
) -> list[tuple[KeyResult, str]]:
    """Each key result whose forecast disagrees with its latest confidence, with what to say
    (`found`: the forecasts already computed by `forecasts`, to reuse)."""
    key_results = list(key_results)
    index = progress.histories(check_ins)
    if found is None:
        found = forecasts(key_results, cycle, index)
    said_for = []
    for kr in key_results:
        projection = found.get(kr.id)
        # The latest confidence given: a value read from its source (okr pull) carries none.
        latest = next(
            (c for c in reversed(index.get(kr.id, ())) if c.confidence is not None), None
        )
        if projection is not None and (said := disagreement(projection, latest)):
            said_for.append((kr, said))
    return said_for
